# futex: the waits and wakes of Linux's kernel/futex (waitwake.c, requeue.c). A waiter is its
# struct task on one of FUTEX_BUCKETS lists, hashed by the futex's key, as Linux's get_futex_key
# makes it: the word's user address, which names it within one process (a private futex, or a
# shared one in private memory: a wake reaches the caller's process's waiters only), or, for a
# shared futex in a MAP_SHARED page, the word's direct-map address (the same in every process
# that maps the frame: a wake reaches them all). A wake walks the list in FIFO order. The
# arguments are checked as Linux's futex_wait/futex_wake/futex_requeue/futex_wake_op check
# them. The PI operations answer ENOSYS.

.include "defs.inc"
.include "task.inc"
.include "mm.inc"

.equ FUTEX_WAIT, 0
.equ FUTEX_WAKE, 1
.equ FUTEX_REQUEUE, 3
.equ FUTEX_CMP_REQUEUE, 4
.equ FUTEX_WAKE_OP, 5
.equ FUTEX_WAIT_BITSET, 9
.equ FUTEX_WAKE_BITSET, 10
.equ FUTEX_PRIVATE_FLAG, 128
.equ FUTEX_CLOCK_REALTIME, 256
.equ FUTEX_CMD_MASK, 0x7f
.equ FUTEX_BUCKETS, 64

.text
# futex(uaddr, op, val, timeout or val2, uaddr2, val3)
.globl sys_futex
sys_futex:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %r9d, %ebp                      # val3: the bitset (WAIT_BITSET, WAKE_BITSET), CMP_REQUEUE's value
    mov %rdi, %rbx                      # uaddr
    mov %esi, %r12d                     # op
    mov %edx, %r13d                     # val
    mov %rcx, %r14                      # timeout (wait) or val2 (requeue)
    mov %r8, %r15                       # uaddr2
    mov %r12d, %eax
    and $FUTEX_CMD_MASK, %eax
    test $FUTEX_CLOCK_REALTIME, %r12d
    jz 1f
    cmp $FUTEX_WAIT_BITSET, %eax
    jne 90f
1:  cmp $FUTEX_WAIT, %eax
    je 10f
    cmp $FUTEX_WAIT_BITSET, %eax
    je 11f
    cmp $FUTEX_WAKE, %eax
    je 20f
    cmp $FUTEX_WAKE_BITSET, %eax
    je 21f
    cmp $FUTEX_REQUEUE, %eax
    je 30f
    cmp $FUTEX_CMP_REQUEUE, %eax
    je 30f
    cmp $FUTEX_WAKE_OP, %eax
    je 40f
    jmp 90f

10: mov $-1, %ebp                       # FUTEX_WAIT: any bitset, a relative timeout
11: mov $NO_DEADLINE, %rax
    push %rax                           # the deadline
    test %r14, %r14
    jz 13f
    mov %r14, %rdi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 19f
    mov 8(%r14), %rax                   # a valid timespec
    cmp $NSEC_PER_SEC, %rax
    jae 18f
    mov (%r14), %rax
    test %rax, %rax
    js 18f
    movabs $4000000000, %rcx            # past about 126 years: for ever
    cmp %rcx, %rax
    ja 13f
    mov $NSEC_PER_SEC, %ecx
    mul %rcx
    add 8(%r14), %rax
    mov %rax, (%rsp)                    # the deadline, if absolute
    mov %r12d, %ecx
    and $FUTEX_CMD_MASK, %ecx
    test %ecx, %ecx
    jnz 12f
    call clock_monotonic_ns             # FUTEX_WAIT: relative to now
    add %rax, (%rsp)
    jmp 13f
12: test $FUTEX_CLOCK_REALTIME, %r12d
    jz 13f
    call clock_realtime_ns              # an absolute CLOCK_REALTIME time, on the monotonic clock
    sub %rax, (%rsp)
    call clock_monotonic_ns
    add %rax, (%rsp)
13: test %ebp, %ebp                     # an empty bitset
    jz 18f
    mov %rbx, %rdi
    mov %r12d, %esi
    mov %r13d, %edx
    mov %ebp, %ecx
    mov (%rsp), %r8
    call futex_wait_on
    jmp 19f
