# signalfd (Linux's fs/signalfd.c; docs/kernel.md, "Signals"): a file whose reads take the
# reader's pending signals of a mask, each as a struct signalfd_siginfo, instead of their being
# delivered (the program blocks them). The mask is the file's FILE_PRIVATE. A read with none
# pending waits on the I/O wait queue, which send_signal wakes while a signalfd exists; poll
# and epoll see it readable while one is pending.

.include "defs.inc"
.include "task.inc"
.include "file.inc"

.equ SFD_CLOEXEC,  O_CLOEXEC
.equ SFD_NONBLOCK, O_NONBLOCK
# struct signalfd_siginfo (128 bytes), the fields this kernel's siginfo can fill
.equ SSI_SIGNO,   0
.equ SSI_ERRNO,   4
.equ SSI_CODE,    8
.equ SSI_PID,     12
.equ SSI_UID,     16
.equ SSI_STATUS,  40
.equ SSI_INT,     44
.equ SSI_PTR,     48
.equ SSI_UTIME,   56
.equ SSI_STIME,   64
.equ SSI_ADDR,    72
.equ SSI_SIZE,    128
# the kernel siginfo's union (siginfo_t on x86-64)
.equ SI_VALUE,    24                    # rt and timers: the sigval
.equ SI_STATUS,   24                    # SIGCHLD: status, utime, stime
.equ SI_UTIME,    32
.equ SI_STIME,    40
.equ SIGMASK_FAULTS, (1 << (SIGILL - 1)) | (1 << (SIGTRAP - 1)) | (1 << (SIGBUS - 1)) | (1 << (SIGFPE - 1)) | (1 << (SIGSEGV - 1))

.text
# signalfd(fd, mask, sizemask): signalfd4 without flags
.globl sys_signalfd
sys_signalfd:
    xor %ecx, %ecx
# signalfd4(fd, mask, sizemask, flags): fd -1 makes a signalfd, else that signalfd's mask is
# replaced. SIGKILL and SIGSTOP are never in it. Linux's order of checks.
.globl sys_signalfd4
sys_signalfd4:
    test $~(SFD_CLOEXEC | SFD_NONBLOCK), %ecx
    jnz einval
    cmp $8, %rdx
    jne einval
    PUSH_REGS rbx, r12, r13
    mov %edi, %ebx                      # fd
    mov %rsi, %r12                      # mask
    mov %ecx, %r13d                     # flags
    mov %r12, %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%r12), %r12
    and $~SIGMASK_UNBLOCKABLE, %r12
    cmp $-1, %ebx
    je 1f
    mov %ebx, %edi                      # a signalfd's new mask
    call fd_file
    mov $-EBADF, %rcx
    test %rax, %rax
    jz 8f
    lea signalfd_ops(%rip), %rdx
    mov $-EINVAL, %rcx
    cmp %rdx, FILE_OPS(%rax)
    jne 8f
    mov %r12, FILE_PRIVATE(%rax)
    mov %ebx, %eax
    jmp 9f
1:  call obj_alloc                      # a zeroed struct file
    test %rax, %rax
    jz 7f
    mov %rax, %rbx
    lea signalfd_ops(%rip), %rax
    mov %rax, FILE_OPS(%rbx)
    movl $1, FILE_REFS(%rbx)
    mov %r13d, %eax
    and $SFD_NONBLOCK, %eax
    or $(O_RDONLY | O_LARGEFILE), %eax
    mov %eax, FILE_FLAGS(%rbx)
    mov %r12, FILE_PRIVATE(%rbx)
    xor %edi, %edi
    call fd_alloc
    test %rax, %rax
    js 6f
    push %rax
    mov %rax, %rdi
    mov %rbx, %rsi
    xor %edx, %edx
    test $SFD_CLOEXEC, %r13d
    setnz %dl
    call fd_install
    incl signalfds(%rip)
    pop %rax
    jmp 9f
6:  push %rax
    mov %rbx, %rdi
    call obj_free
    pop %rax
    jmp 9f
7:  mov $-ENFILE, %rax
    jmp 9f
8:  mov %rcx, %rax
9:  POP_REGS rbx, r12, r13
    ret

signalfd_release:
    decl signalfds(%rip)
    jmp obj_free

# signalfd_wake(): a signal became pending; a signalfd's reader or poller may want it
.globl signalfd_wake
signalfd_wake:
    cmpl $0, signalfds(%rip)
    jne io_wake_all
    ret

