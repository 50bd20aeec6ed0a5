# The process: identity, session and group, limits, scheduling and accounting, name, the FS and
# GS bases. The first process (pid 1) leads its own session and process group; fork.s makes the
# others; threads, their ends and the scheduler are in sched.s.

.include "defs.inc"
.include "file.inc"
.include "task.inc"

.equ UTSNAME_FIELD, 65
.equ NGROUPS_MAX, 65536
# The supplementary groups the kernel keeps (setgroups: ENOMEM for more).
.equ NGROUPS_KEPT, 256
.equ SYSINFO_SIZE, 112
.equ RUSAGE_SIZE, 144

.text
# process_init(): the first process's limits and umask, in its process area.
.globl process_init
process_init:
    lea rlimits_initial(%rip), %rsi
    lea rlimits(%rip), %rdi
    mov $((rlimits_end - rlimits_initial) / 8), %ecx
    rep movsq
    movl $022, process_umask(%rip)
    ret

.globl sys_getpid
sys_getpid:
    jmp current_pid

# getppid(): the parent's pid; init_process has none (0)
.globl sys_getppid
sys_getppid:
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    mov P_PARENT(%rax), %rax
    test %rax, %rax
    jz 1f
    mov P_PID(%rax), %eax
1:  ret

.globl sys_getuid
sys_getuid:
.globl sys_geteuid
sys_geteuid:
.globl sys_getgid
sys_getgid:
.globl sys_getegid
sys_getegid:
    xor %eax, %eax
    ret

# rseq(rseq, len, flags, sig), per thread: one CPU, so cpu_id is 0 from registration on. The
# kernel does not abort critical sections on preemption (rseq_cs is not read): glibc and musl
# use rseq only to read cpu_id.
.globl sys_rseq
sys_rseq:
    mov current_task(%rip), %r8
    cmp $1, %rdx                        # RSEQ_FLAG_UNREGISTER
    je 5f
    test %rdx, %rdx
    jnz einval
    cmpq $0, T_RSEQ(%r8)
    jne 4f
    cmp $32, %rsi
    jb einval
    test $31, %edi
    jnz einval
    PUSH_REGS rdi, rcx
    mov $1, %edx
    call user_range_ok
    POP_REGS rdi, rcx
    test %rax, %rax
    jnz 9f
    movq $0, (%rdi)                     # cpu_id_start, cpu_id
    mov current_task(%rip), %r8
    mov %rdi, T_RSEQ(%r8)
    mov %rcx, T_RSEQ_SIG(%r8)
    xor %eax, %eax
    ret
4:  cmp T_RSEQ(%r8), %rdi
    jne einval
    mov $-EBUSY, %rax
    ret
5:  cmp T_RSEQ(%r8), %rdi
    jne einval
    cmpq $0, T_RSEQ(%r8)
    je einval
    movq $0, T_RSEQ(%r8)
    xor %eax, %eax
9:  ret

# setrlimit(resource, rlim): prlimit64 of the caller
.globl sys_setrlimit
sys_setrlimit:
    mov %rsi, %rdx
    mov %edi, %esi
    xor %edi, %edi
    xor %ecx, %ecx
# prlimit64(pid, resource, new, old): of the caller (0 or its pid; the limits are in its process
# area, so another process's cannot be reached: -ESRCH)
.globl sys_prlimit64
sys_prlimit64:
    test %rdi, %rdi
    jz 1f
    call current_pid
    cmp %eax, %edi
    jne esrch
1:  cmp $15, %rsi                       # RLIM_NLIMITS - 1
    ja einval
    PUSH_REGS rbx, r12, r13
    mov %rsi, %rbx
    shl $4, %rbx
    lea rlimits(%rip), %rax
    add %rax, %rbx                      # this resource's {cur, max}
    mov %rdx, %r12                      # new
    mov %rcx, %r13                      # old
    test %r12, %r12
    jz 2f
    mov %r12, %rdi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%r12), %rax
    cmp 8(%r12), %rax
    ja 6f
    lea rlimits + RLIMIT_NOFILE * RLIMIT_SIZE(%rip), %rax
    cmp %rax, %rbx
    jne 2f
    cmpq $FD_TABLE_SIZE, 8(%r12)        # Linux: EPERM above nr_open, the table's size here
    ja 7f
2:  test %r13, %r13
    jz 3f
    mov %r13, %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%rbx), %rax
    mov %rax, (%r13)
    mov 8(%rbx), %rax
    mov %rax, 8(%r13)
