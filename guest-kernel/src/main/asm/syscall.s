# The system-call dispatcher and the Linux x86-64 system calls jvmm's kernel serves.
#
# Numbers and semantics are Linux's (arch/x86/entry/syscalls/syscall_64.tbl). Where the kernel
# has no such object (files, terminals, signal delivery), a call fails with the errno Linux
# gives for a missing one. File descriptors 0, 1 and 2 are the console (COM1): reads see end
# of file, writes go to the serial port. Calls without a handler return -ENOSYS and are counted.

.include "defs.inc"

.equ PROT_READ, 1
.equ PROT_WRITE, 2
.equ PROT_EXEC, 4
.equ MAP_SHARED, 0x01
.equ MAP_PRIVATE, 0x02
.equ MAP_FIXED, 0x10
.equ MAP_ANONYMOUS, 0x20
.equ MAP_FIXED_NOREPLACE, 0x100000
.equ AT_EMPTY_PATH, 0x1000
.equ STAT_SIZE, 144
.equ UTSNAME_FIELD, 65
.equ PATH_MAX, 4096
.equ BRK_MAX, 0x40000000                # 1 GiB of heap at most
.equ NSEC_PER_SEC, 1000000000

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

# ---- Console file descriptors --------------------------------------------------------------
# console_fd(%rdi = fd) -> ZF clear if fd is an open console descriptor
console_fd:
    cmp $2, %rdi
    ja 1f
    mov %edi, %ecx
    mov $1, %eax
    shl %cl, %eax
    test open_console_fds(%rip), %al
    ret
1:  xor %eax, %eax                      # sets ZF
    ret

# read(fd, buf, count): the console has no input: end of file. As Linux, only the range's bounds
# are checked when nothing is copied.
sys_read:
    push %rsi
    push %rdx
    call console_fd
    pop %rdx
    pop %rsi
    jz ebadf
    add %rdx, %rsi
    jc 1f
    movabs $USER_TOP, %rax
    cmp %rax, %rsi
    ja 1f
    xor %eax, %eax
    ret
1:  mov $-EFAULT, %rax
    ret

sys_write:
    push %rsi
    push %rdx
    call console_fd
    pop %rdx
    pop %rsi
    jz ebadf
    push %rbx
    push %r12
    mov %rsi, %rbx
    mov %rdx, %r12
    mov %rsi, %rdi
    mov %rdx, %rsi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov %r12, %rsi
    call serial_write
    mov %r12, %rax
1:  pop %r12
    pop %rbx
    ret

# writev(fd, iov, iovcnt): all vectors are checked before any byte is written.
sys_writev:
    push %rsi
    push %rdx
    call console_fd
    pop %rdx
    pop %rsi
    jz ebadf
    cmp $1024, %rdx                     # UIO_MAXIOV; also rejects negative counts
    ja einval
    push %rbx
    push %r12
    push %r13
    mov %rsi, %rbx                      # iov
    mov %rdx, %r12                      # iovcnt
    mov %rsi, %rdi
    mov %rdx, %rsi
    shl $4, %rsi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 5f
    xor %r13d, %r13d                    # total
    xor %ecx, %ecx
1:  cmp %r12, %rcx
    je 2f
    mov %rcx, %rax
    shl $4, %rax
    mov (%rbx,%rax), %rdi
    mov 8(%rbx,%rax), %rsi
    add %rsi, %r13
    js 4f                               # the total must fit in ssize_t
    push %rcx
    xor %edx, %edx
    call user_range_ok
    pop %rcx
    test %rax, %rax
    jnz 5f
    inc %rcx
    jmp 1b
2:  xor %ecx, %ecx
3:  cmp %r12, %rcx
    je 6f
    mov %rcx, %rax
    shl $4, %rax
    mov (%rbx,%rax), %rdi
    mov 8(%rbx,%rax), %rsi
    push %rcx
    call serial_write
    pop %rcx
    inc %rcx
    jmp 3b
4:  mov $-EINVAL, %rax
    jmp 5f
