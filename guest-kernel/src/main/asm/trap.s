# Exceptions: the system-call paths that arrive as faults on some hosts, the probe's traps,
# user faults (the process dies with the signal Linux would send), and kernel panics.

.include "defs.inc"

.equ PF_USER, 1 << 2

.text
# handle_exception(%rdi = frame): returns to resume the frame (IRETQ), or does not return.
.globl handle_exception
handle_exception:
    push %rbx
    push %r12
    mov %rdi, %rbx
    testb $3, F_CS(%rbx)
    jz kernel_panic
    mov F_KIND(%rbx), %rax
    cmp $14, %eax
    je page_fault
    cmp $6, %eax
    je invalid_opcode
user_exception:                         # nothing to serve: a probe step failed, or the user faulted
    cmpb $0, probe_active(%rip)
    jne probe_trap
    mov F_KIND(%rbx), %rax
    lea signal_for_vector(%rip), %rcx
    movzbl (%rcx,%rax), %esi
    mov %rbx, %rdi
    xor %edx, %edx
    call kill_process

# A #PF from user mode at RIP == LSTAR with CR2 == LSTAR is a SYSCALL that did not enter the
# kernel: on PVM-style hosts the CPU jumps to LSTAR but stays in user mode, and LSTAR is
# supervisor-only (HOST-NOTES.md). RCX and R11 hold what SYSCALL put there.
page_fault:
    mov %cr2, %r12
    lea syscall_entry(%rip), %rax
    cmp %rax, %r12
    jne 1f
    cmp %rax, F_RIP(%rbx)
    jne 1f
    testb $PF_USER, F_ERROR(%rbx)
    jz 1f
    mov F_RCX(%rbx), %rax
    mov %rax, F_RIP(%rbx)
    mov F_R11(%rbx), %rax
    and $USER_RFLAGS_MASK, %eax
    or $(RFLAGS_IF | RFLAGS_FIXED), %eax
    mov %rax, F_RFLAGS(%rbx)
    movq $ENTRY_SYSCALL_EMULATED, F_KIND(%rbx)
    jmp serve
1:  cmpb $0, probe_active(%rip)
    jne probe_trap
    mov %r12, %rdi
    mov F_ERROR(%rbx), %rsi
    call handle_page_fault
    test %rax, %rax
    jz resume
    mov %rbx, %rdi
    mov $SIGSEGV, %esi
    cmp $VM_FAULT_OOM, %eax             # out of memory: killed as by the OOM killer
    jne 2f
    mov $SIGKILL, %esi
2:
    mov %r12, %rdx
    call kill_process

# A #UD on an entry instruction the CPU would not run from user mode: serve the system call
# as that path would have (SYSCALL 0f 05, SYSENTER 0f 34, INT 0x80 cd 80).
invalid_opcode:
    mov F_RIP(%rbx), %rdi
    mov $2, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz user_exception
    mov F_RIP(%rbx), %rax
    movzwl (%rax), %eax
    cmp $0x050f, %eax                   # SYSCALL: RCX = next RIP, R11 = RFLAGS
    je 1f
    cmp $0x340f, %eax                   # SYSENTER: jvmm's convention, RIP = RDX, RSP = RCX
    je 2f
    cmp $0x80cd, %eax                   # INT 0x80
    jne user_exception
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
serve:
    mov %rbx, %rdi
    call syscall_dispatch
resume:
    pop %r12
    pop %rbx
    ret

# ---- The end of a process ------------------------------------------------------------------
# kill_process(%rdi = frame, %esi = signal, %rdx = fault address): report, exit 128 + signal.
.globl kill_process
kill_process:
    mov %rdi, %rbx
    mov %esi, %r12d
    push %rdx
    lea msg_killed(%rip), %rdi
    call serial_puts
    mov %r12d, %edi
    call serial_put_dec
    lea msg_open_paren(%rip), %rdi
    call serial_puts
    mov %r12d, %eax
    lea signal_names(%rip), %rdi
    imul $8, %rax, %rax
    add %rax, %rdi
    call serial_puts
    lea msg_at_rip(%rip), %rdi
    call serial_puts
    mov F_RIP(%rbx), %rdi
    call serial_put_hex
    lea msg_address(%rip), %rdi
    call serial_puts
    pop %rdi
    call serial_put_hex
    mov $'\n', %edi
    call serial_putc
    lea 128(%r12), %edi
    jmp process_exit_quietly

# process_exit(%edi = status): the program ended; its status is the VM's.
.globl process_exit
process_exit:
    mov %edi, %r12d
    lea msg_exit(%rip), %rdi
    call serial_puts
    mov %r12d, %edi
    call serial_put_dec
    mov $'\n', %edi
    call serial_putc
    mov %r12d, %edi
process_exit_quietly:
    mov %edi, %r12d
    call report_syscalls
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
# The signal Linux sends for each exception vector (arch/x86/kernel/traps.c).
signal_for_vector:
    .byte SIGFPE, SIGTRAP, SIGSEGV, SIGTRAP, SIGSEGV, SIGSEGV, SIGILL, SIGFPE   # 0-7
    .byte SIGSEGV, SIGFPE, SIGSEGV, SIGBUS, SIGBUS, SIGSEGV, SIGSEGV, SIGSEGV   # 8-15
    .byte SIGFPE, SIGBUS, SIGBUS, SIGFPE, SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV    # 16-23
    .byte SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV, SIGSEGV # 24-31
.p2align 3
signal_names:                           # 8 bytes each, by signal number
    .irp name, "?", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV"
    .asciz "\name"
    .p2align 3
    .endr
    .fill 8 * (31 - 12), 1, 0
    .asciz "SIGSYS"
    .p2align 3
msg_killed:        .asciz "jvmm-kernel: killed by signal "
msg_open_paren:    .asciz " ("
msg_at_rip:        .asciz ") at rip "
msg_address:       .asciz ", address "
msg_exit:          .asciz "jvmm-kernel: exit "
msg_panic:         .asciz "jvmm-kernel: panic: exception "
msg_error:         .asciz " (error "
msg_cr2:           .asciz ", cr2 "