18: mov $-EINVAL, %rax
19: pop %rcx
    jmp 99f

20: mov $-1, %ebp                       # FUTEX_WAKE
21: test %ebp, %ebp
    jz 92f
    call futex_key
    test %rax, %rax
    jnz 99f
    mov %rbx, %rdi
    mov %r13d, %esi
    mov %ebp, %edx
    call futex_wake
    jmp 99f

30: test %r13d, %r13d                   # the requeues: counts not negative, both keys valid
    js 92f
    test %r14d, %r14d
    js 92f
    call futex_key
    test %rax, %rax
    jnz 99f
    xchg %rbx, %r15
    call futex_key
    xchg %rbx, %r15
    test %rax, %rax
    jnz 99f
    mov %r12d, %eax
    and $FUTEX_CMD_MASK, %eax
    cmp $FUTEX_CMP_REQUEUE, %eax
    jne 31f
    test %rbx, %rbx
    js 32f
    mov %rbx, %rdi
    mov $4, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 99f
32: cmp (%rbx), %ebp
    jne 39f
31: call futex_requeue
    jmp 99f
39: mov $-EAGAIN, %rax
    jmp 99f

40: call futex_key                      # FUTEX_WAKE_OP: uaddr2 is written, so it must be mapped
    test %rax, %rax
    jnz 99f
    test $3, %r15b
    jnz 92f
    mov %r15, %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 99f
    xchg %rbx, %r15                     # uaddr2's key
    call futex_key
    xchg %rbx, %r15
    call futex_wake_op
    jmp 99f

90: mov $-ENOSYS, %rax
    jmp 99f
92: mov $-EINVAL, %rax
99: POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# futex_exit_robust(): the exiting thread's robust futexes (set_robust_list), as Linux's
# exit_robust_list: each lock on its list (and the one it was taking or releasing,
# list_op_pending) whose word names this thread as owner gets FUTEX_OWNER_DIED, and one waiter
# is woken. At most ROBUST_LIST_LIMIT entries; a word or entry the thread cannot read or write
# ends the walk. PI locks (low bit of an entry) are marked too but wake nobody.
.equ ROBUST_LIST_LIMIT, 2048
.equ FUTEX_WAITERS, 0x80000000
.equ FUTEX_OWNER_DIED, 0x40000000
.equ FUTEX_TID_MASK, 0x3fffffff
.globl futex_exit_robust
futex_exit_robust:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov current_task(%rip), %rax
    mov T_ROBUST(%rax), %rbx            # head: {next, futex_offset, list_op_pending}
    test %rbx, %rbx
    jz 9f
    mov %rbx, %rdi
    mov $24, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%rbx), %r12                    # the first entry (low bit: PI)
    mov 8(%rbx), %r13                   # futex_offset
    mov 16(%rbx), %r14                  # list_op_pending
    and $~1, %r14
    mov $ROBUST_LIST_LIMIT, %r15d
1:  mov %r12, %rbp
    and $~1, %rbp
    cmp %rbx, %rbp                      # back at the head
    je 5f
    mov %rbp, %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 5f
    mov (%rbp), %rax                    # the next, before this one is handled
    push %rax
    cmp %r14, %rbp
    je 2f
    lea (%rbp,%r13), %rdi
    mov %r12d, %esi
    and $1, %esi
    xor %edx, %edx
    call futex_death
2:  pop %r12
    dec %r15d
    jnz 1b
5:  test %r14, %r14
    jz 9f
    lea (%r14,%r13), %rdi
    xor %esi, %esi
    mov $1, %edx
    call futex_death
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# futex_death(%rdi = the lock word, %esi = 1 for PI, %edx = 1 for the pending operation): Linux's
# handle_futex_death
futex_death:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %esi, %r12d
    mov %edx, %r13d
    test $3, %bl
    jnz 9f
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%rbx), %eax
    test %r13d, %r13d                   # a pending operation on a free lock: a waiter may need waking
    jz 1f
    test %r12d, %r12d
    jnz 1f
    test %eax, %eax
    jz 3f
