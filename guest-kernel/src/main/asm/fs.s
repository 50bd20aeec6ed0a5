# Files: the descriptor table, open files and their operations (file.inc), the calls on
# descriptors, and the calls that name a path.
#
# A descriptor points at an open file (struct file), which several descriptors may share (dup);
# every call reaches the file through its operations, so that other kinds of file (pipes,
# tmpfs files, a virtio console) plug in beside the console. The console is three open files,
# distinct objects with the same device behind them today (COM1): standard input (always at end
# of file), standard output and standard error. It is a character device that is not a
# terminal, as a container's streams are without a tty: TCGETS and the other terminal ioctls
# answer ENOTTY, lseek and the positioned calls ESPIPE.
#
# Paths are vfs.s's (lookup_at, the calls that name a path), the files they open tmpfs.s's.

.include "defs.inc"
.include "file.inc"
.include "tmpfs.inc"

.equ SEEK_MAX, 4
.equ AT_SYMLINK_NOFOLLOW, 0x100
.equ AT_EACCESS, 0x200
.equ AT_NO_AUTOMOUNT, 0x800
.equ AT_STATX_SYNC_TYPE, 0x6000
.equ STATX_RESERVED, 0x80000000
.equ STATX_BASIC_STATS, 0x7ff
.equ STATX_SIZE, 256
.equ F_DUPFD, 0
.equ F_GETFD, 1
.equ F_SETFD, 2
.equ F_GETFL, 3
.equ F_SETFL, 4
.equ F_GETLK, 5
.equ F_SETLKW, 7
.equ F_SETOWN, 8
.equ F_GETOWN, 9
.equ F_SETSIG, 10
.equ F_GETSIG, 11
.equ F_OFD_GETLK, 36
.equ F_OFD_SETLKW, 38
.equ F_SETLEASE, 1024
.equ F_GETLEASE, 1025
.equ F_DUPFD_CLOEXEC, 1030
.equ F_SETPIPE_SZ, 1031
.equ F_GETPIPE_SZ, 1032
.equ F_UNLCK, 2
.equ X_OK, 1
.equ LOCK_SH, 1
.equ LOCK_EX, 2
.equ LOCK_NB, 4
.equ LOCK_UN, 8
.equ FIONBIO, 0x5421
.equ FIONCLEX, 0x5450
.equ FIOCLEX, 0x5451
.equ FIOASYNC, 0x5452
.equ CLOSE_RANGE_UNSHARE, 2
.equ CLOSE_RANGE_CLOEXEC, 4

.text
# files_init(): descriptors 0, 1 and 2 are the console's three streams.
.globl files_init
files_init:
    lea init_files(%rip), %rax
    lea console_stdin(%rip), %rcx
    mov %rcx, FILES_FD(%rax)
    lea console_stdout(%rip), %rcx
    mov %rcx, FILES_FD + 8(%rax)
    lea console_stderr(%rip), %rcx
    mov %rcx, FILES_FD + 16(%rax)
    movq $NR_OPEN_DEFAULT, FILES_MAX_FDS(%rax)
    ret

# files_fork(): a new process has a copy of this one's descriptor table (fork.s): every open
# file gains its references.
.globl files_fork
files_fork:
    mov current_files(%rip), %rax
    mov FILES_MAX_FDS(%rax), %rcx
1:  dec %rcx
    js 9f
    mov FILES_FD(%rax,%rcx,8), %rdx
    test %rdx, %rdx
    jz 1b
    incl FILE_REFS(%rdx)
    jmp 1b
9:  ret

# files_close_all(): the process ends: every descriptor is closed. files_close_on_exec():
# execve: those marked close-on-exec.
.globl files_close_all, files_close_on_exec
files_close_all:
    xor %esi, %esi
    jmp 1f
files_close_on_exec:
    mov $1, %esi
1:  PUSH_REGS rbx, r12
    mov %esi, %r12d
    xor %ebx, %ebx
2:  mov current_files(%rip), %rax
    cmp FILES_MAX_FDS(%rax), %rbx
    jae 9f
    cmpq $0, FILES_FD(%rax,%rbx,8)
    je 3f
    test %r12d, %r12d
    jz 4f
    bt %rbx, FILES_CLOEXEC(%rax)
    jnc 3f
4:  mov %rbx, %rdi
    call fd_close
3:  inc %rbx
    jmp 2b
9:  POP_REGS rbx, r12
    ret

# ---- The descriptor table --------------------------------------------------------------------
# fd_file(%edi = fd) -> %rax: the open file, or 0. Changes only %rax and %rcx.
.globl fd_file
fd_file:
    mov %edi, %ecx                      # descriptors are unsigned int: the upper half is ignored
    mov current_files(%rip), %rax
    cmp FILES_MAX_FDS(%rax), %rcx
    jae 1f
    mov FILES_FD(%rax,%rcx,8), %rax
    ret
1:  xor %eax, %eax
    ret

.globl fd_alloc
# fd_alloc(%rdi = lowest) -> %rax: the lowest free descriptor from there, or -EMFILE past
# RLIMIT_NOFILE's soft limit. As Linux's alloc_fd, the search starts at next_fd.
.globl fd_alloc
fd_alloc:
    mov rlimits + RLIMIT_NOFILE * RLIMIT_SIZE(%rip), %rdx
    mov current_files(%rip), %rcx
    mov %rdi, %rax
    cmp FILES_NEXT_FD(%rcx), %rax
    jae 1f
    mov FILES_NEXT_FD(%rcx), %rax
