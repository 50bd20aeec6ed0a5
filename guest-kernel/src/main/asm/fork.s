# Processes: fork, their end, and waiting for them (docs/kernel.md, "Processes"); as Linux's
# kernel/fork.c and kernel/exit.c.
#
# A process is a struct process (task.inc): the first one, init_process (pid 1), is static; the
# others take one of PROCESS_MAX - 1 slots. Its address space (mm.s: the user half and the
# process area, whose .process data are its regions, descriptors and limits) is its PML4,
# P_CR3, which schedule() loads when it switches to one of its threads. fork copies the address
# space (copy-on-write), the descriptors (sharing the open files), the signal actions and the
# calling thread; the child is the new process's only thread, with the pid as its tid.
#
# The end: the last thread to leave tears the process down (descriptors, working directory,
# user memory) and leaves a zombie for its parent's wait4/waitid, which it tells with its exit
# signal (SIGCHLD); its children go to init_process. Its PML4 and process area cannot be freed
# while it runs on them: schedule() frees them once it has switched away (mm_free). The first
# process's end is the VM's: its status is jvmm's exit status, as today.

.include "defs.inc"
.include "task.inc"
.include "file.inc"
.include "tmpfs.inc"

.equ PROCESS_SLOT_SIZE, 8192            # the struct, then its signals' siginfo
.equ PROCESS_SIGINFO,   4096

.equ CLONE_VM,      0x00000100
.equ CLONE_VFORK,   0x00004000
.equ CLONE_PARENT_SETTID,  0x00100000
.equ CLONE_CHILD_CLEARTID, 0x00200000
.equ CLONE_CHILD_SETTID,   0x01000000
.equ CLONE_SETTLS,  0x00080000
.equ CSIGNAL,       0xff
# The flags a new process may have: what fork, vfork and posix_spawn pass (the rest: EINVAL)
.equ FORK_FLAGS, CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_SETTLS

# wait4/waitid options
.equ WNOHANG,    0x00000001
.equ WUNTRACED,  0x00000002             # WSTOPPED for waitid
.equ WEXITED,    0x00000004
.equ WCONTINUED, 0x00000008
.equ WNOWAIT,    0x01000000
.equ WNOTHREAD,  0x20000000
.equ WALL,       0x40000000
.equ WCLONE,     0x80000000
.equ IDTYPE_ALL,  0                     # waitid's P_ALL, P_PID, P_PGID
.equ IDTYPE_PID,  1
.equ IDTYPE_PGID, 2
.equ CLD_EXITED, 1
.equ CLD_KILLED, 2
.equ CLD_STOPPED, 5
.equ CLD_CONTINUED, 6
.equ SI_STATUS, 24
.equ RUSAGE_SIZE, 144

.text
# ---- fork -----------------------------------------------------------------------------------
.globl sys_fork
sys_fork:
    mov $SIGCHLD, %edi
    xor %esi, %esi
    jmp copy_process

.globl sys_vfork
sys_vfork:
    mov $(CLONE_VM | CLONE_VFORK | SIGCHLD), %edi
    xor %esi, %esi
    jmp copy_process

# copy_process(%rdi = clone flags without CLONE_THREAD, %rsi = the child's stack or 0,
# %rdx = parent_tid, %rcx = child_tid, %r8 = tls) -> %rax: the child's pid, or -errno.
# A new process, a copy of this one (sched.s's clone hands it what is not a thread). With
# CLONE_VM and CLONE_VFORK (vfork, posix_spawn) the child runs in the parent's memory itself
# (mm_borrow_user) and the parent waits until the child has exited or exec'd; CLONE_VM without
# CLONE_VFORK still gets a copy (docs/kernel.md).
.globl copy_process
copy_process:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    sub $24, %rsp
    mov %rdi, %rbx                      # flags
    mov %rsi, (%rsp)                    # stack
    mov %rdx, 8(%rsp)                   # parent_tid
    mov %rcx, 16(%rsp)                  # child_tid
    mov %r8, %r15                       # tls
    mov $-EINVAL, %rax
    test $~FORK_FLAGS, %rbx
    jnz 9f
    call process_alloc
    mov $-EAGAIN, %rcx
    test %rax, %rax
    cmovz %rcx, %rax
    jz 9f
    mov %rax, %r12                      # the process
    call task_alloc
    test %rax, %rax
    jnz 1f
    movl $PS_FREE, P_STATE(%r12)
    mov $-EAGAIN, %rax
    jmp 9f