1:  mov %eax, %ecx
    and $FUTEX_TID_MASK, %ecx
    mov current_task(%rip), %rdx
    cmp T_TID(%rdx), %ecx
    jne 9f
    mov %eax, %ecx
    and $FUTEX_WAITERS, %ecx
    or $FUTEX_OWNER_DIED, %ecx
    mov %ecx, (%rbx)
    test %r12d, %r12d
    jnz 9f
    test $FUTEX_WAITERS, %eax
    jz 9f
3:  mov %rbx, %rdi
    mov $1, %esi
    call futex_wake_address
9:  POP_REGS rbx, r12, r13
    ret

# futex_bucket(%rdi = uaddr) -> %rax: its waiters' list head
futex_bucket:
    mov %rdi, %rax
    shr $2, %rax
    and $(FUTEX_BUCKETS - 1), %eax
    shl $4, %eax
    lea futex_buckets(%rip), %rcx
    add %rcx, %rax
    ret

# futex_wait_on(%rdi = uaddr, %esi = op, %edx = val, %ecx = bitset, %r8 = CLOCK_MONOTONIC
# deadline or NO_DEADLINE) -> %rax: Linux's futex_wait. -EAGAIN when the word is not val, else
# how the wait ended: 0 woken, -ETIMEDOUT, or for a signal -ERESTARTSYS without a deadline (a
# handler with SA_RESTART makes the call again) and with one -ERESTART_RESTARTBLOCK, this
# function in the restart block: -EINTR where a handler runs, else (a stop) restart_syscall
# waits on to the same deadline, the word checked again.
futex_wait_on:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %esi, %r12d
    mov %edx, %r13d
    mov %ecx, %ebp
    mov %r8, %r14
    mov %rdi, %r15
    call futex_key
    test %rax, %rax
    jnz 9f
    test %rbx, %rbx                     # a shared key: its page is present (futex_key)
    js 1f
    mov %rbx, %rdi
    mov $4, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  mov $-EAGAIN, %rax
    cmp (%rbx), %r13d
    jne 9f
    mov %r14, %rdi
    call futex_wait
    cmp $-EINTR, %rax
    jne 9f
    mov $-ERESTARTSYS, %rax
    movabs $NO_DEADLINE, %rcx
    cmp %rcx, %r14
    je 9f
    mov %r15, %rdi
    mov %r12d, %esi
    mov %r13d, %edx
    mov %ebp, %ecx
    mov %r14, %r8
    lea futex_wait_on(%rip), %r9
    call restart_block_set
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# futex_wait(%rbx = key, %ebp = bitset, %rdi = CLOCK_MONOTONIC deadline) -> %rax: 0 when woken,
# -ETIMEDOUT, -EINTR for a signal
futex_wait:
    push %r12
    mov current_task(%rip), %r12
    mov %rbx, T_FUTEX_KEY(%r12)
    mov %ebp, %eax
    mov %rax, T_FUTEX_BITSET(%r12)
    push %rdi
    mov %rbx, %rdi
    call futex_bucket
    mov %rax, %rsi
    lea T_WAIT(%r12), %rdx
    LIST_ADD_TAIL %rdx, %rsi
    pop %rdi
    call task_block
    cmpq $0, T_FUTEX_KEY(%r12)          # not woken by a wake: still queued
    je 9f
    lea T_WAIT(%r12), %rdx
    push %rax
    LIST_DEL %rdx
    pop %rax
    movq $0, T_FUTEX_KEY(%r12)
9:  pop %r12
    ret

# futex_wake_address(%rdi = uaddr, its page present, %esi = how many): wakes waiters of any
# bitset, as a shared futex (thread exit: CLONE_CHILD_CLEARTID, robust locks)
.globl futex_wake_address
futex_wake_address:
    push %rsi
    call futex_shared_key
    pop %rsi
    mov %rax, %rdi
    mov $-1, %edx
