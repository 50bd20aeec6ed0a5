# Interrupt entry and the idle loop. The kernel runs with interrupts off (IF = 0, one CPU):
# interrupts arrive only while the user program runs (its RFLAGS.IF is set) and while the
# kernel idles in cpu_idle, so a handler never interrupts kernel code that holds state.
#
# An interrupt builds the frame every entry builds (defs.inc, F_*, with F_KIND = the vector).
# From user mode it leaves through return_iret, the common way back to user mode, so whatever
# that path does on the way out (signal delivery) happens after interrupts too; from the idle
# loop it resumes the kernel directly.

.include "defs.inc"

.text
.macro INTERRUPT name, vector, handler
.globl \name
\name:
    push $0                             # no error code
    push $\vector
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call \handler
    jmp interrupt_return
.endm

INTERRUPT irq_timer, VECTOR_TIMER, timer_tick
INTERRUPT irq_apic_error, VECTOR_APIC_ERROR, apic_error_interrupt

# The timer: acknowledge it (apic.s), then let the scheduler end the slice (sched.s).
timer_tick:
    push %rdi
    call timer_interrupt
    pop %rdi
    jmp sched_timer_interrupt

interrupt_return:
    testb $3, F_CS(%rsp)
    jnz return_iret
    mov %rsp, %rdi
    call idle_hlt_skip
    RESTORE_REGS
    add $16, %rsp                       # F_KIND, F_ERROR
    iretq

# The APIC's spurious vector, and the vectors of the (masked) 8259s: a spurious interrupt is not
# in service, so it takes no EOI (SDM Vol. 3A, 10.9), and nothing else happened.
.globl irq_spurious
irq_spurious:
    iretq

# cpu_idle(): wait for the next interrupt without spending the host's CPU, then return with
# interrupts off again. An interrupt that became pending before STI is taken once HLT has begun
# (STI delays interrupts by one instruction, SDM Vol. 2B, STI), so it cannot be lost between
# the two: the caller arms its wake-up first, with interrupts off. Not everywhere, though: see
# idle_hlt_skip.
.globl cpu_idle
cpu_idle:
    sti
idle_hlt:
    hlt
    cli
    ret

# idle_hlt_skip(%rdi = frame of an interrupt from kernel mode): an interrupt taken on idle_hlt,
# before the HLT ran, returns past it. KVM on QEMU's emulated SVM (our CI's nested KVM) was
# caught delivering the wake-up between STI and HLT, its frame's RIP on the HLT: the HLT then
# ran with its wake-up already spent and the guest halted for good (a dump: 2 sleepers, no timer
# armed, the last timer frame at cpu_idle+1).
.globl idle_hlt_skip
idle_hlt_skip:
    lea idle_hlt(%rip), %rax
    cmp %rax, F_RIP(%rdi)
    jne 1f
    incq F_RIP(%rdi)                    # HLT is one byte
1:  ret
