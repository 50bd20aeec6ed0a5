# smp: a multiboot v1 test kernel that starts the application processors (APs) and reports their
# local APIC IDs on COM1, then exits through isa-debug-exit at 0xf4 (four bytes wide) with status
# 0x30 + the CPU count. jvmm's tests run it with --cpus N on jvmm and with -smp N on QEMU (TCG) and
# compare the lines. Linked with mbinfo.ld (everything at 1 MiB) as ELF32 (smp.img).
#
# What it prints, for N CPUs with APIC IDs 0..N-1 (what QEMU and KVM give by default):
#   smp: cpus N                 fw_cfg's FW_CFG_NB_CPUS (key 0x05)
#   smp: bsp apic 0             the bootstrap processor's local APIC ID
#   smp: ap apic 1              one line for each AP that came up, in increasing APIC ID order
#   ...
#   smp: N cpus up
# A line ends in "(cpuid says K)" where CPUID.01H:EBX[31:24] (the initial APIC ID) differs from
# the local APIC's ID register, and an AP line in "(K processors)" where K APs gave one ID.
#
# The start-up is the Intel MP Specification 1.4's universal algorithm (appendix B.4) as the
# SDM gives it (Vol. 3A, 8.4.4, "MP Initialization Example"): enable the BSP's local APIC, copy
# the AP start-up code to a 4 KiB page below 1 MiB, broadcast INIT, wait 10 ms, broadcast a
# STARTUP IPI, wait 200 us, broadcast a second STARTUP IPI, wait 200 us, then count the APs as
# they check in, for a bounded time. No ACPI or MP tables: fw_cfg tells how many CPUs to expect,
# and "all excluding self" reaches them wherever their IDs are. xAPIC only (MMIO at 0xfee00000,
# paging off, so the physical address is the address): the state a PC firmware, QEMU and KVM
# leave the local APIC in.
#
# The output is the same on every run: the APs never touch COM1; each records its IDs in a shared
# table and increments a counter, and the BSP prints from the table once all have arrived.
#
# Exit statuses other than 0x30 + N: 0x10 not started by a multiboot loader, 0x11 no fw_cfg,
# 0x12 a CPU count outside 1..16, 0x13 no local APIC in xAPIC mode at 0xfee00000, 0x14 the ICR
# stays busy, 0x15 fewer APs arrived than fw_cfg promised (in 5 s), 0x16 more did (those that
# arrived before the BSP counted).
#
# What it needs from the VMM: fw_cfg with the "QEMU" signature and FW_CFG_NB_CPUS; a local APIC
# per CPU in xAPIC mode at 0xfee00000 whose ID matches CPUID's (and, for QEMU's lines, is the
# CPU's index); APs waiting for INIT and SIPI (KVM's in-kernel APIC: KVM_MP_STATE_UNINITIALIZED)
# that start in real mode at CS = vector << 8 (base vector << 12), IP = 0; and preferably the PIT
# (channel 0) for the spec's delays (without it, bounded spins stand in for them; see
# wait_ticks).

.equ EXIT_PORT, 0xf4
.equ FW_CFG_SIGNATURE, 0x00
.equ FW_CFG_NB_CPUS, 0x05
.equ FW_CFG_QEMU, 0x554d4551            # "QEMU", read as a little-endian longword
.equ MB_HEADER_MAGIC, 0x1BADB002
.equ MB_BOOTLOADER_MAGIC, 0x2BADB002
.equ MB_FLAGS, 0x2                      # memory info (the kernel reads none of it)

.equ MAX_CPUS, 16
.equ AP_STACK_SIZE, 1024                # the APs only call and return, but each has its own

.equ EXIT_UP, 0x30                      # + the CPU count
.equ EXIT_NOT_MULTIBOOT, 0x10
.equ EXIT_NO_FW_CFG, 0x11
.equ EXIT_CPU_COUNT, 0x12
.equ EXIT_NO_XAPIC, 0x13
.equ EXIT_ICR_BUSY, 0x14
.equ EXIT_MISSING, 0x15
.equ EXIT_EXTRA, 0x16

# The local APIC (SDM Vol. 3A, chapter 10; registers at their xAPIC offsets, Table 10-1).
.equ CPUID_1_EDX_APIC, 9                # bit number
.equ MSR_APIC_BASE, 0x1b
.equ APIC_BASE_EXTD, 1 << 10            # x2APIC mode: no MMIO
.equ APIC_BASE_EN, 1 << 11
.equ APIC_BASE_ADDR_MASK, 0xfffff000
.equ APIC_DEFAULT_BASE, 0xfee00000
.equ APIC_ID, APIC_DEFAULT_BASE + 0x20  # bits 31:24
.equ APIC_SVR, APIC_DEFAULT_BASE + 0xf0
.equ APIC_ICR_LOW, APIC_DEFAULT_BASE + 0x300    # a write sends the IPI
.equ APIC_ICR_HIGH, APIC_DEFAULT_BASE + 0x310   # the destination (unused with a shorthand)
.equ APIC_SVR_ENABLE, 1 << 8
.equ ICR_BUSY, 1 << 12                  # delivery status: send pending
# ICR low (SDM 10.6.1): destination shorthand 11b "all excluding self" (bits 19:18), level
# assert (bit 14), delivery mode INIT 101b or Start Up 110b (bits 10:8), the SIPI's vector in 7:0.
# These are the SDM example's 000C4500H and 000C46XXH.
.equ ICR_ALL_BUT_SELF, 3 << 18
.equ ICR_ASSERT, 1 << 14
.equ ICR_INIT, ICR_ALL_BUT_SELF | ICR_ASSERT | 5 << 8
.equ ICR_STARTUP, ICR_ALL_BUT_SELF | ICR_ASSERT | 6 << 8
.equ ICR_SPINS, 1000000                 # reads of a busy ICR before giving up

# The AP start-up code's page: below 1 MiB, 4 KiB-aligned, the SIPI vector its page number. Above
# jvmm's multiboot information ([0x1000, 0x8000)) and below the EBDA and SeaBIOS's own AP
# trampoline (0x10000); nothing the kernel needs lives there once it runs.
.equ TRAMPOLINE, 0x8000
.equ SIPI_VECTOR, TRAMPOLINE >> 12

# Segment selectors in gdt below: the APs' protected mode.
.equ CODE_SEL, 0x08
.equ DATA_SEL, 0x10
.equ CR0_PE, 1 << 0
.equ CR0_NW, 1 << 29
.equ CR0_CD, 1 << 30

# The PIT (an 8254 at 1.193182 MHz; its channel 0 at ports 0x40 and 0x43): the clock for the
# spec's delays. Channel 0 rather than channel 2: channel 2's gate and output are port 0x61,
# which some VMMs leave unemulated (jvmm: KVM's in-kernel PIT takes 0x40-0x43, not 0x61).
.equ PIT_CH0, 0x40
.equ PIT_CMD, 0x43
.equ PIT_CH0_RATE_GEN, 0x34             # channel 0, low then high byte, mode 2, binary
.equ PIT_CH0_LATCH, 0x00                # counter latch command, channel 0
.equ PIT_HZ, 1193182
.equ TICKS_10MS, (PIT_HZ + 99) / 100
.equ TICKS_200US, (PIT_HZ * 2 + 9999) / 10000
# How long the BSP waits for the APs after the second SIPI. The SDM asks for at least 100 ms; a
# TCG vCPU thread on a busy host can lose that much and more, so 5 s, only ever spent on failure.
.equ TICKS_ARRIVAL, 5 * PIT_HZ
.equ PIT_PROBE_READS, 1000              # reads for the count to change before there is no PIT
.equ SPINS_PER_TICK, 16                 # the bound on a wait's loop, PIT or none

.section .multiboot, "a"
.p2align 2
    .long MB_HEADER_MAGIC, MB_FLAGS, -(MB_HEADER_MAGIC + MB_FLAGS)

.text
.code32
.include "io.inc"

.globl _start
_start:
    cli
    cld                                 # multiboot leaves EFLAGS.DF undefined: rep movs/stos below
    mov $stack_top, %esp
    cmp $MB_BOOTLOADER_MAGIC, %eax
    je 1f
    PRINT "smp: not started by a multiboot loader"
    call newline
    mov $EXIT_NOT_MULTIBOOT, %eax
    jmp exit

1:  mov $FW_CFG_SIGNATURE, %eax
    call fw_select
    call fw_le32
    cmp $FW_CFG_QEMU, %eax
    je 2f
    PRINT "smp: no fw_cfg at 0x510"
    call newline
    mov $EXIT_NO_FW_CFG, %eax
    jmp exit

2:  mov $FW_CFG_NB_CPUS, %eax
    call fw_select
    call fw_le16
    mov %eax, %ebp                      # the CPU count, for the whole run
    PRINT "smp: cpus "
    call putdec
    call newline
    test %ebp, %ebp
    jz 3f
    cmp $MAX_CPUS, %ebp
    jbe 4f
3:  PRINT "smp: this kernel starts 1 to 16 cpus"
    call newline
    mov $EXIT_CPU_COUNT, %eax
    jmp exit

    # The local APIC must be there, enabled, in xAPIC mode at its default base (SDM 10.4.3,
    # 10.4.4): IA32_APIC_BASE's enable bit set, x2APIC's clear.
4:  mov $1, %eax
    cpuid
    bt $CPUID_1_EDX_APIC, %edx
    jnc 5f
    mov %ebx, %edi
    shr $24, %edi                       # the BSP's initial APIC ID, as CPUID tells it
    mov $MSR_APIC_BASE, %ecx
    rdmsr
    mov %eax, %ebx
    and $APIC_BASE_ADDR_MASK | APIC_BASE_EN | APIC_BASE_EXTD, %ebx
    cmp $APIC_DEFAULT_BASE | APIC_BASE_EN, %ebx
    jne 5f
    test %edx, %edx                     # the base's bits above 4 GiB
    jz 6f
5:  PRINT "smp: no local apic in xapic mode at 0xfee00000"
    call newline
    mov $EXIT_NO_XAPIC, %eax
    jmp exit

6:  call apic_id
    PRINT "smp: bsp apic "
    call putdec
    cmp %edi, %eax
    je 7f
    PRINT " (cpuid says "
    mov %edi, %eax
    call putdec
    PRINT ")"
7:  call newline
    # The APs' shared state starts out zero, whatever the loader did with .bss.
    mov $shared, %edi
    mov $shared_end - shared, %ecx
    xor %eax, %eax
    rep stosb
    cmp $1, %ebp
    je report

    mov $trampoline, %esi
    mov $TRAMPOLINE, %edi
    mov $trampoline_end - trampoline, %ecx
    rep movsb
    # Software-enable the BSP's local APIC (SVR bit 8, clear after reset) before sending, as the
    # SDM's example does; the spurious vector stays what it is (interrupts stay off).
    orl $APIC_SVR_ENABLE, APIC_SVR
    call pit_init

    mov $ICR_INIT, %eax
    call send_ipi
    mov $TICKS_10MS, %ecx
    mov $-1, %edx
    call wait_ticks
    mov $ICR_STARTUP | SIPI_VECTOR, %eax
    call send_ipi
    mov $TICKS_200US, %ecx
    call wait_ticks
    # The second SIPI, as the spec asks: an AP that started on the first ignores it (a SIPI is
    # taken once after RESET or INIT, MP spec B.4.2).
    mov $ICR_STARTUP | SIPI_VECTOR, %eax
    call send_ipi
    mov $TICKS_200US, %ecx
    call wait_ticks
    lea -1(%ebp), %edx
    mov $TICKS_ARRIVAL, %ecx
    call wait_ticks

report:
    # One line per APIC ID the APs recorded. The stores to the tables come before each AP's
    # locked increment of arrived, and x86 keeps stores in order (SDM 8.2.2), so every AP counted
    # has its line.
    mov arrived, %edi                   # the count the lines below are for
    xor %ebx, %ebx
1:  movzbl seen(%ebx), %ecx
    test %ecx, %ecx
    jz 4f
    PRINT "smp: ap apic "
    mov %ebx, %eax
    call putdec
    cmp $1, %ecx
    je 2f
    PRINT " ("
    mov %ecx, %eax
    call putdec
    PRINT " processors)"
2:  cmpb $0, mismatch(%ebx)
    je 3f
    PRINT " (cpuid says "
    movzbl cpuid_ids(%ebx), %eax
    call putdec
    PRINT ")"
3:  call newline
4:  inc %ebx
    cmp $256, %ebx
    jb 1b

    lea -1(%ebp), %ecx                  # the APs fw_cfg promised
    cmp %ecx, %edi
    jae 5f
    PRINT "smp: only "
    mov %edi, %eax
    call putdec
    PRINT " of "
    mov %ecx, %eax
    call putdec
    PRINT " application processors arrived"
    call newline
    mov $EXIT_MISSING, %eax
    jmp exit
5:  je 6f
    PRINT "smp: "
    mov %edi, %eax
    call putdec
    PRINT " application processors arrived, "
    mov %ecx, %eax
    call putdec
    PRINT " expected"
    call newline
    mov $EXIT_EXTRA, %eax
    jmp exit
6:  PRINT "smp: "
    mov %ebp, %eax
    call putdec
    PRINT " cpus up"
    call newline
    lea EXIT_UP(%ebp), %eax

exit:                                   # %eax: the status
    mov $EXIT_PORT, %dx
    out %eax, %dx
    PRINT "smp: no exit device at 0xf4"
    call newline
1:  cli
    hlt
    jmp 1b

# send_ipi(%eax: ICR low): sends an IPI once the local APIC has delivered the one before (the ICR's
# delivery status, SDM 10.6.1), and waits for this one's delivery too. Clobbers %ecx.
send_ipi:
    call icr_wait
    movl $0, APIC_ICR_HIGH
    mov %eax, APIC_ICR_LOW
icr_wait:
    mov $ICR_SPINS, %ecx
1:  testl $ICR_BUSY, APIC_ICR_LOW
    jz 2f
    pause
    loop 1b
    PRINT "smp: the local apic's icr stays busy"
    call newline
    mov $EXIT_ICR_BUSY, %eax
    jmp exit
2:  ret

# apic_id() -> %eax: this CPU's local APIC ID, from the xAPIC ID register's bits 31:24. For the BSP
# and the APs (on their own stacks).
apic_id:
    mov APIC_ID, %eax
    shr $24, %eax
    ret

# pit_init(): channel 0 counts down from 65536 again and again (mode 2), and pit_ok says whether
# the count changes. Without a PIT the reads are constant (an unclaimed port reads all ones).
# Interrupts stay disabled: the ticks it raises on IRQ 0 are never taken.
pit_init:
    mov $PIT_CH0_RATE_GEN, %al
    out %al, $PIT_CMD
    xor %eax, %eax
    out %al, $PIT_CH0                   # 0: 65536
    out %al, $PIT_CH0
    call pit_read
    mov %eax, %edx
    mov $PIT_PROBE_READS, %ecx
1:  call pit_read
    cmp %eax, %edx
    jne 2f
    loop 1b
    movb $0, pit_ok
    ret
2:  movb $1, pit_ok
    ret

# pit_read() -> %eax: channel 0's count, latched.
pit_read:
    xor %eax, %eax
    out %al, $PIT_CMD                   # PIT_CH0_LATCH
    in $PIT_CH0, %al
    mov %al, %ah
    in $PIT_CH0, %al
    xchg %al, %ah                       # low byte first
    ret

