# File locks (Linux's fs/locks.c), on the nodes of the file system: flock(2)'s whole-file locks
# of an open file, and fcntl's record locks, POSIX ones (owned by a process: released when it
# closes any descriptor of the file) and open file description ones (F_OFD_*: owned by the open
# file, released at its last close). A waiter sleeps on the I/O wait queue; every release and
# change wakes it to look again. docs/kernel.md, "File locks".

.include "defs.inc"
.include "file.inc"
.include "tmpfs.inc"
.include "task.inc"

.equ LOCK_SH, 1
.equ LOCK_EX, 2
.equ LOCK_NB, 4

.equ F_RDLCK, 0
.equ F_WRLCK, 1
.equ F_UNLCK, 2
.equ F_GETLK, 5
.equ F_SETLKW, 7
.equ F_OFD_GETLK, 36
.equ F_OFD_SETLK, 37
.equ F_OFD_SETLKW, 38
.equ EOVERFLOW, 75
.equ OFFSET_MAX, 0x7fffffffffffffff
.equ DEADLOCK_DEPTH, 10                 # Linux's MAX_DEADLK_ITERATIONS

# struct flock (the user's)
.equ FLOCK_TYPE, 0
.equ FLOCK_WHENCE, 2
.equ FLOCK_START, 8
.equ FLOCK_LEN, 16
.equ FLOCK_PID, 24
.equ FLOCK_SIZE, 32

# struct file_lock: a record lock, a file-system object on its node's N_LOCKS list
.equ FL_NEXT,  0
.equ FL_OWNER, 8            # the process (POSIX) or the open file (OFD)
.equ FL_TYPE,  16           # u32: F_RDLCK or F_WRLCK
.equ FL_OFD,   20           # u32: 1 for an open file description's lock
.equ FL_START, 24           # the bytes [start, end], end OFFSET_MAX for "to the end, ever"
.equ FL_END,   32

.text
# ---- flock ------------------------------------------------------------------------------------
# node_flock(%rdi = an open file of the file system, %esi = LOCK_SH or LOCK_EX, | LOCK_NB, or 0
# to unlock) -> %rax: 0, -EWOULDBLOCK (LOCK_NB, another open file holds a lock in the way), or
# -ERESTARTSYS (a signal while waiting). As Linux's flock_lock_inode: the lock belongs to the
# open file (shared by dup and fork), a shared one waits for no exclusive one, an exclusive one
# for no lock at all; a conversion drops the old lock first, so it is not atomic.
.globl node_flock
node_flock:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %esi, %r12d
    mov %esi, %eax
    and $~LOCK_NB, %eax
    cmp FILE_FLOCK(%rbx), %eax          # held already
    je 8f
    call flock_drop
    mov %r12d, %eax
    and $~LOCK_NB, %eax
    jz 8f
1:  mov FILE_PRIVATE(%rbx), %rdi
    cmpq $0, N_FLOCK_EX(%rdi)
    jne 3f
    test $LOCK_EX, %r12d
    jz 2f
    cmpl $0, N_FLOCK_SH(%rdi)
    jne 3f
    mov %rbx, N_FLOCK_EX(%rdi)
    movl $LOCK_EX, FILE_FLOCK(%rbx)
    jmp 8f
2:  incl N_FLOCK_SH(%rdi)
    movl $LOCK_SH, FILE_FLOCK(%rbx)
    jmp 8f
3:  mov $-EAGAIN, %rax                  # EWOULDBLOCK
    test $LOCK_NB, %r12d
    jnz 9f
    call io_wait_interruptible
    test %rax, %rax
    jz 1b
    jmp 9f
8:  xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# flock_drop(%rdi = open file): the flock it holds, if any, goes; waiters look again
flock_drop:
    mov FILE_FLOCK(%rdi), %eax
    test %eax, %eax
    jz 9f
    movl $0, FILE_FLOCK(%rdi)
    mov FILE_PRIVATE(%rdi), %rcx
    cmp $LOCK_EX, %eax
    jne 1f
    movq $0, N_FLOCK_EX(%rcx)
    jmp io_wake_all
1:  decl N_FLOCK_SH(%rcx)
    jmp io_wake_all
9:  ret

# locks_file_released(%rdi = an open file of the file system, released): its flock and its
# open file description record locks go
.globl locks_file_released
locks_file_released:
    push %rdi
    call flock_drop
    pop %rdi
    mov %rdi, %rsi
    mov FILE_PRIVATE(%rdi), %rdi
    jmp locks_remove_owner

# locks_fd_closed(%rdi = an open file): one of the process's descriptors of it is closed: its
# POSIX record locks on the file go, as POSIX says (whichever descriptor took them)
.globl locks_fd_closed
locks_fd_closed:
    call file_fs_node
    test %rax, %rax
    jz 9f
    mov %rax, %rdi
    mov current_task(%rip), %rsi
    mov T_PROCESS(%rsi), %rsi
    jmp locks_remove_owner
9:  ret

# locks_remove_owner(%rdi = node, %rsi = owner): every record lock of the owner there goes
locks_remove_owner:
    PUSH_REGS rbx, r12, r13
    mov %rsi, %r12
    xor %r13d, %r13d                    # removed any
    lea N_LOCKS(%rdi), %rbx             # the link to the lock looked at
1:  mov (%rbx), %rdi
    test %rdi, %rdi
    jz 8f
    cmp %r12, FL_OWNER(%rdi)
    je 2f
    mov %rdi, %rbx                      # FL_NEXT is at 0
    jmp 1b
2:  mov FL_NEXT(%rdi), %rax
    mov %rax, (%rbx)
    call obj_free
    mov $1, %r13d
    jmp 1b
8:  test %r13d, %r13d
    jz 9f
    call io_wake_all
9:  POP_REGS rbx, r12, r13
    ret

# ---- Record locks -----------------------------------------------------------------------------
# fcntl_lock(%rdi = file, %esi = F_GETLK, F_SETLK, F_SETLKW or their F_OFD_ forms, %rdx = struct
# flock) -> %rax: 0 or -errno. The request is checked as Linux's flock_to_posix_lock and
# check_fmode_for_setlk check it; then, on a file of the file system, as posix_lock_inode does:
# F_GETLK reports the first lock of another owner in the way (l_pid -1 for an OFD lock); F_SETLK
# takes or releases the range, splitting and merging the owner's locks, or answers -EAGAIN;
# F_SETLKW waits, -EDEADLK when the owner of the lock in the way waits (through up to ten
# owners) for the caller, -ERESTARTSYS for a signal. Other files: granted, F_GETLK F_UNLCK.
.globl fcntl_lock
fcntl_lock:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %rbx                      # the file
    mov %esi, %r12d                     # the command
    mov %rdx, %r13                      # the struct flock
    mov %rdx, %rdi
    mov $FLOCK_SIZE, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 99f
    cmp $F_OFD_GETLK, %r12d             # open file description locks: no pid
    jb 1f
    cmpl $0, FLOCK_PID(%r13)
    jne 92f
1:  movswl FLOCK_WHENCE(%r13), %eax     # the range: whence, start, length
    xor %r14d, %r14d                    # SEEK_SET
    cmp $1, %eax
    jne 2f
    mov FILE_POS(%rbx), %r14            # SEEK_CUR
2:  cmp $2, %eax
    ja 92f
    jne 3f
    call file_size                      # SEEK_END
    mov %rax, %r14
3:  add FLOCK_START(%r13), %r14
    jo 93f
    test %r14, %r14
    js 92f
    mov FLOCK_LEN(%r13), %rax
    test %rax, %rax
    jz 5f
    js 4f
    lea -1(%r14), %r15                  # a positive length: [start, start + len - 1]
    add %rax, %r15
    jo 93f
    jmp 6f
4:  lea -1(%r14), %r15                  # a negative one: [start + len, start - 1]
    add %rax, %r14
    js 92f
    jmp 6f
5:  movabs $OFFSET_MAX, %r15            # 0: to the end, as the file grows
6:  movswl FLOCK_TYPE(%r13), %ebp
    cmp $F_UNLCK, %ebp
    ja 92f
    mov %r12d, %eax                     # F_GETLK and F_OFD_GETLK: a read or write lock to test
    cmp $F_OFD_GETLK, %eax
    je 7f
    cmp $F_GETLK, %eax
    jne 10f
7:  cmp $F_UNLCK, %ebp
    je 92f
    call lock_owner
    mov %rax, %rsi
    call file_lock_node
    test %rax, %rax
    jz 8f
    mov %rax, %rdi
    mov %ebp, %edx
    mov %r14, %rcx
    mov %r15, %r8
    call lock_conflict
8:  mov %rax, %rbx                      # the lock in the way, or 0
    mov %r13, %rdi
    mov $FLOCK_SIZE, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 99f
    test %rbx, %rbx
    jnz 9f
    movw $F_UNLCK, FLOCK_TYPE(%r13)
    jmp 98f
9:  mov FL_TYPE(%rbx), %eax             # Linux's posix_lock_to_flock
    mov %ax, FLOCK_TYPE(%r13)
    movw $0, FLOCK_WHENCE(%r13)
    mov FL_START(%rbx), %rax
    mov %rax, FLOCK_START(%r13)
    mov FL_END(%rbx), %rcx
    movabs $OFFSET_MAX, %rdx
    xor %esi, %esi
    cmp %rdx, %rcx
    je 91f
    lea 1(%rcx), %rsi
    sub %rax, %rsi
