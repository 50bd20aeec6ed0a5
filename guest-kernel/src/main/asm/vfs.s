# Path lookup and the calls that name paths, over the in-memory file system (tmpfs.s).
#
# A path is copied into a kernel buffer first (EFAULT, ENAMETOOLONG at PATH_MAX), then walked
# component by component as Linux's link_path_walk: "." stays, ".." goes to the parent (the
# root's parent is the root), a symlink met before the last component (or at the last, when the
# call follows it, or when a slash follows it) is replaced by its target in the buffer; the 41st
# symlink of one lookup fails with ELOOP. A slash after a last component that is not a directory
# fails with ENOTDIR. One CPU and no kernel preemption: the buffers and the walk's results are
# global.

.include "defs.inc"
.include "file.inc"
.include "tmpfs.inc"

.equ MAXSYMLINKS, 40
.equ WALK_PARENT, 2                     # stop before the last component (walk_name, walk_len)
.equ AT_SYMLINK_NOFOLLOW, 0x100
.equ AT_REMOVEDIR, 0x200
.equ AT_SYMLINK_FOLLOW, 0x400
.equ RENAME_NOREPLACE, 1
.equ UTIME_NOW, 0x3fffffff
.equ UTIME_OMIT, 0x3ffffffe
.equ DT_CHR, 2
.equ DT_DIR, 4
.equ DT_REG, 8
.equ DT_LNK, 10
.equ GETDENTS_MAX, 0x10000

.text
# vfs_init(): the root, and the directories and devices every system has (/dev, /proc/self,
# /tmp), before the initramfs is unpacked over them.
.globl vfs_init
vfs_init:
    push %rbx
    mov $(S_IFDIR | 0755), %edi
    call node_new
    mov %rax, root_node(%rip)
    mov %rax, cwd_node(%rip)
    mov %rax, N_PARENT(%rax)
    movl $2, N_NLINK(%rax)
    movq $40, N_SIZE(%rax)
    incl N_OPEN(%rax)                   # the working directory holds it
    lea dir_dev(%rip), %rdi
    mov $0755, %esi
    call kernel_mkdir
    lea dir_tmp(%rip), %rdi
    mov $01777, %esi
    call kernel_mkdir
    lea dir_proc(%rip), %rdi
    mov $0555, %esi
    call kernel_mkdir
    lea dir_proc_self(%rip), %rdi
    mov $0555, %esi
    call kernel_mkdir
    lea devices(%rip), %rbx
1:  mov (%rbx), %rdi
    test %rdi, %rdi
    jz 2f
    mov 8(%rbx), %rsi
    mov 16(%rbx), %rdx
    call kernel_mknod
    add $24, %rbx
    jmp 1b
2:  pop %rbx
    jmp procfs_init

# kernel_walk_parent(%rdi = kernel path) -> %rax: the parent directory or -errno, with walk_name
# and walk_len for the last component (the path is copied first: the walk rewrites its buffer)
.globl kernel_walk_parent
kernel_walk_parent:
    push %rdi
    call strlen
    pop %rsi
    cmp $PATH_MAX, %rax
    jae 8f
    lea path_buffer(%rip), %rdi
    lea 1(%rax), %rdx
    call memcpy
    mov $AT_FDCWD, %edi
    lea path_buffer(%rip), %rsi
    mov $WALK_PARENT, %edx
    jmp walk
8:  mov $-ENAMETOOLONG, %rax
    ret

# kernel_mkdir(%rdi = kernel path, %esi = permissions) -> %rax: the directory (new or already
# there), or -errno
.globl kernel_mkdir
kernel_mkdir:
    push %rsi
    call kernel_walk_parent
    pop %rsi
    cmp $-4095, %rax
    jae 9f
    or $S_IFDIR, %esi
    mov %rax, %rdi
    jmp make_node
9:  ret

# kernel_mknod(%rdi = kernel path, %rsi = operations, %rdx = rdev): a character device, 0666
kernel_mknod:
    PUSH_REGS rsi, rdx
    call kernel_walk_parent
    POP_REGS rsi, rdx
    cmp $-4095, %rax
    jae 9f
    PUSH_REGS rsi, rdx
    mov %rax, %rdi
    mov $(S_IFCHR | 0666), %esi
    call make_node
    POP_REGS rsi, rdx
    cmp $-4095, %rax
    jae 9f
    mov %rsi, N_DATA(%rax)
    mov %rdx, N_RDEV(%rax)
9:  ret

# make_node(%rdi = directory, %esi = mode) -> %rax: the node named walk_name there: the one
# already there if it has that type, else a new one (-EEXIST if another type has the name)
.globl make_node
make_node:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %esi, %r12d
    mov walk_len(%rip), %rdx
    test %rdx, %rdx
    jz 7f
    mov walk_name(%rip), %rsi
    call dir_find
    test %rax, %rax
    jz 1f
    mov D_NODE(%rax), %rax
    mov N_MODE(%rax), %ecx
    xor %r12d, %ecx
    test $S_IFMT, %ecx
    jz 9f
    jmp 7f
