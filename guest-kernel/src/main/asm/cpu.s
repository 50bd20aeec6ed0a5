# CPU set-up after the switch to long mode: the final GDT (Linux's selector layout), the TSS
# with its stacks, the IDT, the SSE state user programs expect, and the system-call MSRs.

.include "defs.inc"

.equ CPUID_1_EDX_SEP,        1 << 11
.equ CPUID_80000001_EDX_SYSCALL, 1 << 11
.equ CPUID_80000001_EDX_NX,  1 << 20
.equ GATE_INTERRUPT_USER,    0xee       # present, DPL 3: reachable with INT n from user mode
.equ TSS_RSP0, 4
.equ TSS_IST1, 36
.equ TSS_IOMAP_BASE, 102
.equ TSS_SIZE, 104

.text
# cpu_init(): GDT, TSS, IDT, FPU/SSE, EFER and the SYSCALL/SYSENTER MSRs.
.globl cpu_init
cpu_init:
    push %rbx
    call tss_init
    lgdt gdt_descriptor(%rip)
    mov $KERNEL_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $TSS_SEL, %ax
    ltr %ax
    call idt_init
    lidt idt_descriptor(%rip)

    # SSE for user programs (SDM Vol. 3A, 13.1.4): CR0.MP and NE on, EM off; CR4.OSFXSR and
    # OSXMMEXCPT. The kernel itself never touches FPU or vector registers, so it never saves them.
    mov %cr0, %rax
    and $~(1 << 2), %rax                # EM
    or $((1 << 1) | (1 << 5)), %rax     # MP, NE
    mov %rax, %cr0
    mov %cr4, %rax
    or $((1 << 9) | (1 << 10)), %rax
    mov %rax, %cr4
    fninit

    # CPUID 0x80000001: SYSCALL and NX support.
    mov $0x80000001, %eax
    cpuid
    mov %edx, %ebx
    mov $MSR_EFER, %ecx
    rdmsr
    test $CPUID_80000001_EDX_SYSCALL, %ebx
    jz 1f
    or $EFER_SCE, %eax
1:  test $CPUID_80000001_EDX_NX, %ebx
    jz 2f
    or $EFER_NXE, %eax
    movb $1, nx_supported(%rip)
2:  wrmsr

    # STAR[47:32]: SYSCALL loads CS = 0x10, SS = 0x18. STAR[63:48] = 0x23: SYSRETQ loads
    # CS = 0x23 + 16 = 0x33 and SS = 0x23 + 8 = 0x2b (SDM Vol. 2B, SYSRET).
    mov $MSR_STAR, %ecx
    xor %eax, %eax
    mov $((USER32_CS << 16) | KERNEL_CS), %edx
    wrmsr
    mov $MSR_LSTAR, %ecx
    lea syscall_entry(%rip), %rax
    call wrmsr_rax
    mov $MSR_CSTAR, %ecx
    lea syscall_compat_entry(%rip), %rax
    call wrmsr_rax
    mov $MSR_FMASK, %ecx
    mov $SYSCALL_FMASK, %eax
    xor %edx, %edx
    wrmsr

    # SYSENTER: CS = SYSENTER_CS, SS = +8; SYSEXITQ: CS = +32, SS = +40 (hence SYSEXIT_DS).
    mov $1, %eax
    cpuid
    test $CPUID_1_EDX_SEP, %edx
    jz 3f
    mov $MSR_SYSENTER_CS, %ecx
    mov $KERNEL_CS, %eax
    xor %edx, %edx
    wrmsr
    mov $MSR_SYSENTER_ESP, %ecx
    lea entry_stack_top(%rip), %rax
    call wrmsr_rax
    mov $MSR_SYSENTER_EIP, %ecx
    lea sysenter_entry(%rip), %rax
    call wrmsr_rax
3:  pop %rbx
    ret

# wrmsr_rax(%ecx = MSR, %rax = 64-bit value)
.globl wrmsr_rax
wrmsr_rax:
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    ret

# tss_init(): RSP0 and IST1, and the TSS descriptor (its base is known only at link time).
tss_init:
    lea tss(%rip), %rdi
    lea entry_stack_top(%rip), %rax
    mov %rax, TSS_RSP0(%rdi)
    lea ist_stack_top(%rip), %rax
    mov %rax, TSS_IST1(%rdi)
    movw $TSS_SIZE, TSS_IOMAP_BASE(%rdi)    # no I/O bitmap: every port is closed to user mode
    lea gdt_tss(%rip), %rsi
    movw $(TSS_SIZE - 1), (%rsi)            # limit
    mov %rdi, %rax
    mov %ax, 2(%rsi)                        # base 15:0
    shr $16, %rax
    mov %al, 4(%rsi)                        # base 23:16
    movb $0x89, 5(%rsi)                     # present, 64-bit TSS (available)
    movb $0, 6(%rsi)
    mov %ah, 7(%rsi)                        # base 31:24
    shr $16, %rax
    mov %eax, 8(%rsi)                       # base 63:32
    movl $0, 12(%rsi)
    ret

# idt_init(): gates for the 32 exceptions, INT 0x80, and the interrupts (irq.s): the local APIC's
# timer, error and spurious vectors, and the 8259's sixteen vectors, where a stray interrupt of
# a masked PIC would arrive. Interrupt gates are DPL 0: INT n from user mode raises #GP.
idt_init:
    push %rbx
    xor %ebx, %ebx
1:  mov %ebx, %edi
    lea exception_stubs(%rip), %rax
    mov (%rax,%rbx,8), %rsi
    mov $GATE_INTERRUPT, %edx
    xor %ecx, %ecx
    cmp $3, %ebx                        # INT3 (#BP) and INTO (#OF) may come from user mode
    je 2f
    cmp $4, %ebx
    jne 3f
2:  mov $GATE_INTERRUPT_USER, %edx
3:  cmp $8, %ebx                        # #DF, NMI and #MC run on their own stack (IST1)
    je 4f
    cmp $2, %ebx
    je 4f
    cmp $18, %ebx
    jne 5f
4:  mov $1, %ecx
5:  call idt_set
    inc %ebx
    cmp $32, %ebx
    jb 1b
    mov $VECTOR_INT80, %edi
    lea int80_entry(%rip), %rsi
    mov $GATE_INTERRUPT_USER, %edx
    xor %ecx, %ecx
    call idt_set
    mov $VECTOR_PIC_BASE, %ebx
6:  mov %ebx, %edi
    lea irq_spurious(%rip), %rsi
    mov $GATE_INTERRUPT, %edx
    xor %ecx, %ecx
    call idt_set
    inc %ebx
    cmp $(VECTOR_PIC_BASE + 16), %ebx
    jb 6b
    mov $VECTOR_TIMER, %edi
    lea irq_timer(%rip), %rsi
    mov $GATE_INTERRUPT, %edx
    xor %ecx, %ecx
    call idt_set
    mov $VECTOR_APIC_ERROR, %edi
    lea irq_apic_error(%rip), %rsi
    mov $GATE_INTERRUPT, %edx
    xor %ecx, %ecx
    call idt_set
    mov $VECTOR_SPURIOUS, %edi
    lea irq_spurious(%rip), %rsi
    mov $GATE_INTERRUPT, %edx
    xor %ecx, %ecx
    call idt_set
    pop %rbx
    ret

# idt_set(%edi = vector, %rsi = handler, %edx = type/attributes, %ecx = IST index)
.globl idt_set
idt_set:
    shl $4, %edi
    lea idt(%rip), %rax
    add %rdi, %rax
    mov %si, 0(%rax)                    # offset 15:0
    movw $KERNEL_CS, 2(%rax)
    mov %cl, 4(%rax)                    # IST
    mov %dl, 5(%rax)                    # type, DPL, present
    shr $16, %rsi
    mov %si, 6(%rax)                    # offset 31:16
    shr $16, %rsi
    mov %esi, 8(%rax)                   # offset 63:32
    movl $0, 12(%rax)
    ret

.section .data
.p2align 3
gdt:
    .quad 0                             # null
    .quad 0x00cf9a000000ffff            # 0x08 KERNEL32_CS
    .quad 0x00af9a000000ffff            # 0x10 KERNEL_CS: 64-bit
    .quad 0x00cf92000000ffff            # 0x18 KERNEL_DS
    .quad 0x00cffa000000ffff            # 0x20 USER32_CS: DPL 3, 32-bit
    .quad 0x00cff2000000ffff            # 0x28 USER_DS: DPL 3
    .quad 0x00affa000000ffff            # 0x30 USER_CS: DPL 3, 64-bit
    .quad 0x00cff2000000ffff            # 0x38 SYSEXIT_DS: DPL 3, the SS of SYSEXITQ
gdt_tss:
    .quad 0, 0                          # 0x40 TSS: 16 bytes, filled by tss_init
gdt_end:
gdt_descriptor:
    .word gdt_end - gdt - 1
    .quad gdt
idt_descriptor:
    .word 256 * 16 - 1
    .quad idt

.globl nx_supported
nx_supported: .byte 0

.section .bss
.p2align 12
.globl idt
idt: .skip 256 * 16
.p2align 4
.globl tss
tss: .skip TSS_SIZE
.p2align 12
ist_stack: .skip 4096
ist_stack_top:
