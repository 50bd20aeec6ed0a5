# The interval timer ITIMER_REAL: setitimer, getitimer and alarm (Linux's kernel/time/itimer.c).
#
# A process has one (P_ITIMER, a struct timer on the kernel's timer list, sched.s, and its
# interval P_ITIMER_INTERVAL). When it expires the process gets SIGALRM (SI_KERNEL, as Linux's
# it_real_fn sends it) and, with an interval, it is armed again for the first multiple of the
# interval after now (Linux's hrtimer_forward: a late expiry does not queue up several). fork's
# child starts without it; execve keeps it; it dies with the process. ITIMER_VIRTUAL and
# ITIMER_PROF (user and user+system CPU time) are not kept: asking for them is -EINVAL, where
# Linux has them (docs/kernel.md, "Known differences").

.include "defs.inc"
.include "task.inc"

.equ ITIMER_REAL, 0
# struct itimerval: two struct timeval {tv_sec, tv_usec}
.equ ITV_INTERVAL, 0
.equ ITV_VALUE, 16
.equ ITIMERVAL_SIZE, 32
.equ USEC_PER_SEC, 1000000
.equ NSEC_PER_USEC, 1000

.text
# getitimer(which, curr): the time left (1 us for a timer that is due but has not fired yet, as
# Linux reports it) and the interval.
.globl sys_getitimer
sys_getitimer:
    test %edi, %edi
    jnz itimer_einval
    mov %rsi, %rdi
    jmp itimer_store

# setitimer(which, new, old): arms the timer for new's value from now (0: disarms it), to repeat
# every interval; old, when not NULL, gets what getitimer gave before. A NULL new disarms, as on
# Linux. Order of checks as Linux: new's memory (-EFAULT), its timevals (-EINVAL: tv_sec < 0,
# tv_usec outside [0, 1e6)), which (-EINVAL), old's memory (-EFAULT, the timer set all the same).
.globl sys_setitimer
sys_setitimer:
    PUSH_REGS rbx, r12, r13, r14
    mov %edi, %r12d                     # which
    mov %rdx, %r13                      # old
    xor %ebx, %ebx                      # value: none
    xor %r14d, %r14d                    # interval: none
    test %rsi, %rsi
    jz 1f
    push %rsi
    mov %rsi, %rdi
    mov $ITIMERVAL_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 9f
    push %rdi
    add $ITV_VALUE, %rdi
    call timeval_ns
    pop %rdi
    test %rax, %rax
    js 9f
    mov %rax, %rbx
    call timeval_ns                     # ITV_INTERVAL
    test %rax, %rax
    js 9f
    mov %rax, %r14
1:  mov $-EINVAL, %rax
    test %r12d, %r12d
    jnz 9f
    sub $ITIMERVAL_SIZE, %rsp           # the old setting, before it changes
    mov %rsp, %rdi
    call itimer_read
    mov %rbx, %rdi
    mov %r14, %rsi
    call itimer_set
    xor %eax, %eax
    test %r13, %r13
    jz 8f
    mov %r13, %rdi
    mov $ITIMERVAL_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 8f
    mov %r13, %rdi
    mov %rsp, %rsi
    mov $ITIMERVAL_SIZE, %edx
    call memcpy
    xor %eax, %eax
8:  add $ITIMERVAL_SIZE, %rsp
9:  POP_REGS rbx, r12, r13, r14
    ret

# alarm(seconds): a one-shot ITIMER_REAL in that many seconds (0: none); the seconds the
# previous one had left, rounded to the nearest, and at least 1 if it had any time left (Linux's
# alarm_setitimer).
.globl sys_alarm
sys_alarm:
    push %rbx
    mov %edi, %ebx
    sub $ITIMERVAL_SIZE, %rsp
    mov %rsp, %rdi
    call itimer_read
    mov %rbx, %rax
    mov $NSEC_PER_SEC, %ecx
    mul %rcx                            # at most 2^32 s: no overflow
    mov %rax, %rdi
    xor %esi, %esi
    call itimer_set
    mov ITV_VALUE(%rsp), %rax
    mov ITV_VALUE + 8(%rsp), %rcx
    cmp $(USEC_PER_SEC / 2), %rcx
    jae 1f
    test %rax, %rax
    jnz 2f
    test %rcx, %rcx
    jz 2f
1:  inc %rax
2:  add $ITIMERVAL_SIZE, %rsp
    pop %rbx
    ret

