# Time: the paravirtual KVM clock when the hypervisor offers it (CPUID 0x40000000 = "KVMKVMKVM",
# 0x40000001 with KVM_FEATURE_CLOCKSOURCE2), else the TSC at the frequency CPUID reports.
#
# The pvclock protocol (Linux arch/x86/include/asm/pvclock.h): read version (odd means the
# hypervisor is writing), read the fields, read version again and retry if it changed;
# ns = system_time + ((tsc - tsc_timestamp) scaled by tsc_shift) * tsc_to_system_mul >> 32.

.include "defs.inc"

.equ PVCLOCK_VERSION, 0
.equ PVCLOCK_TSC_TIMESTAMP, 8
.equ PVCLOCK_SYSTEM_TIME, 16
.equ PVCLOCK_MUL, 24
.equ PVCLOCK_SHIFT, 28
.equ WALL_CLOCK_SEC, 4
.equ WALL_CLOCK_NSEC, 8
.equ KVM_FEATURE_CLOCKSOURCE2, 1 << 3

.text
# time_init(): pick the clock source; returns %eax = 1 if it is the KVM clock.
.globl time_init
time_init:
    push %rbx
    mov $0x40000000, %eax
    cpuid
    cmp $0x4b4d564b, %ebx               # "KVMK"
    jne 2f
    cmp $0x564b4d56, %ecx               # "VMKV"
    jne 2f
    cmp $0x0000004d, %edx               # "M\0\0\0"
    jne 2f
    mov $0x40000001, %eax
    cpuid
    test $KVM_FEATURE_CLOCKSOURCE2, %eax
    jz 2f
    # Register the time page and read the wall clock at system_time 0 (guest-physical addresses).
    mov $MSR_KVM_SYSTEM_TIME_NEW, %ecx
    movabs $(-KERNEL_VIRT_BASE), %rdx
    lea pvclock(%rip), %rax
    add %rdx, %rax
    or $1, %rax                         # enable
    call wrmsr_rax
    mov $MSR_KVM_WALL_CLOCK_NEW, %ecx
    movabs $(-KERNEL_VIRT_BASE), %rdx
    lea wall_clock(%rip), %rax
    add %rdx, %rax
    call wrmsr_rax
    mov wall_clock + WALL_CLOCK_SEC(%rip), %eax
    mov $1000000000, %ecx
    mul %rcx
    mov wall_clock + WALL_CLOCK_NSEC(%rip), %ecx
    add %rcx, %rax
    mov %rax, realtime_base_ns(%rip)
    movb $1, kvm_clock(%rip)
    mov $1, %eax
    pop %rbx
    ret
2:  # No KVM clock: the TSC, at CPUID 0x16's base frequency (MHz) where there is one.
    xor %eax, %eax
    cpuid
    mov $1000, %ebx                     # assume 1 GHz without better knowledge
    cmp $0x16, %eax
    jb 3f
    mov $0x16, %eax
    cpuid
    test %eax, %eax
    jz 3f
    mov %eax, %ebx
3:  mov %ebx, tsc_mhz(%rip)
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, tsc_at_boot(%rip)
    xor %eax, %eax
    pop %rbx
    ret

# clock_monotonic_ns() -> %rax: nanoseconds since the clock's origin
.globl clock_monotonic_ns
clock_monotonic_ns:
    cmpb $0, kvm_clock(%rip)
    je 5f
    lea pvclock(%rip), %rsi
1:  mov PVCLOCK_VERSION(%rsi), %r8d
    test $1, %r8d
    jnz 1b
    lfence
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    sub PVCLOCK_TSC_TIMESTAMP(%rsi), %rax
    movsbl PVCLOCK_SHIFT(%rsi), %ecx
    test %ecx, %ecx
    js 2f
    shl %cl, %rax
    jmp 3f
2:  neg %ecx
    shr %cl, %rax
3:  mov PVCLOCK_MUL(%rsi), %ecx
    mul %rcx                            # %rdx:%rax = delta * mul
    shrd $32, %rdx, %rax
    add PVCLOCK_SYSTEM_TIME(%rsi), %rax
    lfence
    cmp PVCLOCK_VERSION(%rsi), %r8d
    jne 1b
    ret
5:  rdtsc
    shl $32, %rdx
    or %rdx, %rax
    sub tsc_at_boot(%rip), %rax
    mov $1000, %ecx
    mul %rcx
    mov tsc_mhz(%rip), %ecx
    div %rcx
    ret

# clock_realtime_ns() -> %rax: nanoseconds since the Unix epoch
.globl clock_realtime_ns
clock_realtime_ns:
    call clock_monotonic_ns
    add realtime_base_ns(%rip), %rax
    ret

.section .data
.p2align 12
pvclock: .skip 32
wall_clock: .skip 12
.p2align 3
realtime_base_ns: .quad 0
tsc_at_boot: .quad 0
tsc_mhz: .long 1000
.globl kvm_clock
kvm_clock: .byte 0
.p2align 12