# futex_wake(%rdi = uaddr, %esi = how many, %edx = bitset) -> %rax: how many woke. As Linux's
# loop, a count of 0 or less still wakes one.
futex_wake:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %r12
    mov %esi, %r13d
    mov %edx, %r14d
    xor %r15d, %r15d
    call futex_bucket
    mov %rax, %rbx
    mov (%rbx), %rbp
1:  cmp %rbx, %rbp
    je 9f
    mov %rbp, %rdi
    mov (%rbp), %rbp                    # the next, before this one leaves the list
    cmp %r12, T_FUTEX_KEY - T_WAIT(%rdi)
    jne 1b
    call futex_same_process
    jne 1b
    test %r14d, T_FUTEX_BITSET - T_WAIT(%rdi)
    jz 1b
    call futex_wake_one
    inc %r15d
    cmp %r13d, %r15d
    jl 1b
9:  mov %r15d, %eax
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# futex_same_process(%rdi = a waiter's T_WAIT node) -> ZF: set when its key names the same word
# for the caller: a shared key (a direct-map address) always, a user address only for a thread
# of the caller's process. Clobbers %rax, %rcx.
futex_same_process:
    mov T_FUTEX_KEY - T_WAIT(%rdi), %rax
    test %rax, %rax
    js 1f
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    cmp T_PROCESS - T_WAIT(%rdi), %rax
    ret
1:  xor %eax, %eax
    ret

# futex_wake_one(%rdi = a waiter's T_WAIT node): off its list, runnable, its wait returns 0
futex_wake_one:
    LIST_DEL %rdi
    sub $T_WAIT, %rdi
    movq $0, T_FUTEX_KEY(%rdi)
    xor %esi, %esi
    jmp task_wake

# futex_requeue(%rbx = uaddr, %r13d = how many to wake, %r14d = how many to move, %r15 =
# uaddr2) -> %rax: how many were woken or moved (Linux's futex_requeue, not PI).
futex_requeue:
    PUSH_REGS rbp, r12
    sub $24, %rsp                       # 0: uaddr2's bucket, 8: woken or moved
    mov %r15, %rdi
    call futex_bucket
    mov %rax, (%rsp)
    movq $0, 8(%rsp)
    mov %rbx, %rdi
    call futex_bucket
    mov %rax, 16(%rsp)
    mov (%rax), %rbp
1:  cmp 16(%rsp), %rbp
    je 9f
    mov 8(%rsp), %eax                   # moved enough
    sub %r13d, %eax
    cmp %r14d, %eax
    jge 9f
    mov %rbp, %r12
    mov (%rbp), %rbp
    cmp %rbx, T_FUTEX_KEY - T_WAIT(%r12)
    jne 1b
    mov %r12, %rdi
    call futex_same_process
    jne 1b
    incl 8(%rsp)
    cmp %r13d, 8(%rsp)
    jg 2f
    mov %r12, %rdi
    call futex_wake_one
    jmp 1b
2:  mov %r15, T_FUTEX_KEY - T_WAIT(%r12)
    mov (%rsp), %rsi
    cmp 16(%rsp), %rsi                  # the same bucket: it stays where it is
    je 1b
    LIST_DEL %r12
    LIST_ADD_TAIL %r12, %rsi
    jmp 1b
9:  mov 8(%rsp), %eax
    add $24, %rsp
    POP_REGS rbp, r12
    ret

# futex_wake_op(%rbx = uaddr, %r13d = how many to wake there, %r14d = how many at uaddr2 if the
# comparison holds, %r15 = uaddr2 (writable), %ebp = val3, the operation) -> %rax: how many
# woke, or -ENOSYS for an unknown operation or comparison (Linux applies a known operation
# before it finds the comparison unknown).
futex_wake_op:
    PUSH_REGS rbp, r12
    mov %ebp, %eax                      # the encoded operation
    mov %eax, %ecx                      # oparg: bits 23:12, signed
    shl $8, %ecx
    sar $20, %ecx
    test %eax, %eax                     # FUTEX_OP_OPARG_SHIFT: 1 << oparg (Linux masks it to 31)
    jns 1f
    and $31, %ecx
    mov $1, %edx
    shl %cl, %edx
    mov %edx, %ecx
