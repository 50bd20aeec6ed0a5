# Time. Every clock reading, the kernel's and the vDSO's, is a pvclock record in the vvar page
# (vvar.inc, clock.inc):
#   - with the KVM clock (CPUID 0x40000000 = "KVMKVMKVM", 0x40000001 has
#     KVM_FEATURE_CLOCKSOURCE2), KVM keeps the record: the kernel registers the page with
#     MSR_KVM_SYSTEM_TIME_NEW and takes the wall clock from MSR_KVM_WALL_CLOCK_NEW;
#   - without it (QEMU's TCG), the kernel writes the record itself, for the TSC calibrated
#     against the PIT, and takes the wall clock from the CMOS RTC: Linux's vDSO TSC mode, in
#     the same format.
# If the PIT cannot be read, the record holds a guessed TSC rate and the vDSO is told to make
# system calls (VCLOCK_NONE).

.include "defs.inc"
.include "vvar.inc"
.include "clock.inc"
.include "task.inc"

.equ KVM_FEATURE_CLOCKSOURCE2, 1 << 3
.equ WALL_CLOCK_SEC, 4
.equ WALL_CLOCK_NSEC, 8
.equ PIT_HZ, 1193182
.equ PIT_CALIBRATION_TICKS, 59659       # 50 ms
.equ PIT_GIVE_UP_TSC, 0x40000000        # about 0.4 s at 2.6 GHz: there is no PIT
.equ RTC_UIP_READS,   100000            # each an I/O exit: far more than the RTC's 2 ms update
# Clock ids, as bit masks (include/uapi/linux/time.h): those Linux knows (0-11 but 10, TAI 11),
# and those it can sleep on (REALTIME 0, MONOTONIC 1, PROCESS_CPUTIME 2, BOOTTIME 7, TAI 11).
.equ LINUX_CLOCKS, 0xbff
.equ NSLEEP_CLOCKS, 0x887

.text
# time_init(): sets up the clock and reports it: "jvmm-kernel: clock <source>".
.globl time_init
time_init:
    PUSH_REGS rbx, r12
    lea msg_clock(%rip), %rdi
    call serial_puts
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
    mov $MSR_KVM_SYSTEM_TIME_NEW, %ecx  # guest-physical address | enable
    movabs $(-KERNEL_VIRT_BASE), %rdx
    lea vvar(%rip), %rax
    add %rdx, %rax
    or $1, %rax
    call wrmsr_rax
    mov $MSR_KVM_WALL_CLOCK_NEW, %ecx
    movabs $(-KERNEL_VIRT_BASE), %rdx
    lea wall_clock(%rip), %rax
    add %rdx, %rax
    call wrmsr_rax
    mov wall_clock + WALL_CLOCK_SEC(%rip), %eax
    mov $NSEC_PER_SEC, %ecx
    mul %rcx
    mov wall_clock + WALL_CLOCK_NSEC(%rip), %ecx
    add %rcx, %rax
    mov %rax, vvar + VVAR_REALTIME_BASE(%rip)
    movl $VCLOCK_PVCLOCK, vvar + VVAR_CLOCK_MODE(%rip)
    lea msg_kvm_clock(%rip), %rdi
    call serial_puts
    testb $PVCLOCK_TSC_STABLE_BIT, vvar + VVAR_PVCLOCK + PVCLOCK_FLAGS(%rip)
    jnz 9f
    lea msg_unstable(%rip), %rdi        # the vDSO will make system calls
    call serial_puts
    jmp 9f

2:  call pit_calibrate_tsc              # no KVM clock: the TSC
    mov %rax, %rbx
    call pic_mask                       # the PIT now ticks on line 0: no 8259 may pass it on
    movl $VCLOCK_PVCLOCK, vvar + VVAR_CLOCK_MODE(%rip)
    test %rbx, %rbx
    jnz 3f
    movl $VCLOCK_NONE, vvar + VVAR_CLOCK_MODE(%rip)
    mov $1000000, %ebx                  # a guess, for the kernel's own clock only
3:  mov %rbx, %rdi
    call write_tsc_pvclock
    call rtc_epoch_seconds              # the wall clock, from the CMOS RTC
    mov $NSEC_PER_SEC, %ecx
    mul %rcx
    mov %rax, %r12
    call clock_monotonic_ns
    sub %rax, %r12
    mov %r12, vvar + VVAR_REALTIME_BASE(%rip)
    lea msg_tsc(%rip), %rdi
    call serial_puts
    mov %rbx, %rdi
    call serial_put_dec
    lea msg_calibrated(%rip), %rdi
    cmpl $VCLOCK_NONE, vvar + VVAR_CLOCK_MODE(%rip)
    jne 4f
    lea msg_guessed(%rip), %rdi
4:  call serial_puts
9:  call timer_init                     # "; timer ...": the clock line ends with the timer
    mov $'\n', %edi
    call serial_putc
    POP_REGS rbx, r12
    ret

# pit_calibrate_tsc() -> %rax: the TSC rate in kHz, measured over 50 ms of the 8254 PIT's
# channel 0 (programmed as a rate generator and read back with latch commands), or 0 if the
# PIT does not count.
pit_calibrate_tsc:
    PUSH_REGS rbx, r12, r13
    mov $0x34, %al                      # channel 0, low then high byte, mode 2, binary
    out %al, $0x43
    xor %eax, %eax                      # count 0: 65536
    out %al, $0x40
    out %al, $0x40
    call pit_read
    mov %eax, %ebx                      # previous count
    xor %r12d, %r12d                    # elapsed PIT ticks
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, %r13                      # TSC at the start
1:  call pit_read
    mov %ebx, %ecx
    sub %eax, %ecx
    and $0xffff, %ecx                   # it counts down and wraps at 65536
    add %ecx, %r12d
    mov %eax, %ebx
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    sub %r13, %rax
    cmp $PIT_CALIBRATION_TICKS, %r12d
    jae 2f
    cmp $PIT_GIVE_UP_TSC, %rax
    jb 1b
    xor %eax, %eax
    jmp 3f
2:  mov $PIT_HZ, %ecx                   # kHz = TSC ticks * PIT_HZ / (PIT ticks * 1000)
    mul %rcx
    imul $1000, %r12, %rcx
    div %rcx
3:  POP_REGS rbx, r12, r13
    ret

# pit_read() -> %eax: channel 0's current count
pit_read:
    xor %eax, %eax                      # latch channel 0
    out %al, $0x43
    in $0x40, %al
    mov %al, %dl
    in $0x40, %al
    mov %al, %ah
    mov %dl, %al
    movzwl %ax, %eax
    ret

# write_tsc_pvclock(%rdi = TSC kHz): a pvclock record for the TSC from now on, in the form KVM
# writes: ns = ((tsc - now) << shift) * mul >> 32, with the smallest shift that keeps mul in
# 32 bits (1e6 / kHz ns per tick, times 2^32, divided by 2^shift).
write_tsc_pvclock:
    mov %rdi, %r8
    xor %ecx, %ecx                      # shift
1:  mov $1000000, %eax
    shl $32, %rax
    xor %edx, %edx
    mov %r8, %r9
    shl %cl, %r9
    div %r9
    mov %rax, %rdx
    shr $32, %rdx
    jz 2f
    inc %ecx
    jmp 1b
2:  lea vvar(%rip), %rsi
    incl VVAR_PVCLOCK + PVCLOCK_VERSION(%rsi)   # odd: being written
    mov %eax, VVAR_PVCLOCK + PVCLOCK_MUL(%rsi)
    mov %cl, VVAR_PVCLOCK + PVCLOCK_SHIFT(%rsi)
    movb $PVCLOCK_TSC_STABLE_BIT, VVAR_PVCLOCK + PVCLOCK_FLAGS(%rsi)
    movq $0, VVAR_PVCLOCK + PVCLOCK_SYSTEM_TIME(%rsi)
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, VVAR_PVCLOCK + PVCLOCK_TSC_TIMESTAMP(%rsi)
    incl VVAR_PVCLOCK + PVCLOCK_VERSION(%rsi)   # even: done
    ret

# clock_monotonic_ns() -> %rax: nanoseconds since the clock's origin (the pvclock's system time)
.globl clock_monotonic_ns
clock_monotonic_ns:
    lea vvar(%rip), %rsi
    PVCLOCK_NS %rsi, ordered=0          # no LFENCE in the kernel (clock.inc)
    ret

# clock_realtime_ns() -> %rax: nanoseconds since the Unix epoch
.globl clock_realtime_ns
clock_realtime_ns:
    call clock_monotonic_ns
    add vvar + VVAR_REALTIME_BASE(%rip), %rax
    ret

# rtc_epoch_seconds() -> %rax: the CMOS real-time clock (MC146818) as seconds since the epoch,
# or 0 (the epoch, where Linux starts without an RTC) when there is none. Reads once the
# update-in-progress flag is clear, which it is for all but 2 ms of a second; an RTC that never
# clears it counts as none. Handles BCD and 12-hour modes (status B).
rtc_epoch_seconds:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov $RTC_UIP_READS, %ebx
1:  mov $0x0a, %edi                     # status A: update in progress?
    call rtc_read
    cmp $0xff, %al                      # no RTC: an unclaimed port reads all ones
    je 8f
    test $0x80, %al
    jz 11f
    dec %ebx
    jnz 1b
8:  xor %eax, %eax
    jmp 9f
11: mov $0x0b, %edi
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
4:  xor %edx, %edx
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
9:  POP_REGS rbx, r12, r13, r14, r15
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