91: mov %rsi, FLOCK_LEN(%r13)
    movl $-1, FLOCK_PID(%r13)
    cmpl $0, FL_OFD(%rbx)
    jne 98f
    mov FL_OWNER(%rbx), %rax
    mov P_PID(%rax), %eax
    mov %eax, FLOCK_PID(%r13)
    jmp 98f

10: cmp $F_UNLCK, %ebp                  # F_SETLK(W): the access the lock needs
    je 11f
    mov FILE_FLAGS(%rbx), %ecx
    inc %ecx                            # OPEN_FMODE: bit 0 readable, bit 1 writable
    bt %ebp, %ecx
    jnc 94f
11: call file_lock_node
    test %rax, %rax
    jz 98f
    mov %rax, %r13                      # the node, from here on
    call lock_owner
    mov %r12d, %ecx                     # wait: F_SETLKW or F_OFD_SETLKW, in bit 0; OFD in bit 1
    xor %r12d, %r12d
    cmp $F_SETLKW, %ecx
    je 12f
    cmp $F_OFD_SETLKW, %ecx
    jne 13f
12: or $1, %r12d
13: cmp $F_OFD_GETLK, %ecx
    jb 14f
    or $2, %r12d
14: mov %rax, %rbx                      # the owner, from here on
    mov %ebp, %edx
    call lock_set
    jmp 99f

92: mov $-EINVAL, %rax
    jmp 99f
93: mov $-EOVERFLOW, %rax
    jmp 99f
94: mov $-EBADF, %rax
    jmp 99f
98: xor %eax, %eax
99: POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# file_size(), with fcntl_lock's %rbx = the file -> %rax: its size for SEEK_END (0 for a file
# that has none)
file_size:
    call file_lock_node
    test %rax, %rax
    jz 9f
    mov N_SIZE(%rax), %rax
9:  ret

# file_lock_node(), with fcntl_lock's %rbx = the file -> %rax: its node, or 0 for a file that is
# not the file system's
file_lock_node:
    mov %rbx, %rdi
    jmp file_fs_node

# lock_owner(), with fcntl_lock's %rbx = the file and %r12d = its command -> %rax: who owns the
# lock: the open file for an F_OFD_ command, else the calling process
lock_owner:
    mov %rbx, %rax
    cmp $F_OFD_GETLK, %r12d
    jae 9f
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
9:  ret

# lock_conflict(%rdi = node, %rsi = owner, %edx = type, %rcx = start, %r8 = end) -> %rax: the
# lock of another owner over the range that a lock of this type cannot share it with, the one
# that starts first (what Linux's F_GETLK finds first in its list, sorted by start), or 0
lock_conflict:
    xor %eax, %eax
    mov N_LOCKS(%rdi), %r9
1:  test %r9, %r9
    jz 9f
    cmp %rsi, FL_OWNER(%r9)
    je 3f
    cmp FL_END(%r9), %rcx
    jg 3f
    cmp FL_START(%r9), %r8
    jl 3f
    cmp $F_WRLCK, %edx
    je 2f
    cmpl $F_WRLCK, FL_TYPE(%r9)
    jne 3f
2:  test %rax, %rax
    jz 21f
    mov FL_START(%r9), %r10
    cmp FL_START(%rax), %r10
    jge 3f
21: mov %r9, %rax
3:  mov FL_NEXT(%r9), %r9
    jmp 1b
9:  ret

# lock_set(%r13 = node, %rbx = owner, %edx = F_RDLCK, F_WRLCK or F_UNLCK, %r14 = start, %r15 =
# end, %r12d = bit 0 wait, bit 1 OFD), from fcntl_lock, whose registers it uses -> %rax
lock_set:
    push %rbp
    mov %edx, %ebp
    cmp $F_UNLCK, %ebp
    je 20f
1:  mov %r13, %rdi                      # a lock in the way: fail, or wait for it to go
    mov %rbx, %rsi
    mov %ebp, %edx
    mov %r14, %rcx
    mov %r15, %r8
    call lock_conflict
    test %rax, %rax
    jz 20f
    mov $-EAGAIN, %rcx
    test $1, %r12d
    jz 8f
    test $2, %r12d                      # a process's wait: not one that closes a circle
    jnz 3f
    cmpl $0, FL_OFD(%rax)
    jne 3f
    mov FL_OWNER(%rax), %rdx
    mov $DEADLOCK_DEPTH, %esi
2:  mov $-EDEADLK, %rcx
    cmp %rbx, %rdx
    je 8f
    mov P_LOCK_BLOCKER(%rdx), %rdx
    test %rdx, %rdx
    jz 21f
    dec %esi
    jnz 2b
21: mov FL_OWNER(%rax), %rdx
    mov %rdx, P_LOCK_BLOCKER(%rbx)
3:  call io_wait_interruptible
    test $2, %r12d
    jnz 4f
    movq $0, P_LOCK_BLOCKER(%rbx)
4:  test %rax, %rax
    jz 1b
    mov %rax, %rcx
8:  mov %rcx, %rax
    jmp 9f

20: call lock_apply
9:  pop %rbp
    ret

# lock_apply(), with lock_set's registers: the owner's locks leave the range (split, trimmed or
# removed), then a lock of the type covers it, merged with the owner's locks of that type it
# touches (Linux's posix_lock_inode) -> %rax: 0, or -ENOLCK with nothing changed when no
# object is left for the two a split and the new lock may need
lock_apply:
    PUSH_REGS r12, r14, r15
    sub $8, %rsp
    call obj_alloc                      # the spares
    mov %rax, %r12
    call obj_alloc
    mov %rax, (%rsp)
    test %r12, %r12
    jz 80f
    test %rax, %rax
    jz 80f
    lea N_LOCKS(%r13), %rsi             # carve: the link to the lock looked at
1:  mov (%rsi), %rdi
    test %rdi, %rdi
    jz 10f
    cmp %rbx, FL_OWNER(%rdi)
    jne 6f
    cmp FL_END(%rdi), %r14              # no overlap
    jg 6f
    cmp FL_START(%rdi), %r15
    jl 6f
    cmp FL_START(%rdi), %r14
    jle 3f
    cmp FL_END(%rdi), %r15
    jge 2f
    mov (%rdi), %rax                    # around the range: split in two
    mov %rax, (%r12)
    mov FL_OWNER(%rdi), %rax
    mov %rax, FL_OWNER(%r12)
    mov FL_TYPE(%rdi), %rax             # FL_TYPE and FL_OFD
    mov %rax, FL_TYPE(%r12)
    lea 1(%r15), %rax
    mov %rax, FL_START(%r12)
    mov FL_END(%rdi), %rax
    mov %rax, FL_END(%r12)
    mov %r12, (%rdi)
    xor %r12d, %r12d
2:  lea -1(%r14), %rax                  # its head stays
    mov %rax, FL_END(%rdi)
    jmp 6f
3:  cmp FL_END(%rdi), %r15
    jge 4f
    lea 1(%r15), %rax                   # its tail stays
    mov %rax, FL_START(%rdi)
    jmp 6f
4:  mov (%rdi), %rax                    # inside the range: it goes
    mov %rax, (%rsi)
    push %rsi
    call obj_free
    pop %rsi
    jmp 1b
6:  mov %rdi, %rsi                      # FL_NEXT is at 0
    jmp 1b

10: cmp $F_UNLCK, %ebp
    je 70f
    lea N_LOCKS(%r13), %rsi             # merge the owner's locks of the type it touches
11: mov (%rsi), %rdi
    test %rdi, %rdi
    jz 20f
    cmp %rbx, FL_OWNER(%rdi)
    jne 16f
    cmp FL_TYPE(%rdi), %ebp
    jne 16f
    mov FL_START(%rdi), %rax            # touching: start <= end + 1 and end >= start - 1
    sub %r15, %rax
    cmp $1, %rax
    jg 16f
    mov %r14, %rax
    sub FL_END(%rdi), %rax
    cmp $1, %rax
    jg 16f
    mov FL_START(%rdi), %rax
    cmp %rax, %r14
    cmovg %rax, %r14
    mov FL_END(%rdi), %rax
    cmp %rax, %r15
    cmovl %rax, %r15
    mov (%rdi), %rax
    mov %rax, (%rsi)
    push %rsi
    call obj_free
    pop %rsi
    jmp 11b
16: mov %rdi, %rsi
    jmp 11b
20: mov (%rsp), %rdi                    # the new lock, first on the list
    movq $0, (%rsp)
    mov N_LOCKS(%r13), %rax
    mov %rax, FL_NEXT(%rdi)
    mov %rdi, N_LOCKS(%r13)
    mov %rbx, FL_OWNER(%rdi)
    mov %ebp, FL_TYPE(%rdi)
    mov 24(%rsp), %eax                  # the caller's %r12d: bit 1 OFD
    shr $1, %eax
    and $1, %eax
    mov %eax, FL_OFD(%rdi)
    mov %r14, FL_START(%rdi)
    mov %r15, FL_END(%rdi)
70: call io_wake_all                    # waiters look again
    xor %eax, %eax
    jmp 81f
80: mov $-ENOLCK, %rax
81: mov %rax, %r14                      # the result
    test %r12, %r12                     # the spares not used
    jz 82f
    mov %r12, %rdi
    call obj_free
82: mov (%rsp), %rdi
    test %rdi, %rdi
    jz 83f
    call obj_free
83: mov %r14, %rax
    add $8, %rsp
    POP_REGS r12, r14, r15
    ret
