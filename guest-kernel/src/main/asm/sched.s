# Threads and the scheduler, on one CPU (docs/kernel.md, "Threads and scheduling").
#
# A thread is a struct task (task.inc) in a slot of its own: the task, its signals' siginfo
# and its kernel stack, whose top holds its user register frame (F_*); its FPU state is in
# user memory (map_fpu_area), where the vDSO's stubs switch it (fpu_return). The
# first thread (tid 1) is init_task (signal.s), on the boot entry stack. The threads of a
# process share its memory, descriptors and signal actions (CLONE_VM, CLONE_FILES,
# CLONE_SIGHAND, CLONE_THREAD); a clone without CLONE_THREAD makes a process (fork.s).
#
# The kernel runs with interrupts off, so nothing preempts it: a task gives up the CPU only in
# schedule(), called when it blocks (task_block) or on its way back to user mode when TW_RESCHED
# is set (a timer interrupt from user mode, sched_yield). The run queue is a FIFO list of the
# runnable tasks, the running one included: schedule() moves the running task to its end and
# runs the first (round robin). While two or more are runnable the local APIC timer is armed for
# the end of a TIME_SLICE_NS slice, so a thread spinning in user mode is preempted; without a
# timer (timer none) threads switch only when they block or yield, and a spinning one starves
# the others. With nothing runnable the CPU halts until the earliest sleeper's deadline; with no
# sleeper either, nothing can ever run again: the kernel says so and halts for good.

.include "defs.inc"
.include "task.inc"
.include "mm.inc"
.include "vdso-offsets.inc"             # the vDSO's FPU stubs (user/vdso.s)

