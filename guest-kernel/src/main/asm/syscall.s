# The system-call dispatcher, the table, and the error returns the handlers share.
#
# Numbers and semantics are Linux's (arch/x86/entry/syscalls/syscall_64.tbl); each subsystem's
# file serves its calls (fs.s, poll.s, futex.s, mman.s, signal.s, process.s, time.s). Where the
# kernel has no such object, a call fails with the errno Linux gives for a missing one. Calls
# without a handler return -ENOSYS and are counted, and the exit report names them
# (syscall_names.s).

.include "defs.inc"

.text
# syscall_dispatch(%rdi = frame): arguments from the frame, result into its RAX.
.globl syscall_dispatch
syscall_dispatch:
    push %rbx
    push %r12
    mov %rdi, %rbx
    mov F_RAX(%rbx), %rax
    cmp $NR_JVMM_PROBE, %rax
    jne 1f
    cmpb $0, probe_active(%rip)
    je 1f
    mov F_KIND(%rbx), %rax              # the probe asks only how it arrived
    mov %rax, probe_arrival(%rip)
    movq $PROBE_REPLY, F_RAX(%rbx)
    jmp 9f
1:  incq syscalls_total(%rip)
    cmp $NR_SYSCALLS, %rax
    jae 7f
    lea syscall_counts(%rip), %rdx
    incl (%rdx,%rax,4)
    lea syscall_table(%rip), %rdx
    mov (%rdx,%rax,8), %r12
    test %r12, %r12
    jz 8f
    mov F_RDX(%rbx), %rdx
    mov F_KIND(%rbx), %rax
    and $~ENTRY_EMULATED_BIT, %eax
    cmp $ENTRY_SYSENTER, %eax
    jne 2f
    mov F_RCX(%rbx), %rdi               # SYSENTER: argument 3 waits on the user's stack
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 6f
    mov F_RCX(%rbx), %rax
    mov (%rax), %rdx
2:  mov F_RDI(%rbx), %rdi
    mov F_RSI(%rbx), %rsi
    mov F_R10(%rbx), %rcx
    mov F_R8(%rbx), %r8
    mov F_R9(%rbx), %r9
    call *%r12
6:  mov %rax, F_RAX(%rbx)
    jmp 9f
7:  incq syscalls_out_of_range(%rip)
8:  movq $-ENOSYS, F_RAX(%rbx)
9:  pop %r12
    pop %rbx
    ret

# ---- The exit report ----------------------------------------------------------------------
# report_syscalls(): "jvmm-kernel: syscalls N (nr xcount, ...), unimplemented M[: nr name (xcount), ...]",
# where the numbers at or above NR_SYSCALLS count together as ">=512", and a number Linux does
# not assign has no name.
.globl report_syscalls
report_syscalls:
    push %rbx
    push %r13
    push %r14
    lea msg_syscalls(%rip), %rdi
    call serial_puts
    mov syscalls_total(%rip), %rdi
    call serial_put_dec
    lea msg_by_number(%rip), %r14       # the calls that have a handler, by number
    xor %ebx, %ebx
6:  lea syscall_table(%rip), %rax
    cmpq $0, (%rax,%rbx,8)
    je 7f
    lea syscall_counts(%rip), %rax
    mov (%rax,%rbx,4), %r13d
    test %r13d, %r13d
    jz 7f
    mov %r14, %rdi
    call serial_puts
    lea msg_separator(%rip), %r14
    mov %rbx, %rdi
    call serial_put_dec
    mov $' ', %edi
    call serial_putc
    mov $'x', %edi
    call serial_putc
    mov %r13, %rdi
    call serial_put_dec
7:  inc %ebx
    cmp $NR_SYSCALLS, %ebx
    jb 6b
    lea msg_by_number(%rip), %rax
    cmp %rax, %r14
    je 8f
    mov $')', %edi
    call serial_putc
8:  lea msg_unimplemented(%rip), %rdi
    call serial_puts
    xor %ebx, %ebx                      # count the calls without a handler
    mov syscalls_out_of_range(%rip), %r13
1:  call unimplemented_count
    add %rax, %r13
    inc %ebx
    cmp $NR_SYSCALLS, %ebx
    jb 1b
    mov %r13, %rdi
    call serial_put_dec
    lea msg_first_separator(%rip), %r14 # then name them
    xor %ebx, %ebx
3:  call unimplemented_count
    test %rax, %rax
    jz 4f
    mov %rax, %r13
    mov %r14, %rdi
    call serial_puts
    lea msg_separator(%rip), %r14
    mov %rbx, %rdi
    call serial_put_dec
    lea syscall_name_offsets(%rip), %rax
    movzwl (%rax,%rbx,2), %eax
    cmp $0xffff, %eax
    je 2f
    push %rax
    mov $' ', %edi
    call serial_putc
    pop %rax
    lea syscall_names(%rip), %rdi
    add %rax, %rdi
    call serial_puts
2:  call put_times
4:  inc %ebx
    cmp $NR_SYSCALLS, %ebx
    jb 3b
    mov syscalls_out_of_range(%rip), %r13
    test %r13, %r13
    jz 5f
    mov %r14, %rdi
    call serial_puts
    lea msg_out_of_range(%rip), %rdi
    call serial_puts
    call put_times
5:  mov $'\n', %edi
    call serial_putc
    pop %r14
    pop %r13
    pop %rbx
    ret

# unimplemented_count(%ebx = number) -> %rax: calls made to it if it has no handler, else 0
unimplemented_count:
    xor %eax, %eax
    lea syscall_table(%rip), %rcx
    cmpq $0, (%rcx,%rbx,8)
    jne 1f
    lea syscall_counts(%rip), %rcx
    mov (%rcx,%rbx,4), %eax
1:  ret

# put_times(%r13 = count): " (xN)"
put_times:
    lea msg_times(%rip), %rdi
    call serial_puts
    mov %r13, %rdi
    call serial_put_dec
    mov $')', %edi
    jmp serial_putc

# ---- Shared error returns: tail-called by handlers ---------------------------------------------
.globl ebadf, einval, enoent, eperm, esrch, erange, efault, espipe, enotty, eacces
ebadf:
    mov $-EBADF, %rax
    ret
einval:
    mov $-EINVAL, %rax
    ret
enoent:
    mov $-ENOENT, %rax
    ret
eperm:
    mov $-EPERM, %rax
    ret
esrch:
    mov $-ESRCH, %rax
    ret
erange:
    mov $-ERANGE, %rax
    ret
efault:
    mov $-EFAULT, %rax
    ret
espipe:
    mov $-ESPIPE, %rax
    ret
enotty:
    mov $-ENOTTY, %rax
    ret
eacces:
    mov $-EACCES, %rax
    ret

# ---- The table ---------------------------------------------------------------------------------
# One line per call, in ascending order (.org refuses to move backwards); the gaps are zeros,
# which the dispatcher answers with -ENOSYS.
.macro SYSCALL nr, handler
    .org syscall_table + \nr * 8
    .quad \handler
.endm

.section .rodata
.p2align 3
.globl syscall_table
syscall_table:
SYSCALL 0, sys_read
SYSCALL 1, sys_write
SYSCALL 2, sys_open
SYSCALL 3, sys_close
SYSCALL 4, sys_stat
SYSCALL 5, sys_fstat
SYSCALL 6, sys_lstat
SYSCALL 7, sys_poll
SYSCALL 8, sys_lseek
SYSCALL 9, sys_mmap
SYSCALL 10, sys_mprotect
SYSCALL 11, sys_munmap
SYSCALL 12, sys_brk
SYSCALL 13, sys_rt_sigaction
SYSCALL 14, sys_rt_sigprocmask
SYSCALL 15, sys_rt_sigreturn
SYSCALL 16, sys_ioctl
SYSCALL 17, sys_pread64
SYSCALL 18, sys_pwrite64
SYSCALL 19, sys_readv
SYSCALL 20, sys_writev
SYSCALL 21, sys_access
SYSCALL 22, sys_pipe
SYSCALL 23, sys_select
SYSCALL 24, sys_sched_yield
SYSCALL 25, sys_mremap
SYSCALL 26, sys_msync
SYSCALL 27, sys_mincore
SYSCALL 28, sys_madvise
SYSCALL 32, sys_dup
SYSCALL 33, sys_dup2
SYSCALL 34, sys_pause
SYSCALL 35, sys_nanosleep
SYSCALL 36, sys_getitimer
SYSCALL 37, sys_alarm
SYSCALL 38, sys_setitimer
SYSCALL 39, sys_getpid
SYSCALL 40, sys_sendfile
SYSCALL 56, sys_clone
SYSCALL 57, sys_fork
SYSCALL 58, sys_vfork
SYSCALL 59, sys_execve
SYSCALL 60, sys_exit
SYSCALL 61, sys_wait4
SYSCALL 62, sys_kill
SYSCALL 63, sys_uname
SYSCALL 72, sys_fcntl
SYSCALL 73, sys_flock
SYSCALL 74, sys_fsync
SYSCALL 75, sys_fdatasync
SYSCALL 76, sys_truncate
SYSCALL 77, sys_ftruncate
SYSCALL 79, sys_getcwd
SYSCALL 80, sys_chdir
SYSCALL 81, sys_fchdir
SYSCALL 82, sys_rename
SYSCALL 83, sys_mkdir
SYSCALL 84, sys_rmdir
SYSCALL 85, sys_creat
SYSCALL 86, sys_link
SYSCALL 87, sys_unlink
SYSCALL 88, sys_symlink
SYSCALL 89, sys_readlink
SYSCALL 90, sys_chmod
SYSCALL 91, sys_fchmod
SYSCALL 92, sys_chown
SYSCALL 93, sys_fchown
SYSCALL 94, sys_lchown
SYSCALL 95, sys_umask
SYSCALL 96, sys_gettimeofday
SYSCALL 97, sys_getrlimit
SYSCALL 98, sys_getrusage
SYSCALL 99, sys_sysinfo
SYSCALL 100, sys_times
SYSCALL 102, sys_getuid
SYSCALL 104, sys_getgid
SYSCALL 107, sys_geteuid
SYSCALL 108, sys_getegid
SYSCALL 109, sys_setpgid
SYSCALL 110, sys_getppid
SYSCALL 111, sys_getpgrp
SYSCALL 112, sys_setsid
SYSCALL 115, sys_getgroups
SYSCALL 116, sys_setgroups
SYSCALL 121, sys_getpgid
SYSCALL 124, sys_getsid
SYSCALL 127, sys_rt_sigpending
SYSCALL 128, sys_rt_sigtimedwait
SYSCALL 129, sys_rt_sigqueueinfo
SYSCALL 130, sys_rt_sigsuspend
SYSCALL 131, sys_sigaltstack
SYSCALL 140, sys_getpriority
SYSCALL 141, sys_setpriority
SYSCALL 143, sys_sched_getparam
SYSCALL 145, sys_sched_getscheduler
SYSCALL 146, sys_sched_get_priority_max
SYSCALL 147, sys_sched_get_priority_min
SYSCALL 157, sys_prctl
SYSCALL 158, sys_arch_prctl
SYSCALL 160, sys_setrlimit
SYSCALL 162, sys_sync
SYSCALL 186, sys_gettid
SYSCALL 200, sys_tkill
SYSCALL 201, sys_time
SYSCALL 202, sys_futex
SYSCALL 203, sys_sched_setaffinity
SYSCALL 204, sys_sched_getaffinity
SYSCALL 213, sys_epoll_create
SYSCALL 217, sys_getdents64
SYSCALL 218, sys_set_tid_address
SYSCALL 219, sys_restart_syscall
SYSCALL 228, sys_clock_gettime
SYSCALL 229, sys_clock_getres
SYSCALL 230, sys_clock_nanosleep
SYSCALL 231, sys_exit_group
SYSCALL 232, sys_epoll_wait
SYSCALL 233, sys_epoll_ctl
SYSCALL 234, sys_tgkill
SYSCALL 247, sys_waitid
SYSCALL 257, sys_openat
SYSCALL 258, sys_mkdirat
SYSCALL 260, sys_fchownat
SYSCALL 262, sys_newfstatat
SYSCALL 263, sys_unlinkat
SYSCALL 264, sys_renameat
SYSCALL 265, sys_linkat
SYSCALL 266, sys_symlinkat
SYSCALL 267, sys_readlinkat
SYSCALL 268, sys_fchmodat
SYSCALL 269, sys_faccessat
SYSCALL 270, sys_pselect6
SYSCALL 271, sys_ppoll
SYSCALL 273, sys_set_robust_list
SYSCALL 274, sys_get_robust_list
SYSCALL 280, sys_utimensat
SYSCALL 281, sys_epoll_pwait
SYSCALL 282, sys_signalfd
SYSCALL 289, sys_signalfd4
SYSCALL 291, sys_epoll_create1
SYSCALL 292, sys_dup3
SYSCALL 293, sys_pipe2
SYSCALL 295, sys_preadv
SYSCALL 296, sys_pwritev
SYSCALL 297, sys_rt_tgsigqueueinfo
SYSCALL 302, sys_prlimit64
SYSCALL 306, sys_syncfs
SYSCALL 309, sys_getcpu
SYSCALL 316, sys_renameat2
SYSCALL 318, sys_getrandom
SYSCALL 322, sys_execveat
SYSCALL 332, sys_statx
SYSCALL 334, sys_rseq
SYSCALL 435, sys_clone3
SYSCALL 436, sys_close_range
SYSCALL 439, sys_faccessat2
    .org syscall_table + NR_SYSCALLS * 8

.section .rodata
msg_syscalls:      .asciz "jvmm-kernel: syscalls "
msg_unimplemented: .asciz ", unimplemented "
msg_times:         .asciz " (x"
msg_first_separator: .asciz ": "
msg_by_number:     .asciz " ("
msg_separator:     .asciz ", "
msg_out_of_range:  .asciz ">=512"

.section .bss
.p2align 3
.globl syscall_counts, syscalls_total, syscalls_out_of_range
syscall_counts: .skip NR_SYSCALLS * 4
syscalls_total: .skip 8
syscalls_out_of_range: .skip 8