# wait_ticks(%ecx: PIT ticks, %edx: an arrived count): waits %ecx ticks of the PIT, or less once
# arrived >= %edx (-1: never). The ticks are the differences between successive reads, modulo
# 65536 (so a wait only gets longer if more than 55 ms pass between two reads). The loop is also
# bounded by SPINS_PER_TICK iterations a tick, far more than the PIT needs (each iteration takes
# three port accesses, each longer than a tick under a VMM), and that bound alone measures the
# wait where there is no PIT: then the spec's delays are pause loops (no VMM needs them: KVM and
# QEMU act on INIT and SIPI at once, in order) and the arrival wait is a bounded spin. Clobbers
# %ecx.
wait_ticks:
    push %eax
    push %ebx
    push %esi
    push %edi
    mov %ecx, %edi
    imul $SPINS_PER_TICK, %edi
    call pit_read
    mov %eax, %ebx
1:  cmp %edx, arrived
    jae 2f
    pause
    dec %edi
    jz 2f
    cmpb $0, pit_ok
    je 1b
    call pit_read
    mov %ebx, %esi
    sub %eax, %esi                      # the count goes down
    movzwl %si, %esi
    mov %eax, %ebx
    sub %esi, %ecx
    ja 1b
2:  pop %edi
    pop %esi
    pop %ebx
    pop %eax
    ret

# The AP start-up code, copied to TRAMPOLINE. An AP leaves wait-for-SIPI in real mode at
# CS = SIPI_VECTOR << 8 (base TRAMPOLINE), IP = 0, with the rest as INIT left it (SDM 8.4.4.2,
# Table 9-1): CR0 = 0x60000010 (caching disabled), EFLAGS = 2 (interrupts off: the cli is for an
# AP started some other way), the data segments 0. It loads the GDT below (in the kernel image at
# 1 MiB, which real mode reaches through a 32-bit lgdt base), enables protected mode with caching
# as the BSP has it, and jumps to ap_start32.
# The jump's target is above 1 MiB: the A20 gate is the BSP's firmware's to open (and QEMU's and
# KVM's APs ignore it).
.code16
.p2align 4                              # so that gdt_pointer's alignment holds in the copy
trampoline:
    cli
    mov %cs, %ax
    mov %ax, %ds
    lgdtl gdt_pointer - trampoline
    mov %cr0, %eax
    and $~(CR0_CD | CR0_NW), %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl $CODE_SEL, $ap_start32        # at once after setting PE (SDM 9.9.1)
.p2align 2
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt
trampoline_end:
.code32

# Each AP: flat segments, a stack of its own (the next free one, taken atomically), its two APIC
# IDs recorded under the local APIC's, then counted in arrived, then halted for good (interrupts
# off; the loop in case an NMI or SMI wakes it). APs beyond the stacks are counted, unrecorded.
ap_start32:
    mov $DATA_SEL, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $1, %eax
    lock xadd %eax, ap_next
    cmp $MAX_CPUS - 1, %eax
    jae 2f
    inc %eax
    imul $AP_STACK_SIZE, %eax
    lea ap_stacks(%eax), %esp
    mov $1, %eax
    cpuid
    shr $24, %ebx                       # the initial APIC ID
    call apic_id
    cmp %eax, %ebx
    je 1f
    mov %bl, cpuid_ids(%eax)
    movb $1, mismatch(%eax)
1:  lock incb seen(%eax)
2:  lock incl arrived
3:  cli
    hlt
    jmp 3b

.section .rodata
# The APs' GDT: flat 4 GiB code and data, with the accessed bits already set so that loading the
# segments writes nothing here.
.p2align 3
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff            # CODE_SEL: base 0, limit 4 GiB, 32-bit, execute/read
    .quad 0x00cf93000000ffff            # DATA_SEL: base 0, limit 4 GiB, read/write
gdt_end:

.bss
pit_ok: .space 1
.p2align 2
shared:                                 # written by the APs; cleared before the INIT
arrived: .space 4                       # APs that got this far
ap_next: .space 4                       # the next free AP stack
seen: .space 256                        # by local APIC ID: how many APs gave it
mismatch: .space 256                    # by local APIC ID: 1 if CPUID gave another ID
cpuid_ids: .space 256                   # by local APIC ID: the ID CPUID gave
shared_end:
.p2align 4
ap_stacks: .space (MAX_CPUS - 1) * AP_STACK_SIZE   # AP i's stack ends at ap_stacks + (i + 1) * size
stack: .space 4096
stack_top:
