# The entry-path probe: at boot, each gate is run once from user mode and classified as
#   native      the instruction entered the kernel as the architecture says
#   emulated    it faulted (#PF at LSTAR, #UD on 0f 34 or cd 80) and the kernel served it
#   unavailable it did neither, or did not come back to the right place with the right state
# Then the kernel picks its gate: the one --entry-path forces, or the first native path (in the
# order syscall, sysenter, int80), or the first emulated one.

.include "defs.inc"
.include "vdso-offsets.inc"             # generated from the vDSO's symbol table by the build


.text
# probe_entry_paths(): fills probe_results[GATE_*]
.globl probe_entry_paths
probe_entry_paths:
    push %rbx
    xor %ebx, %ebx
1:  mov %ebx, %edi
    call run_probe
    lea probe_results(%rip), %rcx
    mov %al, (%rcx,%rbx)
    inc %ebx
    cmp $GATE_COUNT, %ebx
    jb 1b
    pop %rbx
    ret

# run_probe(%edi = gate) -> %eax: PROBE_NATIVE, PROBE_EMULATED or PROBE_UNAVAILABLE.
# Enters user mode; comes back through probe_trap, which restores this frame (as longjmp).
run_probe:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rsp, probe_saved_rsp(%rip)
    movb $1, probe_active(%rip)
    movq $0, probe_arrival(%rip)
    lea probe_entries(%rip), %rax
    mov (%rax,%rdi,8), %rdi
    add vdso_base(%rip), %rdi
    movabs $USER_STACK_TOP, %rsi
    jmp enter_user

# probe_trap(%rbx = frame): the probe step ended (INT3, or any other exception from user mode).
.globl probe_trap
probe_trap:
    mov $PROBE_UNAVAILABLE, %r12d
    cmpq $3, F_KIND(%rbx)               # INT3 at probe_done
    jne 1f
    cmpq $PROBE_REPLY, F_RAX(%rbx)
    jne 1f
    movabs $PROBE_MARKER, %rax
    cmp %rax, F_RBX(%rbx)
    jne 1f
    movabs $USER_STACK_TOP, %rax
    cmp %rax, F_RSP(%rbx)
    jne 1f
    mov vdso_base(%rip), %rax
    add $VDSO_probe_done_end, %rax
    cmp %rax, F_RIP(%rbx)
    jne 1f
    mov probe_arrival(%rip), %rax
    test %rax, %rax
    jz 1f
    mov $PROBE_NATIVE, %r12d
    test $ENTRY_EMULATED_BIT, %eax
    jz 1f
    mov $PROBE_EMULATED, %r12d
1:  movb $0, probe_active(%rip)
    mov %r12d, %eax
    mov probe_saved_rsp(%rip), %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# select_gate(%rdi = command line) -> %eax: the gate, or -1 after printing why there is none.
.globl select_gate
select_gate:
    PUSH_REGS rbx, r12
    lea key_entry(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 5f
    mov %rax, %r12
    mov %rax, %rdi
    lea name_auto(%rip), %rsi
    call word_is
    je 5f
    xor %ebx, %ebx                      # a forced path: find it by name
1:  mov %r12, %rdi
    lea gate_names(%rip), %rsi
    mov (%rsi,%rbx,8), %rsi
    call word_is
    je 2f
    inc %ebx
    cmp $GATE_COUNT, %ebx
    jb 1b
    lea msg_unknown_path(%rip), %rdi
    call serial_puts
    jmp 8f
2:  lea probe_results(%rip), %rax
    cmpb $PROBE_UNAVAILABLE, (%rax,%rbx)
    jne 7f
    lea msg_forced(%rip), %rdi
    call serial_puts
    lea gate_names(%rip), %rax
    mov (%rax,%rbx,8), %rdi
    call serial_puts
    lea msg_unavailable(%rip), %rdi
    call serial_puts
    jmp 8f
5:  mov $PROBE_NATIVE, %ecx             # auto: native first, then emulated
6:  xor %ebx, %ebx
3:  lea probe_results(%rip), %rax
    cmpb %cl, (%rax,%rbx)
    je 7f
    inc %ebx
    cmp $GATE_COUNT, %ebx
    jb 3b
    cmp $PROBE_EMULATED, %ecx
    je 4f
    mov $PROBE_EMULATED, %ecx
    jmp 6b
4:  lea msg_no_path(%rip), %rdi
    call serial_puts
8:  mov $-1, %eax
    jmp 9f
7:  mov %ebx, %eax
9:  POP_REGS rbx, r12
    ret

# report_entry_paths(%edi = selected gate, %rsi = CPU vendor string): the stable probe line
#   jvmm-kernel: entry cpu=<vendor> syscall=<result> sysenter=<result> int80=<result> gate=<name>
.globl report_entry_paths
report_entry_paths:
    PUSH_REGS rbx, r12
    mov %edi, %r12d
    push %rsi
    lea msg_entry(%rip), %rdi
    call serial_puts
    pop %rdi
    call serial_puts
    xor %ebx, %ebx
1:  mov $' ', %edi
    call serial_putc
    lea gate_names(%rip), %rax
    mov (%rax,%rbx,8), %rdi
    call serial_puts
    mov $'=', %edi
    call serial_putc
    lea probe_results(%rip), %rax
    movzbl (%rax,%rbx), %eax
    lea result_names(%rip), %rcx
    mov (%rcx,%rax,8), %rdi
    call serial_puts
    inc %ebx
    cmp $GATE_COUNT, %ebx
    jb 1b
    lea msg_gate(%rip), %rdi
    call serial_puts
    lea gate_names(%rip), %rax
    mov (%rax,%r12,8), %rdi
    call serial_puts
    mov $'\n', %edi
    call serial_putc
    POP_REGS rbx, r12
    ret

.section .rodata
.p2align 3
probe_entries: .quad VDSO_probe_syscall, VDSO_probe_sysenter, VDSO_probe_int80
gate_names:    .quad name_syscall, name_sysenter, name_int80
result_names:  .quad name_unavailable, name_native, name_emulated
name_syscall:     .asciz "syscall"
name_sysenter:    .asciz "sysenter"
name_int80:       .asciz "int80"
name_auto:        .asciz "auto"
name_native:      .asciz "native"
name_emulated:    .asciz "emulated"
name_unavailable: .asciz "unavailable"
key_entry:        .asciz "entry="
msg_entry:        .asciz "jvmm-kernel: entry cpu="
msg_gate:         .asciz " gate="
msg_forced:       .asciz "jvmm-kernel: entry path "
msg_unavailable:  .asciz " is unavailable on this CPU\n"
msg_unknown_path: .asciz "jvmm-kernel: unknown entry path (entry=auto|syscall|sysenter|int80)\n"
msg_no_path:      .asciz "jvmm-kernel: no system-call entry path works on this CPU\n"

.section .bss
.p2align 3
.globl probe_active, probe_arrival, probe_results
probe_saved_rsp: .skip 8
probe_arrival: .skip 8
probe_active: .skip 1
probe_results: .skip GATE_COUNT