1:  mov %rax, %rbp                      # its thread
    call mm_new
    test %rax, %rax
    jz 80f
    mov %rax, P_CR3(%r12)
    mov %rax, %rdi
    mov %ebx, %eax                      # vfork, posix_spawn: the parent's memory itself
    and $(CLONE_VM | CLONE_VFORK), %eax
    cmp $(CLONE_VM | CLONE_VFORK), %eax
    jne 0f
    call mm_borrow_user
    movl $1, P_BORROWED(%r12)
    jmp 10f
0:  call mm_copy_user
    test %rax, %rax
    jnz 81f
10:
    mov current_task(%rip), %r13
    mov T_PROCESS(%r13), %r14
    # The process: the parent's actions, group and session; nothing pending.
    lea P_ACTIONS(%r14), %rsi
    lea P_ACTIONS(%r12), %rdi
    mov $(NSIG * SIGACTION_SIZE / 8), %ecx
    rep movsq
    mov T_TID(%rbp), %eax
    mov %eax, P_PID(%r12)
    mov P_PGID(%r14), %eax
    mov %eax, P_PGID(%r12)
    mov P_SID(%r14), %eax
    mov %eax, P_SID(%r12)
    mov %ebx, %eax
    and $CSIGNAL, %eax
    mov %eax, P_EXIT_SIGNAL(%r12)
    mov %r14, P_PARENT(%r12)
    lea P_NAME(%r14), %rsi              # its name and argv: the parent's, at the same addresses
    lea P_NAME(%r12), %rdi
    mov $((P_ARG_END + 8 - P_NAME) / 8), %ecx
    rep movsq
    lea P_SIBLING(%r12), %rdx
    lea P_CHILDREN(%r14), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    lea P_LIST(%r12), %rdx
    lea all_processes(%rip), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    movl $1, P_NR_THREADS(%r12)
    lea T_ALL(%rbp), %rdx
    lea P_THREADS(%r12), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    mov %r12, T_PROCESS(%rbp)
    # The thread: the caller's, returning 0 (task_start), with its alternate signal stack.
    mov %rbp, %rdi
    mov (%rsp), %rsi
    call task_start
    mov T_SS_SP(%r13), %rax
    mov %rax, T_SS_SP(%rbp)
    mov T_SS_FLAGS(%r13), %rax
    mov %rax, T_SS_FLAGS(%rbp)
    mov T_SS_SIZE(%r13), %rax
    mov %rax, T_SS_SIZE(%rbp)
    mov T_RSEQ(%r13), %rax
    mov %rax, T_RSEQ(%rbp)
    mov T_RSEQ_SIG(%r13), %rax
    mov %rax, T_RSEQ_SIG(%rbp)
    test $CLONE_SETTLS, %ebx
    jz 2f
    mov %r15, T_FSBASE(%rbp)
2:  mov 16(%rsp), %rax                  # the child's tid words are the child's memory: written
    test $CLONE_CHILD_SETTID, %ebx      # when it first runs (ret_from_fork)
    jz 3f
    mov %rax, T_SET_TID(%rbp)
3:  test $CLONE_CHILD_CLEARTID, %ebx
    jz 4f
    mov %rax, T_CLEAR_TID(%rbp)
4:  call files_fork                     # the copied descriptors share the open files
    mov cwd_node(%rip), %rax
    incl N_OPEN(%rax)
    test $CLONE_PARENT_SETTID, %ebx
    jz 5f
    mov 8(%rsp), %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 5f
    mov 8(%rsp), %rdi
    mov T_TID(%rbp), %eax
    mov %eax, (%rdi)
