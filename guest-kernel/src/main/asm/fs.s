# Files: the descriptor calls and the calls that name a path.
#
# File descriptors 0, 1 and 2 are the console (vconsole.s: a virtio console, else COM1). There is
# no file system yet: a path is checked, then not found.

.include "defs.inc"

.equ AT_EMPTY_PATH, 0x1000
.equ STAT_SIZE, 144
.equ PATH_MAX, 4096

.text
# console_fd(%rdi = fd) -> ZF clear if fd is an open console descriptor
.globl console_fd
console_fd:
    cmp $2, %rdi
    ja 1f
    mov %edi, %ecx
    mov $1, %eax
    shl %cl, %eax
    test open_console_fds(%rip), %al
    ret
1:  xor %eax, %eax                      # sets ZF
    ret

# read(fd, buf, count): from the console.
.globl sys_read
sys_read:
    push %rsi
    push %rdx
    call console_fd
    pop %rdx
    pop %rsi
    jz ebadf
    mov %rsi, %rdi
    mov %rdx, %rsi
    jmp vconsole_read

.globl sys_write
sys_write:
    push %rsi
    push %rdx
    call console_fd
    pop %rdx
    pop %rsi
    jz ebadf
    push %rbx
    push %r12
    push %rdi
    mov %rsi, %rbx
    mov %rdx, %r12
    mov %rsi, %rdi
    mov %rdx, %rsi
    xor %edx, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    mov %rbx, %rsi
    mov %r12, %rdx
    call vconsole_write
1:  pop %r12
    pop %rbx
    ret

# writev(fd, iov, iovcnt): all vectors are checked before any byte is written.
.globl sys_writev
sys_writev:
    push %rsi
    push %rdx
    call console_fd
    pop %rdx
    pop %rsi
    jz ebadf
    cmp $1024, %rdx                     # UIO_MAXIOV; also rejects negative counts
    ja einval
    push %rdi
    push %rbx
    push %r12
    push %r13
    mov %rsi, %rbx                      # iov
    mov %rdx, %r12                      # iovcnt
    mov %rsi, %rdi
    mov %rdx, %rsi
    shl $4, %rsi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 5f
    xor %r13d, %r13d                    # total
    xor %ecx, %ecx
1:  cmp %r12, %rcx
    je 2f
    mov %rcx, %rax
    shl $4, %rax
    mov (%rbx,%rax), %rdi
    mov 8(%rbx,%rax), %rsi
    add %rsi, %r13
    js 4f                               # the total must fit in ssize_t
    push %rcx
    xor %edx, %edx
    call user_range_ok
    pop %rcx
    test %rax, %rax
    jnz 5f
    inc %rcx
    jmp 1b
2:  mov 24(%rsp), %edi                 # fd
    mov %rbx, %rsi
    mov %r12, %rdx
    call vconsole_writev
    jmp 5f
4:  mov $-EINVAL, %rax
5:  pop %r13
    pop %r12
    pop %rbx
    pop %rdi
    ret

.globl sys_close
sys_close:
    call console_fd
    jz ebadf
    mov %edi, %ecx
    mov $1, %eax
    shl %cl, %eax
    not %eax
    and %al, open_console_fds(%rip)
    xor %eax, %eax
    ret

# fstat(fd, statbuf): the console is a character device, as a serial tty is (major 4).
.globl sys_fstat
sys_fstat:
    push %rsi
    call console_fd
    pop %rsi
    jz ebadf
    push %rbx
    mov %rsi, %rbx
    mov %rsi, %rdi
    mov $STAT_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov $(STAT_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    movq $1, 16(%rbx)                   # st_nlink
    movl $0x2190, 24(%rbx)              # st_mode: S_IFCHR | 0620
    movq $0x440, 40(%rbx)               # st_rdev: makedev(4, 64), ttyS0
    movq $1024, 56(%rbx)                # st_blksize
    xor %eax, %eax
1:  pop %rbx
    ret

# newfstatat(dirfd, path, statbuf, flags): only AT_EMPTY_PATH on a console descriptor exists.
.globl sys_newfstatat
sys_newfstatat:
    push %rdi
    push %rdx
    push %rcx
    mov %rsi, %rdi
    mov $PATH_MAX, %esi
    call user_strnlen
    pop %rcx
    pop %rdx
    pop %rdi
    test %rax, %rax
    js 1f
    jnz enoent
    test $AT_EMPTY_PATH, %ecx
    jz enoent
    mov %rdx, %rsi
    jmp sys_fstat
1:  ret

.globl sys_lseek
sys_lseek:
    call console_fd
    jz ebadf
    mov $-ESPIPE, %rax
    ret

.globl sys_ioctl
sys_ioctl:
    call console_fd
    jz ebadf
    mov $-ENOTTY, %rax
    ret

# Calls that name a path: the path is checked, then there is no file system to find it in.
# sys_path_at serves the *at calls, whose path is the second argument.
.globl sys_path_at
sys_path_at:
    mov %rsi, %rdi
.globl sys_path
sys_path:
    mov $PATH_MAX, %esi
    call user_strnlen
    test %rax, %rax
    js 1f
    mov $-ENOENT, %rax
1:  ret

.globl sys_getcwd
sys_getcwd:
    cmp $2, %rsi
    jb erange
    push %rdi
    mov $2, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    movw $0x002f, (%rdi)                # "/"
    mov $2, %eax
1:  ret

.section .data
open_console_fds: .byte 7
