# Signals, as Linux sends, blocks, queues and delivers them (kernel/signal.c,
# arch/x86/kernel/signal.c, signal_64.c): the system calls, the delivery that runs on every
# return to user mode with work to do (signal_work, called from entry.s), the rt_sigframe built
# on the user's stack, and rt_sigreturn with the checks a forged frame must pass.
#
# Per-thread state is in struct task (task.inc), reached through current_task; the actions and
# the process-wide pending set in struct process, which every thread shares (sched.s). A signal
# sent to the process is taken by a thread that does not block it (the sender first, as Linux's
# complete_signal prefers), which a blocking call then leaves with -EINTR.

.include "defs.inc"
.include "task.inc"
.include "vdso-offsets.inc"             # the vDSO's FPU stubs (user/vdso.s)

# Linux's FIX_EFLAGS on x86-64: the RFLAGS bits rt_sigreturn takes from the frame (AC, OF, DF,
# TF, SF, ZF, AF, PF, CF); IF, IOPL, NT, RF, VM and the rest stay as the kernel has them.
.equ SIGRETURN_RFLAGS, 0x40dd5
# The MXCSR bits FXRSTOR accepts (SDM Vol. 1, 11.6.6, MXCSR_MASK): 0xffff on every x86-64 CPU,
# which all have DAZ. The kernel cannot read the CPU's own (FXSAVE): on one without DAZ, an
# image with it would make jvmm_sigreturn's FXRSTOR fault, a SIGSEGV all the same.
.equ MXCSR_MASK, 0xffff

# The general registers of struct sigcontext and of the entry frame, pair by pair.
.macro FOR_SIGCONTEXT_REGS m
    \m SC_R8, F_R8
    \m SC_R9, F_R9
    \m SC_R10, F_R10
    \m SC_R11, F_R11
    \m SC_R12, F_R12
    \m SC_R13, F_R13
    \m SC_R14, F_R14
    \m SC_R15, F_R15
    \m SC_RDI, F_RDI
    \m SC_RSI, F_RSI
    \m SC_RBP, F_RBP
    \m SC_RBX, F_RBX
    \m SC_RDX, F_RDX
    \m SC_RAX, F_RAX
    \m SC_RCX, F_RCX
    \m SC_RSP, F_RSP
    \m SC_RIP, F_RIP
.endm
.macro FRAME_TO_SIGCONTEXT sc, f        # %rbx = frame, %rdi = sigcontext
    mov \f(%rbx), %rax
    mov %rax, \sc(%rdi)
.endm
.macro SIGCONTEXT_TO_FRAME sc, f
    mov \sc(%rdi), %rax
    mov %rax, \f(%rbx)
.endm

.equ STOP_WAITING, -2                   # T_FUTEX_KEY of a thread in stop_wait

.equ SIGQUEUE_MAX, 1024                 # real-time instances queued behind the first, in all
.equ SQ_NEXT,   0                       # struct sigqueue
.equ SQ_SET,    8
.equ SQ_SIGNAL, 16
.equ SQ_INFO,   24
.equ SQ_SIZE,   SQ_INFO + KSIGINFO_SIZE

.text
# ---- Sending ----------------------------------------------------------------------------

# recalc_sigpending(): TW_SIGPENDING in T_WORK from the pending sets and the mask, so the return
# to user mode tests one word. recalc_sigpending_task: of the task in %rax. Clobbers %rax, %rcx,
# %rdx.
.globl recalc_sigpending
recalc_sigpending:
    mov current_task(%rip), %rax
recalc_sigpending_task:
    mov T_PROCESS(%rax), %rcx
    mov P_PENDING(%rcx), %rdx
    or T_PENDING(%rax), %rdx
    mov T_BLOCKED(%rax), %rcx
    not %rcx
    andq $~TW_SIGPENDING, T_WORK(%rax)
    test %rcx, %rdx
    jz 1f
    orq $TW_SIGPENDING, T_WORK(%rax)
1:  ret

# send_sigpipe(): Linux's send_sig(SIGPIPE, current, 0) for a write to a stream nobody reads any
# more (a pipe without readers, the host's end of a console port): SI_USER from the task itself.
.globl send_sigpipe
send_sigpipe:
    sub $(KSIGINFO_SIZE + 8), %rsp
    mov %rsp, %rdi
    xor %eax, %eax
    mov $(KSIGINFO_SIZE / 8), %ecx
    rep stosq
    movl $SIGPIPE, SI_SIGNO(%rsp)
    call current_pid
    mov %eax, SI_PID(%rsp)
    mov $SIGPIPE, %edi
    mov %rsp, %rsi
    mov $1, %edx
    call send_signal
    add $(KSIGINFO_SIZE + 8), %rsp
    ret

# send_signal(%edi = signal 1..64, %rsi = kernel siginfo (KSIGINFO_SIZE bytes), %edx = 1 to
# the running thread, 0 to its process); send_signal_to: %rdx = the thread, or 0 for the
# running thread's process; send_signal_process: %rdx = 0, %rcx = the process (or %rdx = a
# thread and %rcx its process) -> %rax: 0, or -EAGAIN when a real-time signal from sigqueue
# finds no room in the queue. Makes it pending, unless it is ignored and not blocked (Linux's
# sig_ignored): a standard signal once (one already pending absorbs it), a real-time one once
# more each time it is sent (sigqueue_add); a zombie gets nothing. The thread that is to take it is woken if it waits; it is delivered on its next
# return to user mode.
.globl send_signal
send_signal:
    test %edx, %edx
    jz send_signal_to
    mov current_task(%rip), %rdx
.globl send_signal_to
send_signal_to:
    mov current_task(%rip), %rcx
    test %rdx, %rdx
    cmovnz %rdx, %rcx
    mov T_PROCESS(%rcx), %rcx
.globl send_signal_process
send_signal_process:
    cmpl $PS_ALIVE, P_STATE(%rcx)
    jne 10f
    PUSH_REGS rbx, r12, r13, r14, r15
    lea -1(%rdi), %ebx                  # its bit
    mov %rsi, %r12
    mov %rdx, %r14
    mov %rcx, %r15
    mov %rcx, %rsi
    call prepare_signal
    mov %r14, %rax                      # blocked by the thread, or by the process's first
    test %rax, %rax
    jnz 1f
    mov P_THREADS(%r15), %rax
    sub $T_ALL, %rax
1:  mov T_BLOCKED(%rax), %r8
    bt %rbx, %r8
    jc 2f
    mov %rbx, %r8
    shl $5, %r8
    mov P_ACTIONS + SA_HANDLER(%r15,%r8), %r8
    cmp $SIG_IGN, %r8
    je 9f
    test %r8, %r8
    jnz 2f
    mov $SIGMASK_KERNEL_IGNORE, %r8d
    bt %rbx, %r8
    jc 9f
2:  lea P_PENDING(%r15), %r13
    mov P_SIGINFO(%r15), %rdi
    test %r14, %r14
    jz 3f
    lea T_PENDING(%r14), %r13
    mov T_SIGINFO(%r14), %rdi
3:  mov (%r13), %r8
    bts %rbx, %r8
    jc 30f
    mov %r8, (%r13)
    mov %rbx, %rax
    shl $6, %eax                        # SIGINFO_SLOT
    add %rax, %rdi
    mov %r12, %rsi
    mov $KSIGINFO_SIZE, %edx
    call memcpy
    call signalfd_wake
    test %r14, %r14
    jnz 5f
    mov current_task(%rip), %r14        # to the process: the sender if it takes it, else the
    cmp T_PROCESS(%r14), %r15           # first thread that does not block it
    jne 31f
    mov T_BLOCKED(%r14), %rax
    bt %rbx, %rax
    jnc 5f
31: lea P_THREADS(%r15), %rcx
    mov %rcx, %r14
4:  mov (%r14), %r14
    cmp %rcx, %r14
    je 9f                               # all block it: pending until one unblocks it
    mov T_BLOCKED - T_ALL(%r14), %rax
    bt %rbx, %rax
    jc 4b
    sub $T_ALL, %r14
5:  mov %r14, %rdi
    call signal_wake
9:  xor %eax, %eax
91: POP_REGS rbx, r12, r13, r14, r15
    ret
10: xor %eax, %eax
    ret
30: cmp $SIGRTMIN - 1, %ebx             # pending already: a real-time signal queues one more
    jb 9b
    mov %r13, %rdi
    lea 1(%rbx), %esi
    mov %r12, %rdx
    call sigqueue_add
    test %rax, %rax
    jz 91b
    cmpl $SI_USER, SI_CODE(%r12)        # no room: kill's instance is lost silently (Linux's
    je 9b                               # "silent loss of information"), sigqueue's fails
    jmp 91b