1:  cmp %rdx, %rax
    jae 2f
    cmpq $0, FILES_FD(%rcx,%rax,8)
    je 3f
    inc %rax
    jmp 1b
2:  mov $-EMFILE, %rax
    ret
3:  cmp FILES_NEXT_FD(%rcx), %rdi
    ja 4f
    lea 1(%rax), %rdx
    mov %rdx, FILES_NEXT_FD(%rcx)
4:  ret

# fd_install(%rdi = fd, %rsi = file, %edx = close-on-exec): the descriptor now names the file
# (whose reference the caller has taken). The table grows as Linux's alloc_fdtable sizes it.
.globl fd_install
fd_install:
    mov current_files(%rip), %rax
    mov %rsi, FILES_FD(%rax,%rdi,8)
    btr %rdi, FILES_CLOEXEC(%rax)
    test %edx, %edx
    jz 1f
    bts %rdi, FILES_CLOEXEC(%rax)
1:  cmp FILES_MAX_FDS(%rax), %rdi
    jb 3f
    mov %rdi, %rcx                      # roundup_pow_of_two(fd / 128 + 1) * 128
    shr $7, %rcx
    mov $1, %edx
2:  cmp %rcx, %rdx
    ja 4f
    shl $1, %rdx
    jmp 2b
4:  shl $7, %rdx
    mov %rdx, FILES_MAX_FDS(%rax)
3:  ret

# fd_dup(%rdi = file, %rsi = lowest, %edx = close-on-exec) -> %rax: a new descriptor for the
# file, or -EMFILE
fd_dup:
    PUSH_REGS rdi, rdx
    mov %rsi, %rdi
    call fd_alloc
    POP_REGS rsi, rdx
    test %rax, %rax
    js 1f
    incl FILE_REFS(%rsi)
    push %rax
    mov %rax, %rdi
    call fd_install
    pop %rax
1:  ret

# file_put(%rdi = file): one descriptor fewer; the last one releases the file.
.globl file_put
file_put:
    decl FILE_REFS(%rdi)
    jnz 1f
    mov FILE_OPS(%rdi), %rax
    mov FOP_RELEASE(%rax), %rax
    test %rax, %rax
    jz 1f
    jmp *%rax
1:  ret

# fd_close(%rdi = fd, already known to be open)
fd_close:
    mov current_files(%rip), %rax
    cmp FILES_NEXT_FD(%rax), %rdi
    jae 1f
    mov %rdi, FILES_NEXT_FD(%rax)
1:  btr %rdi, FILES_CLOEXEC(%rax)
    xor %ecx, %ecx
    xchg %rcx, FILES_FD(%rax,%rdi,8)
    mov %rcx, %rdi
# file_close(%rdi = file): a descriptor of it is closed: the process's record locks on its file
# go (POSIX), then the descriptor's reference
file_close:
    push %rdi
    call locks_fd_closed
    pop %rdi
    jmp file_put

.globl sys_close
sys_close:
    call fd_file
    test %rax, %rax
    jz ebadf
    mov %ecx, %edi
    call fd_close
    xor %eax, %eax
    ret

# close_range(first, last, flags): CLOSE_RANGE_UNSHARE is a no-op for a process whose table
# is its own.
.globl sys_close_range
sys_close_range:
    test $~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC), %edx
    jnz einval
    mov %edi, %edi
    mov %esi, %esi
    cmp %rsi, %rdi
    ja einval
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %edx, %r13d
1:  mov current_files(%rip), %rax
    cmp FILES_MAX_FDS(%rax), %rbx
    jae 3f
    cmpq $0, FILES_FD(%rax,%rbx,8)
    je 2f
    test $CLOSE_RANGE_CLOEXEC, %r13d
    jz 4f
    bts %rbx, FILES_CLOEXEC(%rax)
    jmp 2f
4:  mov %rbx, %rdi
    call fd_close
2:  inc %rbx
    cmp %r12, %rbx
    jbe 1b
3:  POP_REGS rbx, r12, r13
    xor %eax, %eax
    ret

.globl sys_dup
sys_dup:
    call fd_file
    test %rax, %rax
    jz ebadf
    mov %rax, %rdi
    xor %esi, %esi
    xor %edx, %edx
    jmp fd_dup

.globl sys_dup2
sys_dup2:
    cmp %esi, %edi
    jne 1f
    call fd_file                        # dup2(fd, fd): fd if it is open
    test %rax, %rax
    jz ebadf
    mov %edi, %eax
    ret
1:  xor %edx, %edx
.globl sys_dup3
sys_dup3:
    test $~O_CLOEXEC, %edx
    jnz einval
    mov %esi, %esi
    cmp %esi, %edi
    je einval
    cmp rlimits + RLIMIT_NOFILE * RLIMIT_SIZE(%rip), %rsi
    jae ebadf
    call fd_file
    test %rax, %rax
    jz ebadf
    incl FILE_REFS(%rax)
    push %rsi                           # the result
    mov current_files(%rip), %rcx
    xor %edi, %edi
    cmp FILES_MAX_FDS(%rcx), %rsi
    jae 1f
    mov FILES_FD(%rcx,%rsi,8), %rdi     # what the descriptor held, closed after the switch