# ---- Time -------------------------------------------------------------------------------------
# clock_ns(%edi = clock id) -> %rax: the clock in ns, or -EINVAL for a clock Linux lacks.
clock_ns:
    cmp $0, %edi                        # CLOCK_REALTIME
    je 1f
    cmp $5, %edi                        # CLOCK_REALTIME_COARSE
    je 1f
    cmp $11, %edi                       # CLOCK_TAI (the TAI offset is 0 until set, as in Linux)
    je 1f
    cmp $2, %edi                        # CLOCK_PROCESS_CPUTIME_ID
    je 3f
    cmp $3, %edi                        # CLOCK_THREAD_CPUTIME_ID
    je 4f
    cmp $7, %edi                        # MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME:
    ja 2f                               # one clock since boot
    jmp clock_monotonic_ns
1:  jmp clock_realtime_ns
2:  mov $-EINVAL, %rax
    ret
3:  mov current_task(%rip), %rdi
    mov T_PROCESS(%rdi), %rdi
    jmp process_cpu_ns
4:  mov current_task(%rip), %rdi
    jmp thread_cpu_ns

# store_timespec(%rdi = user pointer, %rax = ns, %ecx = divisor for the fraction: 1 or 1000)
.globl store_timespec
store_timespec:
    xor %edx, %edx
    mov $NSEC_PER_SEC, %r8d
    div %r8
    mov %rax, (%rdi)
    mov %rdx, %rax
    xor %edx, %edx
    div %rcx
    mov %rax, 8(%rdi)
    ret

.globl sys_clock_gettime
sys_clock_gettime:
    PUSH_REGS rbx, r12
    mov %edi, %r12d
    mov %rsi, %rbx
    mov %rsi, %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %r12d, %edi
    call clock_ns
    test %rax, %rax
    js 1f
    mov %rbx, %rdi
    mov $1, %ecx
    call store_timespec
    xor %eax, %eax
1:  POP_REGS rbx, r12
    ret

.globl sys_clock_getres
sys_clock_getres:
    push %rsi
    call clock_ns
    pop %rdi
    test %rax, %rax
    js 1f
    test %rdi, %rdi
    jz 2f
    push %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    movq $0, (%rdi)
    movq $1, 8(%rdi)
2:  xor %eax, %eax
1:  ret

.globl sys_gettimeofday
sys_gettimeofday:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rsi, %r12
    test %rbx, %rbx
    jz 1f
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r12, %r12
    jz 2f
    mov %r12, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    movq $0, (%r12)                     # struct timezone: UTC
2:  test %rbx, %rbx
    jz 3f
    call clock_realtime_ns
    mov %rbx, %rdi
    mov $1000, %ecx
    call store_timespec
3:  xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

.globl sys_time
sys_time:
    push %rbx
    mov %rdi, %rbx
    test %rdi, %rdi
    jz 1f
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  call clock_realtime_ns
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    test %rbx, %rbx
    jz 9f
    mov %rax, (%rbx)
9:  pop %rbx
    ret

# sleep_until(%edi = clock, %rsi = deadline in ns on that clock) -> %rax: 0 once the clock has
# reached the deadline, -EINTR when a signal is to be taken first. The clock must be one
# clock_ns knows. The thread blocks (task_block) until that time on the monotonic clock: the
# realtime clocks run at its rate, so the time left on any clock is time left on it. Other
# threads run meanwhile; with none, the CPU halts until the timer (or, without a timer, the
# kernel watches the clock: sched.s). Every wake-up re-reads the clock.
.globl sleep_until
sleep_until:
    PUSH_REGS rbx, r12
    mov %edi, %r12d
    mov %rsi, %rbx
1:  mov %r12d, %edi
    call clock_ns
    cmp %rbx, %rax
    jae 9f
    mov %rbx, %rdi
    sub %rax, %rdi
    push %rdi
    call clock_monotonic_ns
    pop %rdi
    add %rax, %rdi
    jno 2f
    mov $NO_DEADLINE, %rdi              # beyond the clock's range
2:  call task_block
    cmp $-EINTR, %rax
    jne 1b
    jmp 8f
9:  xor %eax, %eax
8:  POP_REGS rbx, r12
    ret

