# The local APIC and its timer (SDM Vol. 3A, chapter 10), the kernel's one source of
# interrupts: one CPU, no device interrupts yet.
#
# At boot timer_init decides, in bounded time, whether a timer interrupt works:
#   1. CPUID.01H:EDX.APIC says there is a local APIC (KVM clears the bit while
#      IA32_APIC_BASE has it disabled, as it is in a VM without an in-kernel APIC on older
#      hosts);
#   2. the APIC answers: IA32_APIC_BASE, then the version register, read with #GP caught (an
#      x2APIC register is an MSR, and KVM raises #GP for it when it has no in-kernel APIC); a
#      version other than 1xH (an integrated APIC) counts as no answer, as the all-ones a VMM
#      gives for unclaimed MMIO does;
#   3. the timer counts (one-shot mode: at the rate the hypervisor's timing leaf states, or
#      one measured against the kernel's clock);
#   4. an interrupt arrives: a timer armed for 100 us, waited for with interrupts enabled and
#      no HLT, for at most 250 ms of the clock (on KVM it comes after the 100 us; QEMU's TCG
#      fires its timers from another thread, late when the host is busy).
# Only then does the kernel ever halt. Without a working timer, sleeping waits on the clock as
# before. The result ends the boot report's clock line: "; timer x2apic tsc-deadline",
# "; timer xapic one-shot <kHz> kHz" or "; timer none (<why>)".
#
# x2APIC (registers as MSRs) where CPUID.01H:ECX.x2APIC offers it, else xAPIC (a page of MMIO
# at IA32_APIC_BASE, mapped uncached at APIC_MMIO_VIRT). One-shot at divide 1; TSC-deadline
# mode with timer=tsc-deadline where CPUID.01H:ECX.TSC_DEADLINE offers it. Not by default: on
# KVM on QEMU's emulated SVM (our CI's), the deadline fires long before it is due, again and
# again, and a program livelocks (docs/kernel.md).

.include "defs.inc"
.include "vvar.inc"

.equ CPUID_1_EDX_APIC,          1 << 9
.equ CPUID_1_ECX_X2APIC,        1 << 21
.equ CPUID_1_ECX_TSC_DEADLINE,  1 << 24
.equ CPUID_1_ECX_HYPERVISOR,    1 << 31
.equ CPUID_HYPERVISOR_BASE,     0x40000000  # EAX: the hypervisor's highest leaf
.equ CPUID_TIMING_LEAF,         0x40000010  # EAX: the TSC's kHz, EBX: the APIC timer's kHz
.equ MSR_APIC_BASE,             0x1b
.equ APIC_BASE_EXTD,            1 << 10     # x2APIC mode
.equ APIC_BASE_EN,              1 << 11
.equ MSR_X2APIC_FIRST,          0x800       # x2APIC MSR = 0x800 + xAPIC offset / 16 (SDM 10.12.1.2)
.equ MSR_TSC_DEADLINE,          0x6e0
.equ APIC_MMIO_VIRT,            0xfffffe0000000000  # PML4 entry 508: in the kernel half every address space shares
.equ PTE_PWT,                   0x008
.equ PTE_PCD,                   0x010

# Registers, by their xAPIC offsets (SDM Vol. 3A, Table 10-1).
.equ APIC_VERSION,       0x30
.equ APIC_TPR,           0x80
.equ APIC_EOI,           0xb0
.equ APIC_SVR,           0xf0
.equ APIC_ESR,           0x280
.equ APIC_LVT_TIMER,     0x320
.equ APIC_LVT_LINT0,     0x350
.equ APIC_LVT_ERROR,     0x370
.equ APIC_TIMER_INITIAL, 0x380
.equ APIC_TIMER_CURRENT, 0x390
.equ APIC_TIMER_DIVIDE,  0x3e0
.equ APIC_SVR_ENABLE,    1 << 8
.equ APIC_LVT_MASKED,    1 << 16
.equ APIC_LVT_TSC_DEADLINE, 2 << 17
.equ APIC_DIVIDE_BY_1,   0xb