# itimer_expired(%rdi = a process's P_ITIMER): its TM_EXPIRE (sched.s's wake_expired). SIGALRM
# to a living process, and the timer again at the first multiple of the interval after now,
# counted from the deadline that passed; a process that is gone keeps none.
.globl itimer_expired
itimer_expired:
    push %rbx
    lea -P_ITIMER(%rdi), %rbx
    call timer_del
    cmpl $PS_ALIVE, P_STATE(%rbx)
    jne 8f
    mov P_ITIMER_INTERVAL(%rbx), %rdi
    test %rdi, %rdi
    jz 7f
    push %rdi
    call clock_monotonic_ns
    pop %rcx                            # the interval
    mov %rax, %r8                       # now
    sub P_ITIMER + TM_DEADLINE(%rbx), %rax   # how late (>= 0) = q intervals + r
    xor %edx, %edx
    div %rcx
    sub %rdx, %r8                       # deadline + q intervals: not after now
    add %rcx, %r8                       # one more: after now
    jno 1f
    mov $NO_DEADLINE, %r8
1:  mov %r8, P_ITIMER + TM_DEADLINE(%rbx)
    lea P_ITIMER(%rbx), %rdi
    call timer_add
    jmp 6f
7:  movq $0, P_ITIMER + TM_DEADLINE(%rbx)
6:  sub $(KSIGINFO_SIZE + 8), %rsp
    mov %rsp, %rdi
    xor %eax, %eax
    mov $(KSIGINFO_SIZE / 8), %ecx
    rep stosq
    movl $SIGALRM, SI_SIGNO(%rsp)
    movl $SI_KERNEL, SI_CODE(%rsp)
    mov $SIGALRM, %edi
    mov %rsp, %rsi
    xor %edx, %edx
    mov %rbx, %rcx
    call send_signal_process
    add $(KSIGINFO_SIZE + 8), %rsp
    pop %rbx
    ret
8:  movq $0, P_ITIMER + TM_DEADLINE(%rbx)
    pop %rbx
    ret

# itimer_cancel(%rdi = a process being freed): its timer off the list, if armed.
.globl itimer_cancel
itimer_cancel:
    cmpq $0, P_ITIMER + TM_DEADLINE(%rdi)
    je 9f
    movq $0, P_ITIMER + TM_DEADLINE(%rdi)
    add $P_ITIMER, %rdi
    jmp timer_del
9:  ret

# itimer_set(%rdi = value in ns from now, 0 to disarm; %rsi = interval in ns): the running
# process's timer, disarmed first if armed.
itimer_set:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %r12
    mov %rsi, %r13
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %rbx
    mov %rbx, %rdi
    call itimer_cancel
    movq $0, P_ITIMER_INTERVAL(%rbx)
    test %r12, %r12
    jz 9f
    mov %r13, P_ITIMER_INTERVAL(%rbx)
    call clock_monotonic_ns
    add %r12, %rax
    jno 1f
    mov $NO_DEADLINE, %rax              # beyond the clock's range: never
1:  mov %rax, P_ITIMER + TM_DEADLINE(%rbx)
    lea itimer_expired(%rip), %rax
    mov %rax, P_ITIMER + TM_EXPIRE(%rbx)
    lea P_ITIMER(%rbx), %rdi
    call timer_add
    call timer_update
9:  POP_REGS rbx, r12, r13
    ret

# itimer_read(%rdi = a kernel struct itimerval): the running process's timer, as getitimer gives it.
itimer_read:
    PUSH_REGS rbx, r12
    mov %rdi, %r12
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %rbx
    lea ITV_INTERVAL(%r12), %rdi
    mov P_ITIMER_INTERVAL(%rbx), %rax
    call put_timeval
    xor %eax, %eax                      # disarmed: no time left
    cmpq $0, P_ITIMER + TM_DEADLINE(%rbx)
    je 1f
    call clock_monotonic_ns
    mov P_ITIMER + TM_DEADLINE(%rbx), %rcx
    sub %rax, %rcx
    mov $NSEC_PER_USEC, %eax            # due, not yet fired: 1 us, as Linux says
    test %rcx, %rcx
    cmovg %rcx, %rax
1:  lea ITV_VALUE(%r12), %rdi
    call put_timeval
    POP_REGS rbx, r12
    ret

# itimer_store(%rdi = user struct itimerval): itimer_read into it -> %rax: 0, or -EFAULT.
itimer_store:
    push %rbx
    mov %rdi, %rbx
    mov $ITIMERVAL_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    call itimer_read
    xor %eax, %eax
9:  pop %rbx
    ret

# timeval_ns(%rdi = a struct timeval the kernel may read) -> %rax: its ns (NO_DEADLINE when
# more), or -EINVAL for tv_sec < 0 or tv_usec outside [0, 1e6) (Linux's timeval_valid).
timeval_ns:
    mov $-EINVAL, %rax
    mov 8(%rdi), %rcx
    cmp $USEC_PER_SEC, %rcx
    jae 9f
    mov (%rdi), %rax
    test %rax, %rax
    js itimer_einval
    mov $NSEC_PER_SEC, %edx
    mul %rdx
    jc 1f
    imul $NSEC_PER_USEC, %rcx, %rcx
    add %rcx, %rax
    jns 9f
1:  mov $NO_DEADLINE, %rax
9:  ret

itimer_einval:
    mov $-EINVAL, %rax
    ret