1:  mov %eax, %edx
    shr $28, %edx
    and $7, %edx
    mov (%r15), %r12d                   # the old value
    mov %r12d, %r8d
    cmp $0, %edx                        # FUTEX_OP_SET
    jne 2f
    mov %ecx, %r8d
2:  cmp $1, %edx                        # FUTEX_OP_ADD
    jne 3f
    add %ecx, %r8d
3:  cmp $2, %edx                        # FUTEX_OP_OR
    jne 4f
    or %ecx, %r8d
4:  cmp $3, %edx                        # FUTEX_OP_ANDN
    jne 5f
    not %ecx
    and %ecx, %r8d
5:  cmp $4, %edx                        # FUTEX_OP_XOR
    jne 6f
    xor %ecx, %r8d
6:  cmp $4, %edx
    ja 90f
    mov %r8d, (%r15)
    mov %eax, %ecx                      # cmparg: bits 11:0, signed
    shl $20, %ecx
    sar $20, %ecx
    shr $24, %eax
    and $15, %eax
    cmp $5, %eax
    ja 90f
    cmp %ecx, %r12d                     # old value against cmparg, signed
    sete %r8b
    setl %r9b
    setg %r10b
    movzbl %r8b, %ebp                   # FUTEX_OP_CMP_EQ
    cmp $1, %eax                        # NE
    jne 71f
    xor $1, %ebp
71: cmp $2, %eax                        # LT
    jne 72f
    movzbl %r9b, %ebp
72: cmp $3, %eax                        # LE
    jne 73f
    or %r9b, %bpl
73: cmp $4, %eax                        # GT
    jne 74f
    movzbl %r10b, %ebp
74: cmp $5, %eax                        # GE
    jne 7f
    or %r10b, %bpl
7:  mov %rbx, %rdi
    mov %r13d, %esi
    mov $-1, %edx
    call futex_wake
    mov %rax, %r12
    test %ebp, %ebp
    jz 8f
    mov %r15, %rdi
    mov %r14d, %esi
    mov $-1, %edx
    call futex_wake
    add %rax, %r12
8:  mov %r12, %rax
    jmp 9f
90: mov $-ENOSYS, %rax
9:  POP_REGS rbp, r12
    ret


# futex_key(%rbx = uaddr, %r12d = op) -> %rax: 0, -EINVAL (not aligned) or -EFAULT. A private
# futex needs only an address in user space, and is its own key; a shared one, a mapped page,
# and %rbx becomes its key (futex_shared_key).
futex_key:
    test $3, %bl
    jnz einval
    test $FUTEX_PRIVATE_FLAG, %r12d
    jz 1f
    movabs $(USER_TOP - 4), %rax
    cmp %rax, %rbx
    ja efault
    xor %eax, %eax
    ret
1:  mov %rbx, %rdi
    mov $4, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    call futex_shared_key
    mov %rax, %rbx
    xor %eax, %eax
9:  ret

# futex_shared_key(%rdi = user address) -> %rax: the word's direct-map address when its page is
# present and a MAP_SHARED region's (PTE_SHARED: every process that shares the region maps that
# frame), else the address itself
futex_shared_key:
    push %rdi
    call pt_lookup
    pop %rdi
    test $PTE_P, %al
    jz 9f
    test $PTE_SHARED, %eax
    jz 9f
    mov $(PAGE_SIZE - 1), %ecx          # the offset's mask: a 4 KiB page's or a 2 MiB one's
    test %edx, %edx
    jz 1f
    mov $(LARGE_PAGE_SIZE - 1), %ecx
1:  movabs $PTE_ADDR_MASK, %rdx
    and %rdx, %rax
    not %rcx
    and %rcx, %rax
    not %rcx
    and %rdi, %rcx
    add %rcx, %rax
    movabs $DIRECT_MAP_BASE, %rcx
    add %rcx, %rax
    ret
9:  mov %rdi, %rax
    ret

.section .data
.p2align 4
futex_buckets:                          # list heads, empty
    .rept FUTEX_BUCKETS
    .quad ., . - 8
    .endr