5:  mov %rbp, %rdi
    call task_run
    test $CLONE_VFORK, %ebx
    jz 6f
    mov %r12, T_VFORK(%r13)             # the parent waits for the child to let its memory go
7:  cmpq $0, T_VFORK(%r13)
    je 6f
    mov $NO_DEADLINE, %rdi
    call task_block
    cmp $-EINTR, %rax                   # only the child's end wakes it, not a signal (as Linux's
    jne 7b                              # killable wait: a fatal one ends it on the way out)
    mov current_task(%rip), %rax
    btq $(SIGKILL - 1), T_PENDING(%rax)
    jc 6f
    mov T_PROCESS(%rax), %rax
    btq $(SIGKILL - 1), P_PENDING(%rax)
    jnc 7b
6:  mov P_PID(%r12), %eax
    jmp 9f
81: call mm_copy_failed
80: mov %rbp, %rdi
    call task_free
    movl $PS_FREE, P_STATE(%r12)
    mov $-ENOMEM, %rax
9:  add $24, %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# mm_copy_failed(%r12 = the new process, %rbp = its thread): the copy of the user half ran out
# of frames: what it copied goes back (in the child's address space), then its PML4 and area.
mm_copy_failed:
    mov %cr3, %rax
    push %rax
    mov P_CR3(%r12), %rax
    mov %rax, %cr3
    call mm_unmap_all
    pop %rax
    mov %rax, %cr3
    mov P_CR3(%r12), %rdi
    jmp mm_free

# ret_from_fork: a forked child's first run (schedule returned here, on its own stack, in its
# own address space). CLONE_CHILD_SETTID's word is written now, in the child's memory.
.globl ret_from_fork
ret_from_fork:
    mov current_task(%rip), %rbx
    mov T_SET_TID(%rbx), %rdi
    test %rdi, %rdi
    jz 1f
    movq $0, T_SET_TID(%rbx)
    push %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    mov T_TID(%rbx), %eax
    mov %eax, (%rdi)
1:  jmp return_iret

# process_alloc() -> %rax: a free struct process, zeroed but for its siginfo pointer, its list
# heads, P_STATE = PS_ALIVE and P_START_NS; or 0 (PROCESS_MAX processes exist, zombies included).
process_alloc:
    lea process_slots(%rip), %rax
    lea process_slots_end(%rip), %rcx
1:  cmp %rcx, %rax
    jae 8f
    cmpl $PS_FREE, P_STATE(%rax)
    je 2f
    add $PROCESS_SLOT_SIZE, %rax
    jmp 1b
2:  mov %rax, %rdx
    mov %rax, %rdi
    mov $(PROCESS_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    mov %rdx, %rax
    lea PROCESS_SIGINFO(%rax), %rcx
    mov %rcx, P_SIGINFO(%rax)
    lea P_CHILDREN(%rax), %rcx
    mov %rcx, P_CHILDREN(%rax)
    mov %rcx, P_CHILDREN + 8(%rax)
    lea P_THREADS(%rax), %rcx
    mov %rcx, P_THREADS(%rax)
    mov %rcx, P_THREADS + 8(%rax)
    movl $PS_ALIVE, P_STATE(%rax)
    push %rax
    call clock_monotonic_ns
    pop %rdx
    mov %rax, P_START_NS(%rdx)
    mov %rdx, %rax
    ret
8:  xor %eax, %eax
    ret

# find_process(%edi = pid) -> %rax: the process (alive or a zombie), or 0
.globl find_process
find_process:
    lea all_processes(%rip), %rcx
    mov %rcx, %rax
1:  LIST_NEXT %rcx, %rax, 2f
    cmp %edi, P_PID - P_LIST(%rax)
    jne 1b
    sub $P_LIST, %rax
    ret
2:  xor %eax, %eax
    ret

# count_tasks() -> %rax: the threads of every process (sysinfo's procs)
.globl count_tasks
count_tasks:
    xor %eax, %eax
    lea all_processes(%rip), %rcx
    mov %rcx, %rdx
1:  LIST_NEXT %rcx, %rdx, 9f
    add P_NR_THREADS - P_LIST(%rdx), %eax
    jmp 1b
9:  ret

# ---- The end ----------------------------------------------------------------------------------
# process_end(%edi = wait status): the last thread of the current process is leaving. The first
# process's end is the VM's (trap.s, vm_report_exit). Any other: descriptors closed, working
# directory and user memory given back, the children to init_process, the parent told (its
# exit signal; or reaped at once where the parent ignores SIGCHLD or set SA_NOCLDWAIT); then
# this thread goes (its slot, PML4 and process area are freed after the switch).
.globl process_end
process_end:
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %r12
    lea init_process(%rip), %rax
    cmp %rax, %r12
    je vm_report_exit
    mov %edi, P_EXIT_CODE(%r12)
    call files_close_all
    mov cwd_node(%rip), %rdi
    decl N_OPEN(%rdi)
    call node_put
    call mm_unmap_all
    mov %r12, %rdi
    call reparent_children
    movl $PS_ZOMBIE, P_STATE(%r12)
    mov %r12, %rdi
    call notify_parent
    call io_wake_all                    # wait4 and waitid look again
    mov %r12, %rdi
    call vfork_done
    jmp task_exit

# vfork_done(%rdi = the child process): a vfork parent waiting for it goes on (it exited, or
# exec'd: its copy of the parent's memory is not the parent's concern any more).
.globl vfork_done
vfork_done:
    push %r12
    mov %rdi, %r12
    call vfork_wake
    pop %r12
    ret
vfork_wake:
    mov P_PARENT(%r12), %rax
    test %rax, %rax                     # the first process has no parent
    jz 9f
    lea P_THREADS(%rax), %rcx
    mov %rcx, %rdi
1:  LIST_NEXT %rcx, %rdi, 9f
    cmp %r12, T_VFORK - T_ALL(%rdi)
    jne 1b
    movq $0, T_VFORK - T_ALL(%rdi)
    PUSH_REGS rdi, rcx
    sub $T_ALL, %rdi
    xor %esi, %esi
    call task_wake
    POP_REGS rdi, rcx
    jmp 1b
9:  ret

# notify_parent(%rdi = a process that became a zombie): its exit signal to the parent, with
# Linux's siginfo (CLD_EXITED or CLD_KILLED, the pid, the status); reaped at once (PS_REAPED:
# the slot is freed after the switch, or now if it is not running) when the parent's SIGCHLD
# is SIG_IGN or has SA_NOCLDWAIT, as Linux's do_notify_parent.
notify_parent:
    push %rbx
    mov %rdi, %rbx
    mov P_EXIT_SIGNAL(%rbx), %esi
    call signal_parent
    mov P_PARENT(%rbx), %rax
    mov P_ACTIONS + (SIGCHLD - 1) * SIGACTION_SIZE + SA_HANDLER(%rax), %rcx
    cmp $SIG_IGN, %rcx
    je 4f
    testq $SA_NOCLDWAIT, P_ACTIONS + (SIGCHLD - 1) * SIGACTION_SIZE + SA_FLAGS(%rax)
    jz 9f
4:  mov %rbx, %rdi
    call process_release
9:  pop %rbx
    ret

# notify_parent_cldstop(%rdi = a process that stopped or continued, its P_WAIT_REPORT set): the
# parent gets SIGCHLD unless its action has SA_NOCLDSTOP (Linux's do_notify_parent_cldstop), and
# waits look again.
.globl notify_parent_cldstop
notify_parent_cldstop:
    mov P_PARENT(%rdi), %rax
    test %rax, %rax
    jz 9f
    testq $SA_NOCLDSTOP, P_ACTIONS + (SIGCHLD - 1) * SIGACTION_SIZE + SA_FLAGS(%rax)
    jnz 8f
    mov $SIGCHLD, %esi
    call signal_parent
8:  jmp io_wake_all
9:  ret

# signal_parent(%rdi = a child, %esi = signal or 0): the signal to its parent, with the siginfo
# of the child's wait status
signal_parent:
    test %esi, %esi
    jz 9f
    PUSH_REGS rbx, r12
    sub $KSIGINFO_SIZE, %rsp
    mov %rdi, %rbx
    mov %esi, %r12d
    mov %rsp, %rdi
    xor %eax, %eax
    mov $(KSIGINFO_SIZE / 8), %ecx
    rep stosq
    mov %rsp, %rdi
    mov %rbx, %rsi
    call child_siginfo
    mov %r12d, SI_SIGNO(%rsp)
    mov %r12d, %edi
    mov %rsp, %rsi
    xor %edx, %edx
    mov P_PARENT(%rbx), %rcx
    call send_signal_process
    add $KSIGINFO_SIZE, %rsp
    POP_REGS rbx, r12
9:  ret

# wait_status(%rdi = a child) -> %eax: what wait reports of it: a zombie's exit status, else its
# stop (sig << 8 | 0x7f) or continue (0xffff)
wait_status:
    mov P_EXIT_CODE(%rdi), %eax
    cmpl $PS_ZOMBIE, P_STATE(%rdi)
    je 9f
    mov P_WAIT_REPORT(%rdi), %eax
9:  ret

# child_siginfo(%rdi = siginfo, %rsi = a child to report): its si_code, si_pid and si_status
# from its wait status, as Linux's SIGCHLD and waitid report them: CLD_EXITED and the exit code,
# CLD_KILLED and the signal, CLD_STOPPED and the stop signal, CLD_CONTINUED and SIGCONT.
child_siginfo:
    mov P_PID(%rsi), %eax
    mov %eax, SI_PID(%rdi)
    push %rdi
    mov %rsi, %rdi
    call wait_status
    pop %rdi
    movl $CLD_CONTINUED, SI_CODE(%rdi)
    mov $SIGCONT, %ecx
    cmp $0xffff, %eax
    je 2f
    movl $CLD_EXITED, SI_CODE(%rdi)
    mov %eax, %ecx
    shr $8, %ecx                        # the exit code, or the stop signal
    movzbl %al, %edx
    test %edx, %edx
    jz 2f
    movl $CLD_STOPPED, SI_CODE(%rdi)
    cmp $0x7f, %edx
    je 2f
    movl $CLD_KILLED, SI_CODE(%rdi)
    mov %edx, %ecx
    and $0x7f, %ecx
2:  mov %ecx, SI_STATUS(%rdi)
    ret

# reparent_children(%rdi = process): its children become init_process's; their zombies are
# told to it, as Linux's reparent_leader does.
reparent_children:
    PUSH_REGS rbx, r12
    mov %rdi, %r12
1:  mov P_CHILDREN(%r12), %rbx
    lea P_CHILDREN(%r12), %rax
    cmp %rax, %rbx
    je 9f
    LIST_DEL %rbx
    lea init_process(%rip), %rsi
    lea P_CHILDREN(%rsi), %rdx
    LIST_ADD_TAIL %rbx, %rdx
    sub $P_SIBLING, %rbx
    mov %rsi, P_PARENT(%rbx)
    cmpl $PS_ZOMBIE, P_STATE(%rbx)
    jne 1b
    mov %rbx, %rdi
    call notify_parent
    jmp 1b
9:  POP_REGS rbx, r12
    ret

# process_release(%rdi = a zombie): reaped. It leaves its parent's children and the process
# list; its slot is free once its address space is (schedule frees it after the last switch
# away; a zombie that is not running any more has none left).
process_release:
    push %rdi
    call itimer_cancel
    mov (%rsp), %rdi
    call proc_pid_remove
    mov (%rsp), %rdi
    lea P_PENDING(%rdi), %rdi           # signals sent to it and never taken
    xor %esi, %esi
    call sigqueue_discard
    pop %rdi
    lea P_SIBLING(%rdi), %rdx
    LIST_DEL %rdx
    lea P_LIST(%rdi), %rdx
    LIST_DEL %rdx
    movl $PS_FREE, P_STATE(%rdi)
    cmpq $0, P_CR3(%rdi)
    je 9f
    movl $PS_REAPED, P_STATE(%rdi)
9:  ret

# process_switched_away(%rdi = the process of a task that exited and ran for the last time):
# from schedule, in the next task's address space: its PML4 and area go back, and a process
# reaped meanwhile frees its slot.
.globl process_switched_away
process_switched_away:
    push %rbx
    mov %rdi, %rbx
    mov P_CR3(%rbx), %rdi
    movq $0, P_CR3(%rbx)
    call mm_free
    cmpl $PS_REAPED, P_STATE(%rbx)
    jne 9f
    movl $PS_FREE, P_STATE(%rbx)
9:  pop %rbx
    ret

# ---- Waiting ----------------------------------------------------------------------------------
# wait4(pid, wstatus, options, rusage): pid > 0 that child, -1 any, 0 one of the caller's
# group, < -1 one of the group -pid.
.globl sys_wait4
sys_wait4:
    test $~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE), %edx
    jnz einval
    or $WEXITED, %edx
    mov %rsi, %r8                       # wstatus
    xor %r9d, %r9d                      # no siginfo
    mov %edi, %esi
    mov $IDTYPE_PID, %edi
    test %esi, %esi
    jg do_wait
    mov $IDTYPE_ALL, %edi
    cmp $-1, %esi
    je do_wait
    mov $IDTYPE_PGID, %edi
    neg %esi
    jmp do_wait

# waitid(idtype, id, infop, options, rusage)
.globl sys_waitid
sys_waitid:
    test $~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE), %ecx
    jnz einval
    test $(WUNTRACED | WEXITED | WCONTINUED), %ecx
    jz einval
    mov %rdx, %r9                       # infop
    mov %ecx, %edx
    mov %r8, %rcx                       # rusage
    xor %r8d, %r8d                      # no wstatus
    cmp $IDTYPE_ALL, %edi
    je do_wait
    cmp $IDTYPE_PGID, %edi              # (0: the caller's group)
    je 1f
    cmp $IDTYPE_PID, %edi
    jne einval
    test %esi, %esi
    jle einval
    jmp do_wait
1:  test %esi, %esi
    js einval
    jmp do_wait

# do_wait(%edi = IDTYPE_ALL, IDTYPE_PID or IDTYPE_PGID, %esi = the pid or group (0: the caller's group),
# %r8 = wstatus or 0, %r9 = siginfo or 0, %edx = options, %rcx = rusage or 0) ->
# %rax: the reaped child's pid; 0 (WNOHANG, none ended); -ECHILD (no such child); -EFAULT;
# -ERESTARTSYS (a signal). Exits, and stops and continues where the options ask for them.
do_wait:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %edi, %r12d
    shl $32, %rsi
    or %rsi, %r12                       # the type, the id above it
    mov %edx, %r13d
    mov %r8, %r14
    mov %r9, %r15
    mov %rcx, %rbp
    test %r14, %r14
    jz 1f
    mov %r14, %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r15, %r15
    jz 2f
    mov %r15, %rdi
    mov $SIGINFO_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