# signalfd_read(%rdi = file, %rsi = buf, %rdx = count): as many pending signals of the mask as
# the buffer holds, at least one: waits for one unless O_NONBLOCK (-EAGAIN); -EINVAL for a
# buffer smaller than one.
signalfd_read:
    PUSH_REGS rbx, r12, r13, r14
    sub $KSIGINFO_SIZE, %rsp
    mov %rdi, %r14
    mov %rsi, %r12
    mov $-EINVAL, %rax
    cmp $SSI_SIZE, %rdx
    jb 9f
    shr $7, %rdx                        # SSI_SIZE
    mov %rdx, %r13                      # how many fit
    xor %ebx, %ebx                      # bytes read
1:  mov FILE_PRIVATE(%r14), %rdi
    mov %rsp, %rsi
    call dequeue_signal
    test %eax, %eax
    jnz 3f
    test %rbx, %rbx
    jnz 8f
    mov %r14, %rdi
    call io_wait_file
    test %rax, %rax
    jz 1b
    jmp 9f
3:  lea (%r12,%rbx), %rdi              # a buffer it cannot write loses the signal, as on Linux
    mov $SSI_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 7f
    lea (%r12,%rbx), %rdi
    mov %rsp, %rsi
    call signalfd_siginfo
    add $SSI_SIZE, %rbx
    dec %r13
    jnz 1b
7:  test %rbx, %rbx
    jz 9f
8:  mov %rbx, %rax
9:  add $KSIGINFO_SIZE, %rsp
    POP_REGS rbx, r12, r13, r14
    ret

# signalfd_siginfo(%rdi = user struct signalfd_siginfo, %rsi = kernel siginfo): the fields its
# kind of siginfo has (Linux's signalfd_copyinfo), the others 0
signalfd_siginfo:
    PUSH_REGS rdi, rsi
    xor %eax, %eax
    mov $(SSI_SIZE / 8), %ecx
    rep stosq
    POP_REGS rdi, rsi
    mov SI_SIGNO(%rsi), %eax
    mov %eax, SSI_SIGNO(%rdi)
    mov SI_ERRNO(%rsi), %ecx
    mov %ecx, SSI_ERRNO(%rdi)
    mov SI_CODE(%rsi), %ecx
    mov %ecx, SSI_CODE(%rdi)
    test %ecx, %ecx                     # Linux's siginfo_layout:
    jz 4f                               # SI_USER: kill's
    js 1f
    cmp $SI_KERNEL, %ecx
    je 4f
    cmp $SIGCHLD, %eax
    je 3f
    lea -1(%rax), %edx
    mov $SIGMASK_FAULTS, %r8d
    bt %edx, %r8d
    jnc 4f
    mov SI_ADDR(%rsi), %rax             # a fault's: the address
    mov %rax, SSI_ADDR(%rdi)
    ret
1:  cmp $SI_TKILL, %ecx
    je 4f
    mov SI_VALUE(%rsi), %rax            # sigqueue's and the like: a sigval
    mov %eax, SSI_INT(%rdi)
    mov %rax, SSI_PTR(%rdi)
    jmp 4f
3:  mov SI_STATUS(%rsi), %eax           # a child's: status and times
    mov %eax, SSI_STATUS(%rdi)
    mov SI_UTIME(%rsi), %rax
    mov %rax, SSI_UTIME(%rdi)
    mov SI_STIME(%rsi), %rax
    mov %rax, SSI_STIME(%rdi)
4:  mov SI_PID(%rsi), %eax
    mov %eax, SSI_PID(%rdi)
    mov SI_UID(%rsi), %eax
    mov %eax, SSI_UID(%rdi)
    ret

# Readable while a signal of the mask is pending for the caller (Linux's signalfd_poll).
signalfd_poll:
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rcx
    mov T_PENDING(%rax), %rdx
    or P_PENDING(%rcx), %rdx
    xor %eax, %eax
    test FILE_PRIVATE(%rdi), %rdx
    jz 9f
    mov $(POLLIN | POLLRDNORM), %eax
9:  ret

.section .rodata
.p2align 3
signalfd_ops:
    .quad signalfd_read, 0, signalfd_poll, anon_inode_stat
    .quad 0, 0, signalfd_release, 0

.section .bss
.p2align 2
signalfds: .skip 4                      # open signalfd files: while there are any, sending wakes readers
