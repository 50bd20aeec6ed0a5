# Pipes, and the wait queue of every thread that waits for a file to change (a pipe's reader or
# writer, poll, select, epoll_wait). Described in docs/kernel.md, "Pipes and epoll".
#
# A pipe is two frames: a header (its two open files, the counts of each end's descriptors, and
# the bytes written and read so far) and a 4 KiB ring buffer (PIPE_BUF: a write of at most that
# much is atomic). Both ends' struct file have FILE_PRIVATE = the header.
#
# Waiting: a thread waiting for I/O blocks on io_waiters (its T_WAIT node, T_FUTEX_KEY = -1 so
# that no futex wake takes it); any change to any pipe wakes every such thread, which looks again.

.include "defs.inc"
.include "task.inc"
.include "file.inc"

.equ PIPE_READER,   0                   # struct file of the read end
.equ PIPE_WRITER,   FILE_SIZE           # struct file of the write end
.equ PIPE_READERS,  2 * FILE_SIZE       # descriptors of each end (their files' FILE_REFS mirror them)
.equ PIPE_WRITERS,  2 * FILE_SIZE + 4
.equ PIPE_HEAD,     2 * FILE_SIZE + 8   # bytes read so far
.equ PIPE_TAIL,     2 * FILE_SIZE + 16  # bytes written so far
.equ PIPE_BUFFER,   2 * FILE_SIZE + 24  # the ring's frame (direct map)
.equ PIPE_CAPACITY, 4096
.equ IO_WAITING,    -1                  # T_FUTEX_KEY of a thread on io_waiters
.equ S_IFIFO,       0x1000

.text
# io_wait(%rdi = CLOCK_MONOTONIC deadline or NO_DEADLINE) -> %rax: 0 (something changed, or the
# deadline passed: look again), -ETIMEDOUT, -EINTR (a signal to take)
.globl io_wait
io_wait:
    push %rbx
    mov current_task(%rip), %rbx
    movq $IO_WAITING, T_FUTEX_KEY(%rbx)
    lea T_WAIT(%rbx), %rdx
    lea io_waiters(%rip), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    call task_block
    cmpq $0, T_FUTEX_KEY(%rbx)
    je 1f
    lea T_WAIT(%rbx), %rdx
    push %rax
    LIST_DEL %rdx
    pop %rax
    movq $0, T_FUTEX_KEY(%rbx)
1:  pop %rbx
    ret

# io_wait_interruptible() -> %rax: 0 once something changed (look again), or -ERESTARTSYS when
# a signal is to be taken first: the wait of a blocking read, write, lock or wait4.
.globl io_wait_interruptible
io_wait_interruptible:
    mov $NO_DEADLINE, %rdi
    call io_wait
    cmp $-EINTR, %rax
    jne 1f
    mov $-ERESTARTSYS, %rax
    ret
1:  xor %eax, %eax
    ret

# io_wait_file(file) -> %rax: -EAGAIN for a file opened O_NONBLOCK; else io_wait_interruptible's
# answer. The tail of every read and write that found nothing to do.
.globl io_wait_file
io_wait_file:
    mov $-EAGAIN, %rax
    testl $O_NONBLOCK, FILE_FLAGS(%rdi)
    jz io_wait_interruptible
    ret

# io_wake_all(): every thread waiting for I/O looks again
.globl io_wake_all
io_wake_all:
1:  mov io_waiters(%rip), %rdi
    lea io_waiters(%rip), %rax
    cmp %rax, %rdi
    je 9f
    LIST_DEL %rdi
    sub $T_WAIT, %rdi
    movq $0, T_FUTEX_KEY(%rdi)
    xor %esi, %esi
    call task_wake
    jmp 1b
9:  ret

# pipe(fds) and pipe2(fds, flags): O_NONBLOCK and O_CLOEXEC on both ends; O_DIRECT (packet
# mode) is refused (-EINVAL) rather than pretended.
.globl sys_pipe
sys_pipe:
    xor %esi, %esi
.globl sys_pipe2
sys_pipe2:
    test $~(O_NONBLOCK | O_CLOEXEC), %esi
    jnz einval
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %r12                      # fds
    mov %esi, %r13d                     # flags
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    call frame_alloc                    # the header
    test %rax, %rax
    jz 8f
    movabs $DIRECT_MAP_BASE, %rbx
    add %rax, %rbx
    call frame_alloc                    # the ring
    test %rax, %rax
    jz 7f
    movabs $DIRECT_MAP_BASE, %rcx
    add %rcx, %rax
    mov %rax, PIPE_BUFFER(%rbx)
    lea pipe_read_ops(%rip), %rax
    mov %rax, PIPE_READER + FILE_OPS(%rbx)
    lea pipe_write_ops(%rip), %rax
    mov %rax, PIPE_WRITER + FILE_OPS(%rbx)
    mov %r13d, %eax
    and $O_NONBLOCK, %eax
    or $(O_RDONLY | O_LARGEFILE), %eax
    mov %eax, PIPE_READER + FILE_FLAGS(%rbx)
    xor $(O_RDONLY ^ O_WRONLY), %eax
    mov %eax, PIPE_WRITER + FILE_FLAGS(%rbx)
    movl $1, PIPE_READER + FILE_REFS(%rbx)
    movl $1, PIPE_WRITER + FILE_REFS(%rbx)
    mov %rbx, PIPE_READER + FILE_PRIVATE(%rbx)
    mov %rbx, PIPE_WRITER + FILE_PRIVATE(%rbx)
    movl $1, PIPE_READERS(%rbx)
    movl $1, PIPE_WRITERS(%rbx)
    xor %edi, %edi                      # the read end at the lowest free descriptor
    call fd_alloc
    test %rax, %rax
    js 6f
    mov %rax, %r14
    mov %rax, %rdi
    lea PIPE_READER(%rbx), %rsi
    xor %edx, %edx
    test $O_CLOEXEC, %r13d
    setnz %dl
    call fd_install
    xor %edi, %edi                      # the write end at the next
    call fd_alloc
    test %rax, %rax
    js 5f
    shl $32, %rax
    or %rax, %r14
    shr $32, %rax
    mov %rax, %rdi
    lea PIPE_WRITER(%rbx), %rsi
    xor %edx, %edx
    test $O_CLOEXEC, %r13d
    setnz %dl
    call fd_install
    mov %r14, (%r12)                    # {read fd, write fd}
    xor %eax, %eax
    jmp 9f
5:  mov current_files(%rip), %rcx     # no second descriptor: the first is taken back
    movq $0, FILES_FD(%rcx,%r14,8)
    cmp FILES_NEXT_FD(%rcx), %r14
    jae 6f
    mov %r14, FILES_NEXT_FD(%rcx)
6:  push %rax                           # -EMFILE
    mov PIPE_BUFFER(%rbx), %rdi
    movabs $DIRECT_MAP_BASE, %rcx
    sub %rcx, %rdi
    call frame_free
    movabs $DIRECT_MAP_BASE, %rcx
    sub %rcx, %rbx
    mov %rbx, %rdi
    call frame_free
    pop %rax
    jmp 9f
7:  movabs $DIRECT_MAP_BASE, %rcx
    sub %rcx, %rbx
    mov %rbx, %rdi
    call frame_free
8:  mov $-ENFILE, %rax
9:  POP_REGS rbx, r12, r13, r14
    ret

# pipe_read(%rdi = file, %rsi = buffer, %rdx = count, %rcx = offset pointer) -> bytes, 0 at end
# of file (no writer left), -EAGAIN (O_NONBLOCK, empty), -ERESTARTSYS (a signal while empty)
pipe_read:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %r14
    mov FILE_PRIVATE(%rdi), %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    xor %eax, %eax
    test %r13, %r13
    jz 9f
    mov %r12, %rdi
    mov %r13, %rsi
    mov $1, %edx
    call io_buffer_ok
    test %rax, %rax
    jnz 9f
1:  mov PIPE_TAIL(%rbx), %rax
    sub PIPE_HEAD(%rbx), %rax
    jnz 3f
    xor %eax, %eax                      # empty: end of file without writers
    cmpl $0, PIPE_WRITERS(%rbx)
    je 9f
    mov %r14, %rdi
    call io_wait_file
    test %rax, %rax
    jz 1b
    jmp 9f
3:  cmp %r13, %rax                      # what there is, up to count
    cmova %r13, %rax
    mov %rax, %r13
    mov %r12, %rdi
    mov PIPE_HEAD(%rbx), %rsi
    mov %r13, %rdx
    call ring_copy_out
    add %r13, PIPE_HEAD(%rbx)
    call io_wake_all
    mov %r13, %rax
9:  POP_REGS rbx, r12, r13, r14
    ret

# ring_copy_out(%rdi = destination, %rsi = ring position, %rdx = count, %rbx = pipe)
ring_copy_out:
    PUSH_REGS r12, r13, r14
    mov %rdi, %r12
    mov %rdx, %r13
    and $(PIPE_CAPACITY - 1), %esi
    mov $PIPE_CAPACITY, %r14d           # the part before the ring's end
    sub %rsi, %r14
    cmp %r13, %r14
    cmova %r13, %r14
    add PIPE_BUFFER(%rbx), %rsi
    mov %r14, %rdx
    call memcpy
    lea (%r12,%r14), %rdi
    mov PIPE_BUFFER(%rbx), %rsi
    mov %r13, %rdx
    sub %r14, %rdx
    call memcpy
    POP_REGS r12, r13, r14
    ret

# pipe_write(%rdi = file, %rsi = buffer, %rdx = count, %rcx = offset pointer) -> bytes, -EPIPE
# (no reader: SIGPIPE too), -EAGAIN (O_NONBLOCK, full), -ERESTARTSYS (a signal before any byte).
# A blocking write waits until all is written; a write of at most PIPE_BUF bytes is never split.
pipe_write:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %r14
    mov FILE_PRIVATE(%rdi), %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    xor %ebp, %ebp                      # written
    mov %r12, %rdi
    mov %r13, %rsi
    xor %edx, %edx
    call io_buffer_ok
    test %rax, %rax
    jnz 9f
1:  cmp %r13, %rbp
    jae 8f
    cmpl $0, PIPE_READERS(%rbx)
    je 6f
    mov $PIPE_CAPACITY, %r15d           # room
    add PIPE_HEAD(%rbx), %r15
    sub PIPE_TAIL(%rbx), %r15
    mov %r13, %rax                      # left to write
    sub %rbp, %rax
    cmp $PIPE_CAPACITY, %r13            # atomic: all of it or wait
    ja 2f
    cmp %rax, %r15
    jb 4f
2:  test %r15, %r15
    jz 4f
    cmp %rax, %r15
    cmova %rax, %r15
    mov PIPE_TAIL(%rbx), %rdi           # copy in, in up to two pieces
    and $(PIPE_CAPACITY - 1), %edi
    mov $PIPE_CAPACITY, %ecx
    sub %rdi, %rcx
    cmp %r15, %rcx
    cmova %r15, %rcx
    push %rcx
    add PIPE_BUFFER(%rbx), %rdi
    lea (%r12,%rbp), %rsi
    mov %rcx, %rdx
    call memcpy
    pop %rcx
    mov PIPE_BUFFER(%rbx), %rdi
    lea (%r12,%rbp), %rsi
    add %rcx, %rsi
    mov %r15, %rdx
    sub %rcx, %rdx
    call memcpy
    add %r15, PIPE_TAIL(%rbx)
    add %r15, %rbp
    call io_wake_all
    jmp 1b
4:  mov %r14, %rdi                      # full
    call io_wait_file
    test %rax, %rax
    jz 1b
    test %rbp, %rbp                     # after a partial write: its count
    jnz 8f
    jmp 9f
6:  test %rbp, %rbp                     # no reader: SIGPIPE and EPIPE (after a partial write: its count)
    jnz 8f
    call send_sigpipe
    mov $-EPIPE, %rax
    jmp 9f
8:  mov %rbp, %rax
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

pipe_read_poll:
    mov FILE_PRIVATE(%rdi), %rcx
    xor %eax, %eax
    mov PIPE_TAIL(%rcx), %rdx
    cmp PIPE_HEAD(%rcx), %rdx
    je 1f
    mov $(POLLIN | POLLRDNORM), %eax
1:  cmpl $0, PIPE_WRITERS(%rcx)
    jne 2f
    or $POLLHUP, %eax
2:  ret

pipe_write_poll:
    mov FILE_PRIVATE(%rdi), %rcx
    xor %eax, %eax
    mov PIPE_TAIL(%rcx), %rdx
    sub PIPE_HEAD(%rcx), %rdx
    cmp $PIPE_CAPACITY, %rdx
    jae 1f
    mov $(POLLOUT | POLLWRNORM), %eax
1:  cmpl $0, PIPE_READERS(%rcx)
    jne 2f
    or $POLLERR, %eax
2:  ret

# A FIFO, mode 0600, owned by root, as Linux's pipefs inodes.
.globl pipe_stat
pipe_stat:
    movq $1, STAT_NLINK(%rsi)
    movl $(S_IFIFO | 0600), STAT_MODE(%rsi)
    movq $PAGE_SIZE, STAT_BLKSIZE(%rsi)
    xor %eax, %eax
    ret

pipe_read_release:
    mov FILE_PRIVATE(%rdi), %rdi
    decl PIPE_READERS(%rdi)
    jmp pipe_release
pipe_write_release:
    mov FILE_PRIVATE(%rdi), %rdi
    decl PIPE_WRITERS(%rdi)
# pipe_release(%rdi = pipe): an end closed; the waiters look again; the last frees the pipe
pipe_release:
    push %rbx
    mov %rdi, %rbx
    call io_wake_all
    mov PIPE_READERS(%rbx), %eax
    or PIPE_WRITERS(%rbx), %eax
    jnz 9f
    mov PIPE_BUFFER(%rbx), %rdi
    movabs $DIRECT_MAP_BASE, %rax
    sub %rax, %rdi
    call frame_free
    movabs $DIRECT_MAP_BASE, %rax
    sub %rax, %rbx
    mov %rbx, %rdi
    call frame_free
9:  pop %rbx
    ret

.section .rodata
.p2align 3
pipe_read_ops:
    .quad pipe_read, 0, pipe_read_poll, pipe_stat
    .quad 0, 0, pipe_read_release, 0    # FOP_LSEEK (none: ESPIPE), FOP_IOCTL, FOP_RELEASE, FOP_FSYNC
pipe_write_ops:
    .quad 0, pipe_write, pipe_write_poll, pipe_stat
    .quad 0, 0, pipe_write_release, 0

.section .data
.p2align 3
io_waiters: .quad io_waiters, io_waiters