.equ CALIBRATION_NS,    2000000         # 2 ms of the clock against the APIC timer's count,
.equ CALIBRATIONS,      3               # the fastest of three windows
.equ PROOF_ARM_NS,      100000          # the test interrupt: 100 us ahead...
.equ PROOF_WAIT_NS,     250000000       # ...waited for at most 250 ms
.equ WAIT_LOOPS,        10000000        # and by iterations, should the clock not advance
.equ ONE_SHOT_MAX_NS,   0xffffffff      # one arming: the 32-bit count, at rates up to ~1 GHz
.equ DEADLINE_MAX_NS,   0x80000000      # one arming: keeps (ns << 32) within 63 bits

.text
# timer_init(): see above. Needs the IDT (cpu_init), the frame allocator (memory_init) and the
# clock (time_init) first.
.globl timer_init
timer_init:
    push %rbx
    lea msg_timer(%rip), %rdi
    call serial_puts
    call apic_probe
    test %rax, %rax
    jnz 8f
    call apic_setup
    call timer_setup
    test %rax, %rax
    jnz 7f
    call timer_prove
    test %rax, %rax
    jnz 7f
    lea msg_xapic(%rip), %rdi
    cmpb $0, apic_x2(%rip)
    je 1f
    lea msg_x2apic(%rip), %rdi
1:  call serial_puts
    lea msg_tsc_deadline(%rip), %rdi
    cmpl $TIMER_TSC_DEADLINE, timer_mode(%rip)
    je 2f
    lea msg_one_shot(%rip), %rdi
    call serial_puts
    mov timer_ticks_per_ns(%rip), %rax  # kHz = ticks per ns (32.32) * 1e6
    mov $1000000, %ecx
    mul %rcx
    shrd $32, %rdx, %rax
    mov %rax, %rdi
    call serial_put_dec
    lea msg_khz(%rip), %rdi
2:  call serial_puts
    jmp 9f
7:  mov %rax, %rbx                      # the timer failed: mask and stop it
    mov $APIC_LVT_TIMER, %edi
    mov $(APIC_LVT_MASKED | VECTOR_TIMER), %esi
    call apic_write
    mov $APIC_TIMER_INITIAL, %edi
    xor %esi, %esi
    call apic_write
    mov %rbx, %rax
8:  movl $TIMER_NONE, timer_mode(%rip)
    mov %rax, %rbx
    lea msg_none(%rip), %rdi
    call serial_puts
    mov %rbx, %rdi
    call serial_puts
    mov $')', %edi
    call serial_putc
9:  pop %rbx
    ret

# apic_probe() -> %rax: 0 when a local APIC answers (it is then enabled, in x2APIC mode where
# offered), else the reason there is none (a string).
apic_probe:
    PUSH_REGS rbx, r12
    mov $1, %eax
    cpuid
    mov %ecx, cpuid_1_ecx(%rip)
    mov %ecx, %r12d
    lea msg_no_apic(%rip), %rax
    test $CPUID_1_EDX_APIC, %edx
    jz 9f
    mov idt + 13 * 16(%rip), %rax       # #GP: caught while probing
    mov %rax, saved_gp_gate(%rip)
    mov idt + 13 * 16 + 8(%rip), %rax
    mov %rax, saved_gp_gate + 8(%rip)
    mov $13, %edi
    lea apic_probe_gp(%rip), %rsi
    mov $GATE_INTERRUPT, %edx
    xor %ecx, %ecx
    call idt_set
    movb $0, apic_fault(%rip)
    mov $MSR_APIC_BASE, %ecx
    rdmsr
    cmpb $0, apic_fault(%rip)
    jne 7f
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, %rbx
    test $APIC_BASE_EN, %ebx            # disabled -> xAPIC first: disabled -> x2APIC is an
    jnz 1f                              # invalid transition (SDM Vol. 3A, 10.12.5)
    or $APIC_BASE_EN, %rbx
    mov $MSR_APIC_BASE, %ecx
    mov %rbx, %rax
    call wrmsr_rax
1:  test $CPUID_1_ECX_X2APIC, %r12d
    jz 2f
    test $APIC_BASE_EXTD, %ebx
    jnz 11f
    or $APIC_BASE_EXTD, %rbx
    mov $MSR_APIC_BASE, %ecx
    mov %rbx, %rax
    call wrmsr_rax
11: movb $1, apic_x2(%rip)
    jmp 3f
2:  movabs $APIC_MMIO_VIRT, %rdi        # uncached: PCD | PWT select UC in the power-on PAT
    movabs $PTE_ADDR_MASK, %rsi
    and %rbx, %rsi
    or $(PTE_P | PTE_W | PTE_PWT | PTE_PCD), %rsi
    call map_kernel_page
    test %rax, %rax
    jnz 6f
3:  mov $APIC_VERSION, %edi
    call apic_read
    cmpb $0, apic_fault(%rip)
    jne 7f
    and $0xff, %eax                     # 1xH: an integrated APIC (SDM Vol. 3A, 10.4.8)
    cmp $0x10, %eax
    jb 7f
    cmp $0x1f, %eax
    ja 7f
    xor %eax, %eax
    jmp 8f
6:  lea msg_unmapped(%rip), %rax
    jmp 8f
7:  lea msg_silent(%rip), %rax
8:  mov saved_gp_gate(%rip), %rdx
    mov %rdx, idt + 13 * 16(%rip)
    mov saved_gp_gate + 8(%rip), %rdx
    mov %rdx, idt + 13 * 16 + 8(%rip)
9:  POP_REGS rbx, r12
    ret

# The #GP handler while probing: a RDMSR or WRMSR that faulted is skipped (the probe then sees
# apic_fault); any other #GP is the kernel's own, handled as always.
apic_probe_gp:
    push %rax
    mov 16(%rsp), %rax                  # RIP, above the saved RAX and the error code
    movzwl (%rax), %eax
    cmp $0x320f, %eax                   # RDMSR
    je 1f
    cmp $0x300f, %eax                   # WRMSR
    je 1f
    pop %rax
    jmp *exception_stubs + 13 * 8(%rip)
1:  pop %rax
    movb $1, apic_fault(%rip)
    addq $2, 8(%rsp)
    add $8, %rsp                        # the error code
    iretq

# apic_setup(): the 8259s masked, then the APIC software-enabled (the LVT masks cannot be
# cleared before, SDM 10.4.7.2) with its spurious and error vectors and no task priority; LINT0
# masked, so the 8259's ExtINT never reaches the CPU; the timer masked until proven. The 8259s
# go first: their output drops while LINT0 still passes it on, so no interrupt request they
# raised under the firmware stays pending (QEMU's TCG would otherwise deliver one with no
# vector once interrupts are enabled).
apic_setup:
    call pic_mask
    mov $APIC_SVR, %edi
    mov $(APIC_SVR_ENABLE | VECTOR_SPURIOUS), %esi
    call apic_write
    mov $APIC_TPR, %edi
    xor %esi, %esi
    call apic_write
    mov $APIC_LVT_LINT0, %edi
    mov $APIC_LVT_MASKED, %esi
    call apic_write
    mov $APIC_LVT_TIMER, %edi
    mov $(APIC_LVT_MASKED | VECTOR_TIMER), %esi
    call apic_write
    mov $APIC_LVT_ERROR, %edi
    mov $VECTOR_APIC_ERROR, %esi
    call apic_write
    mov $APIC_ESR, %edi                 # errors latched before now are cleared (SDM 10.5.3)
    xor %esi, %esi
    jmp apic_write