1:  mov %r12d, %edi
    call node_new
    test %rax, %rax
    jz 8f
    push %rax
    mov %rbx, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    mov %rax, %rcx
    call dir_add
    pop %rcx
    test %rax, %rax
    jnz 6f
    mov N_MODE(%rcx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 2f
    movq $40, N_SIZE(%rcx)
2:  mov %rcx, %rax
    jmp 9f
6:  push %rax
    mov %rcx, %rdi
    call obj_free
    pop %rax
    jmp 9f
7:  mov $-EEXIST, %rax
    jmp 9f
8:  mov $-ENOSPC, %rax
9:  POP_REGS rbx, r12
    ret

# ---- The walk --------------------------------------------------------------------------------
# walk(%edi = dirfd, %rsi = kernel path buffer (PATH_MAX bytes, rewritten), %edx = WALK_*)
# -> %rax: the node (with WALK_PARENT: the directory of the last component, which is in
# walk_name/walk_len, walk_len 0 when the path has none: "/", ".", ".."), or -errno
.globl walk
walk:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov %rsi, %r12                      # where the walk is
    mov %rsi, walk_buffer(%rip)
    mov %edx, %r13d
    xor %r14d, %r14d                    # symlinks followed
    movq $0, walk_len(%rip)
    mov root_node(%rip), %rbx
    cmpb $'/', (%r12)
    je 1f
    mov $-ENOENT, %rax
    cmpb $0, (%r12)
    je 9f
    mov cwd_node(%rip), %rbx
    cmp $AT_FDCWD, %edi
    je 1f
    call fd_file
    test %rax, %rax
    jz 81f
    mov FILE_OPS(%rax), %rcx
    lea tmpfs_dir_ops(%rip), %rdx
    cmp %rdx, %rcx
    jne 82f
    mov FILE_PRIVATE(%rax), %rbx
1:  cmpb $'/', (%r12)                   # the slashes before a component
    jne 2f
    inc %r12
    jmp 1b
2:  cmpb $0, (%r12)
    je 70f
    mov %r12, %r15                      # the component: [%r15, %r12)
3:  inc %r12
    movzbl (%r12), %eax
    test %eax, %eax
    jz 4f
    cmp $'/', %eax
    jne 3b
4:  mov %r12, %rbp
    sub %r15, %rbp                      # its length
    cmp $NAME_MAX, %rbp
    ja 83f
    mov N_MODE(%rbx), %eax              # only a directory has components
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 82f
    mov %r12, %r8                       # last: only slashes follow
5:  cmpb $'/', (%r8)
    jne 6f
    inc %r8
    jmp 5b
6:  xor %r9d, %r9d
    cmpb $0, (%r8)
    jne 61f
    or $1, %r9d                         # bit 0: last
    cmp %r8, %r12
    je 61f
    or $2, %r9d                         # bit 1: a slash follows it
61: cmp $1, %rbp                        # "." and ".."
    jne 62f
    cmpb $'.', (%r15)
    je 1b
62: cmp $2, %rbp
    jne 63f
    cmpw $0x2e2e, (%r15)
    jne 63f
    mov N_PARENT(%rbx), %rbx
    jmp 1b
63: test $1, %r9d
    jz 64f
    test $WALK_PARENT, %r13d
    jz 64f
    mov %r15, walk_name(%rip)
    mov %rbp, walk_len(%rip)
    shr $1, %r9d
    mov %r9, walk_trailing(%rip)
    mov %rbx, %rax
    jmp 9f
64: push %r9
    mov %rbx, %rdi
    mov %r15, %rsi
    mov %rbp, %rdx
    call dir_find
    test %rax, %rax
    jnz 640f
    cmp proc_dir(%rip), %rbx            # /proc/PID is made on demand (procfs.s)
    jne 640f
    call proc_add_pids
    mov %rbx, %rdi
    mov %r15, %rsi
    mov %rbp, %rdx
    call dir_find
640: pop %r9
    test %rax, %rax
    jz 84f
    mov D_NODE(%rax), %rax
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    cmp $S_IFLNK, %ecx
    jne 66f
    cmp $1, %r9d                        # the last component, no slash after it: followed only
    jne 65f                             # when the call follows
    test $WALK_FOLLOW, %r13d
    jz 66f
65: inc %r14
    cmp $MAXSYMLINKS, %r14
    ja 85f
    mov %rax, %rdi
    mov %r12, %rsi
    call expand_link
    test %rax, %rax
    jnz 9f
    mov walk_buffer(%rip), %r12
    cmpb $'/', (%r12)
    jne 1b
    mov root_node(%rip), %rbx
    jmp 1b
66: mov %rax, %rbx
    jmp 1b
70: mov walk_buffer(%rip), %rax         # the end: a trailing slash needs a directory
    cmp %rax, %r12
    je 71f
    cmpb $'/', -1(%r12)
    jne 71f
    mov N_MODE(%rbx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 82f
71: mov %rbx, %rax
    jmp 9f
81: mov $-EBADF, %rax
    jmp 9f
82: mov $-ENOTDIR, %rax
    jmp 9f
83: mov $-ENAMETOOLONG, %rax
    jmp 9f
84: mov $-ENOENT, %rax
    jmp 9f
85: mov $-ELOOP, %rax
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# expand_link(%rdi = symlink, %rsi = the rest of the path in walk_buffer) -> %rax: 0 with
# walk_buffer now the target followed by the rest, or -ENOENT (empty target), -ENAMETOOLONG
expand_link:
    PUSH_REGS rbx, r12, r13
    mov %rsi, %r12
    call link_target
    mov %rax, %rbx                      # the target's bytes
    mov %rdx, %r13                      # and length
    mov $-ENOENT, %rax
    test %r13, %r13
    jz 9f
    mov %r12, %rdi
    call strlen
    mov %rax, %rdx                      # the rest's length
    add %r13, %rax
    cmp $PATH_MAX, %rax
    jae 8f
    lea link_buffer(%rip), %rdi         # target, rest, NUL
    mov %rbx, %rsi
    push %rdx
    mov %r13, %rdx
    call memcpy
    pop %rdx
    mov %r12, %rsi
    inc %rdx
    call memcpy
    mov walk_buffer(%rip), %rdi
    lea link_buffer(%rip), %rsi
    mov $PATH_MAX, %edx
    call memcpy
    xor %eax, %eax
    jmp 9f
8:  mov $-ENAMETOOLONG, %rax
9:  POP_REGS rbx, r12, r13
    ret

# link_target(%rdi = symlink) -> %rax: its target's bytes, %rdx: their length (0: it leads
# nowhere). A /proc process link's (exe) is the process's program path (procfs.s).
link_target:
    cmpq $0, N_PROCESS(%rdi)
    jne proc_link_target
    mov N_BACKING(%rdi), %rax
    mov N_SIZE(%rdi), %rdx
    ret

# path_get(%rdi = user path, %rsi = kernel buffer) -> %rax: its length, or -errno (EFAULT,
# ENAMETOOLONG)
path_get:
    PUSH_REGS rdi, rsi
    mov $PATH_MAX, %esi
    call user_strnlen
    POP_REGS rsi, rdi
    test %rax, %rax
    js 8f
    push %rax
    lea 1(%rax), %rdx
    call memcpy
    pop %rax
    ret
8:  cmp $-ERANGE, %rax
    jne 9f
    mov $-ENAMETOOLONG, %rax
9:  ret

# path_walk(%edi = dirfd, %rsi = user path, %edx = WALK_*) -> %rax: as walk, on path_buffer
path_walk:
    PUSH_REGS rdi, rdx
    mov %rsi, %rdi
    lea path_buffer(%rip), %rsi
    call path_get
    POP_REGS rdi, rdx
    test %rax, %rax
    js 9f
    lea path_buffer(%rip), %rsi
    jmp walk
9:  ret

# lookup_at(%edi = dirfd, %rsi = user path, %edx = AT_* flags) -> %rax: an open file for what the
# path names (a kernel one, path_file, for the caller's immediate use), or -errno. An empty path
# needs AT_EMPTY_PATH and names dirfd's file (AT_FDCWD: the working directory).
.globl lookup_at
lookup_at:
    PUSH_REGS rdi, rdx
    mov %rsi, %rdi
    lea path_buffer(%rip), %rsi
    call path_get
    POP_REGS rdi, rdx
    test %rax, %rax
    js 9f
    jnz 2f
    test $AT_EMPTY_PATH, %edx
    jz 8f
    mov cwd_node(%rip), %rax
    cmp $AT_FDCWD, %edi
    je 3f
    call fd_file
    test %rax, %rax
    jz 7f
    ret
2:  xor %ecx, %ecx
    test $AT_SYMLINK_NOFOLLOW, %edx
    jnz 1f
    mov $WALK_FOLLOW, %ecx
1:  mov %ecx, %edx
    lea path_buffer(%rip), %rsi
    call walk
    cmp $-4095, %rax
    jae 9f
3:  lea path_file(%rip), %rcx
    mov %rax, FILE_PRIVATE(%rcx)
    mov %rax, %rdi
    call node_ops
    lea path_file(%rip), %rcx
    mov %rax, FILE_OPS(%rcx)
    mov %rcx, %rax
    ret
7:  mov $-EBADF, %rax
    ret
8:  mov $-ENOENT, %rax
9:  ret

# file_node(%edi = fd) -> %rax: the node of an open tmpfs file, or -EBADF, or -EINVAL (another
# kind of file)
file_node:
    call fd_file
    test %rax, %rax
    jz 8f
    mov FILE_OPS(%rax), %rcx
    mov FILE_PRIVATE(%rax), %rax
    lea tmpfs_stat(%rip), %rdx
    cmp %rdx, FOP_STAT(%rcx)
    jne 7f
    ret
7:  mov $-EINVAL, %rax
    ret
8:  mov $-EBADF, %rax
    ret

# ---- open -------------------------------------------------------------------------------------
.globl sys_open
sys_open:
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    jmp sys_openat

.globl sys_creat
sys_creat:
    mov %rsi, %rcx
    mov %rdi, %rsi
    mov $(O_CREAT | O_WRONLY | O_TRUNC), %edx
    mov $AT_FDCWD, %edi
    # fall through
# openat(dirfd, path, flags, mode)
.globl sys_openat
sys_openat:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %edi, %r14d                     # dirfd
    mov %rsi, %r15                      # path
    mov %edx, %r12d                     # flags
    mov %ecx, %r13d                     # mode
    test $O_CREAT, %r12d
    jz 5f
    mov $WALK_PARENT, %edx              # O_CREAT: the directory, then the name in it
    call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    mov $-EISDIR, %rax
    cmpq $0, walk_len(%rip)
    je 9f
    cmpq $0, walk_trailing(%rip)
    jne 9f
    mov %rbx, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    test %rax, %rax
    jz 3f
    mov D_NODE(%rax), %rbx
    mov $-EEXIST, %rax
    test $O_EXCL, %r12d
    jnz 9f
    mov N_MODE(%rbx), %eax
    and $S_IFMT, %eax
    cmp $S_IFLNK, %eax
    jne 10f
    mov $-ELOOP, %rax
    test $O_NOFOLLOW, %r12d
    jnz 9f
    jmp 5f                              # an existing symlink: open what it names
3:  mov process_umask(%rip), %esi       # a new regular file
    not %esi
    and %r13d, %esi
    and $07777, %esi
    or $S_IFREG, %esi
    mov %rbx, %rdi
    call make_node
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    and $~O_TRUNC, %r12d
    jmp 10f
5:  mov %r14d, %edi
    mov %r15, %rsi
    xor %edx, %edx
    test $O_NOFOLLOW, %r12d
    jnz 6f
    mov $WALK_FOLLOW, %edx
6:  call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
10: mov N_MODE(%rbx), %eax              # %rbx: the node
    and $S_IFMT, %eax
    cmp $S_IFLNK, %eax
    je 11f
    cmp $S_IFDIR, %eax
    je 12f
    test $O_DIRECTORY, %r12d
    jnz 13f
    cmp $S_IFREG, %eax
    jne 20f
    test $O_TRUNC, %r12d
    jz 20f
    mov %rbx, %rdi
    xor %esi, %esi
    call file_resize
    test %rax, %rax
    jnz 9f
    jmp 20f
11: mov $-ELOOP, %rax                   # O_NOFOLLOW on a symlink
    jmp 9f
12: mov $-EISDIR, %rax                  # a directory: read only, never truncated or created
    test $(O_ACCMODE | O_TRUNC | O_CREAT), %r12d
    jnz 9f
    jmp 20f
13: mov $-ENOTDIR, %rax
    jmp 9f
20: mov %rbx, %rdi
    mov %r12d, %esi
    call file_open_node
    cmp $-4095, %rax
    jae 9f
    mov %rax, %r14                      # the open file
    xor %edi, %edi
    call fd_alloc
    test %rax, %rax
    js 21f
    mov %rax, %r15                      # its descriptor
    mov %rax, %rdi
    mov %r14, %rsi
    mov %r12d, %edx
    shr $19, %edx                       # O_CLOEXEC is bit 19
    and $1, %edx
    call fd_install
    mov %r15, %rax
    jmp 9f
21: push %rax
    mov %r14, %rdi
    call file_put
    pop %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# ---- Status and links ---------------------------------------------------------------------
.globl sys_stat
sys_stat:
    xor %ecx, %ecx
    jmp 1f
.globl sys_lstat
sys_lstat:
    mov $AT_SYMLINK_NOFOLLOW, %ecx
1:  mov %rsi, %rdx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    jmp sys_newfstatat

.globl sys_access
sys_access:
    mov %esi, %edx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
.globl sys_faccessat
sys_faccessat:
    xor %ecx, %ecx
    jmp sys_faccessat2

.globl sys_readlink
sys_readlink:
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
# readlinkat(dirfd, path, buf, bufsiz)
.globl sys_readlinkat
sys_readlinkat:
    test %ecx, %ecx
    jle einval
    PUSH_REGS rbx, r12
    mov %rdx, %rbx
    movslq %ecx, %r12
    xor %edx, %edx
    call path_walk
    cmp $-4095, %rax
    jae 9f
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    cmp $S_IFLNK, %ecx
    jne 8f
    mov %rax, %rdi
    call link_target
    test %rdx, %rdx
    jz 7f
    cmp %rdx, %r12
    cmova %rdx, %r12
    push %rax
    mov %rbx, %rdi
    mov %r12, %rsi
    mov $1, %edx
    call user_range_ok
    pop %rsi
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov %r12, %rdx
    call memcpy
    mov %r12, %rax
    jmp 9f
7:  mov $-ENOENT, %rax                  # a process link whose process has no program (a zombie)
    jmp 9f
8:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12
    ret

# getdents64(fd, dirp, count): ".", "..", then the entries; the offset counts entries
.globl sys_getdents64
sys_getdents64:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    call fd_file
    test %rax, %rax
    jz 81f
    mov %rax, %r15
    mov FILE_OPS(%rax), %rcx
    lea tmpfs_dir_ops(%rip), %r8
    cmp %r8, %rcx
    jne 82f
    mov FILE_PRIVATE(%rax), %rbx
    mov %rsi, %r12
    mov %edx, %r13d
    cmp proc_dir(%rip), %rbx            # /proc lists every process (procfs.s)
    jne 12f
    call proc_add_pids
12: cmp $GETDENTS_MAX, %r13             # a call may return fewer entries than fit: the buffer is
    jbe 10f                             # checked (and paged in) only this far
    mov $GETDENTS_MAX, %r13d
10: mov %r12, %rdi
    mov %r13, %rsi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    xor %ebp, %ebp                      # bytes written
    mov FILE_POS(%r15), %r14            # the entry
    cmpl $0, N_NLINK(%rbx)              # a removed directory lists nothing, not even "."
    je 7f
1:  cmp $2, %r14
    jae 2f
    lea dot_dot(%rip), %rsi             # "." or ".."
    mov %rbx, %rdi
    test %r14, %r14
    jz 11f
    mov N_PARENT(%rbx), %rdi
11: lea 1(%r14), %rdx
    mov N_INO(%rdi), %r8
    mov $DT_DIR, %r9d
    jmp 4f
2:  mov N_CHILDREN(%rbx), %rax
    lea -2(%r14), %rcx
3:  test %rax, %rax
    jz 7f
    test %rcx, %rcx
    jz 31f
    mov D_NEXT(%rax), %rax
    dec %rcx
    jmp 3b
31: lea D_NAME(%rax), %rsi
    mov D_LEN(%rax), %edx
    mov D_NODE(%rax), %rdi
    mov N_INO(%rdi), %r8
    mov N_MODE(%rdi), %eax
    and $S_IFMT, %eax
    shr $12, %eax                       # DT_* is the S_IF* type >> 12
    mov %eax, %r9d
4:  lea 19 + 1 + 7(%rdx), %r10          # struct linux_dirent64: ino, off, reclen, type, name
    and $~7, %r10
    lea (%rbp,%r10), %rax
    cmp %r13, %rax
    ja 6f
    lea (%r12,%rbp), %rdi
    mov %r8, (%rdi)
    lea 1(%r14), %rax
    mov %rax, 8(%rdi)
    mov %r10w, 16(%rdi)
    mov %r9b, 18(%rdi)
    push %rdi
    add $19, %rdi
    mov %rdx, %rcx
    rep movsb
    pop %rdi
    lea 19(%rdi,%rdx), %rdi             # the NUL and the padding
    mov %r10, %rcx
    sub %rdx, %rcx
    sub $19, %rcx
    xor %eax, %eax
    rep stosb
    add %r10, %rbp
    inc %r14
    jmp 1b
6:  test %rbp, %rbp
    jz 83f
7:  mov %r14, FILE_POS(%r15)
    mov %rbp, %rax
    jmp 9f
81: mov $-EBADF, %rax
    jmp 9f
82: mov $-ENOTDIR, %rax
    jmp 9f
83: mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# ---- Making and removing names ------------------------------------------------------------
.globl sys_mkdir
sys_mkdir:
    mov %esi, %edx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
# mkdirat(dirfd, path, mode)
.globl sys_mkdirat
sys_mkdirat:
    PUSH_REGS rbx, r12
    mov %edx, %r12d
    mov $WALK_PARENT, %edx
    call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    call new_name
    test %rax, %rax
    jnz 9f
    mov process_umask(%rip), %esi
    not %esi
    and %r12d, %esi
    and $01777, %esi
    or $S_IFDIR, %esi
    mov %rbx, %rdi
    call make_node
    cmp $-4095, %rax
    jae 9f
    xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# new_name(%rax = the directory walk_name would go in) -> %rax: 0 when the name is free, else
# -EEXIST
new_name:
    mov $-EEXIST, %rcx
    cmpq $0, walk_len(%rip)
    je 8f
    mov %rax, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    mov $-EEXIST, %rcx
    test %rax, %rax
    jnz 8f
    xor %ecx, %ecx
8:  mov %rcx, %rax
    ret

.globl sys_unlink
sys_unlink:
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    xor %edx, %edx
    jmp remove_name
.globl sys_rmdir
sys_rmdir:
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    mov $AT_REMOVEDIR, %edx
    jmp remove_name
# unlinkat(dirfd, path, flags)
.globl sys_unlinkat
sys_unlinkat:
    test $~AT_REMOVEDIR, %edx
    jnz einval
# remove_name(%edi = dirfd, %rsi = user path, %edx = AT_REMOVEDIR or 0)
remove_name:
    PUSH_REGS rbx, r12, r13
    mov %edx, %r12d
    mov $WALK_PARENT, %edx
    call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    mov $-EISDIR, %rax
    test %r12d, %r12d
    jz 1f
    mov $-EINVAL, %rax                  # rmdir of "." (or "/")
1:  cmpq $0, walk_len(%rip)
    je 9f
    mov %rbx, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    test %rax, %rax
    jz 84f
    mov %rdx, %r13                      # the link to the entry
    mov D_NODE(%rax), %rax
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    cmp $S_IFDIR, %ecx
    jne 2f
    test %r12d, %r12d
    jz 85f
    cmpq $0, N_CHILDREN(%rax)
    jne 86f
    jmp 3f
2:  test %r12d, %r12d
    jnz 87f
    cmpq $0, walk_trailing(%rip)
    jne 87f
3:  mov %rbx, %rdi
    mov %r13, %rsi
    call dir_remove
    xor %eax, %eax
    jmp 9f
84: mov $-ENOENT, %rax
    jmp 9f
85: mov $-EISDIR, %rax
    jmp 9f
86: mov $-ENOTEMPTY, %rax
    jmp 9f
87: mov $-ENOTDIR, %rax
9:  POP_REGS rbx, r12, r13
    ret

.globl sys_symlink
sys_symlink:
    mov %rsi, %rdx
    mov $AT_FDCWD, %esi
# symlinkat(target, newdirfd, linkpath)
.globl sys_symlinkat
sys_symlinkat:
    PUSH_REGS rbx, r12, r13
    mov %esi, %r13d
    push %rdx
    lea path_buffer2(%rip), %rsi
    call path_get
    pop %rsi
    test %rax, %rax
    js 9f
    jz 84f
    mov %rax, %r12                      # the target's length
    mov %r13d, %edi
    mov $WALK_PARENT, %edx
    call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    call new_name
    test %rax, %rax
    jnz 9f
    call tmpfs_frame
    test %rax, %rax
    jz 88f
    mov %rax, %r13
    mov %rax, %rdi
    lea path_buffer2(%rip), %rsi
    mov %r12, %rdx
    call memcpy
    mov %rbx, %rdi
    mov $(S_IFLNK | 0777), %esi
    call make_node
    cmp $-4095, %rax
    jae 87f
    mov %r13, N_BACKING(%rax)
    mov %r13, N_DATA(%rax)
    mov %r12, N_SIZE(%rax)
    xor %eax, %eax
    jmp 9f
87: push %rax
    mov %r13, %rdi
    call tmpfs_frame_free
    pop %rax
    jmp 9f
84: mov $-ENOENT, %rax
    jmp 9f
88: mov $-ENOSPC, %rax
9:  POP_REGS rbx, r12, r13
    ret

.globl sys_link
sys_link:
    mov %rsi, %rcx
    mov $AT_FDCWD, %edx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    xor %r8d, %r8d
# linkat(olddirfd, oldpath, newdirfd, newpath, flags)
.globl sys_linkat
sys_linkat:
    test $~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH), %r8d
    jnz einval
    PUSH_REGS rbx, r12, r13, r14
    mov %edx, %r13d
    mov %rcx, %r14
    xor %edx, %edx
    test $AT_SYMLINK_FOLLOW, %r8d
    jz 1f
    mov $WALK_FOLLOW, %edx
1:  call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %r12                      # the node
    mov N_MODE(%rax), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    je 81f
    mov %r14, %rdi
    lea path_buffer2(%rip), %rsi
    call path_get
    test %rax, %rax
    js 9f
    mov %r13d, %edi
    lea path_buffer2(%rip), %rsi
    mov $WALK_PARENT, %edx
    call walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    call new_name
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    mov %r12, %rcx
    call dir_add
    jmp 9f
81: mov $-EPERM, %rax
9:  POP_REGS rbx, r12, r13, r14
    ret

.globl sys_rename
sys_rename:
    mov %rsi, %rcx
    mov $AT_FDCWD, %edx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
.globl sys_renameat
sys_renameat:
    xor %r8d, %r8d
# renameat2(olddirfd, oldpath, newdirfd, newpath, flags): RENAME_NOREPLACE; not RENAME_EXCHANGE
# or RENAME_WHITEOUT (EINVAL)
.globl sys_renameat2
sys_renameat2:
    test $~RENAME_NOREPLACE, %r8d
    jnz einval
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov %edx, %r13d                     # newdirfd
    mov %rcx, %r14                      # newpath
    mov %r8d, %ebp                      # flags
    mov $WALK_PARENT, %edx
    call path_walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx                      # the old directory
    cmpq $0, walk_len(%rip)
    je 80f
    mov walk_name(%rip), %rax
    mov %rax, rename_name(%rip)
    mov walk_len(%rip), %rax
    mov %rax, rename_len(%rip)
    mov %rbx, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    test %rax, %rax
    jz 84f
    mov D_NODE(%rax), %r12              # the node
    mov N_MODE(%r12), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    je 1f
    cmpq $0, walk_trailing(%rip)
    jne 87f
1:  mov %r14, %rdi
    lea path_buffer2(%rip), %rsi
    call path_get
    test %rax, %rax
    js 9f
    mov %r13d, %edi
    lea path_buffer2(%rip), %rsi
    mov $WALK_PARENT, %edx
    call walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %r13                      # the new directory
    cmpq $0, walk_len(%rip)
    je 80f
    mov %r13, %rdi
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    mov %rax, %r15                      # what the new name names, or 0
    mov N_MODE(%r12), %ecx
    and $S_IFMT, %ecx
    test %r15, %r15
    jz 3f
    mov D_NODE(%r15), %rax
    cmp %rax, %r12
    je 70f                              # two names of one file: nothing to do
    test $RENAME_NOREPLACE, %ebp
    jnz 85f
    mov N_MODE(%rax), %edx
    and $S_IFMT, %edx
    cmp $S_IFDIR, %ecx
    jne 2f
    cmp $S_IFDIR, %edx
    jne 87f
    cmpq $0, N_CHILDREN(%rax)
    jne 86f
    jmp 4f
2:  cmp $S_IFDIR, %edx
    je 88f
    jmp 4f
3:  cmp $S_IFDIR, %ecx
    je 4f
    cmpq $0, walk_trailing(%rip)
    jne 87f
4:  cmp $S_IFDIR, %ecx                  # a directory cannot move below itself
    jne 5f
    mov %r13, %rax
41: cmp %rax, %r12
    je 89f
    cmp root_node(%rip), %rax
    je 5f
    mov N_PARENT(%rax), %rax
    jmp 41b
5:  mov %r13, %rdi                      # the new name first (it may fail: ENOSPC), after any
    mov walk_name(%rip), %rsi           # old one of that name in the list
    mov walk_len(%rip), %rdx
    mov %r12, %rcx
    call dir_add
    test %rax, %rax
    jnz 9f
    test %r15, %r15
    jz 6f
    mov %r13, %rdi                      # the file the new name named
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    mov %r13, %rdi
    mov %rdx, %rsi
    call dir_remove
6:  mov %rbx, %rdi                      # the old name
    mov rename_name(%rip), %rsi
    mov rename_len(%rip), %rdx
    call dir_find
    mov %rbx, %rdi
    mov %rdx, %rsi
    call dir_remove
70: xor %eax, %eax
    jmp 9f
80: mov $-EBUSY, %rax
    jmp 9f
84: mov $-ENOENT, %rax
    jmp 9f
85: mov $-EEXIST, %rax
    jmp 9f
86: mov $-ENOTEMPTY, %rax
    jmp 9f
87: mov $-ENOTDIR, %rax
    jmp 9f
88: mov $-EISDIR, %rax
    jmp 9f
89: mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# ---- The working directory ----------------------------------------------------------------
.globl sys_chdir
sys_chdir:
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    mov $WALK_FOLLOW, %edx
    call path_walk
    cmp $-4095, %rax
    jae 9f
    jmp set_cwd
9:  ret

.globl sys_fchdir
sys_fchdir:
    call file_node
    cmp $-4095, %rax
    jae 9f
set_cwd:                                # %rax = node
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    cmp $S_IFDIR, %ecx
    jne enotdir
    incl N_OPEN(%rax)
    mov cwd_node(%rip), %rdi
    mov %rax, cwd_node(%rip)
    decl N_OPEN(%rdi)
    call node_put
    xor %eax, %eax
9:  ret

# node_path(%rdi = directory or file) -> %rax: its absolute path, NUL-terminated, at the end of
# link_buffer (%rdx: its length with the NUL), or -ENOENT (removed), -ENAMETOOLONG
.globl node_path
node_path:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    lea link_buffer + PATH_MAX - 1(%rip), %r12
    movb $0, (%r12)
    cmp root_node(%rip), %rbx
    jne 1f
    dec %r12
    movb $'/', (%r12)
    jmp 5f
1:  cmp root_node(%rip), %rbx
    je 5f
    mov N_PARENT(%rbx), %rax
    mov N_CHILDREN(%rax), %rax
2:  test %rax, %rax
    jz 84f
    cmp D_NODE(%rax), %rbx
    je 3f
    mov D_NEXT(%rax), %rax
    jmp 2b
3:  mov D_LEN(%rax), %edx
    lea link_buffer + 1(%rip), %rcx
    mov %r12, %rdi
    sub %rdx, %rdi
    dec %rdi
    cmp %rcx, %rdi
    jb 83f
    mov %rdi, %r12
    movb $'/', (%rdi)
    inc %rdi
    lea D_NAME(%rax), %rsi
    call memcpy
    mov N_PARENT(%rbx), %rbx
    jmp 1b
5:  lea link_buffer + PATH_MAX(%rip), %rdx
    sub %r12, %rdx
    mov %r12, %rax
    jmp 9f
83: mov $-ENAMETOOLONG, %rax
    jmp 9f
84: mov $-ENOENT, %rax
9:  POP_REGS rbx, r12
    ret

# getcwd(buf, size) -> the length with the NUL; ENOENT once the directory is removed
.globl sys_getcwd
sys_getcwd:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %r13
    mov %rsi, %r14
    mov cwd_node(%rip), %rdi
    call node_path
    cmp $-4095, %rax
    jae 9f
    mov %rax, %r12
    mov %rdx, %rbx                      # the length with the NUL
    cmp %rbx, %r14
    jb 82f
    mov %r13, %rdi
    mov %rbx, %rsi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r13, %rdi
    mov %r12, %rsi
    mov %rbx, %rdx
    call memcpy
    mov %rbx, %rax
    jmp 9f
82: mov $-ERANGE, %rax
9:  POP_REGS rbx, r12, r13, r14
    ret

# ---- Attributes -------------------------------------------------------------------------------
.globl sys_chmod
sys_chmod:
    mov %esi, %edx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
# fchmodat(dirfd, path, mode)
.globl sys_fchmodat
sys_fchmodat:
    push %rdx
    mov $WALK_FOLLOW, %edx
    call path_walk
    pop %rsi
    cmp $-4095, %rax
    jae 9f
    jmp set_mode
9:  ret

.globl sys_fchmod
sys_fchmod:
    push %rsi
    call file_node
    pop %rsi
    cmp $-4095, %rax
    jae 9f
set_mode:                               # %rax = node, %esi = mode
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    and $07777, %esi
    or %esi, %ecx
    mov %ecx, N_MODE(%rax)
    mov %rax, %rdi
    call node_changed
    xor %eax, %eax
9:  ret

.globl sys_chown
sys_chown:
    xor %r8d, %r8d
    jmp 1f
.globl sys_lchown
sys_lchown:
    mov $AT_SYMLINK_NOFOLLOW, %r8d
1:  mov %edx, %ecx
    mov %esi, %edx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
# fchownat(dirfd, path, uid, gid, flags): root may give any file to anyone
.globl sys_fchownat
sys_fchownat:
    test $~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), %r8d
    jnz einval
    PUSH_REGS rdx, rcx
    mov %r8d, %edx
    call lookup_at
    POP_REGS rdx, rcx
    cmp $-4095, %rax
    jae 9f
    jmp 1f
.globl sys_fchown
sys_fchown:
    PUSH_REGS rsi, rdx
    call fd_file
    POP_REGS rdx, rcx
    test %rax, %rax
    jz ebadf
1:  mov %rax, %rdi                      # a file: only the file system's have an owner to change
    mov FILE_OPS(%rdi), %rax
    lea tmpfs_stat(%rip), %rsi
    cmp %rsi, FOP_STAT(%rax)
    jne 8f
    mov FILE_PRIVATE(%rdi), %rdi
    cmp $-1, %edx
    je 2f
    mov %edx, N_UID(%rdi)
2:  cmp $-1, %ecx
    je 3f
    mov %ecx, N_GID(%rdi)
3:  mov N_MODE(%rdi), %eax
    and $S_IFMT, %eax
    cmp $S_IFREG, %eax
    jne 4f
    call file_drop_privileges
4:  call node_changed
8:  xor %eax, %eax
9:  ret

# utimensat(dirfd, path, times[2], flags): a NULL path is dirfd's file
.globl sys_utimensat
sys_utimensat:
    test $~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), %ecx
    jnz einval
    PUSH_REGS rbx, r12
    mov %rdx, %r12
    test %rsi, %rsi
    jnz 1f
    mov $-EFAULT, %rax
    cmp $AT_FDCWD, %edi
    je 9f
    call fd_file
    test %rax, %rax
    jz 81f
    jmp 2f
1:  mov %ecx, %edx
    call lookup_at
    cmp $-4095, %rax
    jae 9f
2:  mov FILE_OPS(%rax), %rcx
    mov FILE_PRIVATE(%rax), %rbx
    lea tmpfs_stat(%rip), %rdx
    cmp %rdx, FOP_STAT(%rcx)
    jne 7f
    test %r12, %r12
    jz 5f
    mov %r12, %rdi                      # the times: both checked before either is set
    mov $32, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    xor %ecx, %ecx
3:  mov 8(%r12,%rcx), %rax
    cmp $UTIME_OMIT, %rax
    je 31f
    cmp $UTIME_NOW, %rax
    je 31f
    cmp $999999999, %rax
    ja 82f
31: add $16, %ecx
    cmp $32, %ecx
    jb 3b
    lea N_ATIME(%rbx), %rdi
    mov %r12, %rsi
    call set_time
    lea N_MTIME(%rbx), %rdi
    lea 16(%r12), %rsi
    call set_time
    jmp 6f
5:  lea N_MTIME(%rbx), %rdi             # no times: both now
    call time_now
    mov N_MTIME(%rbx), %rax
    mov %rax, N_ATIME(%rbx)
    mov N_MTIME + 8(%rbx), %rax
    mov %rax, N_ATIME + 8(%rbx)