.equ SLOT_SIZE,      16384
.equ SLOT_SHIFT,     14
.equ SLOT_SIGINFO,   1024               # NSIG * SIGINFO_SLOT = 4096 bytes
.equ FPU_AREA_SIZE,  (THREAD_MAX * FPU_SLOT_SIZE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
.equ TIME_SLICE_NS,  10000000           # 10 ms
.equ FPU_STUB_RETRY_NS, 10000           # the work an FPU stub's interruption put off: 10 us later
.equ TSS_RSP0,       4

.equ CLONE_VM,             0x00000100
.equ CLONE_FS,             0x00000200
.equ CLONE_FILES,          0x00000400
.equ CLONE_SIGHAND,        0x00000800
.equ CLONE_PIDFD,          0x00001000
.equ CLONE_VFORK,          0x00004000
.equ CLONE_THREAD,         0x00010000
.equ CLONE_NEWNS,          0x00020000
.equ CLONE_SETTLS,         0x00080000
.equ CLONE_PARENT_SETTID,  0x00100000
.equ CLONE_CHILD_CLEARTID, 0x00200000
.equ CLONE_CHILD_SETTID,   0x01000000
.equ CLONE_NEWUSER,        0x10000000
.equ CLONE_NEWPID,         0x20000000
.equ CSIGNAL,              0xff
# struct clone_args (clone3)
.equ CA_FLAGS, 0
.equ CA_PIDFD, 8
.equ CA_CHILD_TID, 16
.equ CA_PARENT_TID, 24
.equ CA_EXIT_SIGNAL, 32
.equ CA_STACK, 40
.equ CA_STACK_SIZE, 48
.equ CA_TLS, 56
.equ CA_SET_TID, 64
.equ CA_SET_TID_SIZE, 72
.equ CLONE_ARGS_SIZE_VER0, 64

.text
# ---- Switching ------------------------------------------------------------------------------
# schedule(): the running task gives up the CPU. If it is still runnable it goes to the end of
# the run queue; the first runnable task runs (the same one when it is alone). Returns when this
# task runs again. Timed sleepers whose deadline has passed become runnable first. CPU time:
# the leaving task and its process are charged with the time since it got the CPU, the next
# one gets it now; a halt with nothing runnable is charged to no one, but counted as idle_ns.
.globl schedule
schedule:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov current_task(%rip), %rbx
    call clock_monotonic_ns
    mov %rax, %r13                      # now: when the next task gets the CPU
    sub T_ON_CPU(%rbx), %rax
    add %rax, T_CPU_NS(%rbx)
    mov T_PROCESS(%rbx), %rcx
    add %rax, P_CPU_NS(%rcx)
    cmpq $TS_RUNNABLE, T_STATE(%rbx)
    jne 1f
    lea T_RQ(%rbx), %rdx                # to the back of the queue
    LIST_DEL %rdx
    lea runqueue(%rip), %rsi
    LIST_ADD_TAIL %rdx, %rsi
1:  call wake_expired
    mov runqueue(%rip), %r12
    lea runqueue(%rip), %rax
    cmp %rax, %r12
    je 5f
    sub $T_RQ, %r12                     # the next task
    mov %r13, T_ON_CPU(%r12)
    call timer_update
    cmp %rbx, %r12
    je 4f
    incq context_switches(%rip)
    cmp fpu_owner(%rip), %r12           # the FPU registers hold another thread's state: it
    je 11f                              # switches them in user mode (fpu_return)
    orq $TW_FPU, T_WORK(%r12)
11: mov %rsp, T_KSP(%rbx)
    mov %r12, current_task(%rip)
    mov T_PROCESS(%r12), %rax           # another process: its address space
    mov P_CR3(%rax), %rax
    mov %cr3, %rcx
    cmp %rax, %rcx
    je 12f
    mov %rax, %cr3
12: mov T_KSP(%r12), %rsp
    mov T_STACK_TOP(%r12), %rax         # entries from user mode land on its stack
    mov %rax, kernel_stack_top(%rip)
    mov %rax, tss + TSS_RSP0(%rip)
    mov $MSR_SYSENTER_ESP, %ecx
    call wrmsr_rax
    mov T_FSBASE(%r12), %rax
    cmp T_FSBASE(%rbx), %rax
    je 2f
    mov $MSR_FS_BASE, %ecx
    call wrmsr_rax
2:  mov T_GSBASE(%r12), %rax
    cmp T_GSBASE(%rbx), %rax
    je 3f
    mov $MSR_GS_BASE, %ecx
    call wrmsr_rax
3:  cmpq $TS_DEAD, T_STATE(%rbx)        # the previous task exited: its stack is free now,
    jne 4f                              # and the address space of a process it was the last of
    mov %rbx, %rdi
    call task_free
    mov T_PROCESS(%rbx), %rdi
    cmpl $0, P_NR_THREADS(%rdi)
    jne 4f
    call process_switched_away
4:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret
5:  call idle_wait                      # nothing runnable
    call clock_monotonic_ns
    mov %rax, %rcx
    sub %r13, %rcx
    add %rcx, idle_ns(%rip)
    mov %rax, %r13
    jmp 1b

# idle_wait(): nothing is runnable. Halt until the earliest timer's deadline (an interrupt
# may come sooner; schedule looks again), or watch the clock without a timer. With no timer
# (no sleeper, no interval timer) nothing can ever wake a task (no device wakes one yet): a
# stopped first process then ends as if killed by its stop signal (init_stopped_for_good); else
# the kernel says so and halts with interrupts off, which ends the run (jvmm reports a HLT
# nothing can wake; QEMU idles until its time limit) instead of spending a host CPU for ever.
idle_wait:
    mov timers(%rip), %rdi
    lea timers(%rip), %rax
    cmp %rax, %rdi
    je 3f
    cmpl $TIMER_NONE, timer_mode(%rip)
    je 2f
    mov TM_DEADLINE(%rdi), %rdi
    call timer_program
    jmp cpu_idle
2:  pause
    ret
3:  cmpl $0, init_process + P_STOP_SIGNAL(%rip)
    jne init_stopped_for_good
    lea msg_deadlock(%rip), %rdi
    call serial_puts
4:  cli
    hlt
    jmp 4b

# timer_update(): the timer should fire at the earliest of the first timer's deadline and,
# while another task is runnable, the end of a time slice from now.
.globl timer_update
timer_update:
    cmpl $TIMER_NONE, timer_mode(%rip)
    je 9f
    mov $NO_DEADLINE, %rdi
    mov timers(%rip), %rax
    lea timers(%rip), %rcx
    cmp %rcx, %rax
    je 1f
    mov TM_DEADLINE(%rax), %rdi
1:  mov runqueue(%rip), %rax            # two runnable tasks or more: a slice
    mov (%rax), %rax
    lea runqueue(%rip), %rcx
    cmp %rcx, %rax
    je timer_program
    push %rdi
    call clock_monotonic_ns
    pop %rdi
    add $TIME_SLICE_NS, %rax
    cmp %rdi, %rax
    cmovl %rax, %rdi
    jmp timer_program
9:  ret

# timer_program(%rdi = CLOCK_MONOTONIC deadline, NO_DEADLINE for none): arms the one-shot timer
# for it unless it is already armed for an earlier time that has not passed.
timer_program:
    mov $NO_DEADLINE, %rax
    cmp %rax, %rdi
    je 9f
    push %rbx
    mov %rdi, %rbx
    call clock_monotonic_ns
    mov timer_armed_for(%rip), %rcx
    cmp %rax, %rcx
    jle 1f                              # fired or passed: arm again
    cmp %rbx, %rcx
    jle 8f                              # an earlier one is pending
1:  mov %rbx, timer_armed_for(%rip)
    mov %rbx, %rdi
    sub %rax, %rdi
    jg 2f
    mov $1, %edi
2:  call timer_arm
8:  pop %rbx
9:  ret

# sched_timer_interrupt(%rdi = frame): the one-shot timer fired. From user mode the running
# task's slice may be over: it reschedules on the way out (return_iret).
.globl sched_timer_interrupt
sched_timer_interrupt:
    movq $0, timer_armed_for(%rip)
    testb $3, F_CS(%rdi)
    jz 1f
    mov current_task(%rip), %rax
    orq $TW_RESCHED, T_WORK(%rax)
1:  ret

# ---- Blocking and waking ----------------------------------------------------------------------
# task_block(%rdi = CLOCK_MONOTONIC deadline, or NO_DEADLINE) -> %rax: 0 when woken by task_wake,
# -ETIMEDOUT at the deadline, -EINTR when a signal is pending (at once if one already is).
.globl task_block
task_block:
    mov current_task(%rip), %rax
    testq $TW_SIGPENDING, T_WORK(%rax)
    jz task_sleep
    mov $-EINTR, %rax
    ret

# task_sleep(%rdi = deadline) -> %rax: as task_block, but a pending signal does not end it
# before it starts (a stopped thread's wait, which only SIGCONT and SIGKILL end)
.globl task_sleep
task_sleep:
    push %rbx
    mov current_task(%rip), %rbx
    movq $TS_BLOCKED, T_STATE(%rbx)
    movq $0, T_WAKE(%rbx)
    mov %rdi, T_DEADLINE(%rbx)
    lea T_RQ(%rbx), %rdx
    LIST_DEL %rdx
    mov $NO_DEADLINE, %rax
    cmp %rax, %rdi
    je 3f
    lea T_TIMER(%rbx), %rdi
    call timer_add
3:  call schedule
    mov T_WAKE(%rbx), %rax
    pop %rbx
    ret

# task_wake(%rdi = task, %rsi = what task_block returns) : a blocked task becomes runnable.
# Clobbers %rax, %rcx, %rdx, %rsi, %rdi, %r8.
.globl task_wake
task_wake:
    cmpq $TS_BLOCKED, T_STATE(%rdi)
    jne 9f
    movq $TS_RUNNABLE, T_STATE(%rdi)
    mov %rsi, T_WAKE(%rdi)
    mov $NO_DEADLINE, %rax
    cmp %rax, T_DEADLINE(%rdi)
    je 1f
    lea T_TIMER(%rdi), %rdx
    LIST_DEL %rdx
1:  lea T_RQ(%rdi), %rdx
    lea runqueue(%rip), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    jmp timer_update
9:  ret

# wake_expired(): timers whose deadline has passed expire, earliest first: a sleeper becomes
# runnable (-ETIMEDOUT), an interval timer signals its process.
.globl wake_expired
wake_expired:
    lea timers(%rip), %rax
    cmp %rax, timers(%rip)
    je 9f
    push %rbx
    call clock_monotonic_ns
    mov %rax, %rbx
1:  mov timers(%rip), %rdi
    lea timers(%rip), %rax
    cmp %rax, %rdi
    je 8f
    cmp TM_DEADLINE(%rdi), %rbx
    jl 8f
    call *TM_EXPIRE(%rdi)
    jmp 1b
8:  pop %rbx
9:  ret

# timer_add(%rdi = timer, its TM_DEADLINE set): into timers, after those due no later (so
# timers due together expire in the order they were added). Clobbers %rax, %rdx, %rsi.
.globl timer_add
timer_add:
    mov TM_DEADLINE(%rdi), %rax
    lea timers(%rip), %rsi
    mov %rsi, %rdx
1:  LIST_NEXT %rsi, %rdx, 2f
    cmp TM_DEADLINE(%rdx), %rax
    jge 1b
2:  mov %rdi, %rsi                      # before %rdx
    LIST_ADD_TAIL %rsi, %rdx
    ret

# timer_del(%rdi = an armed timer): off timers. Clobbers %rax, %rcx.
.globl timer_del
timer_del:
    LIST_DEL %rdi
    ret

# A sleeper's deadline passed (its T_TIMER's expire): it wakes with -ETIMEDOUT.
.globl task_timer_expired
task_timer_expired:
    sub $T_TIMER, %rdi
    mov $-ETIMEDOUT, %rsi
    jmp task_wake

# exit_to_user_work(%rdi = frame): T_WORK was not zero on the way back to user mode: switch
# first if the slice is over, then deliver signals, then switch the FPU state if the registers
# hold another thread's. Not while the thread is inside an FPU switch stub (an interrupt, a
# page fault of its image): it runs on its slot, not on a stack a signal frame could use, and
# it is taking the registers over; the work waits for its next entry, which the timer makes
# happen soon. A fault of its own there (a forged image) ends the process.
.globl exit_to_user_work
exit_to_user_work:
    push %rbx
    mov %rdi, %rbx
    mov F_RIP(%rbx), %rax
    sub vdso_base(%rip), %rax
    sub $VDSO_jvmm_fpu_switch, %rax
    cmp $(VDSO_jvmm_fpu_stubs_end - VDSO_jvmm_fpu_switch), %rax
    jb 3f
    mov current_task(%rip), %rax
    btrq $3, T_WORK(%rax)               # TW_RESCHED
    jnc 1f
    call schedule
1:  mov current_task(%rip), %rax
    testq $~TW_FPU, T_WORK(%rax)        # signals (an FPU switch alone has nothing for them)
    jz 11f
    mov %rbx, %rdi
    call signal_work
    mov current_task(%rip), %rax
11: testq $TW_FPU, T_WORK(%rax)
    jz 2f
    mov %rbx, %rdi
    call fpu_return
2:  pop %rbx
    ret
3:  mov current_task(%rip), %rax
    mov T_PENDING(%rax), %rax
    and $SIGMASK_SYNCHRONOUS, %eax
    jnz 4f
    cmpl $TIMER_NONE, timer_mode(%rip)
    je 2b
    call clock_monotonic_ns             # an interrupt soon after the stub: the work is done then
    lea FPU_STUB_RETRY_NS(%rax), %rdi
    call timer_program
    jmp 2b
4:  bsf %eax, %esi
    inc %esi
    mov %rbx, %rdi
    xor %edx, %edx
    call kill_process                   # does not return

# fpu_return(%rdi = frame): TW_FPU: the thread returns to user mode and the FPU registers may
# not hold its state. The frame is rewritten to return through the vDSO stub that makes them
# hold it (jvmm_fpu_switch: save the owner's, load this thread's; jvmm_fpu_load when no thread
# owns them), its slot's FPU_IRET block taking the real return. A new thread whose parent has
# not returned to user mode since the clone loads its parent's image (the switch saved the
# parent's live state there first, if the parent still owned the registers); a parent whose new
# thread has not run yet fills the new thread's image: by jvmm_fpu_save when it owns the
# registers still (its live state is the one at the clone), else by a copy of its own image.
# A context whose RIP or RSP is not canonical keeps TW_FPU: return_iret makes it a SIGSEGV,
# whose handler's return comes back here.
fpu_return:
    mov F_RIP(%rdi), %rax
    sar $47, %rax
    inc %rax
    cmp $1, %rax
    ja 9f
    mov F_RSP(%rdi), %rax
    sar $47, %rax
    inc %rax
    cmp $1, %rax
    ja 9f
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov current_task(%rip), %r12
    andq $~TW_FPU, T_WORK(%r12)
    mov T_FXSTATE(%r12), %r13           # its slot: the stub's stack (made present here: the
    mov %r13, %rdi                      # program may have discarded it with madvise)
    mov $FPU_IMAGE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 7f
    mov T_FPU_CHILD(%r12), %rcx
    cmp fpu_owner(%rip), %r12
    jne 2f
    test %rcx, %rcx                     # it owns the registers: nothing to do, or fill the child's
    jz 8f
    movq $0, T_FPU_CHILD(%r12)
    movq $0, T_FPU_PARENT(%rcx)
    mov T_FXSTATE(%rcx), %rax
    add $FPU_IMAGE, %rax
    mov %rax, FPU_SAVE(%r13)
    mov $VDSO_jvmm_fpu_save, %eax
    jmp 5f
2:  test %rcx, %rcx                     # the child's image from its own, which holds the state
    jz 3f                               # of the clone
    movq $0, T_FPU_CHILD(%r12)
    movq $0, T_FPU_PARENT(%rcx)
    mov T_FXSTATE(%rcx), %rdi
    add $FPU_IMAGE, %rdi
    call fpu_image_copy
    test %rax, %rax
    jnz 7f
3:  lea FPU_IMAGE(%r13), %rax           # the image to load: its own, or its parent's
    mov T_FPU_PARENT(%r12), %rcx
    test %rcx, %rcx
    jz 4f
    movq $0, T_FPU_PARENT(%r12)
    movq $0, T_FPU_CHILD(%rcx)
    mov T_FXSTATE(%rcx), %rax
    add $FPU_IMAGE, %rax
4:  mov %rax, FPU_LOAD(%r13)
    mov fpu_owner(%rip), %rcx
    mov %r12, fpu_owner(%rip)
    mov $VDSO_jvmm_fpu_load, %eax
    test %rcx, %rcx
    jz 5f
    mov T_FXSTATE(%rcx), %rcx
    add $FPU_IMAGE, %rcx
    mov %rcx, FPU_SAVE(%r13)
    mov $VDSO_jvmm_fpu_switch, %eax
5:  add vdso_base(%rip), %rax           # through the stub, then the real return
    mov F_RIP(%rbx), %rcx
    mov %rcx, FPU_IRET(%r13)
    movq $USER_CS, FPU_IRET + 8(%r13)
    mov F_RFLAGS(%rbx), %rcx
    mov %rcx, FPU_IRET + 16(%r13)
    mov F_RSP(%rbx), %rcx
    mov %rcx, FPU_IRET + 24(%r13)
    movq $USER_DS, FPU_IRET + 32(%r13)
    mov %rax, F_RIP(%rbx)
    mov %r13, F_RSP(%rbx)
    andq $~(RFLAGS_TF | RFLAGS_NT), F_RFLAGS(%rbx)   # as for jvmm_sigreturn (signal.s)
8:  POP_REGS rbx, r12, r13
9:  ret
7:  mov %rbx, %rdi                      # no frame left to page the slot in
    mov $SIGSEGV, %esi
    xor %edx, %edx
    call kill_process                   # does not return

# fpu_image_copy(%rdi = the new thread's image, %r13 = the parent's slot) -> %rax: 0, or
# -EFAULT/-ENOMEM when either image cannot be made present.
fpu_image_copy:
    push %rdi
    mov $FX_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    lea FPU_IMAGE(%r13), %rdi
    mov $FX_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%rsp), %rdi
    lea FPU_IMAGE(%r13), %rsi
    mov $FX_SIZE, %edx
    call memcpy
    xor %eax, %eax
9:  pop %rdi
    ret

# map_fpu_area(): the FPU area, THREAD_MAX slots of FPU_SLOT_SIZE bytes below the vvar page:
# user memory, read-write, not executable, sealed as the vvar and vDSO mappings are (no munmap,
# mremap or new protection): the vDSO's FPU stubs keep the threads' state there, which the
# kernel cannot (see jvmm_sigenter in user/vdso.s). The first thread takes slot 0, the one in
# thread_slots[i] slot i + 1. Every process maps the same frames (fpu_frames) at the same
# place: a thread saves the registers into the slot of their owner, whichever process that is.
.globl map_fpu_area
map_fpu_area:
    mov vdso_base(%rip), %rsi
    sub $PAGE_SIZE, %rsi
    lea -FPU_AREA_SIZE(%rsi), %rdi
    mov %rdi, fpu_area(%rip)
    mov %rdi, init_task + T_FXSTATE(%rip)
    mov $(PROT_READ | PROT_WRITE | KIND_FPU | VMA_SEALED), %edx
    movabs $(fpu_frames - KERNEL_VIRT_BASE), %rcx
    jmp new_region

.globl sys_sched_yield
sys_sched_yield:
    call schedule
    xor %eax, %eax
    ret

# ---- Threads ----------------------------------------------------------------------------------
# find_task(%edi = tid) -> %rax: the thread, of any process, or 0. Changes only %rax and %rcx.
.globl find_task
find_task:
    push %rdx
    lea all_processes(%rip), %rdx
1:  mov (%rdx), %rdx
    lea all_processes(%rip), %rax
    cmp %rax, %rdx
    je 3f
    lea P_THREADS - P_LIST(%rdx), %rcx
    mov %rcx, %rax
2:  LIST_NEXT %rcx, %rax, 1b
    cmp %edi, T_TID - T_ALL(%rax)
    jne 2b
    sub $T_ALL, %rax
    pop %rdx
    ret
3:  xor %eax, %eax
    pop %rdx
    ret

# clone(flags, stack, parent_tid, child_tid, tls)
.globl sys_clone
sys_clone:
    jmp clone_thread

# clone3(args, size): struct clone_args, as Linux's copy_clone_args_from_user checks it.
.globl sys_clone3
sys_clone3:
    cmp $CLONE_ARGS_SIZE_VER0, %rsi
    jb einval
    mov $-E2BIG, %rax                   # (Linux also wants the bytes past its own size zero)
    cmp $PAGE_SIZE, %rsi
    ja 8f
    push %rbx
    mov %rdi, %rbx
    mov $CLONE_ARGS_SIZE_VER0, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov $-EINVAL, %rax
    mov CA_EXIT_SIGNAL(%rbx), %rcx      # exit_signal must fit CSIGNAL
    test $~CSIGNAL, %rcx
    jnz 9f
    mov CA_STACK(%rbx), %rsi            # a stack needs a size, and the reverse
    mov CA_STACK_SIZE(%rbx), %rcx
    test %rsi, %rsi
    setz %dl
    test %rcx, %rcx
    setz %dh
    cmp %dl, %dh
    jne 9f
    add %rcx, %rsi                      # clone3 names the stack's lowest address
    mov CA_FLAGS(%rbx), %rdi
    mov %edi, %eax                      # flags above 32 bits: none of Linux's clone3-only ones here
    cmp %rax, %rdi
    mov $-EINVAL, %rax
    jne 9f
    test $CSIGNAL, %edi                 # clone3 takes the exit signal apart from the flags
    jnz 9f
    or CA_EXIT_SIGNAL(%rbx), %rdi       # a new process's exit signal, as clone's CSIGNAL
    mov CA_PARENT_TID(%rbx), %rdx
    mov CA_CHILD_TID(%rbx), %rcx
    mov CA_TLS(%rbx), %r8
    call clone_thread
9:  pop %rbx
8:  ret

# clone_thread(%rdi = flags, %rsi = stack or 0, %rdx = parent_tid, %rcx = child_tid, %r8 = tls)
# -> %rax: the new thread's tid, or -errno. Linux's checks (copy_process) first; a clone that is
# not a thread (fork, vfork, posix_spawn's CLONE_VM | CLONE_VFORK) makes a process (fork.s).
clone_thread:
    mov $-EINVAL, %rax
    mov %edi, %r9d
    and $(CLONE_NEWNS | CLONE_FS), %r9d
    cmp $(CLONE_NEWNS | CLONE_FS), %r9d
    je 9f
    test $CLONE_THREAD, %edi            # a thread shares the signal actions...
    jz 1f
    test $CLONE_SIGHAND, %edi
    jz 9f
    test $(CLONE_NEWUSER | CLONE_NEWPID), %edi
    jnz 9f
1:  test $CLONE_SIGHAND, %edi           # ...which need the memory shared
    jz 2f
    test $CLONE_VM, %edi
    jz 9f
2:  test $CLONE_SETTLS, %edi            # Linux's do_arch_prctl_64: EPERM outside user memory
    jz 3f
    mov $-EPERM, %rax
    movabs $USER_TOP, %r9
    cmp %r9, %r8
    jae 9f
3:  test $CLONE_THREAD, %edi
    jz copy_process
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rcx, %r14
    mov %r8, %r15
    call task_alloc
    test %rax, %rax
    jz 8f
    mov %rax, %rbp
    mov current_task(%rip), %r8
    mov T_PROCESS(%r8), %rax
    mov %rax, T_PROCESS(%rbp)
    incl P_NR_THREADS(%rax)
    lea T_ALL(%rbp), %rdx
    lea P_THREADS(%rax), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    mov %rbp, %rdi
    mov %r12, %rsi
    call task_start
    movq $SS_DISABLE, T_SS_FLAGS(%rbp)  # Linux: no alternate stack in a CLONE_VM child
    test $CLONE_SETTLS, %ebx
    jz 4f
    mov %r15, T_FSBASE(%rbp)
4:  test $CLONE_CHILD_CLEARTID, %ebx
    jz 5f
    mov %r14, T_CLEAR_TID(%rbp)
5:  test $CLONE_PARENT_SETTID, %ebx     # the tids, written where the user memory allows (Linux
    jz 6f                               # ignores a failed write)
    mov %r13, %rdi
    call put_tid
6:  test $CLONE_CHILD_SETTID, %ebx
    jz 7f
    mov %r14, %rdi
    call put_tid
7:  mov %rbp, %rdi
    call task_run
    mov T_TID(%rbp), %rax
    jmp 10f
8:  mov $-EAGAIN, %rax
10: POP_REGS rbx, rbp, r12, r13, r14, r15
9:  ret

# task_alloc() -> %rax: a new task with a tid (they count up, never reused), its slot's siginfo,
# kernel stack and FPU slot, no deadline; all else zero. 0 when THREAD_MAX tasks exist.
.globl task_alloc
task_alloc:
    push %rbx
    mov free_slots(%rip), %rbx          # a slot: a freed one, else one never used
    test %rbx, %rbx
    jz 1f
    mov (%rbx), %rcx
    mov %rcx, free_slots(%rip)
    sub $T_RQ, %rbx
    jmp 2f
1:  mov slots_used(%rip), %ecx
    cmp $(THREAD_MAX - 1), %ecx
    jae 8f
    inc %ecx
    mov %ecx, slots_used(%rip)
    dec %ecx
    imul $SLOT_SIZE, %ecx, %ecx
    lea thread_slots(%rip), %rbx
    add %rcx, %rbx
2:  mov %rbx, %rdi                      # zero, then what every task has
    xor %eax, %eax
    mov $(TASK_SIZE / 8), %ecx
    rep stosq
    mov next_tid(%rip), %eax
    mov %rax, T_TID(%rbx)
    inc %eax
    mov %eax, next_tid(%rip)
    lea SLOT_SIGINFO(%rbx), %rax
    mov %rax, T_SIGINFO(%rbx)
    mov $NO_DEADLINE, %rax
    mov %rax, T_DEADLINE(%rbx)
    lea task_timer_expired(%rip), %rax
    mov %rax, T_TIMER + TM_EXPIRE(%rbx)
    lea SLOT_SIZE(%rbx), %rax
    mov %rax, T_STACK_TOP(%rbx)
    mov %rbx, %rax                      # its FPU slot: thread_slots[i] has slot i + 1
    lea thread_slots(%rip), %rcx
    sub %rcx, %rax
    shr $SLOT_SHIFT, %rax
    inc %eax
    imul $FPU_SLOT_SIZE, %eax, %eax
    add fpu_area(%rip), %rax
    mov %rax, T_FXSTATE(%rbx)
    mov %rbx, %rax
    pop %rbx
    ret
8:  xor %eax, %eax
    pop %rbx
    ret

# task_free(%rdi = a task that will never run again, not init_task): its slot is free, and
# the real-time signals queued for it are gone.
.globl task_free
task_free:
    lea init_task(%rip), %rax
    cmp %rax, %rdi
    je 9f
    push %rdi
    lea T_PENDING(%rdi), %rdi
    xor %esi, %esi
    call sigqueue_discard
    pop %rdi
    lea T_RQ(%rdi), %rax
    mov free_slots(%rip), %rcx
    mov %rcx, (%rax)
    mov %rax, free_slots(%rip)
9:  ret

# task_start(%rdi = new task, %rsi = its user stack, 0 for the caller's): a copy of the calling
# thread's user frame, returning 0; its signal mask, FS and GS bases; its FPU state is the
# caller's, as Linux copies it, which the first of the two to return to user mode gives it
# (fpu_return). Its first switch returns to ret_from_clone, or ret_from_fork when it is a
# process of its own.
.globl task_start
task_start:
    push %rbx
    mov %rdi, %rbx
    mov current_task(%rip), %r8
    mov T_BLOCKED(%r8), %rax
    mov %rax, T_BLOCKED(%rbx)
    mov T_FSBASE(%r8), %rax
    mov %rax, T_FSBASE(%rbx)
    mov T_GSBASE(%r8), %rax
    mov %rax, T_GSBASE(%rbx)
    mov %r8, T_FPU_PARENT(%rbx)
    mov %rbx, T_FPU_CHILD(%r8)
    movq $TW_FPU, T_WORK(%rbx)
    orq $TW_FPU, T_WORK(%r8)
    mov T_STACK_TOP(%rbx), %rax         # its user frame: the caller's, returning 0
    lea -F_SIZE(%rax), %rdi
    mov %rdi, T_FRAME(%rbx)
    push %rsi
    mov T_FRAME(%r8), %rsi
    mov $(F_SIZE / 8), %ecx
    rep movsq
    pop %rsi
    mov T_FRAME(%rbx), %rdi
    movq $0, F_RAX(%rdi)
    test %rsi, %rsi
    jz 1f
    mov %rsi, F_RSP(%rdi)
1:  lea -56(%rdi), %rax                 # what schedule pops: six registers, then the return
    mov %rax, T_KSP(%rbx)
    lea ret_from_clone(%rip), %rcx
    mov T_PROCESS(%rbx), %rdx
    cmp T_PROCESS(%r8), %rdx
    je 2f
    lea ret_from_fork(%rip), %rcx
2:  mov %rcx, 48(%rax)
    movq $0, 40(%rax)                   # RBX, RBP: nothing
    movq $0, 32(%rax)
    pop %rbx
    ret

# task_run(%rdi = new task): runnable, behind the caller, which goes on.
.globl task_run
task_run:
    lea T_RQ(%rdi), %rdx
    lea runqueue(%rip), %rsi
    LIST_ADD_TAIL %rdx, %rsi
    jmp timer_update

# put_tid(%rdi = user pointer, %rbp = task): *ptr = its tid, if the user may write there
put_tid:
    push %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    mov T_TID(%rbp), %eax
    mov %eax, (%rdi)
1:  ret

# A new thread's first run: schedule returned here, on its own stack, at its frame.
ret_from_clone:
    jmp return_iret

# gettid()
.globl sys_gettid
sys_gettid:
    mov current_task(%rip), %rax
    mov T_TID(%rax), %rax
    ret

# set_tid_address(tidptr) -> the caller's tid
.globl sys_set_tid_address
sys_set_tid_address:
    mov current_task(%rip), %rax
    mov %rdi, T_CLEAR_TID(%rax)
    mov T_TID(%rax), %rax
    ret

# set_robust_list(head, len): kept per thread, walked when the thread exits (futex.s)
.globl sys_set_robust_list
sys_set_robust_list:
    cmp $24, %rsi                       # sizeof(struct robust_list_head)
    jne einval
    mov current_task(%rip), %rax
    mov %rdi, T_ROBUST(%rax)
    xor %eax, %eax
    ret

# get_robust_list(pid, head_ptr, len_ptr)
.globl sys_get_robust_list
sys_get_robust_list:
    PUSH_REGS rbx, r12, r13
    mov %rsi, %r12
    mov %rdx, %r13
    mov current_task(%rip), %rbx
    test %edi, %edi
    jz 1f
    call find_task
    mov %rax, %rbx
    mov $-ESRCH, %rax
    test %rbx, %rbx
    jz 9f
1:  mov %r13, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r12, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    movq $24, (%r13)
    mov T_ROBUST(%rbx), %rax
    mov %rax, (%r12)
    xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# exit(status): this thread ends.
.globl sys_exit
sys_exit:
    movzbl %dil, %edi
    shl $8, %edi
    jmp thread_exit

# exit_group(status): the process ends.
.globl sys_exit_group
sys_exit_group:
    movzbl %dil, %edi
    shl $8, %edi
    jmp group_exit

# thread_exit(%edi = wait status): the calling thread ends. Its clear_child_tid word is zeroed
# and one waiter woken (what pthread_join waits for). The last thread's end is the process's
# (process_end, fork.s), with the status of the exit_group or fatal signal under way, else the
# one the first thread exited with if it already did (Linux's leader's exit code), else this one.
thread_exit:
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %r12
    mov P_PID(%r12), %eax
    cmp T_TID(%rbx), %eax
    sete %r13b                          # the first thread
    jne 1f
    mov %edi, P_LEADER_STATUS(%r12)
1:  cmpl $1, P_NR_THREADS(%r12)
    jne 3f
    cmpl $0, P_GROUP_EXIT(%r12)
    je 2f
    mov P_EXIT_CODE(%r12), %edi
    jmp process_end
2:  cmpl $0, P_LEADER_EXITED(%r12)
    je process_end
    mov P_LEADER_STATUS(%r12), %edi
    jmp process_end
3:  test %r13b, %r13b
    jz 4f
    movl $1, P_LEADER_EXITED(%r12)
4:  call futex_exit_robust              # as Linux's mm_release: robust locks, then the tid word
    mov T_CLEAR_TID(%rbx), %rdi
    test %rdi, %rdi
    jz task_exit
    push %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz task_exit
    movl $0, (%rdi)
    mov $1, %esi
    call futex_wake_address
    jmp task_exit

# group_exit(%edi = wait status): the process ends (exit_group, a fatal signal). The first
# process's end is the VM's; in another, every other thread gets SIGKILL and leaves on its way
# back to user mode (as Linux's zap_other_threads), this one at once. A thread that finds the
# end under way leaves with its status.
.globl group_exit
group_exit:
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %r12
    cmpl $0, P_GROUP_EXIT(%r12)
    jne 2f
    movl $1, P_GROUP_EXIT(%r12)
    mov %edi, P_EXIT_CODE(%r12)
    lea init_process(%rip), %rax
    cmp %rax, %r12
    je vm_report_exit
    call zap_other_threads
2:  mov P_EXIT_CODE(%r12), %edi
    jmp thread_exit

# zap_other_threads(): every other thread of the caller's process gets SIGKILL and wakes if it
# waits. With P_GROUP_EXIT set they leave through thread_exit on their way back to user mode.
zap_other_threads:
    PUSH_REGS rbx, r12, r13
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %r12
    lea P_THREADS(%r12), %r12
    mov %r12, %r13
1:  LIST_NEXT %r12, %r13, 9f
    lea -T_ALL(%r13), %rdi
    cmp %rbx, %rdi
    je 1b
    btsq $(SIGKILL - 1), T_PENDING(%rdi)
    call signal_wake
    jmp 1b
9:  POP_REGS rbx, r12, r13
    ret

# de_thread() -> %rax: 0, or -EAGAIN when the process is ending already (or another thread's
# exec is under way: this thread is then among those that leave). An exec in a process with
# other threads: they get SIGKILL, and the caller runs until they have left (Linux's
# de_thread); P_GROUP_EXIT meanwhile makes theirs a thread's exit, not the process's. The
# caller becomes the first thread: its tid is the pid, as Linux's exec gives the leader's pid.
.globl de_thread
de_thread:
    PUSH_REGS rbx, r12
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %r12
    mov $-EAGAIN, %rax
    cmpl $0, P_GROUP_EXIT(%r12)
    jne 9f
    movl $1, P_GROUP_EXIT(%r12)
    call zap_other_threads
1:  cmpl $1, P_NR_THREADS(%r12)         # this thread stays runnable: the others run and leave
    je 2f
    call schedule
    jmp 1b
2:  movl $0, P_GROUP_EXIT(%r12)
    movl $0, P_LEADER_EXITED(%r12)
    mov P_PID(%r12), %eax
    mov %rax, T_TID(%rbx)
    xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# task_exit(): the calling thread leaves for good; its slot is freed once another runs.
.globl task_exit
task_exit:
    mov current_task(%rip), %rbx
    lea T_ALL(%rbx), %rdx
    LIST_DEL %rdx
    mov T_PROCESS(%rbx), %rax
    decl P_NR_THREADS(%rax)
    lea T_RQ(%rbx), %rdx
    LIST_DEL %rdx
    movq $TS_DEAD, T_STATE(%rbx)
    movq $0, T_PENDING(%rbx)
    cmp fpu_owner(%rip), %rbx           # nobody's state in the registers any more
    jne 1f
    movq $0, fpu_owner(%rip)
1:  call signal_retarget                # a process signal this thread was to take goes to another
2:  call schedule                       # never comes back
    jmp 2b

.section .rodata
msg_deadlock: .asciz "jvmm-kernel: every thread waits and nothing can wake one: halting\n"

.section .data
.p2align 3
# The run queue and the armed timers (struct timer, by deadline): list heads; init_task starts
# in the first.
.globl runqueue
runqueue:  .quad init_task + T_RQ, init_task + T_RQ
.globl timers
timers:    .quad timers, timers
.globl kernel_stack_top
kernel_stack_top: .quad entry_stack_top
.globl next_tid
next_tid:  .long 2                       # the next thread's id (each process's first thread's is its pid)
.globl fpu_owner
fpu_owner: .quad init_task              # whose FPU state the registers hold (0: nobody's)

.section .bss
.p2align 3
free_slots: .skip 8                     # freed slots, through their T_RQ nodes
.globl fpu_area
fpu_area: .skip 8                       # the process's FPU area (map_fpu_area)
timer_armed_for: .skip 8                # the deadline the timer is armed for (passed: none)
.globl context_switches, idle_ns
context_switches: .skip 8
idle_ns: .skip 8                        # time halted with nothing runnable (/proc/stat's idle)
slots_used: .skip 4
.p2align 12
thread_slots: .skip (THREAD_MAX - 1) * SLOT_SIZE
.globl fpu_frames
fpu_frames: .skip FPU_AREA_SIZE