2:  test %rbp, %rbp
    jz 3f
    mov %rbp, %rdi
    mov $RUSAGE_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
3:  call find_waitable                # %rax = a zombie, 0 none yet, -ECHILD none at all
    cmp $-4095, %rax
    jae 9f
    test %rax, %rax
    jnz 5f
    xor %eax, %eax
    test $WNOHANG, %r13d
    jnz 4f
    call io_wait_interruptible
    test %rax, %rax
    jz 3b
    jmp 9f
4:  test %r15, %r15                     # waitid with WNOHANG and nothing: Linux zeroes these
    jz 9f
    movq $0, (%r15)                     # si_signo, si_errno
    movq $0, 8(%r15)                    # si_code
    movq $0, SI_PID(%r15)               # si_pid, si_uid
    movl $0, SI_STATUS(%r15)
    jmp 9f
5:  mov %rax, %rbx                      # the child: a zombie, or stopped or continued
    test %r14, %r14
    jz 6f
    mov %rbx, %rdi
    call wait_status
    mov %eax, (%r14)
6:  test %rbp, %rbp                     # its CPU time and its children's, as user time
    jz 7f
    mov %rbp, %rdi
    xor %eax, %eax
    mov $(RUSAGE_SIZE / 8), %ecx
    rep stosq
    mov P_CPU_NS(%rbx), %rax
    add P_CHILDREN_CPU_NS(%rbx), %rax
    mov %rbp, %rdi
    call put_timeval
7:  test %r15, %r15
    jz 8f
    mov %r15, %rdi
    xor %eax, %eax
    mov $(SIGINFO_SIZE / 8), %ecx
    rep stosq
    movl $SIGCHLD, SI_SIGNO(%r15)
    mov %r15, %rdi
    mov %rbx, %rsi
    call child_siginfo
8:  mov P_PID(%rbx), %r12d             # (the type and id are needed no more)
    test $WNOWAIT, %r13d
    jnz 81f
    cmpl $PS_ZOMBIE, P_STATE(%rbx)
    je 82f
    movl $0, P_WAIT_REPORT(%rbx)        # a stop or continue is reported once
    jmp 81f
82: mov P_CPU_NS(%rbx), %rax            # the waiter's children's time grows by the child's
    add P_CHILDREN_CPU_NS(%rbx), %rax
    mov current_task(%rip), %rcx
    mov T_PROCESS(%rcx), %rcx
    add %rax, P_CHILDREN_CPU_NS(%rcx)
    mov %rbx, %rdi
    call process_release
81: mov %r12d, %eax
    test %r15, %r15                     # waitid returns 0
    jz 9f
    xor %eax, %eax
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# find_waitable(%r12 = the type, and the id in its upper half, %r13d = the options, as do_wait's)
# -> %rax: a child that matches and is a zombie, or has a stop (WUNTRACED) or continue
# (WCONTINUED) to report; 0 if some match but none has, -ECHILD if none matches.
find_waitable:
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rsi
    mov %r12, %r8
    shr $32, %r8                        # the id
    cmp $IDTYPE_PGID, %r12d
    jne 1f
    test %r8d, %r8d
    jnz 1f
    mov P_PGID(%rsi), %r8d              # the caller's group
1:  lea P_CHILDREN(%rsi), %rcx
    mov %rcx, %rdx
    mov $-ECHILD, %r9
2:  LIST_NEXT %rcx, %rdx, 8f
    lea -P_SIBLING(%rdx), %rdi
    cmp $IDTYPE_ALL, %r12d
    je 5f
    cmp $IDTYPE_PID, %r12d
    je 3f
    cmp %r8d, P_PGID(%rdi)
    jne 2b
    jmp 5f
3:  cmp %r8d, P_PID(%rdi)
    jne 2b
5:  mov $0, %r9d                       # one matches (reaped ones are not children any more)
    cmpl $PS_ZOMBIE, P_STATE(%rdi)
    je 7f
    mov P_WAIT_REPORT(%rdi), %eax       # a stop with WUNTRACED, a continue with WCONTINUED
    test %eax, %eax
    jz 2b
    cmp $0xffff, %eax
    je 6f
    test $WUNTRACED, %r13d
    jz 2b
    jmp 7f
6:  test $WCONTINUED, %r13d
    jz 2b
7:  mov %rdi, %rax
    ret
8:  mov %r9, %rax
    ret

.section .data
.p2align 3
.globl all_processes
all_processes: .quad init_process + P_LIST, init_process + P_LIST

.section .bss
.p2align 12
process_slots: .skip (PROCESS_MAX - 1) * PROCESS_SLOT_SIZE
process_slots_end:
