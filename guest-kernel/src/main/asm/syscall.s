# The system-call dispatcher, the table, and the error returns the handlers share.
#
# Numbers and semantics are Linux's (arch/x86/entry/syscalls/syscall_64.tbl); each subsystem's
# file serves its calls (fs.s, poll.s, futex.s, mman.s, signal.s, process.s, time.s). Where the
# kernel has no such object, a call fails with the errno Linux gives for a missing one. Calls
# without a handler return -ENOSYS and are counted, and the exit report names them
# (syscall_names.s).

.include "defs.inc"
.include "task.inc"

.text
# syscall_call(%rax = number, %rdi, %rsi, %rdx, %r10, %r8, %r9 = its arguments) -> %rax: the
# result. SYSCALL and INT 0x80 call it straight after saving the frame, their arguments still in
# the registers the user set: counted, then a tail jump into the handler, 5 instructions. The
# table has a handler for every number below NR_SYSCALLS (sys_ni_syscall where the kernel has
# none), and the kernel lives in the top 2 GiB, so the table and the counts take absolute
# 32-bit addresses with an index.
.globl syscall_call
syscall_call:
    cmp $NR_SYSCALLS, %rax
    jae syscall_out_of_range
    incl syscall_counts(,%rax,4)
    mov %r10, %rcx                      # the C calling convention's argument 4
    jmp *syscall_table(,%rax,8)

# syscall_out_of_range(%rax = number at or above NR_SYSCALLS) -> %rax: -ENOSYS, counted; or, while
# the boot probe runs, its reply to its own number, which asks only how the call arrived
syscall_out_of_range:
    cmp $NR_JVMM_PROBE, %rax
    jne 1f
    cmpb $0, probe_active(%rip)
    je 1f
    mov current_task(%rip), %rax
    mov T_FRAME(%rax), %rax
    mov F_KIND(%rax), %rax
    mov %rax, probe_arrival(%rip)
    mov $PROBE_REPLY, %eax
    ret
1:  incq syscalls_out_of_range(%rip)
    mov $-ENOSYS, %rax
    ret

# sys_ni_syscall() -> -ENOSYS: the numbers Linux has and this kernel does not (the exit report
# names those that were called)
sys_ni_syscall:
    mov $-ENOSYS, %rax
    ret

# syscall_from_frame(%rdi = frame): the call the frame holds, its arguments and number from the
# frame (the paths served from faults, whose registers the fault handling has used); the
# result into the frame's RAX. The number is kept in the error code's slot too, for restarts
# (the native entries push it there).
.globl syscall_from_frame
syscall_from_frame:
    mov F_RDX(%rdi), %rdx
frame_call:                             # (%rdi = frame, %rdx = argument 3)
    push %rbx
    mov %rdi, %rbx
    mov F_RAX(%rbx), %rax
    mov %rax, F_ORIG_RAX(%rbx)
    mov F_RSI(%rbx), %rsi
    mov F_R10(%rbx), %r10
    mov F_R8(%rbx), %r8
    mov F_R9(%rbx), %r9
    mov F_RDI(%rbx), %rdi
    call syscall_call
    mov %rax, F_RAX(%rbx)
    pop %rbx
    ret

# sysenter_from_frame(%rdi = frame): as syscall_from_frame for SYSENTER, natively or from #UD:
# argument 3 waits on the user's stack (F_RCX; the gate pushed RDX), -EFAULT if it cannot be read
.globl sysenter_from_frame
sysenter_from_frame:
    push %rdi
    mov F_RCX(%rdi), %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    mov F_RCX(%rdi), %rdx
    mov (%rdx), %rdx
    jmp frame_call
1:  mov %rax, F_RAX(%rdi)
    ret

# ---- The exit report ----------------------------------------------------------------------
# report_syscalls(): "jvmm-kernel: syscalls N (nr xcount, ...), unimplemented M[: nr name (xcount), ...]",
# where the numbers at or above NR_SYSCALLS count together as ">=512", and a number Linux does
# not assign has no name.
.globl report_syscalls
report_syscalls:
    PUSH_REGS rbx, r13, r14
    lea msg_syscalls(%rip), %rdi
    call serial_puts
    mov syscalls_out_of_range(%rip), %rdi   # every call was counted once, by number or out of range
    xor %ebx, %ebx
    lea syscall_counts(%rip), %rax
9:  mov (%rax,%rbx,4), %ecx
    add %rcx, %rdi
    inc %ebx
    cmp $NR_SYSCALLS, %ebx
    jb 9b
    call serial_put_dec
    lea msg_by_number(%rip), %r14       # the calls that have a handler, by number
    xor %ebx, %ebx
6:  lea syscall_table(%rip), %rax
    lea sys_ni_syscall(%rip), %rcx
    cmp %rcx, (%rax,%rbx,8)
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
    POP_REGS rbx, r13, r14
    ret

# unimplemented_count(%ebx = number) -> %rax: calls made to it if it has no handler, else 0
unimplemented_count:
    xor %eax, %eax
    lea syscall_table(%rip), %rcx
    lea sys_ni_syscall(%rip), %rdx
    cmp %rdx, (%rcx,%rbx,8)
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
# One line per call, in ascending order; the gaps are filled with sys_ni_syscall.
.set syscall_next, 0
.macro SYSCALL_GAP_TO nr
    .if \nr < syscall_next
    .error "syscall table: numbers out of order"
    .endif
    .rept \nr - syscall_next
    .quad sys_ni_syscall
    .endr
.endm
.macro SYSCALL nr, handler
    SYSCALL_GAP_TO \nr
    .quad \handler
    .set syscall_next, \nr + 1
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
SYSCALL 137, sys_statfs
SYSCALL 138, sys_fstatfs
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
SYSCALL_GAP_TO NR_SYSCALLS

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
.globl syscall_counts, syscalls_out_of_range
syscall_counts: .skip NR_SYSCALLS * 4
syscalls_out_of_range: .skip 8
