# Exceptions: the system-call paths that arrive as faults on some hosts, the probe's traps,
# user faults (they become the signals Linux sends, delivered on the way back to user mode), the
# one kernel-mode trap the kernel expects (a single step into SYSENTER), and kernel panics.

.include "defs.inc"
.include "task.inc"

.equ PF_PROT, 1 << 0
.equ PF_USER, 1 << 2
.equ FAULT_AT_RIP, 1                    # fault_signals: si_addr is the faulting instruction
.equ FAULT_FPU_CODE, 2                  # fault_signals: si_code from the FPU's or SSE's status

.text
# handle_exception(%rdi = frame): an exception from user mode. Returns to resume the frame
# (return_iret delivers what it made pending), or does not return.
.globl handle_exception
handle_exception:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov F_KIND(%rbx), %rax
    cmp $14, %eax
    je page_fault
    cmp $6, %eax
    je invalid_opcode
user_fault:                             # nothing to serve: a probe step failed, or the user faulted
    cmpb $0, probe_active(%rip)
    jne probe_trap
    mov F_KIND(%rbx), %rax
    mov current_task(%rip), %rcx
    mov %rax, T_TRAPNO(%rcx)
    mov F_ERROR(%rbx), %rdx
    mov %rdx, T_ERROR(%rcx)
    lea fault_signals(%rip), %r12
    lea (%r12,%rax,4), %r12             # {signal, si_code, FAULT_* flags}
    movzbl 1(%r12), %esi
    testb $FAULT_FPU_CODE, 2(%r12)
    jz 1f
    mov %eax, %edi
    call fpu_exception_code
    test %eax, %eax                     # no unmasked exception: spurious, as Linux ignores it
    jz resume
    mov %eax, %esi
1:  xor %edx, %edx
    testb $FAULT_AT_RIP, 2(%r12)
    jz 2f
    mov F_RIP(%rbx), %rdx
2:  movzbl (%r12), %edi
    call force_sig_fault
    jmp resume

# A #PF from user mode (a SYSCALL served from #PF never gets here: exception_14 takes it)
page_fault:
    mov %cr2, %r12
    cmpb $0, probe_active(%rip)
    jne probe_trap
    mov %r12, %rdi
    mov F_ERROR(%rbx), %rsi
    call handle_page_fault
    test %rax, %rax
    jz resume
    mov current_task(%rip), %rcx
    movq $14, T_TRAPNO(%rcx)
    mov %r12, T_CR2(%rcx)
    mov F_ERROR(%rbx), %rdx
    movabs $USER_TOP, %rsi              # Linux's sanitize_error_code: a kernel address reads as
    cmp %rsi, %r12                      # a protection fault, hiding the kernel's page tables
    jb 2f
    or $PF_PROT, %edx
2:  mov %rdx, T_ERROR(%rcx)
    mov $SIGSEGV, %edi
    cmp $VM_FAULT_OOM, %eax             # out of memory: killed as by the OOM killer
    jne 3f
    mov $SIGKILL, %edi
    mov $SI_KERNEL, %eax
3:  mov %eax, %esi
    mov %r12, %rdx
    call force_sig_fault
    jmp resume

# A #UD on an entry instruction the CPU would not run from user mode: serve the system call
# as that path would have (SYSCALL 0f 05, SYSENTER 0f 34, INT 0x80 cd 80).
invalid_opcode:
    mov F_RIP(%rbx), %rdi
    mov $2, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz user_fault
    mov F_RIP(%rbx), %rax
    movzwl (%rax), %eax
    cmp $0x050f, %eax                   # SYSCALL: RCX = next RIP, R11 = RFLAGS
    je 1f
    cmp $0x340f, %eax                   # SYSENTER: jvmm's convention, RIP = RDX, RSP = RCX
    je 2f
    cmp $0x80cd, %eax                   # INT 0x80
    jne user_fault
    addq $2, F_RIP(%rbx)
    movq $ENTRY_INT80_EMULATED, F_KIND(%rbx)
    jmp serve
1:  addq $2, F_RIP(%rbx)
    mov F_RIP(%rbx), %rax
    mov %rax, F_RCX(%rbx)
    mov F_RFLAGS(%rbx), %rax
    mov %rax, F_R11(%rbx)
    movq $ENTRY_SYSCALL_EMULATED, F_KIND(%rbx)
    jmp serve
2:  mov F_RDX(%rbx), %rax
    mov %rax, F_RIP(%rbx)
    mov F_RCX(%rbx), %rax
    mov %rax, F_RSP(%rbx)
    movq $ENTRY_SYSENTER_EMULATED, F_KIND(%rbx)
    mov %rbx, %rdi
    call sysenter_from_frame
    jmp resume
serve:
    mov %rbx, %rdi
    call syscall_from_frame
resume:
    POP_REGS rbx, r12
    ret

# fpu_exception_code(%edi = 16 (#MF) or 19 (#XM)) -> %eax: the SIGFPE si_code for the unmasked
# exception the x87 status word shows, 0 if none (Linux's fpu__exception_code). The x87 words by
# FNSTCW and FNSTSW to memory, which KVM's emulator has (emulate.c: escape_d9 and escape_dd /7;
# FNSTSW AX, DF E0, it has not). MXCSR can be read only by STMXCSR or FXSAVE, which it has not
# or refuses in 64-bit mode (docs/kernel.md, "What the kernel may execute"): #XM gives
# SI_CODE_SIMD, which the vDSO's jvmm_sigenter_simd replaces with the code the MXCSR it saves
# shows.
fpu_exception_code:
    mov $SI_CODE_SIMD, %eax
    cmp $16, %edi
    jne 9f
    fnstcw fault_fpu_words(%rip)
    fnstsw fault_fpu_words + 2(%rip)
    movzwl fault_fpu_words(%rip), %ecx  # FCW: the masks
    not %ecx
    movzwl fault_fpu_words + 2(%rip), %eax # FSW: the flags
    and %ecx, %eax
    mov $FPE_FLTINV, %ecx
    test $0x01, %al
    jnz 3f
    mov $FPE_FLTDIV, %ecx
    test $0x04, %al
    jnz 3f
    mov $FPE_FLTOVF, %ecx
    test $0x08, %al
    jnz 3f
    mov $FPE_FLTUND, %ecx
    test $0x12, %al
    jnz 3f
    mov $FPE_FLTRES, %ecx
    test $0x20, %al
    jnz 3f
    xor %ecx, %ecx
3:  mov %ecx, %eax
9:  ret

# handle_kernel_exception(%rdi = frame): an exception in supervisor mode. SYSENTER leaves TF
# set: the single-step trap then arrives on the first instructions of sysenter_entry, before it
# clears TF (Linux's is_sysenter_singlestep); resume those. A page fault on user memory: a call
# checked it (user_range_ok), then slept, and meanwhile another thread unmapped or protected it,
# or a fork made it copy-on-write; served as the user's own access would be (the instruction
# runs again), or, where that access is not allowed any more, the process gets SIGSEGV (Linux's
# copy_to_user would return EFAULT; this kernel cannot unwind the call). Anything else is a panic.
.globl handle_kernel_exception
handle_kernel_exception:
    cmpq $14, F_KIND(%rdi)
    je 2f
    cmpq $1, F_KIND(%rdi)
    jne 1f
    lea sysenter_entry(%rip), %rax
    mov F_RIP(%rdi), %rcx
    sub %rax, %rcx
    lea sysenter_flags_clean(%rip), %rdx
    sub %rax, %rdx
    cmp %rdx, %rcx
    ja 1f
    ret
1:  mov %rdi, %rbx
    jmp kernel_panic
2:  mov %cr2, %rax
    movabs $USER_TOP, %rcx
    cmp %rcx, %rax
    jae 1b
    push %rbx
    mov %rdi, %rbx
    mov %rax, %rdi
    mov F_ERROR(%rbx), %esi
    or $PF_USER, %esi
    call handle_page_fault
    test %rax, %rax
    jnz 3f
    pop %rbx
    ret
3:  mov %rbx, %rdi
    mov $SIGSEGV, %esi
    mov %cr2, %rdx
    call kill_process                   # does not return

# ---- The end of a process ------------------------------------------------------------------
# kill_process(%rdi = frame, %esi = signal, %rdx = fault address or 0): the process dies of the
# signal (group_exit, sched.s). The first process's death is the VM's: it is reported first.
.globl kill_process
kill_process:
    mov %rdi, %rbx
    mov %esi, %r12d
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    lea init_process(%rip), %rcx
    cmp %rcx, %rax
    jne 8f
    cmpl $0, P_GROUP_EXIT(%rax)
    jne 8f
    mov F_RIP(%rbx), %rdi
    mov %r12d, %esi
    call report_death
8:  mov %r12d, %edi
    jmp group_exit

# init_stopped_for_good(): nothing can run or wake any more, and the first process is stopped:
# nothing could ever continue it, so it ends as if killed by its stop signal, and the VM with it
# (jvmm's choice: Linux would leave it stopped for ever).
.globl init_stopped_for_good
init_stopped_for_good:
    mov init_process + P_THREADS(%rip), %rax
    mov T_FRAME - T_ALL(%rax), %rax
    mov F_RIP(%rax), %rdi
    mov init_process + P_STOP_SIGNAL(%rip), %esi
    xor %edx, %edx
    call report_death
    mov init_process + P_STOP_SIGNAL(%rip), %edi
    jmp vm_report_exit

# report_death(%rdi = user RIP, %esi = signal, %rdx = fault address or 0): the first process's
# death line
report_death:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %esi, %r12d
    mov %rdx, %r13
    lea msg_killed(%rip), %rdi
    call serial_puts
    mov %r12d, %edi
    call serial_put_dec
    lea msg_open_paren(%rip), %rdi
    call serial_puts
    mov %r12d, %edi
    call put_signal_name
    lea msg_at_rip(%rip), %rdi
    call serial_puts
    mov %rbx, %rdi
    call serial_put_hex
    lea msg_address(%rip), %rdi
    call serial_puts
    mov %r13, %rdi
    call serial_put_hex
    mov $'\n', %edi
    call serial_putc
    POP_REGS rbx, r12, r13
    ret

# put_signal_name(%edi = signal 1..64): its name; the real-time ones by the kernel's SIGRTMIN (32)
put_signal_name:
    push %rbx
    mov %edi, %ebx
    cmp $SIGRTMIN, %ebx
    jae 1f
    mov %ebx, %eax
    shl $4, %eax
    lea signal_names(%rip), %rdi
    add %rax, %rdi
    call serial_puts
    jmp 9f
1:  lea name_sigrtmax(%rip), %rdi
    cmp $NSIG, %ebx
    je 2f
    lea name_sigrtmin(%rip), %rdi
    call serial_puts
    cmp $SIGRTMIN, %ebx
    je 9f
    mov $'+', %edi
    call serial_putc
    lea -SIGRTMIN(%rbx), %edi
    call serial_put_dec
    jmp 9f
2:  call serial_puts
9:  pop %rbx
    ret

# vm_report_exit(%edi = wait status): the first process ended, and with it the VM: the copy-out
# (copyout.s), the exit line (a death by signal was reported already), the system-call report,
# then the exit device with the status a shell would give: the exit code, or 128 + the signal.
.globl vm_report_exit
vm_report_exit:
    mov %edi, %r12d
    mov boot_cmdline(%rip), %rdi
    call copy_out
    test $0x7f, %r12d
    jnz 1f
    shr $8, %r12d
    lea msg_exit(%rip), %rdi
    call serial_puts
    mov %r12d, %edi
    call serial_put_dec
    mov $'\n', %edi
    call serial_putc
    jmp 2f
1:  and $0x7f, %r12d
    add $128, %r12d
2:  call report_syscalls
    mov %r12d, %edi
    jmp vm_exit

# vm_exit(%edi = status): write the exit device; never returns.
.globl vm_exit
vm_exit:
    mov %edi, %eax
    mov $EXIT_PORT, %dx
    out %al, %dx
    # Without an exit device (a VMM that ignores the port) the kernel stops here.
1:  cli
    hlt
    jmp 1b

# kernel_panic: a fault in the kernel itself. Report it and stop the VM with EXIT_KERNEL_PANIC.
kernel_panic:
    lea msg_panic(%rip), %rdi
    call serial_puts
    mov F_KIND(%rbx), %rdi
    call serial_put_dec
    lea msg_error(%rip), %rdi
    call serial_puts
    mov F_ERROR(%rbx), %rdi
    call serial_put_hex
    lea msg_at_rip(%rip), %rdi
    call serial_puts
    mov F_RIP(%rbx), %rdi
    call serial_put_hex
    lea msg_cr2(%rip), %rdi
    call serial_puts
    mov %cr2, %rdi
    call serial_put_hex
    mov $'\n', %edi
    call serial_putc
    mov $EXIT_KERNEL_PANIC, %edi
    jmp vm_exit

.section .rodata
# Per exception vector: the signal Linux sends (arch/x86/kernel/traps.c), its si_code, and
# FAULT_* flags. #PF has its own path; #DB from user mode is a single step (TRAP_TRACE).
.macro FAULT signal, code, flags
    .byte \signal, \code, \flags, 0
.endm
fault_signals:
    FAULT SIGFPE, FPE_INTDIV, FAULT_AT_RIP         # 0 #DE
    FAULT SIGTRAP, TRAP_TRACE, FAULT_AT_RIP        # 1 #DB
    FAULT SIGSEGV, SI_KERNEL, 0                    # 2 NMI
    FAULT SIGTRAP, SI_KERNEL, 0                    # 3 #BP (int3)
    FAULT SIGSEGV, SI_KERNEL, 0                    # 4 #OF
    FAULT SIGSEGV, SI_KERNEL, 0                    # 5 #BR
    FAULT SIGILL, ILL_ILLOPN, FAULT_AT_RIP         # 6 #UD
    FAULT SIGSEGV, SI_KERNEL, 0                    # 7 #NM
    FAULT SIGSEGV, SI_KERNEL, 0                    # 8 #DF
    FAULT SIGFPE, SI_KERNEL, 0                     # 9 coprocessor segment overrun
    FAULT SIGSEGV, SI_KERNEL, 0                    # 10 #TS
    FAULT SIGBUS, SI_KERNEL, 0                     # 11 #NP
    FAULT SIGBUS, SI_KERNEL, 0                     # 12 #SS
    FAULT SIGSEGV, SI_KERNEL, 0                    # 13 #GP
    FAULT SIGSEGV, SEGV_MAPERR, 0                  # 14 #PF (page_fault)
    FAULT SIGSEGV, SI_KERNEL, 0                    # 15
    FAULT SIGFPE, 0, FAULT_AT_RIP | FAULT_FPU_CODE # 16 #MF
    FAULT SIGBUS, BUS_ADRALN, 0                    # 17 #AC
    FAULT SIGBUS, SI_KERNEL, 0                     # 18 #MC
    FAULT SIGFPE, 0, FAULT_AT_RIP | FAULT_FPU_CODE # 19 #XM
    .rept 32 - 20
    FAULT SIGSEGV, SI_KERNEL, 0                    # 20-31
    .endr
.p2align 4
signal_names:                           # 16 bytes each, by signal number, up to SIGSYS
    .irp name, "?", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"
    .asciz "\name"
    .p2align 4
    .endr
name_sigrtmin:     .asciz "SIGRTMIN"
name_sigrtmax:     .asciz "SIGRTMAX"
msg_killed:        .asciz "jvmm-kernel: killed by signal "
msg_open_paren:    .asciz " ("
msg_at_rip:        .asciz ") at rip "
msg_address:       .asciz ", address "
msg_exit:          .asciz "jvmm-kernel: exit "
msg_panic:         .asciz "jvmm-kernel: panic: exception "
msg_error:         .asciz " (error "
msg_cr2:           .asciz ", cr2 "

.section .bss
.p2align 4
fault_fpu_words: .skip 4