# clock_nanosleep(clock, flags, req, rem): sleeps until the clock reaches req (TIMER_ABSTIME,
# flags bit 0) or for req. As Linux: the clock is checked first (-EINVAL for one it does not
# know, -EOPNOTSUPP for one it cannot sleep on: THREAD_CPUTIME, MONOTONIC_RAW, the COARSE
# clocks, the ALARM clocks), then req (-EFAULT, then -EINVAL outside [0, 1e9) ns and sec >= 0).
# A time beyond the clock's range sleeps until its end. On CLOCK_PROCESS_CPUTIME_ID it waits, as
# Linux, until the process's threads have used that much CPU (sleep_until looks again each time
# the time left has passed on the monotonic clock). A signal ends the sleep as on Linux: a
# relative one writes the time left to rem (when not NULL) and returns -ERESTART_RESTARTBLOCK,
# which is -EINTR where a handler runs, and else (a stop, an ignored signal) restart_syscall,
# which sleeps on to the same deadline; an absolute one returns -ERESTARTNOHAND.
.globl sys_clock_nanosleep
sys_clock_nanosleep:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rcx, %r15                      # rem
    mov %edi, %r13d                     # clock
    mov %esi, %r14d                     # flags
    mov %rdx, %rbx                      # req
    mov $-EINVAL, %rax
    cmp $31, %r13d                      # negative ids (CPU clocks of other processes) too
    ja 9f
    mov $NSLEEP_CLOCKS, %eax
    bt %r13d, %eax
    jc 1f
    mov $-EINVAL, %rax
    mov $LINUX_CLOCKS, %ecx
    bt %r13d, %ecx
    jnc 9f
    mov $-ENOTSUP, %rax
    jmp 9f
1:  mov %rbx, %rdi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov $-EINVAL, %rax
    mov 8(%rbx), %rcx                   # tv_nsec in [0, 1e9), tv_sec >= 0
    cmp $NSEC_PER_SEC, %rcx
    jae 9f
    mov (%rbx), %rax
    test %rax, %rax
    js 6f
    mov $NSEC_PER_SEC, %edx
    mul %rdx
    jc 7f
    test %rax, %rax
    js 7f
    add %rcx, %rax
    js 7f
    mov %rax, %r12                      # req in ns
    test $1, %r14d
    jnz 2f
    mov %r13d, %edi                     # relative: the deadline is now + req
    call clock_ns
    add %rax, %r12
    jns 2f
7:  movabs $0x7fffffffffffffff, %r12    # beyond the clock's range: its end
2:  test $1, %r14d
    jnz 3f
    call sleep_interrupted_restart
    jmp 9f
3:  mov %r13d, %edi
    mov %r12, %rsi
    call sleep_until
    cmp $-EINTR, %rax
    jne 9f
    mov $-ERESTARTNOHAND, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# sleep_interrupted_restart(%r12 = deadline, %r13d = clock, %r15 = rem or 0) -> %rax: a relative
# sleep (clock_nanosleep's, and restart_syscall's going on with one): 0 at the deadline; when a
# signal comes first, the time left in rem, and -ERESTART_RESTARTBLOCK with sleep_restart in the
# restart block.
sleep_interrupted_restart:
    mov %r13d, %edi
    mov %r12, %rsi
    call sleep_until
    cmp $-EINTR, %rax
    jne 9f
    call write_rem
    mov %r13, %rdi
    mov %r12, %rsi
    mov %r15, %rdx
    lea sleep_restart(%rip), %r9
    jmp restart_block_set
9:  ret

# sleep_restart(%rdi = clock, %rsi = deadline, %rdx = rem or 0): restart_syscall's way on with a
# relative sleep, to the same deadline
sleep_restart:
    PUSH_REGS r12, r13, r15
    mov %edi, %r13d
    mov %rsi, %r12
    mov %rdx, %r15
    call sleep_interrupted_restart
    POP_REGS r12, r13, r15
    ret

# write_rem(%r12 = deadline, %r13d = clock, %r15 = rem or 0): the time left, if rem is writable
write_rem:
    test %r15, %r15
    jz 9f
    mov %r13d, %edi
    call clock_ns
    mov %r12, %rcx
    sub %rax, %rcx
    jns 1f
    xor %ecx, %ecx
1:  push %rcx
    mov %r15, %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    pop %rcx
    test %rax, %rax
    jnz 9f
    mov %rcx, %rax
    mov %r15, %rdi
    mov $1, %ecx
    call store_timespec
9:  ret

.globl sys_nanosleep
sys_nanosleep:
    mov %rsi, %rcx
    mov %rdi, %rdx
    mov $1, %edi                        # CLOCK_MONOTONIC, relative
    xor %esi, %esi
    jmp sys_clock_nanosleep

.section .rodata
msg_clock:      .asciz "jvmm-kernel: clock "
msg_kvm_clock:  .asciz "kvm-clock"
msg_unstable:   .asciz " (TSC not stable: the vDSO makes system calls)"
msg_tsc:        .asciz "tsc "
msg_calibrated: .asciz " kHz, calibrated against the PIT"
msg_guessed:    .asciz " kHz, a guess: no PIT (the vDSO makes system calls)"

.section .data
.p2align 12
.globl vvar
vvar: .fill PAGE_SIZE, 1, 0
wall_clock: .skip 12