6:  mov %rbx, %rdi
    call node_changed
7:  xor %eax, %eax
    jmp 9f
81: mov $-EBADF, %rax
    jmp 9f
82: mov $-EINVAL, %rax
9:  POP_REGS rbx, r12
    ret

# set_time(%rdi = node's timestamp, %rsi = user struct timespec, checked)
set_time:
    mov 8(%rsi), %rax
    cmp $UTIME_OMIT, %rax
    je 9f
    cmp $UTIME_NOW, %rax
    je time_now
    mov %rax, 8(%rdi)
    mov (%rsi), %rax
    mov %rax, (%rdi)
9:  ret

# truncate(path, length)
.globl sys_truncate
sys_truncate:
    test %rsi, %rsi
    js einval
    push %rsi
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    mov $WALK_FOLLOW, %edx
    call path_walk
    pop %rsi
    cmp $-4095, %rax
    jae 9f
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    cmp $S_IFDIR, %ecx
    je eisdir
    cmp $S_IFREG, %ecx
    jne einval
    mov %rax, %rdi
    jmp file_resize
9:  ret

# ftruncate(fd, length): a regular file open for writing
.globl sys_ftruncate
sys_ftruncate:
    test %rsi, %rsi
    js einval
    call fd_file
    test %rax, %rax
    jz ebadf
    testl $O_ACCMODE, FILE_FLAGS(%rax)
    jz einval
    mov FILE_OPS(%rax), %rcx
    lea tmpfs_file_ops(%rip), %rdx
    cmp %rdx, %rcx
    jne einval
    mov FILE_PRIVATE(%rax), %rdi
    jmp file_resize

eisdir:
    mov $-EISDIR, %rax
    ret
enotdir:
    mov $-ENOTDIR, %rax
    ret

.section .rodata
dot_dot:        .ascii ".."
dir_dev:        .asciz "/dev"
dir_tmp:        .asciz "/tmp"
dir_proc:       .asciz "/proc"
dir_proc_self:  .asciz "/proc/self"
dev_null:       .asciz "/dev/null"
dev_zero:       .asciz "/dev/zero"
dev_urandom:    .asciz "/dev/urandom"
dev_random:     .asciz "/dev/random"
dev_tty:        .asciz "/dev/tty"
.p2align 3
devices:                                # path, operations, st_rdev (Linux's numbers)
    .quad dev_null, null_ops, 0x103
    .quad dev_zero, zero_ops, 0x105
    .quad dev_random, urandom_ops, 0x108
    .quad dev_urandom, urandom_ops, 0x109
    .quad dev_tty, tty_ops, 0x500
    .quad 0

.section .process, "aw", @nobits
.p2align 3
.globl cwd_node
cwd_node: .skip 8                       # holds an N_OPEN reference

.section .bss
.p2align 3
.globl root_node
root_node: .skip 8
walk_buffer: .skip 8
.globl walk_name, walk_len
walk_name: .skip 8
walk_len: .skip 8
walk_trailing: .skip 8
rename_name: .skip 8
rename_len: .skip 8
path_file: .skip FILE_SIZE
.p2align 12
.globl path_buffer
path_buffer: .skip PATH_MAX
path_buffer2: .skip PATH_MAX
link_buffer: .skip PATH_MAX

.text
# vfs_install_program(%rdi = argv[0], %rsi = image (kernel address), %rdx = size): the program
# at its own path (argv[0], under / when relative), unless the initramfs has a file there, with
# the directories above it; and /proc/self/exe naming it, so that a program finds and re-runs
# itself as on Linux. The file's bytes stay where they are (the module, or the kernel image).
.globl vfs_install_program
vfs_install_program:
    PUSH_REGS rbx, r12, r13
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rdi, %rsi
    lea exe_path(%rip), %rdi
    cmpb $'/', (%rsi)
    je 1f
    movb $'/', (%rdi)
    inc %rdi
1:  PUSH_REGS rdi, rsi
    mov %rsi, %rdi
    call strlen
    POP_REGS rdi, rsi
    cmp $(PATH_MAX - 2), %rax
    jae 9f
    lea 1(%rax), %rdx
    call memcpy
    lea exe_path + 1(%rip), %rbx        # each directory above it
2:  cmpb $0, (%rbx)
    je 4f
    cmpb $'/', (%rbx)
    jne 3f
    movb $0, (%rbx)
    lea exe_path(%rip), %rdi
    mov $0755, %esi
    call kernel_mkdir
    movb $'/', (%rbx)
3:  inc %rbx
    jmp 2b
4:  lea exe_path(%rip), %rdi
    call name_from_path
    lea exe_path(%rip), %rdi
    call kernel_walk_parent
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    call new_name
    test %rax, %rax
    jnz 5f                              # the initramfs's file stays
    mov %rbx, %rdi
    mov $(S_IFREG | 0755), %esi
    call make_node
    cmp $-4095, %rax
    jae 9f
    mov %r12, N_BACKING(%rax)
    mov %r13, N_SIZE(%rax)
5:  lea exe_path(%rip), %rsi           # the file the path names, symlinks followed: its own
    lea path_buffer(%rip), %rdi         # path is what /proc/self/exe says, as on Linux
    mov $PATH_MAX, %edx
    call memcpy
    mov $AT_FDCWD, %edi
    lea path_buffer(%rip), %rsi
    mov $WALK_FOLLOW, %edx
    call walk
    cmp $-4095, %rax
    jae 6f
    mov %rax, %rdi
    call node_path
    cmp $-4095, %rax
    jae 6f
    lea exe_path(%rip), %rdi
    mov %rax, %rsi
    call memcpy
6:  lea proc_self_exe(%rip), %rdi
    call kernel_walk_parent
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rdi
    mov $(S_IFLNK | 0777), %esi
    call make_node
    cmp $-4095, %rax
    jae 9f
    movq $PROC_SELF, N_PROCESS(%rax)    # its target: the looking process's exe_path (link_target)
9:  POP_REGS rbx, r12, r13
    ret

.section .rodata
proc_self_exe: .asciz "/proc/self/exe"
.section .process, "aw", @nobits
.globl exe_path
exe_path: .skip PATH_MAX