1:  push %rdi
    mov %rsi, %rdi
    mov %rax, %rsi
    shr $19, %edx                       # O_CLOEXEC is bit 19
    call fd_install
    pop %rdi
    test %rdi, %rdi
    jz 2f
    call file_close
2:  pop %rax
    ret

.globl sys_fcntl
sys_fcntl:
    call fd_file
    test %rax, %rax
    jz ebadf
    cmp $F_DUPFD, %esi
    je 1f
    cmp $F_DUPFD_CLOEXEC, %esi
    je 1f
    cmp $F_GETFD, %esi
    je 3f
    cmp $F_SETFD, %esi
    je 4f
    cmp $F_GETFL, %esi
    je 5f
    cmp $F_SETFL, %esi
    je 6f
    cmp $F_GETLEASE, %esi
    je 7f
    cmp $F_SETPIPE_SZ, %esi             # not a pipe
    je ebadf
    cmp $F_GETPIPE_SZ, %esi
    je ebadf
    cmp $F_GETOWN, %esi
    je 10f
    cmp $F_SETOWN, %esi
    je 11f
    cmp $F_GETSIG, %esi
    je 12f
    cmp $F_SETSIG, %esi
    je 13f
    mov %rax, %rdi
    cmp $F_GETLK, %esi
    jb einval
    cmp $F_SETLKW, %esi
    jbe fcntl_lock
    cmp $F_OFD_GETLK, %esi
    jb einval
    cmp $F_OFD_SETLKW, %esi
    jbe fcntl_lock
    jmp einval                          # F_SETLEASE (not a regular file), seals, unknown commands
1:  mov %edx, %edx                      # F_DUPFD(_CLOEXEC): the lowest is an int
    cmp rlimits + RLIMIT_NOFILE * RLIMIT_SIZE(%rip), %rdx
    jae einval
    cmp $F_DUPFD, %esi
    mov %rax, %rdi
    mov %rdx, %rsi
    setne %dl
    movzbl %dl, %edx
    jmp fd_dup
3:  mov current_files(%rip), %rax
    bt %rcx, FILES_CLOEXEC(%rax)
    setc %al
    movzbl %al, %eax
    ret
4:  mov current_files(%rip), %rax
    btr %rcx, FILES_CLOEXEC(%rax)
    test $FD_CLOEXEC, %dl
    jz 8f
    bts %rcx, FILES_CLOEXEC(%rax)
8:  xor %eax, %eax
    ret
5:  mov FILE_FLAGS(%rax), %eax
    ret
6:  mov %rax, %rdi
    mov %edx, %esi
    jmp file_setfl
7:  mov $F_UNLCK, %eax
    ret
10: movslq FILE_OWNER(%rax), %rax       # a process group as its negative
    ret
11: cmp $0x80000000, %edx               # F_SETOWN: this process (1) or its group (-1), or none
    je einval
    test %edx, %edx
    jz 14f
    cmp $1, %edx
    je 14f
    cmp $-1, %edx
    jne esrch
14: mov %edx, FILE_OWNER(%rax)
    xor %eax, %eax
    ret
12: mov FILE_SIGNUM(%rax), %eax
    ret
13: cmp $NSIG, %edx                     # F_SETSIG: 0 (SIGIO) or a signal
    ja einval
    mov %edx, FILE_SIGNUM(%rax)
    xor %eax, %eax
    ret

# file_setfl(%rdi = file, %esi = flags): F_SETFL. O_DIRECT needs a file that can do direct I/O
# (none can yet).
file_setfl:
    test $O_DIRECT, %esi
    jnz einval
    and $SETFL_MASK, %esi
    mov FILE_FLAGS(%rdi), %eax
    and $~SETFL_MASK, %eax
    or %esi, %eax
    mov %eax, FILE_FLAGS(%rdi)
    xor %eax, %eax
    ret

# file_mmap(%edi = fd, %edx = prot, %ecx = flags) -> %rax: mmap's answer for a file mapping
# while no file can be mapped: EBADF, EACCES for access the descriptor lacks (a private mapping
# needs read access, a shared writable one write access too), EINVAL without a mapping type,
# else ENODEV.
.globl file_mmap
file_mmap:
    push %rcx
    call fd_file
    pop %rcx
    test %rax, %rax
    jz ebadf
    mov FILE_FLAGS(%rax), %eax
    inc %eax                            # OPEN_FMODE: bit 0 readable, bit 1 writable
    and $3, %ecx                        # MAP_SHARED 1, MAP_PRIVATE 2, MAP_SHARED_VALIDATE 3
    jz einval
    cmp $2, %ecx
    je 1f
    test $2, %dl                        # PROT_WRITE, shared
    jz 1f
    test $2, %al
    jz eacces
1:  test $1, %al
    jz eacces
    mov $-ENODEV, %rax
    ret