# ---- Queued real-time signals ----------------------------------------------------------------
# A pending signal's first instance is in its set's slot (T_SIGINFO, P_SIGINFO). Real-time
# signals queue the instances after it, in order, as struct sigqueue entries on one list for all
# sets (SQ_*: next, the set it belongs to, the signal, the siginfo), from a pool of SIGQUEUE_MAX
# (Linux bounds them by RLIMIT_SIGPENDING). Each taken instance makes the next one the slot's.
# The list's head serves as the link before its first entry: SQ_NEXT is 0.

# sigqueue_add(%rdi = pending set, %esi = signal, %rdx = kernel siginfo) -> %rax: 0, or -EAGAIN
# when the pool is used up
sigqueue_add:
    mov sigqueue_free(%rip), %rax
    test %rax, %rax
    jz 1f
    mov SQ_NEXT(%rax), %rcx
    mov %rcx, sigqueue_free(%rip)
    jmp 2f
1:  mov sigqueue_used(%rip), %eax       # never used yet
    cmp $SIGQUEUE_MAX, %eax
    jae 8f
    incl sigqueue_used(%rip)
    imul $SQ_SIZE, %eax
    lea sigqueue_pool(%rip), %rcx
    add %rcx, %rax
2:  movq $0, SQ_NEXT(%rax)
    mov %rdi, SQ_SET(%rax)
    mov %esi, SQ_SIGNAL(%rax)
    lea sigqueue_head(%rip), %rcx       # after the last
3:  cmpq $0, SQ_NEXT(%rcx)
    je 4f
    mov SQ_NEXT(%rcx), %rcx
    jmp 3b
4:  mov %rax, SQ_NEXT(%rcx)
    lea SQ_INFO(%rax), %rdi
    mov %rdx, %rsi
    mov $KSIGINFO_SIZE, %edx
    call memcpy
    xor %eax, %eax
    ret
8:  mov $-EAGAIN, %rax
    ret

# sigqueue_take(%rdi = pending set, %esi = signal, %rdx = its slot) -> %eax: 1 when its next
# instance was moved into the slot, 0 when none is queued
sigqueue_take:
    push %rdx
    call sigqueue_find
    pop %rdi
    test %rax, %rax
    jz 9f
    call sigqueue_release
    lea SQ_INFO(%rax), %rsi             # free, not yet reused: one CPU, no interrupts here
    mov $KSIGINFO_SIZE, %edx
    call memcpy
    mov $1, %eax
9:  ret

# sigqueue_discard(%rdi = pending set, %esi = signal, or 0 for all): its queued instances go,
# when the signal becomes ignored, the thread or the process is gone
.globl sigqueue_discard
sigqueue_discard:
1:  call sigqueue_find
    test %rax, %rax
    jz 9f
    call sigqueue_release
    jmp 1b
9:  ret

# sigqueue_find(%rdi = pending set, %esi = signal, or 0 for any) -> %rax: its first queued
# instance, %rcx: the link to it; %rax = 0 if none. Clobbers nothing else.
sigqueue_find:
    lea sigqueue_head(%rip), %rcx
1:  mov SQ_NEXT(%rcx), %rax
    test %rax, %rax
    jz 9f
    cmp %rdi, SQ_SET(%rax)
    jne 2f
    test %esi, %esi
    jz 9f
    cmp %esi, SQ_SIGNAL(%rax)
    je 9f
2:  mov %rax, %rcx
    jmp 1b
9:  ret

# sigqueue_release(%rax = entry, %rcx = the link to it): off the list, into the pool
sigqueue_release:
    mov SQ_NEXT(%rax), %r8
    mov %r8, SQ_NEXT(%rcx)
    mov sigqueue_free(%rip), %r8
    mov %r8, SQ_NEXT(%rax)
    mov %rax, sigqueue_free(%rip)
    ret

# prepare_signal(%edi = signal, %rsi = process): job control, as Linux's prepare_signal does it
# when a signal is sent (ignored or blocked, too): a stop signal discards a pending SIGCONT;
# SIGCONT discards pending stop signals and continues the process if it is stopped.
prepare_signal:
    mov $~(1 << (SIGCONT - 1)), %rdx
    cmp $SIGCONT, %edi
    je 1f
    mov $SIGMASK_STOP, %eax
    lea -1(%rdi), %ecx
    bt %rcx, %rax
    jnc 9f
    jmp 2f
1:  mov $~SIGMASK_STOP, %rdx
2:  and %rdx, P_PENDING(%rsi)
    lea P_THREADS(%rsi), %rcx
    mov %rcx, %r8
3:  LIST_NEXT %rcx, %r8, 4f
    and %rdx, T_PENDING - T_ALL(%r8)
    jmp 3b
4:  cmp $SIGCONT, %edi
    jne 9f
    cmpl $0, P_STOP_SIGNAL(%rsi)
    je 9f
    mov %rsi, %rdi
    jmp continue_process
9:  ret

# continue_process(%rdi = a stopped process): it runs again; its threads waiting in stop_wait
# wake, its parent is told (CLD_CONTINUED; WCONTINUED reports it)
continue_process:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %r12
    movl $0, P_STOP_SIGNAL(%r12)
    movl $0xffff, P_WAIT_REPORT(%r12)
    lea P_THREADS(%r12), %r13
    mov %r13, %rbx
1:  LIST_NEXT %r13, %rbx, 2f
    lea -T_ALL(%rbx), %rdi
    andq $~TW_STOP, T_WORK(%rdi)
    cmpq $STOP_WAITING, T_FUTEX_KEY(%rdi)
    jne 1b
    movq $0, T_FUTEX_KEY(%rdi)
    xor %esi, %esi
    call task_wake
    jmp 1b
2:  mov %r12, %rdi
    call notify_parent_cldstop
    POP_REGS rbx, r12, r13
    ret

# do_signal_stop(%edi = a stop signal whose action is the default): the process stops (Linux's
# group stop, whole at once on one CPU): every thread waits on its way to user mode (TW_STOP,
# stop_wait) until SIGCONT or SIGKILL, and the parent is told (CLD_STOPPED; WUNTRACED reports
# it). SIGTSTP, SIGTTIN and SIGTTOU are discarded in an orphaned process group, as on Linux.
do_signal_stop:
    PUSH_REGS rbx, r12
    mov %edi, %r12d
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rbx
    cmpl $0, P_GROUP_EXIT(%rbx)         # it is ending anyway
    jne 9f
    cmp $SIGSTOP, %r12d
    je 1f
    mov P_PGID(%rbx), %edi
    mov P_SID(%rbx), %esi
    call pgrp_orphaned
    test %eax, %eax
    jnz 9f
1:  mov %r12d, P_STOP_SIGNAL(%rbx)
    shl $8, %r12d
    or $0x7f, %r12d
    mov %r12d, P_WAIT_REPORT(%rbx)
    lea P_THREADS(%rbx), %rcx
    mov %rcx, %rdx
2:  LIST_NEXT %rcx, %rdx, 3f
    orq $TW_STOP, T_WORK - T_ALL(%rdx)
    jmp 2b
3:  mov %rbx, %rdi
    call notify_parent_cldstop
    call stop_wait
9:  POP_REGS rbx, r12
    ret

# stop_wait(): TW_STOP: the thread waits while its process is stopped (a signal wakes it to look
# again; only SIGCONT, SIGKILL and the process's end let it go on)
stop_wait:
    push %rbx
    mov current_task(%rip), %rbx
1:  mov T_PROCESS(%rbx), %rax
    cmpl $0, P_STOP_SIGNAL(%rax)
    je 8f
    cmpl $0, P_GROUP_EXIT(%rax)
    jne 8f
    mov T_PENDING(%rbx), %rcx
    or P_PENDING(%rax), %rcx
    bt $(SIGKILL - 1), %rcx
    jc 8f
    movq $STOP_WAITING, T_FUTEX_KEY(%rbx)
    mov $NO_DEADLINE, %rdi
    call task_sleep
    movq $0, T_FUTEX_KEY(%rbx)
    jmp 1b
8:  andq $~TW_STOP, T_WORK(%rbx)
    pop %rbx
    ret

# pgrp_orphaned(%edi = process group, %esi = its session) -> %eax: 1 if no live member has a
# parent in another group of the same session (POSIX's orphaned process group), else 0
pgrp_orphaned:
    lea all_processes(%rip), %rcx
    mov %rcx, %rdx
1:  LIST_NEXT %rcx, %rdx, 8f
    cmpl $PS_ALIVE, P_STATE - P_LIST(%rdx)
    jne 1b
    cmp %edi, P_PGID - P_LIST(%rdx)
    jne 1b
    mov P_PARENT - P_LIST(%rdx), %rax
    test %rax, %rax
    jz 1b
    cmp %edi, P_PGID(%rax)
    je 1b
    cmp %esi, P_SID(%rax)
    jne 1b
    xor %eax, %eax
    ret
8:  mov $1, %eax
    ret

# signal_wake(%rdi = task): its TW_SIGPENDING from its pending sets; if it has a signal to take
# and waits, it wakes (its wait returns -EINTR).
.globl signal_wake
signal_wake:
    mov %rdi, %rax
    push %rdi
    call recalc_sigpending_task
    pop %rdi
    testq $TW_SIGPENDING, T_WORK(%rdi)
    jz 1f
    mov $-EINTR, %rsi
    jmp task_wake
1:  ret

# signal_retarget(): a thread left: every other one looks at the process's pending signals again.
.globl signal_retarget
signal_retarget:
    PUSH_REGS rbx, r12
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %r12
    add $P_THREADS, %r12
    mov %r12, %rbx
1:  LIST_NEXT %r12, %rbx, 9f
    lea -T_ALL(%rbx), %rdi
    call signal_wake
    jmp 1b
9:  POP_REGS rbx, r12
    ret

# force_sig_fault(%edi = signal, %esi = si_code, %rdx = si_addr): a signal the thread caused
# (a fault, a frame that could not be built or restored). As Linux's force_sig_info: if it is
# blocked or ignored, the action becomes SIG_DFL and it is unblocked, so the process dies of it.
.globl force_sig_fault
force_sig_fault:
    push %rbx
    sub $KSIGINFO_SIZE, %rsp
    mov %edi, SI_SIGNO(%rsp)
    movl $0, SI_ERRNO(%rsp)
    mov %esi, SI_CODE(%rsp)
    movl $0, SI_CODE + 4(%rsp)
    mov %rdx, SI_ADDR(%rsp)
    movq $0, 24(%rsp)
    movq $0, 32(%rsp)
    movq $0, 40(%rsp)
    lea -1(%rdi), %ebx
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rcx
    mov %rbx, %rdx
    shl $5, %rdx
    lea P_ACTIONS(%rcx,%rdx), %rdx
    mov T_BLOCKED(%rax), %r8
    btr %rbx, %r8
    jc 1f
    cmpq $SIG_IGN, SA_HANDLER(%rdx)
    jne 2f
1:  mov %r8, T_BLOCKED(%rax)
    movq $SIG_DFL, SA_HANDLER(%rdx)
2:  mov %rsp, %rsi
    mov $1, %edx
    call send_signal
    call recalc_sigpending
    add $KSIGINFO_SIZE, %rsp
    pop %rbx
    ret

# ---- Delivery ---------------------------------------------------------------------------

# signal_work(%rdi = frame): T_WORK was not zero on the way back to user mode. Delivers every
# deliverable signal (synchronous ones first, then the lowest number, as Linux's next_signal):
# a handler gets a frame on the user stack (nested when several are delivered at once), a
# default action ignores or ends the process. Then an interrupted system call without a
# handler restarts, and rt_sigsuspend's mask comes back.
.globl signal_work
signal_work:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    sub $56, %rsp                       # the dequeued kernel siginfo
    mov %rdi, %rbx
    mov current_task(%rip), %r12
    mov T_PROCESS(%r12), %r13
    testq $TW_STOP, T_WORK(%r12)        # its process is stopped
    jz 1f
    call stop_wait
1:  mov T_BLOCKED(%r12), %rdi
    not %rdi
    mov %rsp, %rsi
    call dequeue_signal
    test %eax, %eax
    jz 8f
    mov %eax, %ebp                      # the signal
    lea -1(%rax), %r14d
    shl $5, %r14
    lea P_ACTIONS(%r13,%r14), %r14      # its action
    mov SA_HANDLER(%r14), %rax
    cmp $SIG_IGN, %rax
    je 1b
    test %rax, %rax
    jnz 4f
    lea -1(%rbp), %ecx                  # SIG_DFL: ignore, stop, or the process ends
    mov $SIGMASK_KERNEL_IGNORE, %eax
    bt %rcx, %rax
    jc 1b
    mov $SIGMASK_STOP, %eax
    bt %rcx, %rax
    jnc 10f
    mov %ebp, %edi
    call do_signal_stop
    jmp 1b
10: xor %edx, %edx                      # the report names the fault's address
    cmpl $0, SI_CODE(%rsp)
    jle 3f
    mov $SIGMASK_SYNCHRONOUS, %eax
    bt %rcx, %rax
    jnc 3f
    mov SI_ADDR(%rsp), %rdx
3:  mov %rbx, %rdi
    mov %ebp, %esi
    call kill_process                   # does not return

4:  mov $1, %esi                        # a handler runs: restart, or -EINTR (Linux's handle_signal)
    testl $SA_RESTART, SA_FLAGS(%r14)
    jz 5f
    mov $2, %esi
5:  mov %rbx, %rdi
    call syscall_restart
    mov T_BLOCKED(%r12), %r8            # the mask the frame keeps for rt_sigreturn
    testq $TW_RESTORE_MASK, T_WORK(%r12)
    jz 6f
    mov T_SAVED_MASK(%r12), %r8
6:  mov %rbx, %rdi
    mov %ebp, %esi
    mov %r14, %rdx
    mov %rsp, %rcx
    call setup_frame
    test %rax, %rax
    jnz 7f
    andq $~TW_RESTORE_MASK, T_WORK(%r12)
    mov SA_MASK(%r14), %rax
    mov SA_FLAGS(%r14), %ecx
    test $SA_NODEFER, %ecx
    jnz 61f
    lea -1(%rbp), %edx
    bts %rdx, %rax
61: or %rax, T_BLOCKED(%r12)
    test $SA_RESETHAND, %ecx
    jz 62f
    movq $SIG_DFL, SA_HANDLER(%r14)
62: call recalc_sigpending
    jmp 1b

7:  cmp $SIGSEGV, %ebp                  # no frame: Linux's force_sigsegv
    jne 71f
    movq $SIG_DFL, P_ACTIONS + (SIGSEGV - 1) * SIGACTION_SIZE + SA_HANDLER(%r13)
71: mov $SIGSEGV, %edi
    mov $SI_KERNEL, %esi
    xor %edx, %edx
    call force_sig_fault
    jmp 1b

8:  mov %rbx, %rdi                      # nothing (more) to deliver
    xor %esi, %esi
    call syscall_restart
    testq $TW_RESTORE_MASK, T_WORK(%r12)
    jz 9f
    andq $~TW_RESTORE_MASK, T_WORK(%r12)
    mov T_SAVED_MASK(%r12), %rax
    mov %rax, T_BLOCKED(%r12)
    call recalc_sigpending
    testq $TW_SIGPENDING, T_WORK(%r12)  # the old mask may let a pending signal through
    jnz 1b
9:  andq $~TW_IRET, T_WORK(%r12)
    add $56, %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# dequeue_signal(%rdi = the signals it may take, %rsi = KSIGINFO_SIZE bytes) -> %eax: a signal
# taken off the current thread's pending set, or else its process's (synchronous ones first,
# then the lowest, as Linux's next_signal), its siginfo copied out; 0 if none is pending.
.globl dequeue_signal
dequeue_signal:
    PUSH_REGS rbx, r12, r13
    mov current_task(%rip), %r12
    mov T_PROCESS(%r12), %r13
    mov T_PENDING(%r12), %rax
    or P_PENDING(%r13), %rax
    and %rdi, %rax
    jz 9f
    mov $SIGMASK_SYNCHRONOUS, %ecx
    and %rax, %rcx
    cmovnz %rcx, %rax
    bsf %rax, %rbx                      # its bit: the thread's own pending set first
    mov T_PENDING(%r12), %rax
    lea T_PENDING(%r12), %rdx
    mov T_SIGINFO(%r12), %rcx
    bt %rbx, %rax
    jc 2f
    mov P_PENDING(%r13), %rax
    lea P_PENDING(%r13), %rdx
    mov P_SIGINFO(%r13), %rcx
2:  btr %rbx, %rax
    mov %rax, (%rdx)
    mov %rdx, %r12                      # the set
    mov %rbx, %rax
    shl $6, %rax                        # SIGINFO_SLOT
    lea (%rcx,%rax), %r13               # its slot
    mov %rsi, %rdi
    mov %r13, %rsi
    mov $KSIGINFO_SIZE, %edx
    call memcpy
    cmp $SIGRTMIN - 1, %ebx
    jb 3f
    mov %r12, %rdi                      # a real-time signal's next instance takes the slot
    lea 1(%rbx), %esi
    mov %r13, %rdx
    call sigqueue_take
    test %eax, %eax
    jz 3f
    bts %rbx, (%r12)
3:  call recalc_sigpending
    lea 1(%rbx), %eax
9:  POP_REGS rbx, r12, r13
    ret

# copy_siginfo_out(%rdi = a siginfo_t the kernel may write, %rsi = kernel siginfo): the user's
# SIGINFO_SIZE bytes, the kernel's KSIGINFO_SIZE and zeros after them.
copy_siginfo_out:
    push %rdi
    mov $KSIGINFO_SIZE, %edx
    call memcpy
    pop %rdi
    add $KSIGINFO_SIZE, %rdi
    xor %eax, %eax
    mov $((SIGINFO_SIZE - KSIGINFO_SIZE) / 8), %ecx
    rep stosq
    ret

# syscall_restart(%rdi = frame, %esi = 0 no handler runs, 1 a handler without SA_RESTART,
# 2 a handler with SA_RESTART): a system call that returned -ERESTART* is made again (RAX =
# the number it arrived with, RIP back over the 2-byte SYSCALL, SYSENTER or INT 0x80) or
# returns -EINTR, as Linux decides. -ERESTART_RESTARTBLOCK without a handler makes it
# restart_syscall instead, which goes on with what the call left in the thread's restart block.
syscall_restart:
    cmpq $ENTRY_SYSCALL, F_KIND(%rdi)
    jb 9f
    cmpq $-1, F_ORIG_RAX(%rdi)
    je 9f
    mov F_RAX(%rdi), %rax
    cmp $-ERESTART_RESTARTBLOCK, %rax
    je 3f
    cmp $-ERESTARTNOHAND, %rax
    je 1f
    cmp $-ERESTARTSYS, %rax
    je 2f
    cmp $-ERESTARTNOINTR, %rax
    je 8f
9:  ret
1:  test %esi, %esi
    jnz 7f
    jmp 8f
2:  cmp $1, %esi
    je 7f
8:  mov F_ORIG_RAX(%rdi), %rax
    mov %rax, F_RAX(%rdi)
    subq $2, F_RIP(%rdi)
    ret
7:  movq $-EINTR, F_RAX(%rdi)
    ret
3:  test %esi, %esi
    jnz 7b
    movq $NR_RESTART_SYSCALL, F_RAX(%rdi)
    subq $2, F_RIP(%rdi)
    ret

# restart_block_set(%rdi, %rsi, %rdx, %rcx, %r8 = the arguments, %r9 = fn) -> %rax:
# -ERESTART_RESTARTBLOCK. A call that a signal interrupted leaves how to go on: without a
# handler (a stop, an ignored signal) the call becomes restart_syscall, which calls fn.
.globl restart_block_set
restart_block_set:
    mov current_task(%rip), %rax
    mov %r9, T_RESTART_FN(%rax)
    mov %rdi, T_RESTART_ARGS(%rax)
    mov %rsi, T_RESTART_ARGS + 8(%rax)
    mov %rdx, T_RESTART_ARGS + 16(%rax)
    mov %rcx, T_RESTART_ARGS + 24(%rax)
    mov %r8, T_RESTART_ARGS + 32(%rax)
    mov $-ERESTART_RESTARTBLOCK, %rax
    ret

# restart_syscall(): goes on, once, with what the thread's restart block holds; -EINTR when it
# holds nothing (Linux's do_no_restart_syscall)
.globl sys_restart_syscall
sys_restart_syscall:
    mov current_task(%rip), %rax
    mov T_RESTART_FN(%rax), %r9
    test %r9, %r9
    jz 8f
    movq $0, T_RESTART_FN(%rax)
    mov T_RESTART_ARGS(%rax), %rdi
    mov T_RESTART_ARGS + 8(%rax), %rsi
    mov T_RESTART_ARGS + 16(%rax), %rdx
    mov T_RESTART_ARGS + 24(%rax), %rcx
    mov T_RESTART_ARGS + 32(%rax), %r8
    jmp *%r9
8:  mov $-EINTR, %rax
    ret

# setup_frame(%rdi = frame, %esi = signal, %rdx = action, %rcx = kernel siginfo, %r8 = the
# mask to save) -> %rax: 0, the frame now enters the handler; -EFAULT when the frame cannot be
# written (no SA_RESTORER, a bad stack, an alternate stack it would overflow).
setup_frame:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    sub $24, %rsp                       # 0: mask, 8: siginfo, 16: on the alternate stack
    mov %rdi, %rbx
    mov %esi, %ebp
    mov %rdx, %r14
    mov %r8, 0(%rsp)
    mov %rcx, 8(%rsp)
    mov current_task(%rip), %r12
    testl $SA_RESTORER_FLAG, SA_FLAGS(%r14)  # x86-64 requires SA_RESTORER, as Linux
    jz 8f
    mov F_RSP(%rbx), %rdi               # Linux's get_sigframe
    call on_sig_stack
    mov %rax, 16(%rsp)
    mov F_RSP(%rbx), %r13
    sub $128, %r13                      # the red zone
    testl $SA_ONSTACK, SA_FLAGS(%r14)
    jz 1f
    cmpq $0, T_SS_SIZE(%r12)
    je 1f
    mov %r13, %rdi
    call on_sig_stack
    test %rax, %rax
    jnz 1f
    mov T_SS_SP(%r12), %r13
    add T_SS_SIZE(%r12), %r13
    movq $1, 16(%rsp)
1:  sub $FX_SIZE, %r13
    and $~63, %r13                      # the FXSAVE image
    lea -RSF_FRAME_SIZE(%r13), %r15     # the frame: (RSP + 8) % 16 == 0 at entry, as after a call
    cmpq $0, 16(%rsp)
    je 2f
    mov %r15, %rax                      # it must not overflow the alternate stack
    sub T_SS_SP(%r12), %rax
    jbe 8f
    cmp T_SS_SIZE(%r12), %rax
    ja 8f
2:  mov %r15, %rdi
    lea FX_SIZE(%r13), %rsi
    sub %r15, %rsi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 8f
    mov SA_RESTORER(%r14), %rax
    mov %rax, RSF_PRETCODE(%r15)
    movq $(UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS), RSF_UC + UC_FLAGS(%r15)
    movq $0, RSF_UC + UC_LINK(%r15)
    mov T_SS_SP(%r12), %rax
    mov %rax, RSF_UC + UC_STACK + SS_SP(%r15)
    mov T_SS_FLAGS(%r12), %rax
    mov %rax, RSF_UC + UC_STACK + SS_FLAGS(%r15)
    mov T_SS_SIZE(%r12), %rax
    mov %rax, RSF_UC + UC_STACK + SS_SIZE(%r15)
    lea RSF_UC + UC_MCONTEXT(%r15), %rdi
    FOR_SIGCONTEXT_REGS FRAME_TO_SIGCONTEXT
    mov F_RFLAGS(%rbx), %rax
    mov %rax, SC_EFLAGS(%rdi)
    movzwl F_CS(%rbx), %eax             # cs, gs = 0, fs = 0, ss
    movzwl F_SS(%rbx), %ecx
    shl $48, %rcx
    or %rcx, %rax
    mov %rax, SC_SEGMENTS(%rdi)
    mov T_ERROR(%r12), %rax
    mov %rax, SC_ERR(%rdi)
    mov T_TRAPNO(%r12), %rax
    mov %rax, SC_TRAPNO(%rdi)
    mov 0(%rsp), %rax
    mov %rax, SC_OLDMASK(%rdi)
    mov %rax, RSF_UC + UC_SIGMASK(%r15)
    mov T_CR2(%r12), %rax
    mov %rax, SC_CR2(%rdi)
    mov %r13, SC_FPSTATE(%rdi)
    lea SC_RESERVED(%rdi), %rdi
    xor %eax, %eax
    mov $8, %ecx
    rep stosq
    lea RSF_INFO(%r15), %rdi
    mov 8(%rsp), %rsi
    call copy_siginfo_out
    xor %eax, %eax
    lea FX_SW_RESERVED(%r13), %rdi      # no XSAVE: no magic in the software-reserved bytes
    mov $((FX_SIZE - FX_SW_RESERVED) / 8), %ecx
    rep stosq
    # The user's FPU and SSE state is live in the registers (the kernel never touches them): the
    # vDSO's jvmm_sigenter saves it into the frame and clears it, then enters the handler with
    # (signo, &info, &uc) and RAX = 0. A SIMD exception's si_code is found there too.
    mov %ebp, %eax
    mov %rax, F_RDI(%rbx)
    lea RSF_INFO(%r15), %rax
    mov %rax, F_RSI(%rbx)
    lea RSF_UC(%r15), %rax
    mov %rax, F_RDX(%rbx)
    mov SA_HANDLER(%r14), %rax
    mov %rax, F_RCX(%rbx)
    mov %r15, F_RSP(%rbx)
    mov $VDSO_jvmm_sigenter, %eax
    cmpl $SI_CODE_SIMD, RSF_INFO + SI_CODE(%r15)
    jne 21f
    cmp $SIGFPE, %ebp
    jne 21f
    mov $VDSO_jvmm_sigenter_simd, %eax
21: add vdso_base(%rip), %rax
    mov %rax, F_RIP(%rbx)
    movq $USER_CS, F_CS(%rbx)
    movq $USER_DS, F_SS(%rbx)
    andq $~(RFLAGS_DF | RFLAGS_RF | RFLAGS_TF), F_RFLAGS(%rbx)
    testl $SS_AUTODISARM, T_SS_FLAGS(%r12)
    jz 3f
    movq $0, T_SS_SP(%r12)
    movq $SS_DISABLE, T_SS_FLAGS(%r12)
    movq $0, T_SS_SIZE(%r12)
3:  xor %eax, %eax
    jmp 9f
8:  mov $-EFAULT, %rax
9:  add $24, %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# on_sig_stack(%rdi = user stack pointer) -> %rax: 1 if it lies on the alternate stack (Linux:
# never with SS_AUTODISARM). Clobbers %rcx, %rdi.
on_sig_stack:
    mov current_task(%rip), %rcx
    xor %eax, %eax
    testl $SS_AUTODISARM, T_SS_FLAGS(%rcx)
    jnz 1f
    sub T_SS_SP(%rcx), %rdi
    jbe 1f
    cmp T_SS_SIZE(%rcx), %rdi
    ja 1f
    inc %eax
1:  ret

# ---- rt_sigreturn -------------------------------------------------------------------------
# The frame is at the user's RSP - 8 (the handler's RET took pretcode). What a forged frame
# cannot get: CS and SS are the user's selectors, RFLAGS takes only SIGRETURN_RFLAGS, a
# non-canonical RIP or RSP becomes a SIGSEGV on the way out (entry.s). A frame the user cannot
# read and write, or an FXSAVE image it cannot read, gives SIGSEGV, as Linux's badframe: like
# Linux, the mask and the registers are restored before the FPU state is looked at.
#
# The kernel cannot run FXRSTOR (see jvmm_sigenter in user/vdso.s): it returns to the vDSO's
# jvmm_sigreturn with every general register restored and RSP at the block it writes at
# RSF_IRET, which loads the image and IRETQs to the restored RIP, RSP and RFLAGS. An image
# whose MXCSR has bits the CPU reserves makes that FXRSTOR fault: a user #GP, SIGSEGV with
# SI_KERNEL, as Linux's badframe. A context whose RIP or RSP is not canonical does not take the
# stub (its IRETQ would fault with the stub's RIP): entry.s reports it at the frame's RIP, and
# the FPU keeps the handler's state.
.globl sys_rt_sigreturn
sys_rt_sigreturn:
    PUSH_REGS rbx, r12, r13
    mov current_task(%rip), %r12
    mov T_FRAME(%r12), %rbx
    mov F_RSP(%rbx), %r13
    sub $8, %r13
    mov %r13, %rdi
    mov $RSF_FRAME_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 8f
    mov RSF_UC + UC_SIGMASK(%r13), %rax
    and $~SIGMASK_UNBLOCKABLE, %rax
    mov %rax, T_BLOCKED(%r12)
    lea RSF_UC + UC_MCONTEXT(%r13), %rdi
    FOR_SIGCONTEXT_REGS SIGCONTEXT_TO_FRAME
    mov SC_EFLAGS(%rdi), %rax
    and $SIGRETURN_RFLAGS, %eax
    mov F_RFLAGS(%rbx), %rcx
    and $~SIGRETURN_RFLAGS, %rcx
    or %rcx, %rax
    mov %rax, F_RFLAGS(%rbx)
    movq $USER_CS, F_CS(%rbx)
    movq $USER_DS, F_SS(%rbx)
    movq $-1, F_ORIG_RAX(%rbx)          # no system-call restart for this frame
    orq $TW_IRET, T_WORK(%r12)          # RCX and R11 come back too: SYSRET cannot return them
    mov SC_FPSTATE(%rdi), %rdi
    mov %r13, %rsi
    call fpu_image
    test %rax, %rax
    js 8f
    mov F_RIP(%rbx), %rcx               # both canonical: through jvmm_sigreturn
    sar $47, %rcx
    inc %rcx
    cmp $1, %rcx
    ja 7f
    mov F_RSP(%rbx), %rcx
    sar $47, %rcx
    inc %rcx
    cmp $1, %rcx
    ja 7f
    mov %rax, RSF_IRET(%r13)
    mov F_RIP(%rbx), %rax
    mov %rax, RSF_IRET + 8(%r13)
    movq $USER_CS, RSF_IRET + 16(%r13)
    mov F_RFLAGS(%rbx), %rax
    mov %rax, RSF_IRET + 24(%r13)
    mov F_RSP(%rbx), %rax
    mov %rax, RSF_IRET + 32(%r13)
    movq $USER_DS, RSF_IRET + 40(%r13)
    mov vdso_base(%rip), %rax
    add $VDSO_jvmm_sigreturn, %rax
    mov %rax, F_RIP(%rbx)
    lea RSF_IRET(%r13), %rax
    mov %rax, F_RSP(%rbx)
    # The stub runs without TF (the restored context's single step starts after its IRETQ)
    # and without NT (IRETQ with NT set faults in 64-bit mode: SDM Vol. 2, IRET).
    andq $~(RFLAGS_TF | RFLAGS_NT), F_RFLAGS(%rbx)
7:  lea RSF_UC + UC_STACK(%r13), %rdi   # Linux's restore_altstack: errors ignored
    xor %esi, %esi
    mov F_RSP(%rbx), %rdx
    call do_sigaltstack
    call recalc_sigpending
    mov F_RAX(%rbx), %rax
    jmp 9f
8:  mov $SIGSEGV, %edi
    mov $SI_KERNEL, %esi
    xor %edx, %edx
    call force_sig_fault
    xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# fpu_image(%rdi = the frame's FXSAVE image, or 0; %rsi = the frame) -> %rax: the address of
# the image jvmm_sigreturn is to load, or -EFAULT (not readable), -EINVAL (MXCSR bits the CPU
# reserves: Linux's check, which FXRSTOR itself makes on hardware but not on every emulator,
# QEMU's TCG among them). 0 is the vDSO's initial state,
# as Linux's fpu__restore_sig; a misaligned image (FXRSTOR needs 16 bytes) is copied into the
# frame's own FXSAVE area first, as Linux's slow path copies it.
fpu_image:
    test %rdi, %rdi
    jz 2f
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $FX_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov $-EINVAL, %rax                  # MXCSR bits FXRSTOR would fault on (some emulators don't)
    testl $~MXCSR_MASK, FX_MXCSR(%rbx)
    jnz 9f
    mov %rbx, %rax
    test $15, %bl
    jz 9f
    lea RSF_FRAME_SIZE(%r12), %r13
    mov %r13, %rdi
    mov $FX_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r13, %rdi
    mov %rbx, %rsi
    mov $FX_SIZE, %edx
    call memcpy
    mov %r13, %rax
9:  POP_REGS rbx, r12, r13
    ret
2:  mov vdso_base(%rip), %rax
    add $VDSO_jvmm_fpu_init, %rax
    ret

# ---- sigaltstack --------------------------------------------------------------------------
# do_sigaltstack(%rdi = new stack_t in readable memory or 0, %rsi = where to put the old one
# or 0, %rdx = the user's stack pointer) -> %rax: 0, -EPERM (on the alternate stack now),
# -EINVAL (flags), -ENOMEM (smaller than MINSIGSTKSZ). Linux's do_sigaltstack.
do_sigaltstack:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    test %r12, %r12
    jz 2f
    mov current_task(%rip), %r8
    mov T_SS_SP(%r8), %rax
    mov %rax, SS_SP(%r12)
    mov T_SS_SIZE(%r8), %rax
    mov %rax, SS_SIZE(%r12)
    mov $SS_DISABLE, %eax
    cmpq $0, T_SS_SIZE(%r8)
    je 1f
    mov %r13, %rdi
    call on_sig_stack                   # 1 = SS_ONSTACK