3:  test %r12, %r12
    jz 8f
    mov (%r12), %rax
    mov %rax, (%rbx)
    mov 8(%r12), %rax
    mov %rax, 8(%rbx)
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  mov $-EPERM, %rax
9:  POP_REGS rbx, r12, r13
    ret

.globl sys_getrlimit
sys_getrlimit:
    mov %rsi, %rcx
    mov %rdi, %rsi
    xor %edi, %edi
    xor %edx, %edx
    jmp sys_prlimit64

.globl sys_getrandom
sys_getrandom:
    test $~7, %edx                      # GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
    jnz einval
    mov $0x1ffffff, %eax                # at most 32 MiB - 1 per call, as Linux
    cmp %rax, %rsi
    cmova %rax, %rsi
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov %r12, %rsi
    call random_fill
    mov %r12, %rax
1:  POP_REGS rbx, r12
    ret

.globl sys_uname
sys_uname:
    push %rbx
    mov %rdi, %rbx
    mov $(6 * UTSNAME_FIELD), %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    lea utsname(%rip), %rsi
    mov $(6 * UTSNAME_FIELD), %edx
    call memcpy
    xor %eax, %eax
1:  pop %rbx
    ret

.globl sys_prctl
sys_prctl:
    cmp $15, %rdi                       # PR_SET_NAME
    je 1f
    cmp $16, %rdi                       # PR_GET_NAME
    je 2f
    cmp $3, %rdi                        # PR_GET_DUMPABLE
    je 3f
    cmp $4, %rdi                        # PR_SET_DUMPABLE
    jne einval
    cmp $1, %rsi
    ja einval
    xor %eax, %eax
    ret
3:  mov $1, %eax
    ret
1:  push %rsi                           # the name: up to 15 bytes and a NUL
    mov %rsi, %rdi
    mov $16, %esi
    call user_strnlen
    pop %rsi
    cmp $-EFAULT, %rax
    je 9f
    mov current_task(%rip), %rdi
    mov T_PROCESS(%rdi), %rdi
    add $P_NAME, %rdi
    movq $0, (%rdi)
    movq $0, 8(%rdi)
    mov $15, %edx
    test %rax, %rax
    js 4f
    mov %rax, %rdx
4:  call memcpy
    xor %eax, %eax
    ret
2:  push %rsi
    mov %rsi, %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 9f
    mov current_task(%rip), %rsi
    mov T_PROCESS(%rsi), %rsi
    add $P_NAME, %rsi
    mov $16, %edx
    call memcpy
    xor %eax, %eax
9:  ret

# arch_prctl(code, addr): the FS and GS bases of the calling thread (the kernel never uses them
# itself; the scheduler loads each thread's on a switch).
.globl sys_arch_prctl
sys_arch_prctl:
    cmp $0x1002, %rdi                   # ARCH_SET_FS
    je 1f
    cmp $0x1001, %rdi                   # ARCH_SET_GS
    je 2f
    cmp $0x1003, %rdi                   # ARCH_GET_FS
    je 3f
    cmp $0x1004, %rdi                   # ARCH_GET_GS
    je 4f
    jmp einval
1:  mov $MSR_FS_BASE, %ecx
    mov $T_FSBASE, %edx
    jmp 5f
2:  mov $MSR_GS_BASE, %ecx
    mov $T_GSBASE, %edx
5:  movabs $USER_TOP, %rax              # Linux: -EPERM for a base outside user memory
    cmp %rax, %rsi
    jae eperm
    mov current_task(%rip), %rax
    mov %rsi, (%rax,%rdx)
    mov %rsi, %rax
    call wrmsr_rax
    xor %eax, %eax
    ret
3:  mov $MSR_FS_BASE, %ecx
    jmp 6f
4:  mov $MSR_GS_BASE, %ecx
6:  PUSH_REGS rsi, rcx
    mov %rsi, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    POP_REGS rdi, rcx
    test %rax, %rax
    jnz 7f
    rdmsr
    mov %eax, (%rdi)
    mov %edx, 4(%rdi)
    xor %eax, %eax
7:  ret

# ---- Session and process group ---------------------------------------------------------------
# process_by_pid(%edi = pid, 0 for the caller) -> %rax: the process, or 0
process_by_pid:
    test %edi, %edi
    jnz find_process
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    ret