# ---- Reading and writing -----------------------------------------------------------------------
# rw_file(%rdi = file, %rsi = buffer, %rdx = count, %rcx = offset pointer, %r8 = 0 read, 1 write):
# Linux's vfs_read/vfs_write checks, then the file's operation.
rw_file:
    mov FILE_FLAGS(%rdi), %eax
    inc %eax                            # OPEN_FMODE: bit 0 readable, bit 1 writable
    bt %r8d, %eax
    jnc ebadf
    mov FILE_OPS(%rdi), %rax
    mov (%rax,%r8,8), %r9               # FOP_READ or FOP_WRITE
    test %r9, %r9
    jz einval
    mov %rsi, %rax                      # access_ok: the buffer lies in user space
    add %rdx, %rax
    jc efault
    movabs $USER_TOP, %r10
    cmp %r10, %rax
    ja efault
    mov $MAX_RW_COUNT, %eax
    cmp %rax, %rdx
    cmova %rax, %rdx
    jmp *%r9

.globl sys_read
sys_read:
    xor %r8d, %r8d
    jmp 1f
.globl sys_write
sys_write:
    mov $1, %r8d
1:  call fd_file
    test %rax, %rax
    jz ebadf
    mov %rax, %rdi
    lea FILE_POS(%rax), %rcx
    jmp rw_file

# pread64/pwrite64(fd, buf, count, offset): on a file that can seek, at that offset.
.globl sys_pread64
sys_pread64:
    xor %r8d, %r8d
    jmp 1f
.globl sys_pwrite64
sys_pwrite64:
    mov $1, %r8d
1:  test %rcx, %rcx
    js einval
    mov %rcx, %r11                      # fd_file changes %rcx
    call fd_file
    test %rax, %rax
    jz ebadf
    mov FILE_OPS(%rax), %r9
    cmpq $0, FOP_LSEEK(%r9)
    je espipe
    mov %rax, %rdi
    push %r11                           # the offset lives here while the operation moves it
    mov %rsp, %rcx
    call rw_file
    pop %rcx
    ret

# readv/writev(fd, iov, iovcnt)
.globl sys_readv
sys_readv:
    xor %r8d, %r8d
    jmp 1f
.globl sys_writev
sys_writev:
    mov $1, %r8d
1:  call fd_file
    test %rax, %rax
    jz ebadf
    mov %rax, %rdi
    lea FILE_POS(%rax), %rcx
    jmp rw_vector

# preadv/pwritev(fd, iov, iovcnt, pos_l, pos_h): on x86-64 the offset is pos_l.
.globl sys_preadv
sys_preadv:
    xor %r8d, %r8d
    jmp 1f
.globl sys_pwritev
sys_pwritev:
    mov $1, %r8d
1:  test %rcx, %rcx
    js einval
    mov %rcx, %r11                      # fd_file changes %rcx
    call fd_file
    test %rax, %rax
    jz ebadf
    mov FILE_OPS(%rax), %r9
    cmpq $0, FOP_LSEEK(%r9)
    je espipe
    mov %rax, %rdi
    push %r11
    mov %rsp, %rcx
    call rw_vector
    pop %rcx
    ret

# rw_vector(%rdi = file, %rsi = iov, %rdx = iovcnt, %rcx = offset pointer, %r8 = 0 read,
# 1 write): as Linux's import_iovec (every vector checked first: EINVAL for a negative length,
# EFAULT outside user space; the total is cut at MAX_RW_COUNT), then the operation once per
# vector until one moves less than asked (the bytes so far, or its error if there were none).
# A write's vectors must be readable before the first byte goes.
rw_vector:
    mov FILE_FLAGS(%rdi), %eax
    inc %eax
    bt %r8d, %eax
    jnc ebadf
    mov FILE_OPS(%rdi), %rax
    mov (%rax,%r8,8), %r9
    test %r9, %r9
    jz einval
    cmp $UIO_MAXIOV, %rdx
    ja einval
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov %rdi, %rbx                      # file
    mov %rsi, %r12                      # iov
    mov %rcx, %r14                      # offset pointer
    mov %r9, %r15                       # operation
    shl $4, %rdx
    lea (%rsi,%rdx), %r13               # end of the iov array
    mov %r8, %rbp                       # 1: writing
    mov %rsi, %rdi
    mov %rdx, %rsi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    push %r12
1:  cmp %r13, %r12
    je 2f
    mov 8(%r12), %rsi
    test %rsi, %rsi
    js 61f
    mov (%r12), %rdi
    mov %rsi, %rax
    add %rdi, %rax
    jc 51f
    movabs $USER_TOP, %rcx
    cmp %rcx, %rax
    ja 51f
    test %rbp, %rbp                     # the bytes to write are all readable first, so that a
    jz 11f                              # fault writes nothing, as on a pipe or a terminal
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 51f
11: add $16, %r12
    jmp 1b
51: pop %r12
    jmp 5f
61: pop %r12
    jmp 6f
2:  pop %r12
    xor %ebp, %ebp                      # bytes moved
3:  cmp %r13, %r12
    je 8f
    mov 8(%r12), %rdx
    mov $MAX_RW_COUNT, %eax
    sub %rbp, %rax
    cmp %rax, %rdx
    cmova %rax, %rdx
    push %rdx
    mov %rbx, %rdi
    mov (%r12), %rsi
    mov %r14, %rcx
    call *%r15
    pop %rdx
    test %rax, %rax
    js 7f
    add %rax, %rbp
    cmp %rdx, %rax
    jne 8f
    add $16, %r12
    jmp 3b
5:  mov $-EFAULT, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  test %rbp, %rbp
    jz 9f
8:  mov %rbp, %rax
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# io_buffer_ok(%rdi = buffer, %rsi = length, %edx = 1 to write into it) -> %rax: 0 or -EFAULT.
# What a file operation checks its buffer with: user memory, or the kernel's own buffer while
# sendfile moves data between two files through it (sendfile_buffer, one CPU, never preempted).
.globl io_buffer_ok
io_buffer_ok:
    lea sendfile_buffer(%rip), %rax
    cmp %rax, %rdi
    jne user_range_ok
    cmpb $0, sendfile_active(%rip)
    je user_range_ok
    xor %eax, %eax
    ret

# sendfile(out_fd, in_fd, offset, count): Linux's checks (do_sendfile), then the input file's read
# and the output file's write through a kernel buffer, a page at a time, until count bytes have
# moved or a read comes back short.
.globl sys_sendfile
sys_sendfile:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    sub $8, %rsp                        # the offset, when one is given
    mov %edi, %r15d                     # out_fd
    mov %rdx, %r13                      # offset pointer
    mov %rcx, %r14                      # count
    mov %esi, %ebx                      # in_fd
    test %r13, %r13                     # the offset is read first
    jz 1f
    mov %r13, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%r13), %rax
    mov %rax, (%rsp)
1:  mov %ebx, %edi
    call fd_file
    mov %rax, %rbx
    test %rbx, %rbx
    jz 81f
    mov FILE_FLAGS(%rbx), %eax
    inc %eax
    test $1, %al                        # readable
    jz 81f
    lea FILE_POS(%rbx), %r12            # the input's offset
    test %r13, %r13
    jz 1f
    mov FILE_OPS(%rbx), %rax
    cmpq $0, FOP_LSEEK(%rax)
    je 82f
    mov %rsp, %r12
    cmpq $0, (%rsp)
    jl 83f
1:  test %r14, %r14
    js 83f
    mov $MAX_RW_COUNT, %eax
    cmp %rax, %r14
    cmova %rax, %r14
    mov %r15d, %edi
    call fd_file
    mov %rax, %r15                      # the output
    test %r15, %r15
    jz 81f
    mov FILE_FLAGS(%r15), %eax
    inc %eax
    test $2, %al                        # writable
    jz 81f
    testl $O_APPEND, FILE_FLAGS(%r15)   # Linux's do_splice_direct refuses an appending output
    jnz 83f
    mov FILE_OPS(%rbx), %rax
    cmpq $0, FOP_READ(%rax)
    je 83f
    mov FILE_OPS(%r15), %rax
    cmpq $0, FOP_WRITE(%rax)
    je 83f
    xor %ebp, %ebp                      # bytes moved
    movb $1, sendfile_active(%rip)
2:  cmp %r14, %rbp
    jae 7f
    mov %r14, %rdx
    sub %rbp, %rdx
    mov $PAGE_SIZE, %eax
    cmp %rax, %rdx
    cmova %rax, %rdx
    mov %rbx, %rdi
    lea sendfile_buffer(%rip), %rsi
    mov %r12, %rcx
    mov FILE_OPS(%rbx), %rax
    push %rdx
    call *FOP_READ(%rax)
    pop %rdx
    test %rax, %rax
    jle 6f
    PUSH_REGS rdx, rax
    mov %r15, %rdi
    lea sendfile_buffer(%rip), %rsi
    mov %rax, %rdx
    lea FILE_POS(%r15), %rcx
    mov FILE_OPS(%r15), %rax
    call *FOP_WRITE(%rax)
    pop %rcx                            # read
    pop %rdx                            # asked
    test %rax, %rax
    js 6f
    add %rax, %rbp
    cmp %rcx, %rax
    jb 7f
    cmp %rdx, %rcx
    jb 7f
    jmp 2b
6:  test %rbp, %rbp                     # an error after some bytes: the bytes
    jnz 7f
    test %rax, %rax
    jnz 8f
7:  mov %rbp, %rax
8:  movb $0, sendfile_active(%rip)
    test %r13, %r13
    jz 9f
    cmp %rsp, %r12
    jne 9f
    mov (%rsp), %rcx                    # the offset moves; the file's does not
    mov %rcx, (%r13)
    jmp 9f
81: mov $-EBADF, %rax
    jmp 9f
82: mov $-ESPIPE, %rax
    jmp 9f
83: mov $-EINVAL, %rax
9:  add $8, %rsp
    POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

.globl sys_lseek
sys_lseek:
    call fd_file
    test %rax, %rax
    jz ebadf
    cmp $SEEK_MAX, %edx
    ja einval
    mov FILE_OPS(%rax), %r9
    mov FOP_LSEEK(%r9), %r9
    test %r9, %r9
    jz espipe
    mov %rax, %rdi
    jmp *%r9

# ioctl(fd, cmd, arg): the commands Linux serves for every file (do_vfs_ioctl), then the file's.
.globl sys_ioctl
sys_ioctl:
    call fd_file
    test %rax, %rax
    jz ebadf
    cmp $FIOCLEX, %esi
    je 1f
    cmp $FIONCLEX, %esi
    je 2f
    cmp $FIONBIO, %esi
    je 3f
    cmp $FIOASYNC, %esi
    je 5f
    mov FILE_OPS(%rax), %r9
    mov FOP_IOCTL(%r9), %r9
    test %r9, %r9
    jz enotty
    mov %rax, %rdi
    jmp *%r9
