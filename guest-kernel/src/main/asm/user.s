# The kernel's user page, mapped read+execute into every process at USER_GATE_BASE: the three
# system-call gates (the seed's vsyscall idea: one entry, the kernel picks the instruction) and
# the boot-time probe that runs each of them from user mode. Position-independent code only:
# it runs at USER_GATE_BASE, not where it is linked.

.include "defs.inc"

.equ PROBE_MARKER, 0x5a17c0de5a17c0de

.section .user, "ax"
# Each gate takes a system call as SYSCALL does: RAX = number, RDI, RSI, RDX, R10, R8, R9 =
# arguments; returns RAX; may change RCX and R11, nothing else.
.globl gate_syscall
gate_syscall:
    syscall
    ret

# SYSENTER and SYSEXIT keep no return address or stack: the gate passes both (RDX, RCX) and
# keeps argument 3 on the stack for the kernel (see sysenter_entry).
.globl gate_sysenter
gate_sysenter:
    push %rdx
    mov %rsp, %rcx
    lea 1f(%rip), %rdx
    sysenter
1:  pop %rdx
    ret

.globl gate_int80
gate_int80:
    int $0x80
    ret

# Probes: a system call the kernel answers only while probing, through one gate, then INT3 to
# give control back. The kernel checks the reply, RBX and where INT3 happened.
.macro PROBE gate
.globl probe_\gate
probe_\gate:
    mov $NR_JVMM_PROBE, %eax
    movabs $PROBE_MARKER, %rbx
    call gate_\gate
    jmp probe_done
.endm
PROBE syscall
PROBE sysenter
PROBE int80

.globl probe_done, probe_done_end
probe_done:
    int3
probe_done_end:
    ud2