# getpgid(pid), getsid(pid): of the caller (pid 0) or of any process, else ESRCH
.globl sys_getpgid
sys_getpgid:
    call process_by_pid
    test %rax, %rax
    jz esrch
    mov P_PGID(%rax), %eax
    ret

.globl sys_getsid
sys_getsid:
    call process_by_pid
    test %rax, %rax
    jz esrch
    mov P_SID(%rax), %eax
    ret

.globl sys_getpgrp
sys_getpgrp:
    xor %edi, %edi
    jmp sys_getpgid

# setsid(): a new session and group led by the caller; a process group leader may not (EPERM).
.globl sys_setsid
sys_setsid:
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rdx
    mov P_PID(%rdx), %edi
    call group_exists
    test %eax, %eax
    jnz eperm
    mov P_PID(%rdx), %eax
    mov %eax, P_PGID(%rdx)
    mov %eax, P_SID(%rdx)
    ret

# group_exists(%edi = pgid) -> %eax: 1 if some process is in that group. Clobbers %rcx, %rsi.
group_exists:
    lea all_processes(%rip), %rcx
    mov %rcx, %rsi
1:  LIST_NEXT %rcx, %rsi, 2f
    cmp %edi, P_PGID - P_LIST(%rsi)
    jne 1b
    mov $1, %eax
    ret
2:  xor %eax, %eax
    ret

# setpgid(pid, pgid), in Linux's order of checks: the caller or one of its children (ESRCH),
# in the caller's session, not a session leader (EPERM); the group is the process's own or one
# that exists in that session (EPERM).
.globl sys_setpgid
sys_setpgid:
    test %esi, %esi
    js einval
    PUSH_REGS rbx, r12
    mov %esi, %r12d
    call process_by_pid
    mov %rax, %rbx
    mov $-ESRCH, %rax
    test %rbx, %rbx
    jz 9f
    mov current_task(%rip), %rcx
    mov T_PROCESS(%rcx), %rcx
    cmp %rcx, %rbx
    je 1f
    cmp %rcx, P_PARENT(%rbx)
    jne 9f
    mov $-EPERM, %rax
    mov P_SID(%rcx), %edx
    cmp %edx, P_SID(%rbx)
    jne 9f
    mov $-EACCES, %rax
    cmpl $0, P_EXECED(%rbx)
    jne 9f
1:  mov $-EPERM, %rax
    mov P_PID(%rbx), %edx
    cmp %edx, P_SID(%rbx)
    je 9f
    test %r12d, %r12d
    cmovz %edx, %r12d
    cmp %edx, %r12d
    je 2f
    lea all_processes(%rip), %rcx       # another group: one of this session
    mov %rcx, %rsi
3:  LIST_NEXT %rcx, %rsi, 9f
    cmp %r12d, P_PGID - P_LIST(%rsi)
    jne 3b
    mov P_SID - P_LIST(%rsi), %edx
    cmp %edx, P_SID(%rbx)
    jne 3b
2:  mov %r12d, P_PGID(%rbx)
    xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# ---- Identity ---------------------------------------------------------------------------------
# getgroups(size, list): the supplementary groups (none at boot, as Linux's first process)
.globl sys_getgroups
sys_getgroups:
    test %edi, %edi
    js einval
    mov group_count(%rip), %ecx
    test %edi, %edi                     # size 0: only the count
    jz 1f
    cmp %edi, %ecx
    ja einval
    push %rcx
    mov %rsi, %rdi
    lea (,%rcx,4), %rsi
    PUSH_REGS rdi, rsi
    mov $1, %edx
    call user_range_ok
    POP_REGS rdi, rdx
    test %rax, %rax
    jnz 2f
    lea groups(%rip), %rsi
    call memcpy
    pop %rax
    ret
2:  pop %rcx
    ret
1:  mov %ecx, %eax
    ret

# setgroups(size, list): kept sorted, as Linux's groups_sort
.globl sys_setgroups
sys_setgroups:
    cmp $NGROUPS_MAX, %edi
    ja einval                           # also a negative size
    cmp $NGROUPS_KEPT, %edi
    ja 9f
    push %rbx
    mov %edi, %ebx
    push %rsi
    mov %rsi, %rdi
    lea (,%rbx,4), %rsi
    xor %edx, %edx
    call user_range_ok
    pop %rsi
    test %rax, %rax
    jnz 8f
    lea groups(%rip), %rdi
    lea (,%rbx,4), %rdx
    call memcpy
    mov %ebx, group_count(%rip)
    lea groups(%rip), %rdi              # insertion sort, unsigned
    mov $1, %ecx
1:  cmp %ebx, %ecx
    jae 4f
    mov (%rdi,%rcx,4), %eax
    mov %ecx, %edx
2:  test %edx, %edx
    jz 3f
    mov -4(%rdi,%rdx,4), %esi
    cmp %eax, %esi
    jbe 3f
    mov %esi, (%rdi,%rdx,4)
    dec %edx
    jmp 2b
3:  mov %eax, (%rdi,%rdx,4)
    inc %ecx
    jmp 1b
4:  xor %eax, %eax
8:  pop %rbx
    ret
9:  mov $-ENOMEM, %rax
    ret

# umask(mask) -> the previous mask
.globl sys_umask
sys_umask:
    and $0777, %edi
    mov process_umask(%rip), %eax
    mov %edi, process_umask(%rip)
    ret

# ---- Scheduling -------------------------------------------------------------------------------
# this_process(%edi = pid) -> ZF set if the pid names this process or one of its threads (0, or
# a live tid: the scheduling calls take a thread's id, as Linux's). Clobbers %rcx.
this_process:
    test %edi, %edi
    jz 1f
    push %rax
    call find_task
    test %rax, %rax
    pop %rax
    jz 2f
    xor %ecx, %ecx                      # found: ZF set
1:  ret
2:  or $1, %ecx                         # none: ZF clear
    ret

# getcpu(cpu, node, cache): CPU 0 on node 0, as the vDSO's __vdso_getcpu answers
.globl sys_getcpu
sys_getcpu:
    PUSH_REGS rbx, r12
    mov %rsi, %r12
    xor %ebx, %ebx                      # the result
    test %rdi, %rdi
    jz 1f
    call put_user_zero32
    or %rax, %rbx
1:  test %r12, %r12
    jz 2f
    mov %r12, %rdi
    call put_user_zero32
    or %rax, %rbx
2:  mov %rbx, %rax
    POP_REGS rbx, r12
    ret

# put_user_zero32(%rdi = user pointer) -> %rax: 0 once it holds a zero u32, else -EFAULT
put_user_zero32:
    push %rdi
    mov $4, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    movl $0, (%rdi)
1:  ret

# sched_getaffinity(pid, len, mask) -> the mask's size: 8 bytes, CPU 0
.globl sys_sched_getaffinity
sys_sched_getaffinity:
    test %esi, %esi
    jz einval
    test $7, %esi
    jnz einval
    call this_process
    jne esrch
    push %rdx
    mov %rdx, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    movq $1, (%rdi)
    mov $8, %eax
1:  ret

# sched_setaffinity(pid, len, mask): the mask must hold CPU 0
.globl sys_sched_setaffinity
sys_sched_setaffinity:
    PUSH_REGS rbx, r12
    mov %edi, %r12d
    mov %rdx, %rbx
    xor %eax, %eax                      # an empty mask if nothing is copied
    mov %esi, %esi
    test %rsi, %rsi
    jz 1f
    mov $8, %eax
    cmp %rax, %rsi
    cmova %rax, %rsi
    mov %rdx, %rdi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    movzbl (%rbx), %eax
1:  mov %r12d, %edi
    mov %eax, %ebx
    call this_process
    jne 7f
    test $1, %bl
    jz 8f
    xor %eax, %eax
    jmp 9f
7:  mov $-ESRCH, %rax
    jmp 9f
8:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12
    ret

# sched_getparam(pid, param): priority 0 (SCHED_OTHER)
.globl sys_sched_getparam
sys_sched_getparam:
    test %rsi, %rsi
    jz einval
    test %edi, %edi
    js einval
    call this_process
    jne esrch
    mov %rsi, %rdi
    jmp put_user_zero32

# sched_getscheduler(pid): SCHED_OTHER
.globl sys_sched_getscheduler
sys_sched_getscheduler:
    test %edi, %edi
    js einval
    call this_process
    jne esrch
    xor %eax, %eax
    ret

# sched_get_priority_max/min(policy): 99 and 1 for SCHED_FIFO and SCHED_RR, 0 for SCHED_OTHER,
# SCHED_BATCH, SCHED_IDLE and SCHED_DEADLINE
.globl sys_sched_get_priority_max
sys_sched_get_priority_max:
    mov $99, %eax
    jmp 1f
.globl sys_sched_get_priority_min
sys_sched_get_priority_min:
    mov $1, %eax
1:  cmp $1, %edi                        # SCHED_FIFO
    je 2f
    cmp $2, %edi                        # SCHED_RR
    je 2f
    cmp $6, %edi                        # SCHED_DEADLINE
    ja einval
    cmp $4, %edi                        # 4 is not a policy
    je einval
    xor %eax, %eax
2:  ret

# getpriority(which, who) -> 20 - nice; setpriority(which, who, nice). PRIO_PROCESS and
# PRIO_PGRP name this process as 0 or 1, PRIO_USER as uid 0.
# priority_target(%edi = which, %esi = who) -> %rax: 0, -EINVAL or -ESRCH
priority_target:
    cmp $2, %edi                        # PRIO_USER
    ja einval
    je 1f
    mov %esi, %edi
    call this_process
    jne esrch
    xor %eax, %eax
    ret
1:  test %esi, %esi
    jnz esrch
    xor %eax, %eax
    ret

.globl sys_getpriority
sys_getpriority:
    call priority_target
    test %rax, %rax
    jnz 1f
    mov $20, %eax
    sub process_nice(%rip), %eax
1:  ret

.globl sys_setpriority
sys_setpriority:
    push %rdx
    call priority_target
    pop %rdx
    test %rax, %rax
    jnz 1f
    mov $-20, %ecx                      # clamped to [-20, 19]
    cmp %ecx, %edx
    cmovl %ecx, %edx
    mov $19, %ecx
    cmp %ecx, %edx
    cmovg %ecx, %edx
    mov %edx, process_nice(%rip)
1:  ret

# ---- Accounting ------------------------------------------------------------------------------
# CPU time is measured at each switch (schedule) on CLOCK_MONOTONIC: a thread's and a process's
# is the time their threads had the CPU, the kernel's work for them included; all of it is
# reported as user time, system time 0 (the kernel does not time its own entries).

# thread_cpu_ns(%rdi = task) -> %rax: its CPU time, its current slice included if it runs
.globl thread_cpu_ns
thread_cpu_ns:
    mov T_CPU_NS(%rdi), %rax
    cmp current_task(%rip), %rdi
    je add_running_slice
    ret

# process_cpu_ns(%rdi = process) -> %rax: its threads' CPU time, the running one's slice included
.globl process_cpu_ns
process_cpu_ns:
    mov P_CPU_NS(%rdi), %rax
    mov current_task(%rip), %rcx
    cmp T_PROCESS(%rcx), %rdi
    je add_running_slice
    ret

# add_running_slice(%rax = CPU time up to the running thread's switch in) -> %rax: and since
add_running_slice:
    push %rax
    call clock_monotonic_ns
    pop %rcx
    add %rcx, %rax
    mov current_task(%rip), %rcx
    sub T_ON_CPU(%rcx), %rax
    ret

# put_timeval(%rdi = struct timeval, checked, %rax = ns >= 0): seconds and microseconds (truncated)
.globl put_timeval
put_timeval:
    mov $1000, %ecx
    jmp store_timespec

# ns_to_ticks(%rax = ns) -> %rax: clock ticks (USER_HZ)
ns_to_ticks:
    xor %edx, %edx
    mov $(NSEC_PER_SEC / USER_HZ), %ecx
    div %rcx
    ret

# getrusage(who, usage): RUSAGE_SELF (0), RUSAGE_THREAD (1), RUSAGE_CHILDREN (-1, those waited
# for). ru_maxrss (KiB) is the memory in use, for the caller; its children's 0.
.globl sys_getrusage
sys_getrusage:
    cmp $-1, %edi
    je 1f
    cmp $1, %edi
    ja einval
1:  PUSH_REGS rbx, r12
    mov %edi, %r12d
    mov %rsi, %rbx
    mov %rsi, %rdi
    mov $RUSAGE_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov $(RUSAGE_SIZE / 8), %ecx
    rep stosq
    mov current_task(%rip), %rdi
    cmp $-1, %r12d
    je 3f
    cmp $1, %r12d
    je 2f
    mov T_PROCESS(%rdi), %rdi
    call process_cpu_ns
    jmp 4f
2:  call thread_cpu_ns
4:  mov %rbx, %rdi                      # ru_utime
    call put_timeval
    call mm_total_pages                 # ru_maxrss
    mov %rax, %r12
    call mm_free_pages
    sub %rax, %r12
    shl $2, %r12
    mov %r12, 32(%rbx)
    jmp 8f
3:  mov T_PROCESS(%rdi), %rdi
    mov P_CHILDREN_CPU_NS(%rdi), %rax
    mov %rbx, %rdi
    call put_timeval
8:  xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# times(buf) -> clock ticks (USER_HZ) since boot; tms_utime and tms_cutime the CPU times
.globl sys_times
sys_times:
    push %rbx
    mov %rdi, %rbx
    test %rbx, %rbx
    jz 1f
    mov $32, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov current_task(%rip), %rdi
    mov T_PROCESS(%rdi), %rdi
    call process_cpu_ns
    call ns_to_ticks
    mov %rax, (%rbx)                    # tms_utime
    movq $0, 8(%rbx)                    # tms_stime
    mov current_task(%rip), %rdi
    mov T_PROCESS(%rdi), %rdi
    mov P_CHILDREN_CPU_NS(%rdi), %rax
    call ns_to_ticks
    mov %rax, 16(%rbx)                  # tms_cutime
    movq $0, 24(%rbx)                   # tms_cstime
1:  call clock_monotonic_ns
    call ns_to_ticks
9:  pop %rbx
    ret

# sysinfo(info): uptime (seconds, rounded up), memory in bytes (mem_unit 1), the tasks
.globl sys_sysinfo
sys_sysinfo:
    push %rbx
    mov %rdi, %rbx
    mov $SYSINFO_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov $(SYSINFO_SIZE / 8), %ecx
    rep stosq
    call clock_monotonic_ns
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    cmp $1, %rdx
    cmc
    adc $0, %rax
    mov %rax, (%rbx)                    # uptime
    call mm_total_pages
    shl $12, %rax
    mov %rax, 32(%rbx)                  # totalram
    call mm_free_pages
    shl $12, %rax
    mov %rax, 40(%rbx)                  # freeram
    call count_tasks
    mov %ax, 80(%rbx)                   # procs: every thread of every process, as Linux counts
    movl $1, 104(%rbx)                  # mem_unit
    xor %eax, %eax
9:  pop %rbx
    ret

.section .rodata
.p2align 3
utsname:
    .ascii "Linux"
    .fill UTSNAME_FIELD - 5, 1, 0
    .ascii "jvmm"
    .fill UTSNAME_FIELD - 4, 1, 0
    .ascii "6.1.0-jvmm"
    .fill UTSNAME_FIELD - 10, 1, 0
    .ascii "#1 jvmm"
    .fill UTSNAME_FIELD - 7, 1, 0
    .ascii "x86_64"
    .fill UTSNAME_FIELD - 6, 1, 0
    .ascii "(none)"
    .fill UTSNAME_FIELD - 6, 1, 0


.p2align 3
# {rlim_cur, rlim_max} per resource, as the first process starts; RLIM_INFINITY is all ones.
rlimits_initial:
    .quad -1, -1                        # RLIMIT_CPU
    .quad -1, -1                        # RLIMIT_FSIZE
    .quad -1, -1                        # RLIMIT_DATA
    .quad USER_STACK_MAX, -1            # RLIMIT_STACK
    .quad 0, -1                         # RLIMIT_CORE
    .quad -1, -1                        # RLIMIT_RSS
    .quad THREAD_MAX, THREAD_MAX        # RLIMIT_NPROC: the tasks the kernel has room for
    .quad 1024, 4096                    # RLIMIT_NOFILE
    .quad 0x800000, 0x800000            # RLIMIT_MEMLOCK
    .quad -1, -1                        # RLIMIT_AS
    .quad -1, -1                        # RLIMIT_LOCKS
    .quad 0, 0                          # RLIMIT_SIGPENDING
    .quad 0xc8000, 0xc8000              # RLIMIT_MSGQUEUE
    .quad 0, 0                          # RLIMIT_NICE
    .quad 0, 0                          # RLIMIT_RTPRIO
    .quad -1, -1                        # RLIMIT_RTTIME
rlimits_end:

.section .process, "aw", @nobits
.p2align 3
.globl rlimits
rlimits: .skip rlimits_end - rlimits_initial
.globl process_umask
process_umask: .skip 4
group_count: .skip 4
groups: .skip NGROUPS_KEPT * 4
process_nice: .skip 4
