# futex for a process of one thread: nobody else can wait or wake, so a wake finds no waiter (0)
# and a wait whose value matches lasts until its timeout (ETIMEDOUT), or for ever, as on Linux.
# The arguments are checked as Linux's futex_wait/futex_wake/futex_requeue check them. The
# threads to come replace this file. FUTEX_WAKE_OP and the PI operations answer ENOSYS.

.include "defs.inc"

.equ FUTEX_WAIT, 0
.equ FUTEX_WAKE, 1
.equ FUTEX_REQUEUE, 3
.equ FUTEX_CMP_REQUEUE, 4
.equ FUTEX_WAIT_BITSET, 9
.equ FUTEX_WAKE_BITSET, 10
.equ FUTEX_PRIVATE_FLAG, 128
.equ FUTEX_CLOCK_REALTIME, 256
.equ FUTEX_CMD_MASK, 0x7f
.equ NSEC_PER_SEC, 1000000000
.equ NO_DEADLINE, 0x7fffffffffffffff

.text
# futex(uaddr, op, val, timeout or val2, uaddr2, val3)
.globl sys_futex
sys_futex:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rdi, %rbx                      # uaddr
    mov %esi, %r12d                     # op
    mov %edx, %r13d                     # val
    mov %rcx, %r14                      # timeout (wait) or val2 (requeue)
    mov %r8, %r15                       # uaddr2
    mov %r9d, %ebp                      # val3: the bitset, or CMP_REQUEUE's expected value
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
    jns 13f
    movq $0, (%rsp)                     # before the monotonic clock's origin: passed
13: test %ebp, %ebp                     # an empty bitset
    jz 18f
    call futex_key
    test %rax, %rax
    jnz 19f
    mov %rbx, %rdi
    mov $4, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 19f
    cmp (%rbx), %r13d
    jne 17f
    mov $CLOCK_MONOTONIC, %edi
    mov (%rsp), %rsi
    call sleep_until
    mov $-ETIMEDOUT, %rax
    jmp 19f
17: mov $-EAGAIN, %rax
    jmp 19f
18: mov $-EINVAL, %rax
19: pop %rcx
    jmp 99f

20: mov $-1, %ebp                       # FUTEX_WAKE
21: test %ebp, %ebp
    jz 92f
    call futex_key
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
    jne 99f
    mov %rbx, %rdi
    mov $4, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 99f
    cmp (%rbx), %ebp
    je 99f
    mov $-EAGAIN, %rax
    jmp 99f

90: mov $-ENOSYS, %rax
    jmp 99f
92: mov $-EINVAL, %rax
99: pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

# futex_key(%rbx = uaddr, %r12d = op) -> %rax: 0, -EINVAL (not aligned) or -EFAULT. A private
# futex needs only an address in user space; a shared one, a mapped page.
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
    jmp user_range_ok