1:  mov current_files(%rip), %rax
    bts %rcx, FILES_CLOEXEC(%rax)
    xor %eax, %eax
    ret
2:  mov current_files(%rip), %rax
    btr %rcx, FILES_CLOEXEC(%rax)
    xor %eax, %eax
    ret
3:  push %rax                           # FIONBIO(int *on): O_NONBLOCK on or off
    call read_user_int
    pop %rdi
    test %rax, %rax
    jnz 4f
    andl $~O_NONBLOCK, FILE_FLAGS(%rdi)
    test %edx, %edx
    jz 4f
    orl $O_NONBLOCK, FILE_FLAGS(%rdi)
4:  ret
5:  push %rax                           # FIOASYNC(int *on): needs the file's fasync (none has one)
    call read_user_int
    pop %rdi
    test %rax, %rax
    jnz 6f
    test %edx, %edx
    setnz %dl
    movzbl %dl, %edx
    mov FILE_FLAGS(%rdi), %ecx
    shr $13, %ecx                       # O_FASYNC is bit 13
    and $1, %ecx
    cmp %ecx, %edx
    jne enotty
6:  ret

# read_user_int(%rdx = user pointer) -> %rax = 0 and %edx = the int there, or %rax = -EFAULT
read_user_int:
    push %rdx
    mov %rdx, %rdi
    mov $4, %esi
    xor %edx, %edx
    call user_range_ok
    pop %rdx
    test %rax, %rax
    jnz 1f
    mov (%rdx), %edx
1:  ret

# fsync(fd), fdatasync(fd): the file's fsync
.globl sys_fsync
sys_fsync:
    xor %esi, %esi
    jmp 1f
.globl sys_fdatasync
sys_fdatasync:
    mov $1, %esi
1:  call fd_file
    test %rax, %rax
    jz ebadf
    mov %rax, %rdi
    mov FILE_OPS(%rax), %rax
    mov FOP_FSYNC(%rax), %rax
    test %rax, %rax
    jz einval
    jmp *%rax

# sync(), syncfs(fd): nothing is kept in memory that a disk should hold
.globl sys_syncfs
sys_syncfs:
    call fd_file
    test %rax, %rax
    jz ebadf
.globl sys_sync
sys_sync:
    xor %eax, %eax
    ret

# flock(fd, operation): a file of the file system's lock (node_flock); others' are granted.
.globl sys_flock
sys_flock:
    call fd_file
    test %rax, %rax
    jz ebadf
    mov %esi, %ecx
    and $~LOCK_NB, %ecx
    cmp $LOCK_UN, %ecx
    jne 1f
    and $LOCK_NB, %esi                  # unlock: node_flock's 0
    jmp 3f
1:  cmp $LOCK_SH, %ecx
    je 2f
    cmp $LOCK_EX, %ecx
    jne einval
2:  mov FILE_FLAGS(%rax), %ecx          # a lock needs read or write access
    inc %ecx
    test $3, %cl
    jz ebadf
3:  mov %rax, %rdi                      # a file of the file system: its node's lock
    call file_fs_node                   # (keeps %rdi and %rsi)
    test %rax, %rax
    jz 4f
    jmp node_flock
4:  xor %eax, %eax                      # pipes, the console, epoll: granted
    ret

# ---- Status ----------------------------------------------------------------------------------
# file_stat(%rdi = file, %rsi = kernel struct stat) -> %rax: 0 or -errno, the buffer zeroed
# first and filled by the file's stat operation
file_stat:
    PUSH_REGS rdi, rsi
    mov %rsi, %rdi
    mov $(STAT_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    POP_REGS rdi, rsi
    mov FILE_OPS(%rdi), %rax
    jmp *FOP_STAT(%rax)

# fstat_to_user(%rdi = file, %rsi = user struct stat) -> %rax: 0 or -errno
fstat_to_user:
    push %rbx
    sub $STAT_SIZE, %rsp
    mov %rsi, %rbx
    mov %rsp, %rsi
    call file_stat
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov $STAT_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov %rsp, %rsi
    mov $STAT_SIZE, %edx
    call memcpy
    xor %eax, %eax
1:  add $STAT_SIZE, %rsp
    pop %rbx
    ret

.globl sys_fstat
sys_fstat:
    call fd_file
    test %rax, %rax
    jz ebadf
    mov %rax, %rdi
    jmp fstat_to_user

# statfs(path, buf) and fstatfs(fd, buf): struct statfs of the file system a file is on, told by
# how it stats: the in-memory root (TMPFS_MAGIC, as Linux's initramfs rootfs is; its blocks are the
# pages file data takes and the free ones, no inode limit: 0 files, as an unlimited tmpfs),
# /proc, a pipe (pipefs) or an epoll or signalfd file (anonymous inodes); the console, a
# character device, is on the root's (devtmpfs on Linux). The flags are /proc/mounts'.
.equ STATFS_TYPE,    0
.equ STATFS_BSIZE,   8
.equ STATFS_BLOCKS,  16
.equ STATFS_BFREE,   24
.equ STATFS_BAVAIL,  32
.equ STATFS_NAMELEN, 64
.equ STATFS_FRSIZE,  72
.equ STATFS_FLAGS,   80
.equ STATFS_SIZE,    120
.equ TMPFS_MAGIC,         0x01021994
.equ PROC_SUPER_MAGIC,    0x9fa0
.equ PIPEFS_MAGIC,        0x50495045
.equ ANON_INODE_FS_MAGIC, 0x09041934
.equ ST_NOSUID,   0x2
.equ ST_NODEV,    0x4
.equ ST_NOEXEC,   0x8
.equ ST_VALID,    0x20                  # f_flags is meaningful: every statfs sets it
.equ ST_RELATIME, 0x1000
.globl sys_statfs
sys_statfs:
    push %rsi
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    xor %edx, %edx
    call lookup_at
    pop %rsi
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rdi
    jmp statfs_to_user
9:  ret

.globl sys_fstatfs
sys_fstatfs:
    push %rsi
    call fd_file
    pop %rsi
    test %rax, %rax
    jz ebadf
    mov %rax, %rdi
# statfs_to_user(%rdi = file, %rsi = user struct statfs) -> %rax: 0 or -EFAULT
statfs_to_user:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rsi, %rdi
    mov $STATFS_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r12, %rdi
    mov $(STATFS_SIZE / 8), %ecx
    rep stosq                           # (%rax = 0)
    movq $PAGE_SIZE, STATFS_BSIZE(%r12)
    movq $PAGE_SIZE, STATFS_FRSIZE(%r12)
    movq $NAME_MAX, STATFS_NAMELEN(%r12)
    movq $(ST_VALID | ST_RELATIME), STATFS_FLAGS(%r12)
    mov FILE_OPS(%rbx), %rax
    mov FOP_STAT(%rax), %rax
    lea pipe_stat(%rip), %rcx
    cmp %rcx, %rax
    je 2f
    lea anon_inode_stat(%rip), %rcx
    cmp %rcx, %rax
    je 3f
    lea tmpfs_stat(%rip), %rcx
    cmp %rcx, %rax
    jne 1f
    mov FILE_PRIVATE(%rbx), %rdi        # a node: in /proc, or in the root's
    call node_in_proc
    test %eax, %eax
    jnz 4f
1:  movq $TMPFS_MAGIC, STATFS_TYPE(%r12)
    call tmpfs_page_count
    mov %rax, %rbx
    call mm_free_pages
    mov %rax, STATFS_BFREE(%r12)
    mov %rax, STATFS_BAVAIL(%r12)
    add %rbx, %rax
    mov %rax, STATFS_BLOCKS(%r12)
    jmp 8f
2:  movq $PIPEFS_MAGIC, STATFS_TYPE(%r12)
    movq $ST_VALID, STATFS_FLAGS(%r12)
    jmp 8f
3:  movq $ANON_INODE_FS_MAGIC, STATFS_TYPE(%r12)
    movq $ST_VALID, STATFS_FLAGS(%r12)
    jmp 8f
4:  movq $PROC_SUPER_MAGIC, STATFS_TYPE(%r12)
    movq $(ST_VALID | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RELATIME), STATFS_FLAGS(%r12)
8:  xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# newfstatat(dirfd, path, statbuf, flags)
.globl sys_newfstatat
sys_newfstatat:
    test $~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE), %ecx
    jnz einval
    push %rdx
    mov %ecx, %edx
    call lookup_at
    pop %rsi
    cmp $-4095, %rax                    # an errno, not a file (kernel addresses are negative too)
    jae 1f
    mov %rax, %rdi
    jmp fstat_to_user
1:  ret

# statx(dirfd, path, flags, mask, statxbuf)
.globl sys_statx
sys_statx:
    PUSH_REGS rbx, r12
    sub $STAT_SIZE, %rsp
    mov %r8, %rbx                       # statxbuf
    test $~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE), %edx
    jnz 7f
    mov %edx, %eax
    and $AT_STATX_SYNC_TYPE, %eax
    cmp $AT_STATX_SYNC_TYPE, %eax
    je 7f
    test $STATX_RESERVED, %ecx
    jnz 7f
    call lookup_at
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rdi
    mov %rsp, %rsi
    call file_stat
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov $STATX_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi                      # struct statx from struct stat
    mov $(STATX_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    movl $STATX_BASIC_STATS, (%rbx)     # stx_mask
    mov STAT_BLKSIZE(%rsp), %eax
    mov %eax, 4(%rbx)                   # stx_blksize
    mov STAT_NLINK(%rsp), %eax
    mov %eax, 16(%rbx)                  # stx_nlink
    mov STAT_UID(%rsp), %eax
    mov %eax, 20(%rbx)
    mov STAT_GID(%rsp), %eax
    mov %eax, 24(%rbx)
    mov STAT_MODE(%rsp), %eax
    mov %ax, 28(%rbx)                   # stx_mode
    mov STAT_INO(%rsp), %rax
    mov %rax, 32(%rbx)
    mov STAT_SIZE_(%rsp), %rax
    mov %rax, 40(%rbx)
    mov STAT_BLOCKS(%rsp), %rax
    mov %rax, 48(%rbx)
    lea STAT_ATIME(%rsp), %rsi          # atime, (btime: not given), ctime, mtime
    lea 64(%rbx), %rdi
    call statx_time
    lea STAT_CTIME(%rsp), %rsi
    lea 96(%rbx), %rdi
    call statx_time
    lea STAT_MTIME(%rsp), %rsi
    lea 112(%rbx), %rdi
    call statx_time
    mov STAT_RDEV(%rsp), %rdi
    call dev_split
    mov %eax, 128(%rbx)                 # stx_rdev_major, _minor
    mov %edx, 132(%rbx)
    mov STAT_DEV(%rsp), %rdi
    call dev_split
    mov %eax, 136(%rbx)                 # stx_dev_major, _minor
    mov %edx, 140(%rbx)
    xor %eax, %eax
    jmp 9f
7:  mov $-EINVAL, %rax
9:  add $STAT_SIZE, %rsp
    POP_REGS rbx, r12
    ret

# statx_time(%rsi = {sec, nsec} in struct stat, %rdi = struct statx_timestamp)
statx_time:
    mov (%rsi), %rax
    mov %rax, (%rdi)
    mov 8(%rsi), %eax
    mov %eax, 8(%rdi)
    ret

# dev_split(%rdi = st_dev as struct stat encodes it) -> %eax = major, %edx = minor
dev_split:
    mov %edi, %eax
    shr $8, %eax
    and $0xfff, %eax
    mov %edi, %edx
    and $0xff, %edx
    shr $12, %edi
    and $0xfff00, %edi
    or %edi, %edx
    ret

# faccessat2(dirfd, path, mode, flags): as access, and with AT_EMPTY_PATH the descriptor's file,
# which root may read and write; execute needs an execute bit (the console has none).
.globl sys_faccessat2
sys_faccessat2:
    test $~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), %ecx
    jnz einval
    test $~7, %edx
    jnz einval
    push %rdx
    mov %ecx, %edx
    call lookup_at
    pop %rdx
    cmp $-4095, %rax
    jae 1f
    test $X_OK, %edx
    jz 2f
    sub $STAT_SIZE, %rsp
    mov %rax, %rdi
    mov %rsp, %rsi
    call file_stat
    mov STAT_MODE(%rsp), %ecx
    add $STAT_SIZE, %rsp
    test %rax, %rax
    jnz 1f
    test $0111, %ecx
    jnz 2f
    mov $-EACCES, %rax
    ret
2:  xor %eax, %eax
1:  ret

# ---- The console ---------------------------------------------------------------------------
# Standard input: the virtio console's port 0 (vconsole.s); without one, always at end of file.
console_read:
    mov %rsi, %rdi
    mov %rdx, %rsi
    jmp vconsole_read

# Standard output and error: the virtio console's ports, or COM1 (vconsole.s). FILE_PRIVATE is
# the stream (1 or 2), which the console keeps apart.
console_write:
    PUSH_REGS rdi, rsi, rdx
    mov %rsi, %rdi
    mov %rdx, %rsi
    xor %edx, %edx
    call io_buffer_ok
    POP_REGS rdi, rsi, rdx
    test %rax, %rax
    jnz 1f
    mov FILE_PRIVATE(%rdi), %edi
    jmp vconsole_write
1:  ret

console_in_poll:
    mov $(POLLIN | POLLRDNORM), %eax
    ret

console_out_poll:
    mov $(POLLOUT | POLLWRNORM), %eax
    ret

# A character device, as a serial port is (major 4, minor 64: ttyS0), owned by root, mode 0620.
console_stat:
    movq $1, STAT_NLINK(%rsi)
    movl $(S_IFCHR | 0620), STAT_MODE(%rsi)
    movq $0x440, STAT_RDEV(%rsi)
    movq $1024, STAT_BLKSIZE(%rsi)
    xor %eax, %eax
    ret

.section .rodata
.p2align 3
console_in_ops:
    .quad console_read                  # FOP_READ
    .quad 0                             # FOP_WRITE
    .quad console_in_poll               # FOP_POLL
    .quad console_stat                  # FOP_STAT
    .quad 0, 0, 0, 0                    # FOP_LSEEK, FOP_IOCTL, FOP_RELEASE, FOP_FSYNC
console_out_ops:
    .quad 0
    .quad console_write
    .quad console_out_poll
    .quad console_stat
    .quad 0, 0, 0, 0

.section .data
.p2align 3
.globl current_files
current_files: .quad init_files
# The console's open files: O_LARGEFILE as every file opened on x86-64 Linux has it.
console_stdin:  .quad console_in_ops
                .long O_RDONLY | O_LARGEFILE, 1
                .quad 0, 0
                .long 0, 0
console_stdout: .quad console_out_ops
                .long O_WRONLY | O_LARGEFILE, 1
                .quad 0, 1
                .long 0, 0
console_stderr: .quad console_out_ops
                .long O_WRONLY | O_LARGEFILE, 1
                .quad 0, 2
                .long 0, 0

.section .process, "aw", @nobits
.p2align 3
init_files: .skip FILES_SIZE            # the process's descriptors (current_files)

.section .bss
.p2align 12
sendfile_buffer: .skip PAGE_SIZE
sendfile_active: .skip 1
