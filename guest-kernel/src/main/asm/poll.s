# Waiting for descriptors: poll, ppoll, select, pselect6.
#
# Each call scans its descriptors through their files' poll operations; if none is ready and the
# timeout has not passed, it sleeps (wait_until) and scans again. Linux's checks and errnos: nfds
# beyond RLIMIT_NOFILE (poll: EINVAL), select's nfds clamped to the descriptor table's size, a
# closed descriptor is POLLNVAL (poll) or EBADF (select), the remaining time is written back for
# a timeout that was not zero (and a failure to write it back is ignored).
#
# The signal masks of ppoll and pselect6 hold during the call (signal.s, sigmask_install).

.include "defs.inc"
.include "file.inc"

.equ NO_DEADLINE, 0x7fffffffffffffff
.equ POLLIN_SET, POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR
.equ POLLOUT_SET, POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR
.equ POLLEX_SET, POLLPRI

# select's frame (on the stack, %rbx)
.equ SEL_N, 0
.equ SEL_IN, 8                          # the three user sets (0: none)
.equ SEL_OUT, 16
.equ SEL_EX, 24
.equ SEL_RIN, 32                        # the results for the current word
.equ SEL_ROUT, 40
.equ SEL_REX, 48
.equ SEL_SIZE, 56

.text
# wait_until(%rdi = CLOCK_MONOTONIC deadline in ns) -> %rax: 0 when something may have become
# ready or the deadline has passed (poll and select then look again), -ERESTARTNOHAND when a
# signal is to be taken (a handler makes it -EINTR, as Linux's poll and select). The thread
# waits on the I/O wait queue (pipe.s, io_wait): a pipe that changes, the deadline or a signal
# ends the wait.
.globl wait_until
wait_until:
    call io_wait
    cmp $-EINTR, %rax
    je 1f
    xor %eax, %eax
    ret
1:  mov $-ERESTARTNOHAND, %rax
    ret

# deadline_after(%rax = duration in ns, below 2^62) -> %rax: the CLOCK_MONOTONIC time then
.globl deadline_after
deadline_after:
    push %rax
    call clock_monotonic_ns
    pop %rdx
    add %rdx, %rax
    ret

# timeout_ns(%rdi = user {seconds, fraction}, %esi = ns per fraction unit: 1 for a timespec,
# 1000 for a timeval) -> %rax: the duration in ns (at most 2^62), -EFAULT, or -EINVAL for a
# negative or malformed one. A timeval's microseconds carry into its seconds first, as Linux
# does for select.
.globl timeout_ns
timeout_ns:
    PUSH_REGS rdi, rsi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    POP_REGS rdi, rsi
    test %rax, %rax
    jnz 9f
    mov (%rdi), %r8                     # seconds
    mov 8(%rdi), %rax                   # fraction
    cmp $1, %esi
    je 1f
    cqo
    mov $1000000, %ecx
    idiv %rcx
    add %rax, %r8
    imul $1000, %rdx, %rax
1:  test %r8, %r8
    js 8f
    cmp $NSEC_PER_SEC, %rax
    jae 8f
    mov %rax, %rcx
    mov %r8, %rax
    mov $NSEC_PER_SEC, %edx
    mul %rdx
    jc 7f
    add %rcx, %rax
    movabs $0x4000000000000000, %rdx
    cmp %rdx, %rax
    jbe 9f
7:  movabs $0x4000000000000000, %rax
    ret
8:  mov $-EINVAL, %rax
9:  ret

# store_remaining(%rdi = user {seconds, fraction}, %rsi = deadline, %ecx = ns per fraction unit):
# the time left until the deadline, if the memory can take it.
store_remaining:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %ecx, %r13d
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    call clock_monotonic_ns
    mov %r12, %rdx
    sub %rax, %rdx
    jae 1f
    xor %edx, %edx
1:  mov %rdx, %rax
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    mov %rax, (%rbx)
    mov %rdx, %rax
    xor %edx, %edx
    div %r13
    mov %rax, 8(%rbx)
9:  POP_REGS rbx, r12, r13
    ret

# file_poll(%rdi = file) -> %eax: the events ready on it
.globl file_poll
file_poll:
    mov FILE_OPS(%rdi), %rax
    mov FOP_POLL(%rax), %rax
    test %rax, %rax
    jz 1f
    jmp *%rax
1:  mov $DEFAULT_POLLMASK, %eax
    ret

# ---- poll ---------------------------------------------------------------------------------
.globl sys_poll
sys_poll:
    movslq %edx, %rax
    mov $NO_DEADLINE, %rdx
    test %rax, %rax
    js poll_restart                     # a negative timeout: wait for as long as it takes
    imul $1000000, %rax, %rax
    PUSH_REGS rdi, rsi
    call deadline_after
    POP_REGS rdi, rsi
    mov %rax, %rdx
# poll_restart(%rdi = fds, %esi = nfds, %rdx = deadline) -> %rax: poll to a deadline. As Linux's
# poll (not ppoll, which writes the time left back): a signal gives -ERESTART_RESTARTBLOCK, this
# function in the restart block: -EINTR where a handler runs, else (a stop) restart_syscall polls
# on to the same deadline.
poll_restart:
    PUSH_REGS rdi, rsi, rdx
    call do_poll
    POP_REGS rdi, rsi, rdx
    cmp $-ERESTARTNOHAND, %rax
    jne 9f
    lea poll_restart(%rip), %r9
    jmp restart_block_set
9:  ret

# ppoll(fds, nfds, timeout, sigmask, sigsetsize)
.globl sys_ppoll
sys_ppoll:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13                      # timeout (written back if not zero)
    mov $NO_DEADLINE, %r14
    test %rdx, %rdx
    jz 1f
    PUSH_REGS rcx, r8
    mov %rdx, %rdi
    mov $1, %esi
    call timeout_ns
    POP_REGS rcx, r8
    test %rax, %rax
    js 9f
    jnz 2f
    xor %r13d, %r13d                    # a zero timeout is not written back
2:  PUSH_REGS rcx, r8
    call deadline_after
    POP_REGS rcx, r8
    mov %rax, %r14
1:  mov %rcx, %rdi
    mov %r8, %rsi
    call sigmask_install
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov %r12, %rsi
    mov %r14, %rdx
    call do_poll
    call sigmask_restore
    test %r13, %r13
    jz 9f
    mov %rax, %r15
    mov %r13, %rdi
    mov %r14, %rsi
    mov $1, %ecx
    call store_remaining
    mov %r15, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# do_poll(%rdi = fds, %esi = nfds, %rdx = deadline) -> %rax: how many have events, or -errno
do_poll:
    mov %esi, %esi
    cmp rlimits + RLIMIT_NOFILE * RLIMIT_SIZE(%rip), %rsi
    ja einval
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    shl $3, %rsi                        # struct pollfd: 8 bytes
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  call poll_scan
    test %rax, %rax
    jnz 9f
    call clock_monotonic_ns
    cmp %r13, %rax
    jae 8f
    mov %r13, %rdi
    call wait_until
    test %rax, %rax
    jz 1b
    jmp 9f
8:  xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# poll_scan(%rbx = fds, %r12 = nfds) -> %rax: every revents set, how many are not zero
poll_scan:
    PUSH_REGS r13, r14
    xor %r13d, %r13d
    xor %r14d, %r14d
1:  cmp %r12, %r14
    je 8f
    lea (%rbx,%r14,8), %rdx
    mov (%rdx), %edi                    # fd
    xor %eax, %eax
    test %edi, %edi
    js 3f                               # a negative fd is ignored
    push %rdx
    call fd_file
    pop %rdx
    test %rax, %rax
    jnz 2f
    mov $POLLNVAL, %eax
    jmp 3f
2:  mov %rax, %rdi
    push %rdx
    call file_poll
    pop %rdx
    movzwl 4(%rdx), %ecx                # events, and the two that are always reported
    or $(POLLERR | POLLHUP), %ecx
    and %ecx, %eax
3:  mov %ax, 6(%rdx)                    # revents
    test %eax, %eax
    jz 4f
    inc %r13
4:  inc %r14
    jmp 1b
8:  mov %r13, %rax
    POP_REGS r13, r14
    ret

# ---- select -------------------------------------------------------------------------------
# select(n, readfds, writefds, exceptfds, timeval)
.globl sys_select
sys_select:
    mov $1000, %eax
    jmp 1f
# pselect6(n, readfds, writefds, exceptfds, timespec, {sigset, size})
.globl sys_pselect6
sys_pselect6:
    test %r9, %r9                       # the signal argument pack comes first
    jz 2f
    PUSH_REGS rdi, rsi, rdx, rcx, r8, r9
    mov %r9, %rdi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    POP_REGS rdi, rsi, rdx, rcx, r8, r9
    test %rax, %rax
    jnz 3f
2:  mov $1, %eax
1:  PUSH_REGS rbx, r12, r13, r14, r15, rbp
    sub $SEL_SIZE, %rsp
    mov %rsp, %rbx
    mov %rdi, SEL_N(%rbx)
    mov %rsi, SEL_IN(%rbx)
    mov %rdx, SEL_OUT(%rbx)
    mov %rcx, SEL_EX(%rbx)
    mov %r8, %r13                       # the timeout, written back if not zero
    mov %eax, %r15d                     # its unit
    mov %r9, %rbp                       # pselect6's argument pack
    mov $NO_DEADLINE, %r14
    test %r8, %r8
    jz 4f
    mov %r8, %rdi
    mov %r15d, %esi
    call timeout_ns
    test %rax, %rax
    js 9f
    jnz 5f
    xor %r13d, %r13d
5:  call deadline_after
    mov %rax, %r14
4:  cmp $1, %r15d
    jne 6f
    test %rbp, %rbp
    jz 6f
    mov (%rbp), %rdi
    mov 8(%rbp), %rsi
    call sigmask_install
    test %rax, %rax
    jnz 9f
6:  call do_select
    call sigmask_restore
    test %r13, %r13
    jz 9f
    mov %rax, %r12
    mov %r13, %rdi
    mov %r14, %rsi
    mov %r15d, %ecx
    call store_remaining
    mov %r12, %rax
9:  add $SEL_SIZE, %rsp
    POP_REGS rbx, r12, r13, r14, r15, rbp
3:  ret

# do_select(%rbx = frame, %r14 = deadline) -> %rax: the ready count, or -errno
do_select:
    push %r12
    mov SEL_N(%rbx), %rax
    movslq %eax, %rax
    test %rax, %rax
    js 7f
    mov current_files(%rip), %rcx
    mov FILES_MAX_FDS(%rcx), %rcx
    cmp %rcx, %rax
    cmova %rcx, %rax
    mov %rax, SEL_N(%rbx)
    add $63, %rax                       # the sets' size: whole longs
    shr $6, %rax
    shl $3, %rax
    mov %rax, %r12
    lea SEL_IN(%rbx), %rcx
1:  mov (%rcx), %rdi
    test %rdi, %rdi
    jz 2f
    push %rcx
    mov %r12, %rsi
    mov $1, %edx
    call user_range_ok
    pop %rcx
    test %rax, %rax
    jnz 9f
2:  add $8, %rcx
    lea SEL_RIN(%rbx), %rax
    cmp %rax, %rcx
    jb 1b
    xor %r12d, %r12d                    # scan without storing until something is ready
3:  call select_scan
    test %rax, %rax
    js 9f
    jnz 4f
    call clock_monotonic_ns
    cmp %r14, %rax
    jae 4f
    mov %r14, %rdi
    call wait_until
    test %rax, %rax
    jz 3b
    jmp 9f
4:  mov $1, %r12d
    call select_scan
    jmp 9f
7:  mov $-EINVAL, %rax
9:  pop %r12
    ret

# SELECT_BIT set, result, events: if the descriptor (%rbp) is in the set and the file's events
# (%eax) include these, mark it in the result word and count it (%r13).
.macro SELECT_BIT set, result, events
    mov \set(%rbx), %rdx
    test %rdx, %rdx
    jz .Lselect_bit\@
    test $\events, %eax
    jz .Lselect_bit\@
    bt %rbp, (%rdx)
    jnc .Lselect_bit\@
    mov %ebp, %ecx
    and $63, %ecx
    bts %rcx, \result(%rbx)
    inc %r13
.Lselect_bit\@:
.endm

# select_scan(%rbx = frame, %r12d = 1 to write the result sets) -> %rax: the ready count, or
# -EBADF if a set names a descriptor that is not open
select_scan:
    PUSH_REGS r13, r14, r15, rbp
    xor %r13d, %r13d                    # count
    xor %r14d, %r14d                    # the current word's first descriptor
1:  cmp SEL_N(%rbx), %r14
    jae 8f
    mov %r14, %r8
    shr $3, %r8                         # the word's offset in the sets
    xor %r15d, %r15d                    # the descriptors this word asks about
    lea SEL_IN(%rbx), %rcx
2:  mov (%rcx), %rdx
    test %rdx, %rdx
    jz 3f
    or (%rdx,%r8), %r15
3:  add $8, %rcx
    lea SEL_RIN(%rbx), %rax
    cmp %rax, %rcx
    jb 2b
    mov SEL_N(%rbx), %rcx               # no further than n
    sub %r14, %rcx
    cmp $64, %rcx
    jae 4f
    mov $1, %edx
    shl %cl, %rdx
    dec %rdx
    and %rdx, %r15
4:  movq $0, SEL_RIN(%rbx)
    movq $0, SEL_ROUT(%rbx)
    movq $0, SEL_REX(%rbx)
5:  test %r15, %r15
    jz 6f
    bsf %r15, %rcx
    btr %rcx, %r15
    lea (%r14,%rcx), %rbp               # the descriptor
    mov %ebp, %edi
    call fd_file
    test %rax, %rax
    jz 7f
    mov %rax, %rdi
    call file_poll
    SELECT_BIT SEL_IN, SEL_RIN, POLLIN_SET
    SELECT_BIT SEL_OUT, SEL_ROUT, POLLOUT_SET
    SELECT_BIT SEL_EX, SEL_REX, POLLEX_SET
    jmp 5b
6:  test %r12d, %r12d
    jz 61f
    mov %r14, %r8
    shr $3, %r8
    xor %ecx, %ecx
62: mov SEL_IN(%rbx,%rcx), %rdx
    test %rdx, %rdx
    jz 63f
    mov SEL_RIN(%rbx,%rcx), %rax
    mov %rax, (%rdx,%r8)
63: add $8, %rcx
    cmp $24, %rcx
    jb 62b
61: add $64, %r14
    jmp 1b
7:  mov $-EBADF, %rax
    jmp 9f
8:  mov %r13, %rax
9:  POP_REGS r13, r14, r15, rbp
    ret
