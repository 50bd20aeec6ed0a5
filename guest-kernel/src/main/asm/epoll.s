# epoll (docs/kernel.md, "Pipes and epoll"). An epoll instance is an open file whose
# FILE_PRIVATE is a frame holding its interest list: up to EP_MAX entries of {fd, events, data}.
# epoll_wait scans the list through each file's poll operation (level-triggered: EPOLLET is
# accepted and reported as level; EPOLLONESHOT disarms an entry once reported) and, when nothing
# is ready, waits on the I/O wait queue (pipe.s) until a file changes, the timeout or a signal.
# An entry names a descriptor: once that is closed (or names another file) it reports nothing.

.include "defs.inc"
.include "task.inc"
.include "file.inc"

.equ EP_COUNT,    0                     # entries in use
.equ EP_ENTRIES,  16
.equ EP_ENTRY,    24                    # {u32 fd, u32 events, u64 data, u64 file}
.equ EP_FD,       0
.equ EP_EVENTS,   4
.equ EP_DATA,     8
.equ EP_FILE,     16
.equ EP_MAX,      (PAGE_SIZE - EP_ENTRIES - FILE_SIZE) / EP_ENTRY
.equ EP_OWN_FILE, PAGE_SIZE - FILE_SIZE # the instance's struct file, at the frame's end
.equ EPOLL_CTL_ADD, 1
.equ EPOLL_CTL_DEL, 2
.equ EPOLL_CTL_MOD, 3
.equ EPOLLEXCLUSIVE, 1 << 28
.equ EPOLLONESHOT, 1 << 30
.equ EPOLL_EVENT_SIZE, 12               # packed on x86-64: u32 events, u64 data
.equ EP_MAX_EVENTS, 0x7fffffff / EPOLL_EVENT_SIZE

.text
# epoll_create(size): size > 0; epoll_create1(flags): EPOLL_CLOEXEC (= O_CLOEXEC) only
.globl sys_epoll_create
sys_epoll_create:
    test %edi, %edi
    jle einval
    xor %edi, %edi
.globl sys_epoll_create1
sys_epoll_create1:
    test $~O_CLOEXEC, %edi
    jnz einval
    PUSH_REGS rbx, r12
    mov %edi, %r12d
    call frame_alloc
    test %rax, %rax
    jz 8f
    movabs $DIRECT_MAP_BASE, %rbx
    add %rax, %rbx
    lea epoll_ops(%rip), %rax
    mov %rax, EP_OWN_FILE + FILE_OPS(%rbx)
    movl $(O_RDWR | O_LARGEFILE), EP_OWN_FILE + FILE_FLAGS(%rbx)
    movl $1, EP_OWN_FILE + FILE_REFS(%rbx)
    mov %rbx, EP_OWN_FILE + FILE_PRIVATE(%rbx)
    xor %edi, %edi
    call fd_alloc
    test %rax, %rax
    js 7f
    push %rax
    mov %rax, %rdi
    lea EP_OWN_FILE(%rbx), %rsi
    xor %edx, %edx
    test $O_CLOEXEC, %r12d
    setnz %dl
    call fd_install
    pop %rax
    jmp 9f
7:  push %rax
    mov %rbx, %rdi
    call epoll_free
    pop %rax
    jmp 9f
8:  mov $-ENFILE, %rax
9:  POP_REGS rbx, r12
    ret

epoll_release:
    mov FILE_PRIVATE(%rdi), %rdi
epoll_free:
    movabs $DIRECT_MAP_BASE, %rax
    sub %rax, %rdi
    jmp frame_free

# epoll_file(%edi = fd) -> %rax: the instance (its frame, a kernel address), or -EBADF / -EINVAL
# (not epoll)
epoll_file:
    call fd_file
    test %rax, %rax
    jz ebadf
    lea epoll_ops(%rip), %rcx
    cmp %rcx, FILE_OPS(%rax)
    jne einval
    mov FILE_PRIVATE(%rax), %rax
    ret

# epoll_ctl(epfd, op, fd, event): Linux's order of checks (do_epoll_ctl)
.globl sys_epoll_ctl
sys_epoll_ctl:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %edi, %r12d                     # epfd
    mov %esi, %r13d                     # op
    mov %edx, %r14d                     # fd
    mov %rcx, %r15                      # event
    cmp $EPOLL_CTL_DEL, %r13d
    je 1f
    mov %r15, %rdi
    mov $EPOLL_EVENT_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  mov %r12d, %edi
    call fd_file
    mov $-EBADF, %rdx
    test %rax, %rax
    jz 8f
    mov %r14d, %edi
    call fd_file
    test %rax, %rax
    jz 8f
    mov %rax, %rbx                      # the target file
    mov $-EINVAL, %rdx
    cmp %r12d, %r14d                    # not itself
    je 8f
    mov %r12d, %edi
    call epoll_file
    mov %rax, %rdx
    cmp $-4096, %rax                    # an errno, not the instance (a kernel address)
    ja 8f
    mov %rax, %r12                      # the instance
    lea EP_ENTRIES(%r12), %rdi          # find the fd's entry
    mov EP_COUNT(%r12), %ecx
2:  test %ecx, %ecx
    jz 3f
    cmp %r14d, EP_FD(%rdi)
    je 4f
    add $EP_ENTRY, %rdi
    dec %ecx
    jmp 2b
3:  xor %edi, %edi                      # not there
4:  cmp $EPOLL_CTL_ADD, %r13d
    je 5f
    cmp $EPOLL_CTL_DEL, %r13d
    je 6f
    mov $-EINVAL, %rdx
    cmp $EPOLL_CTL_MOD, %r13d
    jne 8f
    mov $-ENOENT, %rdx                  # MOD
    test %rdi, %rdi
    jz 8f
    mov (%r15), %eax
    mov %eax, EP_EVENTS(%rdi)
    mov 4(%r15), %rax
    mov %rax, EP_DATA(%rdi)
    mov %rbx, EP_FILE(%rdi)
    jmp 7f
5:  mov $-EEXIST, %rdx                  # ADD
    test %rdi, %rdi
    jnz 8f
    mov $-ENOSPC, %rdx
    mov EP_COUNT(%r12), %eax
    cmp $EP_MAX, %eax
    jae 8f
    imul $EP_ENTRY, %eax, %eax
    lea EP_ENTRIES(%r12,%rax), %rdi
    incl EP_COUNT(%r12)
    mov %r14d, EP_FD(%rdi)
    mov (%r15), %eax
    mov %eax, EP_EVENTS(%rdi)
    mov 4(%r15), %rax
    mov %rax, EP_DATA(%rdi)
    mov %rbx, EP_FILE(%rdi)
    jmp 7f
6:  mov $-ENOENT, %rdx                  # DEL: the last entry takes its place
    test %rdi, %rdi
    jz 8f
    decl EP_COUNT(%r12)
    mov EP_COUNT(%r12), %eax
    imul $EP_ENTRY, %eax, %eax
    lea EP_ENTRIES(%r12,%rax), %rsi
    mov $EP_ENTRY, %edx
    call memcpy
7:  xor %edx, %edx
8:  mov %rdx, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# epoll_wait(epfd, events, maxevents, timeout ms)
.globl sys_epoll_wait
sys_epoll_wait:
    jmp epoll_wait_body

# epoll_pwait(epfd, events, maxevents, timeout ms, sigmask, sigsetsize): the mask holds during
# the wait (signal.s, sigmask_install)
.globl sys_epoll_pwait
sys_epoll_pwait:
    PUSH_REGS rdi, rsi, rdx, rcx
    mov %r8, %rdi
    mov %r9, %rsi
    call sigmask_install
    POP_REGS rdi, rsi, rdx, rcx
    test %rax, %rax
    jnz 2f
    call epoll_wait_body
    jmp sigmask_restore