6:  mov %r13, %rax
5:  pop %r13
    pop %r12
    pop %rbx
    ret

sys_close:
    call console_fd
    jz ebadf
    mov %edi, %ecx
    mov $1, %eax
    shl %cl, %eax
    not %eax
    and %al, open_console_fds(%rip)
    xor %eax, %eax
    ret

# fstat(fd, statbuf): the console is a character device, as a serial tty is (major 4).
sys_fstat:
    push %rsi
    call console_fd
    pop %rsi
    jz ebadf
    push %rbx
    mov %rsi, %rbx
    mov %rsi, %rdi
    mov $STAT_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov $(STAT_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    movq $1, 16(%rbx)                   # st_nlink
    movl $0x2190, 24(%rbx)              # st_mode: S_IFCHR | 0620
    movq $0x440, 40(%rbx)               # st_rdev: makedev(4, 64), ttyS0
    movq $1024, 56(%rbx)                # st_blksize
    xor %eax, %eax
1:  pop %rbx
    ret

# newfstatat(dirfd, path, statbuf, flags): only AT_EMPTY_PATH on a console descriptor exists.
sys_newfstatat:
    push %rdi
    push %rdx
    push %rcx
    mov %rsi, %rdi
    mov $PATH_MAX, %esi
    call user_strnlen
    pop %rcx
    pop %rdx
    pop %rdi
    test %rax, %rax
    js 1f
    jnz enoent
    test $AT_EMPTY_PATH, %ecx
    jz enoent
    mov %rdx, %rsi
    jmp sys_fstat
1:  ret

sys_lseek:
    call console_fd
    jz ebadf
    mov $-ESPIPE, %rax
    ret

sys_ioctl:
    call console_fd
    jz ebadf
    mov $-ENOTTY, %rax
    ret

# Calls that name a path: the path is checked, then there is no file system to find it in.
# sys_path_at serves the *at calls, whose path is the second argument.
sys_path_at:
    mov %rsi, %rdi
sys_path:
    mov $PATH_MAX, %esi
    call user_strnlen
    test %rax, %rax
    js 1f
    mov $-ENOENT, %rax
1:  ret

sys_getcwd:
    cmp $2, %rsi
    jb erange
    push %rdi
    mov $2, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 1f
    movw $0x002f, (%rdi)                # "/"
    mov $2, %eax
1:  ret

# ---- Memory --------------------------------------------------------------------------------
# brk(addr): the heap starts at the page after the program's highest segment.
sys_brk:
    push %rbx
    push %r12
    mov brk_current(%rip), %rax
    cmp brk_start(%rip), %rdi
    jb 9f                               # brk(0) and brk below the start: report the break
    mov brk_start(%rip), %rdx
    add $BRK_MAX, %rdx
    cmp %rdx, %rdi
    ja 9f
    mov %rdi, %rbx                      # new break
    mov brk_current(%rip), %r12
    add $(PAGE_SIZE - 1), %r12
    and $~(PAGE_SIZE - 1), %r12         # first page not yet mapped
    mov %rbx, %rax
    add $(PAGE_SIZE - 1), %rax
    and $~(PAGE_SIZE - 1), %rax         # first page past the new break
    cmp %r12, %rax
    jb 5f
1:  cmp %rax, %r12                      # grow
    jae 8f
    push %rax
    mov $(PROT_READ | PROT_WRITE), %edi
    call user_pte_flags
    mov %rax, %rsi
    mov %r12, %rdi
    call map_new_page
    mov %rax, %rdx
    pop %rax
    test %rdx, %rdx
    jnz 7f
    add $PAGE_SIZE, %r12
    jmp 1b
5:  cmp %rax, %r12                      # shrink: unmap [new end, old end)
    jbe 8f
    sub $PAGE_SIZE, %r12
    push %rax
    mov %r12, %rdi
    call unmap_page
    pop %rax
    jmp 5b
7:  mov %r12, %rbx                      # out of memory: the break stops where mapping stopped
    mov brk_current(%rip), %rax
    cmp %rax, %rbx
    jb 9f
8:  mov %rbx, brk_current(%rip)
    mov %rbx, %rax
9:  pop %r12
    pop %rbx
    ret

# mmap(addr, length, prot, flags, fd, offset): anonymous memory only.
sys_mmap:
    push %rbx
    push %r12
    push %r13
    push %r14
    test $MAP_ANONYMOUS, %ecx
    jz 8f
    test %rsi, %rsi
    jz 6f
    mov %ecx, %eax
    and $(MAP_SHARED | MAP_PRIVATE), %eax
    jz 6f
    cmp $(MAP_SHARED | MAP_PRIVATE), %eax
    je 6f
    test $(PAGE_SIZE - 1), %r9d
    jnz 6f
    mov %rsi, %r12
    add $(PAGE_SIZE - 1), %r12
    jc 5f
    and $~(PAGE_SIZE - 1), %r12         # length in pages
    mov %edx, %r13d                     # prot
    test $(MAP_FIXED | MAP_FIXED_NOREPLACE), %ecx
    jz 2f
    test $(PAGE_SIZE - 1), %edi
    jnz 6f
    mov %rdi, %rbx
    mov %rdi, %rax
    add %r12, %rax
    jc 5f
    movabs $USER_TOP, %rdx
    cmp %rdx, %rax
    ja 5f
    cmp $0x10000, %rdi                  # mmap_min_addr
    jb 4f
    test $MAP_FIXED_NOREPLACE, %ecx
    jz 3f
    mov %rbx, %rdi
    mov %r12, %rsi
    call mapped_pages
    test %rax, %rax
    jz 3f
    mov $-EEXIST, %rax
    jmp 9f
2:  mov mmap_next(%rip), %rbx           # no fixed address: below the last mapping
    sub %r12, %rbx
    jc 5f
    mov brk_start(%rip), %rax
    add $BRK_MAX, %rax
    cmp %rax, %rbx
    jb 5f
    mov %rbx, mmap_next(%rip)
3:  mov %r13d, %edi
    call user_pte_flags
    mov %rax, %r14
    xor %ecx, %ecx
1:  cmp %r12, %rcx
    jae 7f
    push %rcx
    lea (%rbx,%rcx), %rdi
    call unmap_page                     # MAP_FIXED replaces what was there
    mov (%rsp), %rcx
    lea (%rbx,%rcx), %rdi
    mov %r14, %rsi
    call map_new_page
    pop %rcx
    test %rax, %rax
    jnz 5f
    add $PAGE_SIZE, %rcx
    jmp 1b
7:  mov %rbx, %rax
    jmp 9f
4:  mov $-EPERM, %rax
    jmp 9f
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
8:  mov %r8, %rdi                       # a file mapping: the descriptor cannot be mapped
    call console_fd
    mov $-EBADF, %rax
    jz 9f
    mov $-ENODEV, %rax
9:  pop %r14
    pop %r13
    pop %r12
    pop %rbx
    ret

# mapped_pages(%rdi = address, %rsi = length) -> %rax: how many of the range's pages are
# mapped or reserved (PROT_NONE)
mapped_pages:
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx
    lea (%rdi,%rsi), %r12
    xor %r13d, %r13d
1:  cmp %r12, %rbx
    jae 3f
    mov %rbx, %rdi
    xor %esi, %esi
    call pte_walk
    test %rax, %rax
    jz 2f
    testq $(PTE_P | PTE_RESERVED), (%rax)
    jz 2f
    inc %r13
2:  add $PAGE_SIZE, %rbx
    jmp 1b
3:  mov %r13, %rax
    pop %r13
    pop %r12
    pop %rbx
    ret

# page_range(%rdi = address, %rsi = length) -> %rax: end (page-aligned), or -EINVAL / -ENOMEM
# for an unaligned start or a range outside user memory.
page_range:
    test $(PAGE_SIZE - 1), %edi
    jnz 1f
    lea (PAGE_SIZE - 1)(%rsi), %rax
    and $~(PAGE_SIZE - 1), %rax
    add %rdi, %rax
    jc 2f
    movabs $USER_TOP, %rdx
    cmp %rdx, %rax
    ja 2f
    ret
1:  mov $-EINVAL, %rax
    ret
2:  mov $-ENOMEM, %rax
    ret

sys_munmap:
    push %rbx
    push %r12
    mov %rdi, %rbx
    test %rsi, %rsi
    jz 3f
    call page_range
    test %rax, %rax
    js 2f
    mov %rax, %r12
1:  cmp %r12, %rbx
    jae 4f
    mov %rbx, %rdi
    call unmap_page
    add $PAGE_SIZE, %rbx
    jmp 1b
3:  mov $-EINVAL, %rax
    jmp 2f
4:  xor %eax, %eax
2:  pop %r12
    pop %rbx
    ret

# mprotect(addr, len, prot): every page must be mapped (or reserved by PROT_NONE).
sys_mprotect:
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx
    test $~(PROT_READ | PROT_WRITE | PROT_EXEC), %edx
    jnz 6f
    mov %edx, %r13d
    call page_range
    test %rax, %rax
    js 9f
    mov %rax, %r12
    mov %rbx, %rdi                      # all pages first: Linux fails without changing any
    mov %r12, %rsi
    sub %rbx, %rsi
    push %rsi
    call mapped_pages
    pop %rsi
    shr $12, %rsi
    cmp %rsi, %rax
    jne 5f
    mov %r13d, %edi
    call user_pte_flags
    mov %rax, %r13                      # new flags
1:  cmp %r12, %rbx
    jae 8f
    mov %rbx, %rdi
    xor %esi, %esi
    call pte_walk
    mov (%rax), %rdx
    movabs $PTE_ADDR_MASK, %rcx
    and %rcx, %rdx                      # the frame (0 for a reserved page)
    test $PTE_P, %r13b
    jz 3f
    test %rdx, %rdx
    jnz 3f
    mov %rbx, %rdi                      # a PROT_NONE page made accessible: give it a frame
    mov %r13, %rsi
    call map_new_page
    test %rax, %rax
    jnz 7f
    jmp 4f
3:  or %r13, %rdx
    mov %rdx, (%rax)
    invlpg (%rbx)
4:  add $PAGE_SIZE, %rbx
    jmp 1b
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  mov $-ENOMEM, %rax
    jmp 9f
8:  xor %eax, %eax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

# ---- Signals: handlers and the mask are kept, as Linux keeps them; jvmm delivers no signal
# (a fault ends the process), so they are never called.
sys_rt_sigaction:
    cmp $8, %rcx
    jne einval
    lea -1(%rdi), %rax
    cmp $63, %rax
    ja einval
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx                      # signal
    mov %rsi, %r12                      # act
    mov %rdx, %r13                      # oact
    test %r12, %r12
    jz 1f
    cmp $9, %rbx                        # SIGKILL and SIGSTOP cannot be caught
    je 6f
    cmp $19, %rbx
    je 6f
    mov %r12, %rdi
    mov $32, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r13, %r13
    jz 2f
    mov %r13, %rdi
    mov $32, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r13, %rdi                      # old action out
    lea sigactions - 32(%rip), %rsi
    mov %rbx, %rax
    shl $5, %rax
    add %rax, %rsi
    mov $32, %edx
    call memcpy
2:  test %r12, %r12
    jz 3f
    lea sigactions - 32(%rip), %rdi     # new action in
    mov %rbx, %rax
    shl $5, %rax
    add %rax, %rdi
    mov %r12, %rsi
    mov $32, %edx
    call memcpy
3:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

sys_rt_sigprocmask:
    cmp $8, %rcx
    jne einval
    push %rbx
    push %r12
    push %r13
    mov %edi, %ebx                      # how
    mov %rsi, %r12                      # set
    mov %rdx, %r13                      # oset
    test %r12, %r12
    jz 1f
    cmp $2, %ebx
    ja 6f
    mov %r12, %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r13, %r13
    jz 2f
    mov %r13, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov signal_mask(%rip), %rax
    mov %rax, (%r13)
2:  test %r12, %r12
    jz 8f
    mov (%r12), %rax
    mov signal_mask(%rip), %rdx
    cmp $1, %ebx
    je 4f
    jb 3f
    mov %rax, %rdx                      # SIG_SETMASK
    jmp 5f
3:  or %rax, %rdx                       # SIG_BLOCK
    jmp 5f
4:  not %rax                            # SIG_UNBLOCK
    and %rax, %rdx
5:  and $~((1 << 8) | (1 << 18)), %rdx  # SIGKILL and SIGSTOP stay unblocked
    mov %rdx, signal_mask(%rip)
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

# ---- Process identity and limits ------------------------------------------------------------
sys_getpid:
sys_gettid:
    mov $1, %eax
    ret

sys_getppid:
sys_getuid:
sys_geteuid:
sys_getgid:
sys_getegid:
sys_sched_yield:
    xor %eax, %eax
    ret

sys_set_tid_address:
    mov %rdi, clear_child_tid(%rip)
    mov $1, %eax
    ret

sys_set_robust_list:
    cmp $24, %rsi                       # sizeof(struct robust_list_head)
    jne einval
    xor %eax, %eax
    ret

# rseq(rseq, len, flags, sig): one CPU, never preempted: cpu_id is 0 from registration on.
sys_rseq:
    cmp $1, %rdx                        # RSEQ_FLAG_UNREGISTER
    je 5f
    test %rdx, %rdx
    jnz einval
    cmpq $0, rseq_area(%rip)
    jne 4f
    cmp $32, %rsi
    jb einval
    test $31, %edi
    jnz einval
    push %rdi
    push %rcx
    mov $1, %edx
    call user_range_ok
    pop %rcx
    pop %rdi
    test %rax, %rax
    jnz 9f
    movq $0, (%rdi)                     # cpu_id_start, cpu_id
    mov %rdi, rseq_area(%rip)
    mov %ecx, rseq_signature(%rip)
    xor %eax, %eax
    ret
4:  cmp rseq_area(%rip), %rdi
    jne einval
    mov $-EBUSY, %rax
    ret
5:  cmp rseq_area(%rip), %rdi
    jne einval
    cmpq $0, rseq_area(%rip)
    je einval
    movq $0, rseq_area(%rip)
    xor %eax, %eax
9:  ret

# prlimit64(pid, resource, new, old)
sys_prlimit64:
    test %rdi, %rdi
    jz 1f
    cmp $1, %rdi
    jne esrch
1:  cmp $15, %rsi                       # RLIM_NLIMITS - 1
    ja einval
    push %rbx
    push %r12
    push %r13
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
9:  pop %r13
    pop %r12
    pop %rbx
    ret

sys_getrlimit:
    mov %rsi, %rcx
    mov %rdi, %rsi
    xor %edi, %edi
    xor %edx, %edx
    jmp sys_prlimit64

sys_getrandom:
    test $~7, %edx                      # GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
    jnz einval
    mov $0x1ffffff, %eax                # at most 32 MiB - 1 per call, as Linux
    cmp %rax, %rsi
    cmova %rax, %rsi
    push %rbx
    push %r12
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
1:  pop %r12
    pop %rbx
    ret

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
    lea process_name(%rip), %rdi
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
    lea process_name(%rip), %rsi
    mov $16, %edx
    call memcpy
    xor %eax, %eax
9:  ret

# arch_prctl(code, addr): the FS and GS bases (the kernel never uses them itself).
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
    jmp 5f
2:  mov $MSR_GS_BASE, %ecx
5:  movabs $USER_TOP, %rax              # Linux: -EPERM for a base outside user memory
    cmp %rax, %rsi
    jae eperm
    mov %rsi, %rax
    call wrmsr_rax
    xor %eax, %eax
    ret
3:  mov $MSR_FS_BASE, %ecx
    jmp 6f
4:  mov $MSR_GS_BASE, %ecx
6:  push %rsi
    push %rcx
    mov %rsi, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    pop %rcx
    pop %rdi
    test %rax, %rax
    jnz 7f
    rdmsr
    mov %eax, (%rdi)
    mov %edx, 4(%rdi)
    xor %eax, %eax
7:  ret

sys_exit:
sys_exit_group:
    movzbl %dil, %edi
    jmp process_exit

# ---- Time -------------------------------------------------------------------------------------
# clock_ns(%edi = clock id) -> %rax: the clock in ns, or -EINVAL for a clock Linux lacks.
clock_ns:
    cmp $0, %edi                        # CLOCK_REALTIME
    je 1f
    cmp $5, %edi                        # CLOCK_REALTIME_COARSE
    je 1f
    cmp $11, %edi                       # CLOCK_TAI (the TAI offset is 0 until set, as in Linux)
    je 1f
    cmp $7, %edi                        # MONOTONIC, PROCESS/THREAD_CPUTIME, MONOTONIC_RAW,
    ja 2f                               # MONOTONIC_COARSE, BOOTTIME: one clock since boot
    jmp clock_monotonic_ns
1:  jmp clock_realtime_ns
2:  mov $-EINVAL, %rax
    ret

# store_timespec(%rdi = user pointer, %rax = ns, %ecx = divisor for the fraction: 1 or 1000)
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

sys_clock_gettime:
    push %rbx
    push %r12
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
1:  pop %r12
    pop %rbx
    ret

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

sys_gettimeofday:
    push %rbx
    push %r12
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
9:  pop %r12
    pop %rbx
    ret

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

# clock_nanosleep(clock, flags, req, rem): jvmm gives the guest no timer interrupt yet, so the
# kernel waits on the clock with PAUSE; the wait ends once the time has passed, however slowly
# each step is emulated. TIMER_ABSTIME (flags bit 0) makes req a time on that clock.
sys_clock_nanosleep:
    push %rbx
    push %r12
    push %r13
    push %r14
    mov %edi, %r13d                     # clock
    mov %esi, %r14d                     # flags
    mov %rdx, %rbx                      # req
    call clock_ns
    test %rax, %rax
    js 9f
    mov %rax, %r12                      # now
    mov %rbx, %rdi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov 8(%rbx), %rax                   # tv_nsec in [0, 1e9), tv_sec >= 0
    cmp $NSEC_PER_SEC, %rax
    jae 6f
    mov (%rbx), %rax
    test %rax, %rax
    js 6f
    mov $NSEC_PER_SEC, %ecx
    mul %rcx
    jc 6f
    add 8(%rbx), %rax
    test $1, %r14d
    jnz 1f
    add %rax, %r12                      # relative: the deadline is now + req
    mov %r12, %rax
1:  mov %rax, %r12                      # deadline on this clock
2:  mov %r13d, %edi
    call clock_ns
    cmp %r12, %rax
    jae 8f
    pause
    jmp 2b
6:  mov $-EINVAL, %rax
    jmp 9f
8:  xor %eax, %eax
9:  pop %r14
    pop %r13
    pop %r12
    pop %rbx
    ret

sys_nanosleep:
    mov %rdi, %rdx
    mov $1, %edi                        # CLOCK_MONOTONIC, relative
    xor %esi, %esi
    jmp sys_clock_nanosleep

# ---- Shared error returns ----------------------------------------------------------------------
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

# ---- The table ---------------------------------------------------------------------------------
.section .rodata
.p2align 3
.globl syscall_table
syscall_table:
    .set nr, 0
    .irp handler, sys_read, sys_write, sys_path, sys_close, sys_path, sys_fstat, sys_path, 0, sys_lseek, sys_mmap, sys_mprotect, sys_munmap, sys_brk, sys_rt_sigaction, sys_rt_sigprocmask, 0, sys_ioctl, 0, 0, 0, sys_writev, sys_path
    .quad \handler
    .set nr, nr + 1
    .endr
    .fill 24 - nr, 8, 0                 # 22, 23
    .quad sys_sched_yield               # 24
    .fill 35 - 25, 8, 0
    .quad sys_nanosleep                 # 35
    .fill 39 - 36, 8, 0
    .quad sys_getpid                    # 39
    .fill 60 - 40, 8, 0
    .quad sys_exit                      # 60
    .fill 63 - 61, 8, 0
    .quad sys_uname                     # 63
    .fill 79 - 64, 8, 0
    .quad sys_getcwd                    # 79
    .fill 89 - 80, 8, 0
    .quad sys_path                      # 89 readlink
    .fill 96 - 90, 8, 0
    .quad sys_gettimeofday              # 96
    .quad sys_getrlimit                 # 97
    .fill 102 - 98, 8, 0
    .quad sys_getuid                    # 102
    .quad 0                             # 103
    .quad sys_getgid                    # 104
    .quad 0, 0                          # 105, 106
    .quad sys_geteuid                   # 107
    .quad sys_getegid                   # 108
    .quad 0                             # 109
    .quad sys_getppid                   # 110
    .fill 157 - 111, 8, 0
    .quad sys_prctl                     # 157
    .quad sys_arch_prctl                # 158
    .fill 186 - 159, 8, 0
    .quad sys_gettid                    # 186
    .fill 201 - 187, 8, 0
    .quad sys_time                      # 201
    .fill 218 - 202, 8, 0
    .quad sys_set_tid_address           # 218
    .fill 228 - 219, 8, 0
    .quad sys_clock_gettime             # 228
    .quad sys_clock_getres              # 229
    .quad sys_clock_nanosleep           # 230
    .quad sys_exit_group                # 231
    .fill 257 - 232, 8, 0
    .quad sys_path_at                   # 257 openat
    .fill 262 - 258, 8, 0
    .quad sys_newfstatat                # 262
    .fill 269 - 263, 8, 0
    .quad sys_path_at                   # 269 faccessat
    .fill 273 - 270, 8, 0
    .quad sys_set_robust_list           # 273
    .fill 302 - 274, 8, 0
    .quad sys_prlimit64                 # 302
    .fill 318 - 303, 8, 0
    .quad sys_getrandom                 # 318
    .fill 334 - 319, 8, 0
    .quad sys_rseq                      # 334
    .fill NR_SYSCALLS - 335, 8, 0
syscall_table_end:

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

.section .data
.p2align 3
# {rlim_cur, rlim_max} per resource; RLIM_INFINITY is all ones.
rlimits:
    .quad -1, -1                        # RLIMIT_CPU
    .quad -1, -1                        # RLIMIT_FSIZE
    .quad -1, -1                        # RLIMIT_DATA
    .quad USER_STACK_MAX, -1            # RLIMIT_STACK
    .quad 0, -1                         # RLIMIT_CORE
    .quad -1, -1                        # RLIMIT_RSS
    .quad 1, 1                          # RLIMIT_NPROC
    .quad 1024, 4096                    # RLIMIT_NOFILE
    .quad 0x800000, 0x800000            # RLIMIT_MEMLOCK
    .quad -1, -1                        # RLIMIT_AS
    .quad -1, -1                        # RLIMIT_LOCKS
    .quad 0, 0                          # RLIMIT_SIGPENDING
    .quad 0xc8000, 0xc8000              # RLIMIT_MSGQUEUE
    .quad 0, 0                          # RLIMIT_NICE
    .quad 0, 0                          # RLIMIT_RTPRIO
    .quad -1, -1                        # RLIMIT_RTTIME
.globl mmap_next
mmap_next: .quad USER_MMAP_TOP
open_console_fds: .byte 7

.section .bss
.p2align 3
.globl syscall_counts, syscalls_total, syscalls_out_of_range, brk_start, brk_current
syscall_counts: .skip NR_SYSCALLS * 4
syscalls_total: .skip 8
syscalls_out_of_range: .skip 8
brk_start: .skip 8
brk_current: .skip 8
sigactions: .skip 64 * 32
signal_mask: .skip 8
clear_child_tid: .skip 8
rseq_area: .skip 8
rseq_signature: .skip 4
process_name: .skip 16