# pic_mask(): the 8259 PICs, where a machine has them (ICW1-ICW4, then OCW1): their vectors
# moved off the exceptions, where firmware leaves them (0x08-0x0f), to VECTOR_PIC_BASE, and
# every line masked. Called where 8259s can exist: with a local APIC (KVM makes both, or
# neither), and where the kernel drove the PIT (time.s), which then ticks on line 0.
.globl pic_mask
pic_mask:
    cmpb $0, pic_masked(%rip)
    jne 1f
    movb $1, pic_masked(%rip)
    mov $0x11, %al                      # ICW1: initialise, ICW4 follows
    out %al, $0x20
    out %al, $0xa0
    mov $VECTOR_PIC_BASE, %al           # ICW2: vector bases
    out %al, $0x21
    mov $(VECTOR_PIC_BASE + 8), %al
    out %al, $0xa1
    mov $4, %al                         # ICW3: the slave on line 2
    out %al, $0x21
    mov $2, %al
    out %al, $0xa1
    mov $1, %al                         # ICW4: 8086 mode
    out %al, $0x21
    out %al, $0xa1
    mov $0xff, %al                      # OCW1: all masked
    out %al, $0x21
    out %al, $0xa1
1:  ret

# timer_setup() -> %rax: 0, or why the timer cannot be used. Chooses the mode; for one-shot,
# takes the timer's rate from the hypervisor, or measures it against the clock.
timer_setup:
    testl $CPUID_1_ECX_TSC_DEADLINE, cpuid_1_ecx(%rip)
    jz 1f
    mov boot_cmdline(%rip), %rdi        # TSC-deadline mode only when asked for (docs/kernel.md)
    lea key_timer(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 1f
    mov %rax, %rdi
    lea name_tsc_deadline(%rip), %rsi
    call word_is
    jne 1f
    movl $TIMER_TSC_DEADLINE, timer_mode(%rip)
    movl $(APIC_LVT_TSC_DEADLINE | VECTOR_TIMER), timer_lvt(%rip)
    xor %eax, %eax
    ret
1:  mov $APIC_TIMER_DIVIDE, %edi
    mov $APIC_DIVIDE_BY_1, %esi
    call apic_write
    call timer_stated_rate
    test %rax, %rax
    jnz 2f
    call timer_measured_rate
    test %rax, %rax
    jz 8f
    mov %rax, %rdx                      # a measured rate is shaded low: an early interrupt
    shr $6, %rdx                        # costs one more arming, a late one oversleeps
    sub %rdx, %rax
2:  mov %rax, timer_ticks_per_ns(%rip)
    movl $TIMER_ONE_SHOT, timer_mode(%rip)
    movl $VECTOR_TIMER, timer_lvt(%rip)
    xor %eax, %eax
    ret
8:  mov %rdx, %rax                      # why not
    ret

# timer_stated_rate() -> %rax: the APIC timer's rate (ticks per ns, 32.32) as the hypervisor
# states it in its timing leaf (EBX = kHz; VMware defined it, QEMU's vmware-cpuid-freq and jvmm
# give it), or 0. Exact, where a measurement under load can be far off (see below).
timer_stated_rate:
    xor %eax, %eax
    testl $CPUID_1_ECX_HYPERVISOR, cpuid_1_ecx(%rip)
    jz 9f
    push %rbx
    mov $CPUID_HYPERVISOR_BASE, %eax
    cpuid
    mov %eax, %edx
    xor %eax, %eax
    cmp $CPUID_TIMING_LEAF, %edx
    jb 8f
    mov $CPUID_TIMING_LEAF, %eax
    cpuid
    mov %ebx, %eax
    shl $32, %rax
    mov $1000000, %ecx
    xor %edx, %edx
    div %rcx
8:  pop %rbx
9:  ret

# timer_measured_rate() -> %rax: the APIC timer's rate (ticks per ns, 32.32) measured against the
# clock, or 0 and %rdx = why not. Each window's count lies within its clock interval, so a
# window errs low, by as long as the VM exits of its reads were held up: on a loaded nested KVM
# one window measured a 60th of the rate. The fastest of CALIBRATIONS windows is kept.
timer_measured_rate:
    PUSH_REGS rbx, r12, r13
    xor %r12d, %r12d                    # the fastest so far
    mov $CALIBRATIONS, %ebx
1:  call timer_window_rate
    test %rdx, %rdx
    jnz 9f
    cmp %r12, %rax
    cmova %rax, %r12
    dec %ebx
    jnz 1b
    mov %r12, %rax
    lea msg_no_count(%rip), %rdx
    test %rax, %rax
    jz 9f
    xor %edx, %edx
9:  POP_REGS rbx, r12, r13
    ret

# timer_window_rate() -> %rax: the rate counted over CALIBRATION_NS of the clock (0 if the count
# did not move), %rdx = 0; or %rdx = why not (the clock did not advance).
timer_window_rate:
    PUSH_REGS rbx, r12, r13
    mov $APIC_TIMER_INITIAL, %edi
    mov $0xffffffff, %esi
    call apic_write
    call clock_monotonic_ns
    mov %rax, %r12                      # t0
    mov $APIC_TIMER_CURRENT, %edi
    call apic_read
    mov %eax, %r13d                     # count at t0
    mov $WAIT_LOOPS, %ebx
2:  pause
    call clock_monotonic_ns
    sub %r12, %rax
    cmp $CALIBRATION_NS, %rax
    jae 3f
    dec %ebx
    jnz 2b
    lea msg_no_clock(%rip), %rdx
    jmp 9f
3:  mov $APIC_TIMER_CURRENT, %edi       # the count, then the clock: the clock's interval holds
    call apic_read                      # the count's
    sub %eax, %r13d                     # ticks counted
    call clock_monotonic_ns
    sub %r12, %rax
    mov %rax, %r12                      # ns elapsed, kept where apic_write leaves it (x2APIC's
    mov $APIC_TIMER_INITIAL, %edi       # WRMSR takes %ecx: a rate once divided by the MSR's
    xor %esi, %esi                      # number came out 939 GHz on KVM)
    call apic_write
    mov %r13d, %eax                     # ticks per ns, 32.32 fixed point
    shl $32, %rax
    xor %edx, %edx
    div %r12
    xor %edx, %edx
9:  POP_REGS rbx, r12, r13
    ret

# timer_prove() -> %rax: 0 once a timer interrupt has arrived, else why not. No HLT: where no
# interrupt can come, a halted CPU would never wake.
timer_prove:
    PUSH_REGS rbx, r12, r13
    mov $APIC_LVT_TIMER, %edi
    mov timer_lvt(%rip), %esi
    call apic_write
    mov timer_interrupts(%rip), %rbx
    mov $PROOF_ARM_NS, %edi
    call timer_arm
    call clock_monotonic_ns
    mov %rax, %r12
    mov $WAIT_LOOPS, %r13d
    sti
1:  cmp timer_interrupts(%rip), %rbx
    jne 2f
    pause
    call clock_monotonic_ns
    sub %r12, %rax
    cmp $PROOF_WAIT_NS, %rax
    jae 3f
    dec %r13d
    jnz 1b
3:  cli
    lea msg_no_interrupt(%rip), %rax
    jmp 9f
2:  cli
    xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# timer_arm(%rdi = ns from now): one timer interrupt, about then. An arming covers at most
# DEADLINE_MAX_NS or ONE_SHOT_MAX_NS; a one-shot count from a measured rate errs early. The
# caller re-checks its clock after every wake-up, so early is harmless and a long wait is
# several armings.
.globl timer_arm
timer_arm:
    cmpl $TIMER_TSC_DEADLINE, timer_mode(%rip)
    jne 5f
    mov $DEADLINE_MAX_NS, %eax
    cmp %rax, %rdi
    cmova %rax, %rdi
1:  mov vvar + VVAR_PVCLOCK + PVCLOCK_VERSION(%rip), %r8d   # mul and shift of one version
    mov vvar + VVAR_PVCLOCK + PVCLOCK_MUL(%rip), %ecx
    movsbl vvar + VVAR_PVCLOCK + PVCLOCK_SHIFT(%rip), %r9d
    cmp vvar + VVAR_PVCLOCK + PVCLOCK_VERSION(%rip), %r8d
    jne 1b
    test $1, %r8d
    jnz 1b
    mov %rdi, %rax                      # the pvclock scaling inverted (clock.inc):
    shl $32, %rax                       # ticks = ((ns << 32) / mul) >> shift, + 1 to round up
    xor %edx, %edx
    div %rcx
    mov %r9d, %ecx
    test %ecx, %ecx
    js 2f
    shr %cl, %rax
    jmp 3f
2:  neg %ecx
    shl %cl, %rax
3:  lea 1(%rax), %r8
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    add %r8, %rax
    mov $MSR_TSC_DEADLINE, %ecx
    jmp wrmsr_rax
5:  mov $ONE_SHOT_MAX_NS, %eax
    cmp %rax, %rdi
    cmova %rax, %rdi
    mov %rdi, %rax
    mulq timer_ticks_per_ns(%rip)
    shrd $32, %rdx, %rax                # ticks
    mov $0xffffffff, %esi
    cmp %rsi, %rax
    cmova %rsi, %rax
    mov $1, %esi                        # a count of 0 would stop the timer instead
    test %rax, %rax
    cmovz %rsi, %rax
    mov %eax, %esi
    mov $APIC_TIMER_INITIAL, %edi
    jmp apic_write

# The timer's vector (irq.s): count it and acknowledge it.
.globl timer_interrupt
timer_interrupt:
    incq timer_interrupts(%rip)
    mov $APIC_EOI, %edi
    xor %esi, %esi
    jmp apic_write

# The error vector: the error status is latched by a write, then acknowledged (SDM 10.5.3).
.globl apic_error_interrupt
apic_error_interrupt:
    mov $APIC_ESR, %edi
    xor %esi, %esi
    call apic_write
    mov $APIC_EOI, %edi
    xor %esi, %esi
    jmp apic_write

# apic_read(%edi = register offset) -> %eax. Clobbers %rcx, %rdx.
apic_read:
    cmpb $0, apic_x2(%rip)
    je 1f
    mov %edi, %ecx
    shr $4, %ecx
    add $MSR_X2APIC_FIRST, %ecx
    rdmsr
    ret
1:  movabs $APIC_MMIO_VIRT, %rax
    mov %edi, %edi
    mov (%rax,%rdi), %eax
    ret

# apic_write(%edi = register offset, %esi = value). Clobbers %rax, %rcx, %rdx.
apic_write:
    cmpb $0, apic_x2(%rip)
    je 1f
    mov %edi, %ecx
    shr $4, %ecx
    add $MSR_X2APIC_FIRST, %ecx
    mov %esi, %eax
    xor %edx, %edx
    wrmsr
    ret
1:  movabs $APIC_MMIO_VIRT, %rax
    mov %edi, %edi
    mov %esi, (%rax,%rdi)
    ret

.section .rodata
msg_timer:        .asciz "; timer "
msg_x2apic:       .asciz "x2apic"
msg_xapic:        .asciz "xapic"
msg_tsc_deadline: .asciz " tsc-deadline"
key_timer:        .asciz "timer="
name_tsc_deadline: .asciz "tsc-deadline"
msg_one_shot:     .asciz " one-shot "
msg_khz:          .asciz " kHz"
msg_none:         .asciz "none ("
msg_no_apic:      .asciz "no local APIC"
msg_silent:       .asciz "the local APIC does not answer"
msg_unmapped:     .asciz "no memory to map the local APIC"
msg_no_clock:     .asciz "the clock does not advance"
msg_no_count:     .asciz "the APIC timer does not count"
msg_no_interrupt: .asciz "no timer interrupt arrived"

.section .bss
.p2align 3
# TIMER_* (sleep_until, time.s, halts only when it is not TIMER_NONE)
.globl timer_mode
timer_mode:         .skip 4
timer_lvt:          .skip 4             # the LVT timer entry while armed
cpuid_1_ecx:        .skip 4
timer_ticks_per_ns: .skip 8             # one-shot: the timer's rate, 32.32 fixed point
timer_interrupts:   .skip 8
saved_gp_gate:      .skip 16
apic_x2:            .skip 1
apic_fault:         .skip 1
pic_masked:         .skip 1