1:  mov current_task(%rip), %r8
    mov T_SS_FLAGS(%r8), %ecx
    and $SS_AUTODISARM, %ecx
    or %ecx, %eax
    mov %rax, SS_FLAGS(%r12)
2:  test %rbx, %rbx
    jz 8f
    mov %r13, %rdi
    call on_sig_stack
    test %rax, %rax
    jnz 5f
    mov SS_FLAGS(%rbx), %ecx
    mov %ecx, %eax
    and $~SS_AUTODISARM & 0xffffffff, %eax
    cmp $SS_DISABLE, %eax
    je 3f
    cmp $SS_ONSTACK, %eax
    je 4f
    test %eax, %eax
    jnz 6f
4:  mov SS_SIZE(%rbx), %rdx
    cmp $MINSIGSTKSZ, %rdx
    jb 7f
    mov SS_SP(%rbx), %rax
    jmp 41f
3:  xor %eax, %eax
    xor %edx, %edx
41: mov current_task(%rip), %r8
    mov %rax, T_SS_SP(%r8)
    mov %rcx, T_SS_FLAGS(%r8)
    mov %rdx, T_SS_SIZE(%r8)
8:  xor %eax, %eax
    jmp 9f
5:  mov $-EPERM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  mov $-ENOMEM, %rax
9:  POP_REGS rbx, r12, r13
    ret

# sigaltstack(ss, old_ss)
.globl sys_sigaltstack
sys_sigaltstack:
    PUSH_REGS rbx, r12
    sub $56, %rsp                       # 0: the new stack_t, 24: the old one
    mov %rdi, %rbx
    mov %rsi, %r12
    test %rbx, %rbx
    jz 1f
    mov $STACK_T_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rsp, %rdi
    mov %rbx, %rsi
    mov $STACK_T_SIZE, %edx
    call memcpy
    mov %rsp, %rbx
1:  mov %rbx, %rdi
    lea 24(%rsp), %rsi
    mov current_task(%rip), %rax
    mov T_FRAME(%rax), %rax
    mov F_RSP(%rax), %rdx
    call do_sigaltstack
    test %rax, %rax
    jnz 9f
    test %r12, %r12
    jz 9f
    mov %r12, %rdi
    mov $STACK_T_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r12, %rdi
    lea 24(%rsp), %rsi
    mov $STACK_T_SIZE, %edx
    call memcpy
    xor %eax, %eax
9:  add $56, %rsp
    POP_REGS rbx, r12
    ret

# ---- Actions and masks ----------------------------------------------------------------------
# rt_sigaction(sig, act, oact, sigsetsize)
.globl sys_rt_sigaction
sys_rt_sigaction:
    cmp $8, %rcx
    jne einval
    lea -1(%rdi), %rax
    cmp $(NSIG - 1), %rax
    ja einval
    PUSH_REGS rbx, r12, r13, r14
    sub $40, %rsp                       # the new action
    mov %rdi, %rbx                      # signal
    mov %rsi, %r12                      # act
    mov %rdx, %r13                      # oact
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %r14
    lea -1(%rbx), %rax
    shl $5, %rax
    lea P_ACTIONS(%r14,%rax), %r14      # this signal's action
    test %r12, %r12
    jz 1f
    cmp $SIGKILL, %ebx                  # SIGKILL and SIGSTOP cannot be caught
    je 6f
    cmp $SIGSTOP, %ebx
    je 6f
    mov %r12, %rdi
    mov $SIGACTION_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rsp, %rdi
    mov %r12, %rsi
    mov $SIGACTION_SIZE, %edx
    call memcpy
    mov $SA_KNOWN_FLAGS, %eax
    and %rax, SA_FLAGS(%rsp)
    andq $~SIGMASK_UNBLOCKABLE, SA_MASK(%rsp)
1:  test %r13, %r13
    jz 2f
    mov %r13, %rdi
    mov $SIGACTION_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r13, %rdi
    mov %r14, %rsi
    mov $SIGACTION_SIZE, %edx
    call memcpy
2:  test %r12, %r12
    jz 8f
    mov %r14, %rdi
    mov %rsp, %rsi
    mov $SIGACTION_SIZE, %edx
    call memcpy
    mov SA_HANDLER(%r14), %rax          # now ignored: a pending instance is discarded (Linux)
    cmp $SIG_IGN, %rax
    je 3f
    test %rax, %rax
    jnz 8f
    mov $SIGMASK_KERNEL_IGNORE, %eax
    lea -1(%rbx), %ecx
    bt %rcx, %rax
    jnc 8f
3:  mov %ebx, %edi
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rsi
    call discard_signal
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  add $40, %rsp
    POP_REGS rbx, r12, r13, r14
    ret

# discard_signal(%edi = signal, %rsi = process): a signal that became ignored is pending no more,
# on the process or on any of its threads, its queued instances included (Linux's sigaction:
# flush_sigqueue_mask on the shared pending set and on every thread's)
discard_signal:
    PUSH_REGS rbx, r12, r13
    mov %edi, %r12d
    mov %rsi, %r13
    lea -1(%r12), %ecx
    btrq %rcx, P_PENDING(%r13)
    lea P_PENDING(%r13), %rdi
    mov %r12d, %esi
    call sigqueue_discard
    lea P_THREADS(%r13), %r13
    mov %r13, %rbx
1:  LIST_NEXT %r13, %rbx, 9f
    lea -1(%r12), %ecx
    btrq %rcx, T_PENDING - T_ALL(%rbx)
    lea T_PENDING - T_ALL(%rbx), %rdi
    mov %r12d, %esi
    call sigqueue_discard
    lea -T_ALL(%rbx), %rax
    call recalc_sigpending_task
    jmp 1b
9:  POP_REGS rbx, r12, r13
    ret

# rt_sigprocmask(how, set, oset, sigsetsize)
.globl sys_rt_sigprocmask
sys_rt_sigprocmask:
    cmp $8, %rcx
    jne einval
    PUSH_REGS rbx, r12, r13
    mov %edi, %ebx                      # how
    mov %rsi, %r12                      # set
    mov %rdx, %r13                      # oset
    test %r12, %r12
    jz 1f
    cmp $2, %ebx
    ja 6f
    mov %r12, %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r13, %r13
    jz 2f
    mov %r13, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
2:  mov current_task(%rip), %rcx
    mov T_BLOCKED(%rcx), %r8            # the old mask
    test %r12, %r12
    jz 7f
    mov (%r12), %rax
    mov %r8, %rdx
    cmp $1, %ebx
    je 4f
    jb 3f
    mov %rax, %rdx                      # SIG_SETMASK
    jmp 5f
3:  or %rax, %rdx                       # SIG_BLOCK
    jmp 5f
4:  not %rax                            # SIG_UNBLOCK
    and %rax, %rdx
5:  and $~SIGMASK_UNBLOCKABLE, %rdx
    mov %rdx, T_BLOCKED(%rcx)
    call recalc_sigpending
7:  test %r13, %r13
    jz 8f
    mov %r8, (%r13)
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13
    ret

# rt_sigpending(set, sigsetsize): the pending signals that are blocked
.globl sys_rt_sigpending
sys_rt_sigpending:
    cmp $8, %rsi
    ja einval
    PUSH_REGS rbx, r12
    sub $8, %rsp
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rcx
    mov P_PENDING(%rcx), %rcx
    or T_PENDING(%rax), %rcx
    and T_BLOCKED(%rax), %rcx
    mov %rcx, (%rsp)
    mov %rbx, %rdi
    mov %rsp, %rsi
    mov %r12, %rdx
    call memcpy
    xor %eax, %eax
9:  add $8, %rsp
    POP_REGS rbx, r12
    ret

# ---- Waiting ----------------------------------------------------------------------------------
# rt_sigsuspend(mask, sigsetsize): wait with this mask for a signal; -ERESTARTNOHAND (a handler
# makes it -EINTR; an ignored signal makes it wait again), the old mask back afterwards.
.globl sys_rt_sigsuspend
sys_rt_sigsuspend:
    cmp $8, %rsi
    jne einval
    push %rbx
    mov %rdi, %rbx
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov current_task(%rip), %rcx
    mov T_BLOCKED(%rcx), %rax
    mov %rax, T_SAVED_MASK(%rcx)
    mov (%rbx), %rax
    and $~SIGMASK_UNBLOCKABLE, %rax
    mov %rax, T_BLOCKED(%rcx)
    orq $TW_RESTORE_MASK, T_WORK(%rcx)
    call recalc_sigpending
    call wait_for_signal
9:  pop %rbx
    ret

# sigmask_install(%rdi = user sigset or 0, %rsi = its size) -> %rax: 0, -EINVAL or -EFAULT. As
# Linux's set_user_sigmask (ppoll, pselect6, epoll_pwait): the mask holds during the call, and
# sigmask_restore puts the old one back afterwards, unless a signal interrupted the call: then
# the return to user mode does, after a handler's frame has saved it (TW_RESTORE_MASK, as for
# rt_sigsuspend).
.globl sigmask_install
sigmask_install:
    test %rdi, %rdi
    jz 1f
    cmp $8, %rsi
    jne einval
    push %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 2f
    mov current_task(%rip), %rcx
    mov T_BLOCKED(%rcx), %rax
    mov %rax, T_SAVED_MASK(%rcx)
    mov (%rdi), %rax
    and $~SIGMASK_UNBLOCKABLE, %rax
    mov %rax, T_BLOCKED(%rcx)
    orq $TW_RESTORE_MASK, T_WORK(%rcx)
    call recalc_sigpending
1:  xor %eax, %eax
2:  ret

# sigmask_restore(%rax = the call's result) -> %rax unchanged: see sigmask_install
.globl sigmask_restore
sigmask_restore:
    cmp $-ERESTARTNOHAND, %rax
    je 2f
    cmp $-EINTR, %rax
    je 2f
    push %rax
    mov current_task(%rip), %rcx
    btrq $1, T_WORK(%rcx)               # TW_RESTORE_MASK
    jnc 1f
    mov T_SAVED_MASK(%rcx), %rax
    mov %rax, T_BLOCKED(%rcx)
    call recalc_sigpending
1:  pop %rax
2:  ret

# rt_sigtimedwait(set, info, timeout, sigsetsize) -> a signal of the set, taken off the pending
# ones with its siginfo; -EAGAIN when none came before the timeout (at once for a zero one), or
# -EINTR when another signal is to be delivered first. While the thread waits, the set is
# unblocked (Linux's real_blocked), so that a signal of the set wakes it instead of waiting
# blocked. SIGKILL and SIGSTOP are never taken.
.globl sys_rt_sigtimedwait
sys_rt_sigtimedwait:
    cmp $8, %rcx
    jne einval
    PUSH_REGS rbx, r12, r13, r14, r15
    sub $KSIGINFO_SIZE, %rsp
    mov %rsi, %r12                      # info
    mov %rdx, %r13                      # timeout
    mov %rdi, %rbx
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%rbx), %rbx
    and $~SIGMASK_UNBLOCKABLE, %rbx     # the set
    mov $NO_DEADLINE, %r14
    test %r13, %r13
    jnz 0f
    mov $1, %r13d                       # no timeout: it may wait
    jmp 1f
0:  mov %r13, %rdi
    mov $1, %esi
    call timeout_ns
    test %rax, %rax
    js 9f
    mov %rax, %r13                      # 0: do not wait
    call deadline_after
    mov %rax, %r14
1:  mov %rbx, %rdi
    mov %rsp, %rsi
    call dequeue_signal
    test %eax, %eax
    jnz 5f
    mov $-EAGAIN, %rax
    test %r13, %r13
    jz 9f
    mov current_task(%rip), %r15
    mov T_BLOCKED(%r15), %r13           # the mask to restore
    mov %rbx, %rax
    not %rax
    and %rax, T_BLOCKED(%r15)
    call recalc_sigpending
2:  mov %r14, %rdi
    call task_block
    test %rax, %rax
    jz 2b                               # nothing wakes it but a signal or the time
    mov %r13, T_BLOCKED(%r15)
    mov %rax, %r13
    call recalc_sigpending
    mov %rbx, %rdi
    mov %rsp, %rsi
    call dequeue_signal
    test %eax, %eax
    jnz 5f
    cmp $-ETIMEDOUT, %r13
    mov $-EINTR, %rax
    mov $-EAGAIN, %rcx
    cmove %rcx, %rax
    jmp 9f
5:  mov %eax, %ebx                      # the signal
    test %r12, %r12
    jz 6f
    mov %r12, %rdi
    mov $SIGINFO_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f                              # taken all the same, as Linux's
    mov %r12, %rdi
    mov %rsp, %rsi
    call copy_siginfo_out
6:  mov %ebx, %eax
9:  add $KSIGINFO_SIZE, %rsp
    POP_REGS rbx, r12, r13, r14, r15
    ret

# pause()
.globl sys_pause
sys_pause:
    jmp wait_for_signal

# wait_for_signal() -> %rax: -ERESTARTNOHAND once a signal can be delivered: the thread blocks
# until one is sent to it or to the process (another thread, a fault). If every thread ends up
# waiting with no timer to wake one, the scheduler reports it and halts (sched.s, idle_wait).
wait_for_signal:
1:  mov current_task(%rip), %rax
    testq $TW_SIGPENDING, T_WORK(%rax)
    jnz 2f
    mov $NO_DEADLINE, %rdi
    call task_block
    jmp 1b
2:  mov $-ERESTARTNOHAND, %rax
    ret

# ---- Sending ---------------------------------------------------------------------------------
# current_pid() -> %eax: the calling thread's process's pid. Clobbers nothing else.
.globl current_pid
current_pid:
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    mov P_PID(%rax), %eax
    ret

# kill(pid, sig): pid > 0 that process (a zombie too: the signal is dropped), 0 the caller's
# process group, -1 every process but init_process and the caller, < -1 the group -pid; ESRCH
# when there is none. Signal 0 only checks.
.globl sys_kill
sys_kill:
    cmp $NSIG, %esi
    ja einval
    PUSH_REGS rbp, rbx, r12, r13, r14, r15
    sub $KSIGINFO_SIZE, %rsp
    mov %edi, %r12d
    mov %esi, %r13d
    mov %rsp, %rdi
    xor %eax, %eax
    mov $(KSIGINFO_SIZE / 8), %ecx
    rep stosq
    mov %r13d, SI_SIGNO(%rsp)
    movl $SI_USER, SI_CODE(%rsp)
    call current_pid
    mov %eax, SI_PID(%rsp)
    test %r12d, %r12d
    jle 2f
    mov %r12d, %edi
    call find_process
    test %rax, %rax
    jz 7f
    mov %rax, %rcx
    call kill_one
    jmp 8f
2:  mov current_task(%rip), %rax        # a group, or all
    mov T_PROCESS(%rax), %r14
    mov %r12d, %r15d
    neg %r15d                           # the group: -pid,
    test %r12d, %r12d
    jnz 31f
    mov P_PGID(%r14), %r15d             # or the caller's,
31: cmp $-1, %r12d
    jne 3f
    xor %r15d, %r15d                    # or all (no group is 0)
3:  mov $-ESRCH, %rbx
    lea all_processes(%rip), %rbp
    mov %rbp, %r12
4:  LIST_NEXT %rbp, %r12, 6f
    lea -P_LIST(%r12), %rcx
    test %r15d, %r15d                   # all but init and the caller
    jnz 5f
    cmpl $1, P_PID(%rcx)
    je 4b
    cmp %r14, %rcx
    je 4b
    jmp 51f
5:  cmp %r15d, P_PGID(%rcx)
    jne 4b
51: xor %ebx, %ebx
    call kill_one
    jmp 4b
6:  mov %rbx, %rax
    jmp 9f
7:  mov $-ESRCH, %rax
    jmp 9f
8:  xor %eax, %eax
9:  add $KSIGINFO_SIZE, %rsp
    POP_REGS rbp, rbx, r12, r13, r14, r15
    ret

# kill_one(%rcx = process; %r13d = signal, kill's siginfo at 8(%rsp))
kill_one:
    test %r13d, %r13d
    jz 9f
    mov %r13d, %edi
    lea 8(%rsp), %rsi
    xor %edx, %edx
    jmp send_signal_process
9:  ret

# tkill(tid, sig)
.globl sys_tkill
sys_tkill:
    test %edi, %edi
    jle einval
    push %rsi
    call find_task
    pop %rdi
    test %rax, %rax
    jz esrch
    mov $SI_TKILL, %esi
    mov %rax, %rdx
    jmp send_from_user