2:  ret

# epoll_wait_body(epfd, events, maxevents, timeout ms)
epoll_wait_body:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rsi, %r13                      # events
    mov %edx, %r14d                     # maxevents
    movslq %ecx, %rbp                   # timeout: < 0 for ever
    mov $-EINVAL, %rax
    test %r14d, %r14d
    jle 9f
    cmp $EP_MAX_EVENTS, %r14d
    ja 9f
    push %rdi
    mov %r13, %rdi
    imul $EPOLL_EVENT_SIZE, %r14, %rsi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 9f
    call epoll_file
    cmp $-4096, %rax
    ja 9f
    mov %rax, %r12
    mov $NO_DEADLINE, %r15              # the deadline
    test %rbp, %rbp
    js 2f
    imul $1000000, %rbp, %rbp
    call clock_monotonic_ns
    lea (%rax,%rbp), %r15
2:  call epoll_scan
    test %rax, %rax
    jnz 9f
    test %rbp, %rbp                     # zero timeout: no wait
    jz 9f
    mov %r15, %rdi
    call io_wait
    cmp $-EINTR, %rax                   # Linux: EINTR whatever SA_RESTART says
    je 9f
    cmp $-ETIMEDOUT, %rax
    jne 2b
    call epoll_scan
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# epoll_scan(%r12 = instance, %r13 = user events, %r14d = maxevents) -> %rax: events written
epoll_scan:
    PUSH_REGS rbx, rbp, r15
    xor %ebp, %ebp                      # written
    lea EP_ENTRIES(%r12), %rbx
    mov EP_COUNT(%r12), %r15d
1:  test %r15d, %r15d
    jz 8f
    cmp %r14d, %ebp
    jae 8f
    mov EP_FD(%rbx), %edi               # the descriptor must still name the file
    call fd_file
    test %rax, %rax
    jz 4f
    cmp EP_FILE(%rbx), %rax
    jne 4f
    mov %rax, %rdi
    call file_poll
    mov EP_EVENTS(%rbx), %ecx
    or $(POLLERR | POLLHUP), %ecx
    and $0xffff, %ecx
    and %ecx, %eax
    jz 4f
    imul $EPOLL_EVENT_SIZE, %rbp, %rdx
    add %r13, %rdx
    mov %eax, (%rdx)
    mov EP_DATA(%rbx), %rax
    mov %rax, 4(%rdx)
    inc %ebp
    testl $EPOLLONESHOT, EP_EVENTS(%rbx)
    jz 4f
    andl $(EPOLLONESHOT | (1 << 31) | EPOLLEXCLUSIVE), EP_EVENTS(%rbx)  # disarmed until EPOLL_CTL_MOD
4:  add $EP_ENTRY, %rbx
    dec %r15d
    jmp 1b
8:  mov %rbp, %rax
    POP_REGS rbx, rbp, r15
    ret

# An anonymous inode, as Linux's.
# anon_inode_stat(%rdi = file, %rsi = zeroed struct stat) -> 0: a file with no file system node
# (epoll, signalfd), as Linux's anonymous inode
.globl anon_inode_stat
anon_inode_stat:
    movq $1, STAT_NLINK(%rsi)
    movl $0600, STAT_MODE(%rsi)         # an anonymous inode: no file type bits
    movq $PAGE_SIZE, STAT_BLKSIZE(%rsi)
    xor %eax, %eax
    ret

# An epoll file watched by poll, select or another epoll reports nothing ready (Linux reports
# readable when its ready list is not empty).
epoll_poll:
    xor %eax, %eax
    ret

.section .rodata
.p2align 3
epoll_ops:
    .quad 0, 0, epoll_poll, anon_inode_stat
    .quad 0, 0, epoll_release, 0
