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
    call rtc_epoch_seconds              # the wall clock at boot, from the CMOS RTC
    mov $1000000000, %ecx
    mul %rcx
    mov %rax, realtime_base_ns(%rip)
    xor %eax, %eax
    pop %rbx
    ret

# rtc_epoch_seconds() -> %rax: the CMOS real-time clock (MC146818) as seconds since the epoch.
# Reads once the update-in-progress flag is clear; handles BCD and 12-hour modes (status B).
rtc_epoch_seconds:
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
1:  mov $0x0a, %edi                     # status A: update in progress?
    call rtc_read
    test $0x80, %al
    jnz 1b
    mov $0x0b, %edi
    call rtc_read
    mov %eax, %r15d                     # status B
    mov $0x00, %edi
    call rtc_read_value
    mov %eax, %r12d                     # seconds
    mov $0x02, %edi
    call rtc_read_value
    mov %eax, %r13d                     # minutes
    mov $0x04, %edi
    call rtc_read
    mov %eax, %r14d                     # hours, with the PM bit in 12-hour mode
    and $0x7f, %eax
    call rtc_to_binary
    test $0x02, %r15d                   # 12-hour mode: 12 AM is 0, PM adds 12
    jnz 2f
    cmp $12, %eax
    jne 21f
    xor %eax, %eax
21: test $0x80, %r14d
    jz 2f
    add $12, %eax
2:  imul $3600, %eax, %r14d
    imul $60, %r13d, %r13d
    add %r13d, %r14d
    add %r12d, %r14d                    # seconds into the day
    mov $0x07, %edi
    call rtc_read_value
    mov %eax, %r12d                     # day of month
    mov $0x08, %edi
    call rtc_read_value
    mov %eax, %r13d                     # month
    mov $0x09, %edi
    call rtc_read_value
    add $2000, %eax                     # year (this century)
    # days_from_civil (H. Hinnant): y -= m <= 2; era = y / 400; yoe = y - era * 400;
    # doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; doe = yoe * 365 + yoe/4 - yoe/100 + doy
    cmp $2, %r13d
    ja 3f
    dec %eax
    add $9, %r13d
    jmp 4f
3:  sub $3, %r13d
4:  mov %eax, %ebx                      # y
    xor %edx, %edx
    mov $400, %ecx
    div %ecx
    mov %eax, %r8d                      # era
    mov %edx, %r9d                      # yoe
    imul $153, %r13d, %eax
    add $2, %eax
    xor %edx, %edx
    mov $5, %ecx
    div %ecx
    lea -1(%rax,%r12), %r10d            # doy
    imul $365, %r9d, %r11d
    mov %r9d, %eax
    shr $2, %eax
    add %eax, %r11d
    mov %r9d, %eax
    xor %edx, %edx
    mov $100, %ecx
    div %ecx
    sub %eax, %r11d
    add %r10d, %r11d                    # doe
    imul $146097, %r8, %rax
    add %r11, %rax
    sub $719468, %rax                   # days since 1970-01-01
    imul $86400, %rax, %rax
    add %r14, %rax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    ret

# rtc_read(%edi = register) -> %eax
rtc_read:
    mov %edi, %eax
    out %al, $0x70
    in $0x71, %al
    movzbl %al, %eax
    ret

# rtc_read_value(%edi = register) -> %eax: the register's value in binary (status B in %r15d)
rtc_read_value:
    call rtc_read
rtc_to_binary:
    test $0x04, %r15d                   # status B bit 2: binary mode
    jnz 1f
    mov %eax, %ecx                      # BCD
    shr $4, %ecx
    and $0x0f, %eax
    imul $10, %ecx, %ecx
    add %ecx, %eax
1:  ret

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