# tgkill(tgid, tid, sig)
.globl sys_tgkill
sys_tgkill:
    test %edi, %edi
    jle einval
    test %esi, %esi
    jle einval
    PUSH_REGS rdx, rdi
    mov %esi, %edi
    call find_task
    POP_REGS rdi, rcx
    test %rax, %rax
    jz esrch
    mov T_PROCESS(%rax), %rdx
    cmp P_PID(%rdx), %ecx
    jne esrch
    mov $SI_TKILL, %esi
    mov %rax, %rdx
    jmp send_from_user

# send_from_user(%edi = signal, %esi = si_code, %rdx = the thread, 0 for the process) -> %rax:
# as send_signal's, with the sender's pid and uid; signal 0 only checks that the target exists.
send_from_user:
    cmp $NSIG, %edi
    ja einval
    test %edi, %edi
    jz 1f
    sub $KSIGINFO_SIZE, %rsp
    mov %edi, SI_SIGNO(%rsp)
    movl $0, SI_ERRNO(%rsp)
    mov %esi, SI_CODE(%rsp)
    movl $0, SI_CODE + 4(%rsp)
    call current_pid
    mov %eax, SI_PID(%rsp)
    movl $0, SI_UID(%rsp)
    movq $0, 24(%rsp)
    movq $0, 32(%rsp)
    movq $0, 40(%rsp)
    mov %rsp, %rsi
    call send_signal_to
    add $KSIGINFO_SIZE, %rsp
    ret
1:  xor %eax, %eax
    ret

# rt_sigqueueinfo(pid, sig, uinfo)
.globl sys_rt_sigqueueinfo
sys_rt_sigqueueinfo:
    mov %rdx, %rcx
    mov %esi, %edx
    mov %edi, %esi
    xor %edi, %edi
    jmp queue_from_user

# rt_tgsigqueueinfo(tgid, tid, sig, uinfo)
.globl sys_rt_tgsigqueueinfo
sys_rt_tgsigqueueinfo:
    test %edi, %edi
    jnz queue_from_user
    mov $-1, %edi                       # tgid 0 is invalid, not "to the process"
    jmp queue_from_user

# queue_from_user(%edi = tgid, 0 for the process, %esi = pid or tid, %edx = signal, %rcx = the
# user's siginfo): Linux's do_rt_sigqueueinfo and do_rt_tgsigqueueinfo, in their order of checks.
queue_from_user:
    PUSH_REGS rbx, r12, r13, r14
    sub $56, %rsp
    mov %edi, %ebx
    mov %esi, %r12d
    mov %edx, %r13d
    mov %rcx, %r14
    mov %r14, %rdi
    mov $KSIGINFO_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rsp, %rdi
    mov %r14, %rsi
    mov $KSIGINFO_SIZE, %edx
    call memcpy
    mov %r13d, SI_SIGNO(%rsp)
    test %ebx, %ebx
    jz 1f
    mov $-EINVAL, %rax                  # tgsigqueueinfo: a single thread only
    cmp $0, %r12d
    jle 9f
    cmp $0, %ebx
    jle 9f
1:  mov SI_CODE(%rsp), %eax             # nobody may pose as the kernel, or as kill/tgkill, to another
    cmp $SI_TKILL, %eax
    je 2f
    test %eax, %eax
    js 3f
2:  mov $-EPERM, %rax                  # "another": Linux compares with the caller's tid
    mov current_task(%rip), %rcx
    cmp T_TID(%rcx), %r12d
    jne 9f
3:  mov $-ESRCH, %rax
    test %ebx, %ebx
    jnz 31f
    mov %r12d, %edi                     # rt_sigqueueinfo: the process
    call find_process
    mov %rax, %rcx
    mov $-ESRCH, %rax
    test %rcx, %rcx
    jz 9f
    xor %r14d, %r14d
    jmp 4f
31: mov %r12d, %edi                     # rt_tgsigqueueinfo: a thread of it
    call find_task
    mov %rax, %r14
    mov $-ESRCH, %rax
    test %r14, %r14
    jz 9f
    mov T_PROCESS(%r14), %rcx
    cmp P_PID(%rcx), %ebx
    jne 9f
4:  mov $-EINVAL, %rax
    cmp $NSIG, %r13d
    ja 9f
    xor %eax, %eax
    test %r13d, %r13d
    jz 9f
    mov %r13d, %edi
    mov %rsp, %rsi
    mov %r14, %rdx
    call send_signal_process
9:  add $56, %rsp
    POP_REGS rbx, r12, r13, r14
    ret

.section .data
.p2align 3
.globl current_task
current_task: .quad init_task
.globl init_task
init_task:
    .quad 1                             # T_TID
    .quad 0                             # T_WORK
    .quad 0, 0, 0                       # T_BLOCKED, T_PENDING, T_SAVED_MASK
    .quad entry_stack_top - F_SIZE      # T_FRAME: every entry from user mode starts at the top
    .quad 0, 0, 0                       # T_SS_SP, T_SS_FLAGS (Linux: 0 until set), T_SS_SIZE
    .quad init_process                  # T_PROCESS
    .quad 0, 0, 0                       # T_TRAPNO, T_ERROR, T_CR2
    .quad init_task_siginfo             # T_SIGINFO
    .quad 0, TS_RUNNABLE, 0             # T_KSP, T_STATE, T_WAKE
    .quad runqueue, runqueue            # T_RQ: alone on the run queue
    .quad 0, 0                          # T_WAIT
    .quad 0, 0, NO_DEADLINE, task_timer_expired   # T_TIMER: node, TM_DEADLINE (T_DEADLINE), TM_EXPIRE
    .quad init_process + P_THREADS, init_process + P_THREADS   # T_ALL
    .quad 0, 0, 0                       # T_FUTEX_KEY, T_FUTEX_BITSET, T_CLEAR_TID
    .quad 0, 0                          # T_FSBASE, T_GSBASE
    .quad entry_stack_top               # T_STACK_TOP: the boot entry stack
    .quad 0                             # T_FXSTATE: map_fpu_area sets it
    .quad 0, 0, 0                       # T_ROBUST, T_RSEQ, T_RSEQ_SIG
    .quad 0, 0                          # T_FPU_PARENT, T_FPU_CHILD
    .quad 0, 0                          # T_SET_TID, T_VFORK
    .quad 0, 0                          # T_CPU_NS, T_ON_CPU (boot is its first slice)
    .quad 0, 0, 0, 0, 0, 0              # T_RESTART_FN (none), T_RESTART_ARGS
.if . - init_task != TASK_SIZE
.error "init_task does not match struct task"
.endif
.globl init_process
init_process:
    .quad 0                             # P_PENDING
    .quad init_process_siginfo          # P_SIGINFO
    .fill NSIG * SIGACTION_SIZE, 1, 0   # P_ACTIONS: all SIG_DFL
    .long 1, 1, 1, 0                    # P_PID, P_PGID, P_SID, P_EXIT_SIGNAL
    .quad 0                             # P_PARENT
    .quad init_process + P_CHILDREN, init_process + P_CHILDREN
    .quad 0, 0                          # P_SIBLING
    .quad init_task + T_ALL, init_task + T_ALL   # P_THREADS
    .long 1, PS_ALIVE                   # P_NR_THREADS, P_STATE
    .long 0, 0, 0, 0                    # P_EXIT_CODE, P_LEADER_STATUS, P_LEADER_EXITED, P_GROUP_EXIT
    .quad boot_pml4                     # P_CR3 (linked at its physical address)
    .quad all_processes, all_processes  # P_LIST
    .long 1, 0                          # P_EXECED (the first program was exec'd), P_BORROWED
    .quad 0, 0, 0                       # P_CPU_NS, P_CHILDREN_CPU_NS, P_START_NS
    .fill 16, 1, 0                      # P_NAME (exec sets it)
    .quad 0, 0, 0                       # P_ARG_START, P_ARG_END (build_stack sets them), P_PROC_DIR
    .long 0, 0                          # P_STOP_SIGNAL, P_WAIT_REPORT
    .quad 0                             # P_LOCK_BLOCKER
    .quad 0, 0, 0, 0, 0                 # P_ITIMER (TM_DEADLINE 0: disarmed), P_ITIMER_INTERVAL
.if . - init_process != PROCESS_SIZE
.error "init_process does not match struct process"
.endif

.section .bss
.p2align 3
sigqueue_head: .skip SQ_SIZE             # only its SQ_NEXT is used
sigqueue_free: .skip 8
sigqueue_used: .skip 4
.p2align 3
sigqueue_pool: .skip SIGQUEUE_MAX * SQ_SIZE
init_task_siginfo: .skip NSIG * SIGINFO_SLOT
init_process_siginfo: .skip NSIG * SIGINFO_SLOT

