# The in-memory file system: nodes, directory entries and file data (tmpfs.inc), and the open
# files' operations on them (file.inc). Path lookup and the calls that name paths are vfs.s's;
# the initramfs reader is cpio.s's.
#
# Nodes and directory entries are OBJ_SIZE-byte objects carved from frames and kept on a free
# list (the frames stay the allocator's). A regular file's bytes are either in place (N_BACKING:
# an initramfs member or the program module, never written) or in frames reached through a
# two-level page index; the first write or truncation of a file in place copies it into frames.
# As Linux's tmpfs (size=50%), file frames take at most half of the memory: past that, ENOSPC.

.include "defs.inc"
.include "file.inc"
.include "tmpfs.inc"

.equ TMPFS_DEV, 0x15                    # st_dev 0:21, an anonymous device as tmpfs mounts have
.equ PROC_DEV, 0x14                     # st_dev 0:20 for /proc and below: another file system (df, find -xdev)
.equ DIRENT_BOGO, 20                    # shmem's BOGO_DIRENT_SIZE: a directory's st_size per entry
.equ SEEK_SET, 0
.equ SEEK_CUR, 1
.equ SEEK_END, 2
.equ SEEK_DATA, 3
.equ SEEK_HOLE, 4

.text
# ---- Objects --------------------------------------------------------------------------------
# obj_alloc() -> %rax: a zeroed object (kernel address), or 0 when no frame is left.
.globl obj_alloc
obj_alloc:
    mov obj_free_list(%rip), %rax
    test %rax, %rax
    jz 2f
    mov (%rax), %rcx
    mov %rcx, obj_free_list(%rip)
    mov %rax, %rdx
    mov %rax, %rdi
    mov $(OBJ_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    mov %rdx, %rax
    ret
2:  call frame_alloc                    # a zeroed frame: object 0 is returned, the rest listed
    test %rax, %rax
    jz 9f
    movabs $DIRECT_MAP_BASE, %rdx
    add %rdx, %rax
    lea OBJ_SIZE(%rax), %rdi
    mov $(OBJS_PER_FRAME - 1), %ecx
3:  mov obj_free_list(%rip), %rdx
    mov %rdx, (%rdi)
    mov %rdi, obj_free_list(%rip)
    add $OBJ_SIZE, %rdi
    dec %ecx
    jnz 3b
9:  ret

# obj_free(%rdi = object)
.globl obj_free
obj_free:
    mov obj_free_list(%rip), %rax
    mov %rax, (%rdi)
    mov %rdi, obj_free_list(%rip)
    ret

# tmpfs_frame() -> %rax: a zeroed frame (kernel address) for file data, or 0 past the limit.
.globl tmpfs_frame
tmpfs_frame:
    call mm_total_pages
    shr $1, %rax
    cmp %rax, tmpfs_pages(%rip)
    jae 8f
    call frame_alloc
    test %rax, %rax
    jz 9f
    incq tmpfs_pages(%rip)
    movabs $DIRECT_MAP_BASE, %rdx
    add %rdx, %rax
9:  ret
8:  xor %eax, %eax
    ret

# tmpfs_page_count() -> %rax: the frames file data takes (meminfo's Shmem)
.globl tmpfs_page_count
tmpfs_page_count:
    mov tmpfs_pages(%rip), %rax
    ret

# tmpfs_frame_free(%rdi = frame, kernel address)
.globl tmpfs_frame_free
tmpfs_frame_free:
    decq tmpfs_pages(%rip)
    movabs $-DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    jmp frame_free

# ---- Nodes ----------------------------------------------------------------------------------
# node_new(%edi = mode) -> %rax: a node without names (N_NLINK 0), its times now, or 0.
.globl node_new
node_new:
    PUSH_REGS rbx, rdi
    call obj_alloc
    pop %rdi
    test %rax, %rax
    jz 9f
    mov %rax, %rbx
    mov %edi, N_MODE(%rbx)
    incq next_ino(%rip)
    mov next_ino(%rip), %rax
    mov %rax, N_INO(%rbx)
    lea N_CTIME(%rbx), %rdi
    call time_now
    mov N_CTIME(%rbx), %rax
    mov N_CTIME + 8(%rbx), %rdx
    mov %rax, N_ATIME(%rbx)
    mov %rdx, N_ATIME + 8(%rbx)
    mov %rax, N_MTIME(%rbx)
    mov %rdx, N_MTIME + 8(%rbx)
    mov %rbx, %rax
9:  pop %rbx
    ret

# time_now(%rdi = {seconds, nanoseconds}): the wall clock
.globl time_now
time_now:
    push %rdi
    call clock_realtime_ns
    pop %rdi
    xor %edx, %edx
    mov $1000000000, %ecx
    div %rcx
    mov %rax, (%rdi)
    mov %rdx, 8(%rdi)
    ret

# node_modified(%rdi = node): its contents changed (mtime and ctime now); not while the
# initramfs is unpacked, so that its directories keep the archive's times (Linux's dir_utime)
.globl node_modified
node_modified:
    cmpb $0, cpio_unpacking(%rip)
    jne 9f
    push %rdi
    lea N_CTIME(%rdi), %rdi
    call time_now
    pop %rdi
    mov N_CTIME(%rdi), %rax
    mov %rax, N_MTIME(%rdi)
    mov N_CTIME + 8(%rdi), %rax
    mov %rax, N_MTIME + 8(%rdi)
9:  ret

# node_changed(%rdi = node): its attributes changed (ctime now)
.globl node_changed
node_changed:
    lea N_CTIME(%rdi), %rdi
    jmp time_now

# node_put(%rdi = node): frees a node that has neither names nor open files.
.globl node_put
node_put:
    cmpl $0, N_NLINK(%rdi)
    jne 9f
    cmpl $0, N_OPEN(%rdi)
    jne 9f
    push %rdi
    mov N_MODE(%rdi), %eax
    and $S_IFMT, %eax
    cmp $S_IFREG, %eax
    je 1f
    cmp $S_IFLNK, %eax
    jne 3f
    mov N_DATA(%rdi), %rax              # a symlink's own copy of its target
    test %rax, %rax
    jz 3f
    mov %rax, %rdi
    call tmpfs_frame_free               # symlink targets the kernel copied take a frame
    jmp 3f
1:  xor %esi, %esi
    call file_shrink
3:  pop %rdi
    mov N_MODE(%rdi), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne obj_free
    push N_PARENT(%rdi)                 # a removed directory lets its parent go
    call obj_free
    pop %rdi
    decl N_OPEN(%rdi)
    jmp node_put
9:  ret


# ---- Directories ----------------------------------------------------------------------------
# dir_find(%rdi = directory, %rsi = name, %rdx = length) -> %rax: the entry, or 0; %rdx: the
# address of the link to it (for dir_remove).
.globl dir_find
dir_find:
    lea N_CHILDREN(%rdi), %r8
1:  mov (%r8), %rax
    test %rax, %rax
    jz 9f
    cmp D_LEN(%rax), %edx
    jne 2f
    xor %ecx, %ecx
3:  cmp %rdx, %rcx
    je 8f
    movzbl (%rsi,%rcx), %r9d
    cmp %r9b, D_NAME(%rax,%rcx)
    jne 2f
    inc %rcx
    jmp 3b
2:  mov %rax, %r8                       # D_NEXT is at 0
    jmp 1b
8:  mov %r8, %rdx
9:  ret

# dir_add(%rdi = directory, %rsi = name, %rdx = length (1..NAME_MAX), %rcx = node) -> %rax: 0 or
# -ENOSPC. The entry goes last, so that a listing shows creation order; the node gains a link
# (a directory: its "." too, the parent one for its ".." and becomes its parent).
.globl dir_add
dir_add:
    cmpl $0, N_NLINK(%rdi)              # a removed directory takes no new names
    je 7f
    PUSH_REGS rdi, rsi, rdx, rcx
    call obj_alloc
    POP_REGS rdi, rsi, rdx, rcx
    test %rax, %rax
    jz 8f
    mov %rcx, D_NODE(%rax)
    mov %edx, D_LEN(%rax)
    PUSH_REGS rdi, rcx
    lea D_NAME(%rax), %rdi
    mov %rdx, %rcx
    rep movsb
    POP_REGS rdi, rcx
    lea N_CHILDREN(%rdi), %r8
1:  cmpq $0, (%r8)
    je 2f
    mov (%r8), %r8
    jmp 1b
2:  mov %rax, (%r8)
    incl N_NLINK(%rcx)
    addq $DIRENT_BOGO, N_SIZE(%rdi)
    mov %rdi, N_PARENT(%rcx)            # the directory of its latest name (/proc/self/exe's path)
    mov N_MODE(%rcx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 3f
    incl N_NLINK(%rcx)
    incl N_NLINK(%rdi)
3:  push %rcx
    call node_modified
    pop %rdi
    call node_changed
    xor %eax, %eax
    ret
7:  mov $-ENOENT, %rax
    ret
8:  mov $-ENOSPC, %rax
    ret

# dir_remove(%rdi = directory, %rsi = link to the entry, from dir_find): the name goes; the node
# goes too when nothing else holds it.
.globl dir_remove
dir_remove:
    PUSH_REGS rbx, r12
    mov %rdi, %r12
    mov (%rsi), %rax                    # the entry
    mov D_NEXT(%rax), %rcx
    mov %rcx, (%rsi)
    mov D_NODE(%rax), %rbx
    mov %rax, %rdi
    call obj_free
    subq $DIRENT_BOGO, N_SIZE(%r12)
    decl N_NLINK(%rbx)
    mov N_MODE(%rbx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 1f
    decl N_NLINK(%rbx)
    decl N_NLINK(%r12)
    cmpl $0, N_NLINK(%rbx)              # removed (not renamed): its ".." still leads to the
    jne 1f                              # parent, which it holds until it goes (as a dentry does)
    incl N_OPEN(%r12)
1:  mov %r12, %rdi
    call node_modified
    mov %rbx, %rdi
    call node_changed
    mov %rbx, %rdi
    call node_put
    POP_REGS rbx, r12
    ret

# ---- File data ------------------------------------------------------------------------------
# file_page(%rdi = node, %rsi = page number, %edx = 1 to create it) -> %rax: the page (kernel
# address), or 0 (a hole, or no memory to create it).
.globl file_page
file_page:
    PUSH_REGS rbx, r12
    mov %rsi, %r12
    mov %edx, %ebx
    lea N_DATA(%rdi), %r8
    call 1f                             # the root
    test %rax, %rax
    jz 9f
    mov %r12, %rcx
    shr $9, %rcx
    lea (%rax,%rcx,8), %r8
    call 1f                             # the index
    test %rax, %rax
    jz 9f
    mov %r12, %rcx
    and $511, %ecx
    lea (%rax,%rcx,8), %r8
    call 1f                             # the page
9:  POP_REGS rbx, r12
    ret
1:  mov (%r8), %rax                     # the frame (%r8) points at, created if asked
    test %rax, %rax
    jnz 2f
    test %ebx, %ebx
    jz 2f
    push %r8
    call tmpfs_frame
    pop %r8
    mov %rax, (%r8)
2:  ret

# file_page_phys(%rdi = node, %rsi = page number) -> %rax: the page's physical address, or the
# zero page's for a hole (what the exec window maps, and what a copy-out sends)
.globl file_page_phys
file_page_phys:
    xor %edx, %edx
    call file_page
    lea zero_page(%rip), %rdi
    test %rax, %rax
    cmovnz %rax, %rdi
    jmp kernel_to_phys

# file_shrink(%rdi = regular file, %rsi = new size, at most the current one): frees the pages
# past it and clears the rest of its last page, so that growing the file again reads zeros.
.globl file_shrink
file_shrink:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rsi, %r12
    lea PAGE_SIZE - 1(%rsi), %r13
    shr $12, %r13                       # the first page to free
    mov N_DATA(%rbx), %r15
    test %r15, %r15
    jz 8f
    mov %r13, %r14
    shr $9, %r14                        # the first index that may hold such pages
1:  cmp $512, %r14
    jae 5f
    mov (%r15,%r14,8), %rdi
    test %rdi, %rdi
    jz 4f
    xor %ecx, %ecx                      # the index's pages at or past the first to free
    mov %r14, %rax
    shl $9, %rax
    cmp %rax, %r13
    jbe 2f
    mov %r13, %rcx
    sub %rax, %rcx
2:  cmp $512, %rcx
    jae 3f
    mov (%rdi,%rcx,8), %rax
    test %rax, %rax
    jz 21f
    movq $0, (%rdi,%rcx,8)
    PUSH_REGS rdi, rcx
    mov %rax, %rdi
    call tmpfs_frame_free
    POP_REGS rdi, rcx
21: inc %rcx
    jmp 2b
3:  mov %r14, %rax                      # an index wholly past the end goes too
    shl $9, %rax
    cmp %rax, %r13
    ja 4f
    movq $0, (%r15,%r14,8)
    call tmpfs_frame_free
4:  inc %r14
    jmp 1b
5:  test %r13, %r13
    jnz 6f
    movq $0, N_DATA(%rbx)
    mov %r15, %rdi
    call tmpfs_frame_free
    jmp 8f
6:  test $(PAGE_SIZE - 1), %r12d        # the tail of the last page
    jz 8f
    mov %rbx, %rdi
    mov %r12, %rsi
    shr $12, %rsi
    xor %edx, %edx
    call file_page
    test %rax, %rax
    jz 8f
    mov %r12, %rdx
    and $(PAGE_SIZE - 1), %edx
    lea (%rax,%rdx), %rdi
    mov $PAGE_SIZE, %ecx
    sub %rdx, %rcx
    xor %eax, %eax
    rep stosb
8:  POP_REGS rbx, r12, r13, r14, r15
    ret

# file_own(%rdi = regular file) -> %rax: 0, or -ENOSPC. A file in place (N_BACKING) is copied
# into frames of its own, before its first change.
.globl file_own
file_own:
    cmpq $0, N_BACKING(%rdi)
    je 9f
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    xor %r12d, %r12d                    # offset
1:  cmp N_SIZE(%rbx), %r12
    jae 5f
    mov %rbx, %rdi
    mov %r12, %rsi
    shr $12, %rsi
    mov $1, %edx
    call file_page
    test %rax, %rax
    jz 8f
    mov %rax, %rdi
    mov N_BACKING(%rbx), %rsi
    add %r12, %rsi
    mov N_SIZE(%rbx), %rdx
    sub %r12, %rdx
    mov $PAGE_SIZE, %ecx
    cmp %rcx, %rdx
    cmova %rcx, %rdx
    call memcpy
    add $PAGE_SIZE, %r12
    jmp 1b
5:  movq $0, N_BACKING(%rbx)
    xor %eax, %eax
    jmp 7f
8:  mov %rbx, %rdi                      # no room: as it was
    xor %esi, %esi
    call file_shrink
    mov $-ENOSPC, %rax
7:  POP_REGS rbx, r12
    ret
9:  xor %eax, %eax
    ret

# file_drop_privileges(%rdi = regular file): a change of owner clears set-user-ID, and set-group-ID
# when group execution is on, even by root (chown(2)); a write or truncation by root keeps them
# (CAP_FSETID), and root is the only user.
.globl file_drop_privileges
file_drop_privileges:
    mov N_MODE(%rdi), %eax
    test $04000, %eax
    jnz 1f
    mov %eax, %ecx
    and $02010, %ecx
    cmp $02010, %ecx
    jne 9f
1:  and $~04000, %eax
    mov %eax, %ecx
    and $02010, %ecx
    cmp $02010, %ecx
    jne 2f
    and $~02000, %eax
2:  mov %eax, N_MODE(%rdi)
9:  ret

# file_resize(%rdi = regular file, %rsi = size) -> %rax: 0 or -errno (truncate, O_TRUNC)
.globl file_resize
file_resize:
    mov $-EFBIG, %rax
    cmp $FILE_MAX_BYTES, %rsi
    ja 9f
    test %rsi, %rsi                     # cut to nothing (O_TRUNC): the bytes in place need no copy
    jnz 2f
    movq $0, N_BACKING(%rdi)
2:  PUSH_REGS rdi, rsi
    call file_own
    POP_REGS rdi, rsi
    test %rax, %rax
    jnz 9f
    cmp N_SIZE(%rdi), %rsi
    jae 1f
    PUSH_REGS rdi, rsi
    call file_shrink
    POP_REGS rdi, rsi
1:  mov %rsi, N_SIZE(%rdi)
    call node_modified
    xor %eax, %eax
9:  ret

# ---- Open files -------------------------------------------------------------------------------
# file_fs_node(%rdi = open file) -> %rax: its node when it is a file of the file system (its
# stat is tmpfs_stat), else 0 (a pipe, the console, epoll). Clobbers %rcx.
.globl file_fs_node
file_fs_node:
    mov FILE_OPS(%rdi), %rax
    lea tmpfs_stat(%rip), %rcx
    cmp %rcx, FOP_STAT(%rax)
    jne 9f
    mov FILE_PRIVATE(%rdi), %rax
    ret
9:  xor %eax, %eax
    ret

# node_ops(%rdi = node) -> %rax: the operations its open files have
.globl node_ops
node_ops:
    mov N_MODE(%rdi), %ecx
    and $S_IFMT, %ecx
    lea proc_ops(%rip), %rax
    cmpq $0, N_GENERATE(%rdi)
    jne 1f
    lea tmpfs_file_ops(%rip), %rax
    cmp $S_IFREG, %ecx
    je 1f
    lea tmpfs_dir_ops(%rip), %rax
    cmp $S_IFDIR, %ecx
    je 1f
    lea tmpfs_link_ops(%rip), %rax
    cmp $S_IFLNK, %ecx
    je 1f
    mov N_DATA(%rdi), %rax              # a device: its own
1:  ret

# file_open_node(%rdi = node, %esi = open flags) -> %rax: a new open file (one reference), or
# -ENOMEM
.globl file_open_node
file_open_node:
    PUSH_REGS rdi, rsi
    call obj_alloc
    POP_REGS rdi, rsi
    test %rax, %rax
    jz 8f
    mov %rdi, FILE_PRIVATE(%rax)
    incl N_OPEN(%rdi)
    and $~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC), %esi
    or $O_LARGEFILE, %esi
    mov %esi, FILE_FLAGS(%rax)
    movl $1, FILE_REFS(%rax)
    push %rax
    call node_ops
    mov %rax, %rcx
    pop %rax
    mov %rcx, FILE_OPS(%rax)
    ret
8:  mov $-ENOMEM, %rax
    ret

# The last descriptor is gone: the node may go too (unlinked while open).
tmpfs_release:
    push %rdi
    call locks_file_released            # its locks go with the open file, as on Linux
    mov (%rsp), %rdi
    mov FILE_PRIVATE(%rdi), %rdi
    decl N_OPEN(%rdi)
    call node_put
    pop %rdi
    jmp obj_free

tmpfs_fsync:
    xor %eax, %eax
    ret

# tmpfs_stat(%rdi = file, %rsi = zeroed struct stat) -> 0
.globl tmpfs_stat
tmpfs_stat:
    mov FILE_PRIVATE(%rdi), %rdi
.globl node_stat
node_stat:
    movq $TMPFS_DEV, STAT_DEV(%rsi)
    PUSH_REGS rdi, rsi
    call node_in_proc
    POP_REGS rdi, rsi
    test %eax, %eax
    jz 5f
    movq $PROC_DEV, STAT_DEV(%rsi)
5:  mov N_INO(%rdi), %rax
    mov %rax, STAT_INO(%rsi)
    mov N_NLINK(%rdi), %eax
    mov %rax, STAT_NLINK(%rsi)
    mov N_MODE(%rdi), %eax
    mov %eax, STAT_MODE(%rsi)
    mov N_UID(%rdi), %eax
    mov %eax, STAT_UID(%rsi)
    mov N_GID(%rdi), %eax
    mov %eax, STAT_GID(%rsi)
    mov N_RDEV(%rdi), %rax
    mov %rax, STAT_RDEV(%rsi)
    mov N_SIZE(%rdi), %rax
    mov %rax, STAT_SIZE_(%rsi)
    movq $PAGE_SIZE, STAT_BLKSIZE(%rsi)
    mov N_MODE(%rdi), %ecx              # blocks: the pages a regular file's size covers
    and $S_IFMT, %ecx
    xor %edx, %edx
    cmp $S_IFDIR, %ecx
    je 1f
    cmp $S_IFREG, %ecx
    jne 2f
    add $(PAGE_SIZE - 1), %rax
    shr $12, %rax
    shl $3, %rax
    mov %rax, %rdx
    jmp 2f
1:  xor %edx, %edx
2:  mov %rdx, STAT_BLOCKS(%rsi)
    mov $6, %ecx                        # atime, mtime, ctime: three {sec, nsec}
    xor %edx, %edx
3:  mov N_ATIME(%rdi,%rdx,8), %rax
    mov %rax, STAT_ATIME(%rsi,%rdx,8)
    inc %edx
    dec %ecx
    jnz 3b
    xor %eax, %eax
    ret

# tmpfs_read(%rdi = file, %rsi = buffer, %rdx = count, %rcx = offset pointer)
tmpfs_read:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov FILE_PRIVATE(%rdi), %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rcx, %r14
    mov (%r14), %rbp                    # offset
    mov N_SIZE(%rbx), %rax
    sub %rbp, %rax
    jbe 7f
    cmp %rax, %r13
    cmova %rax, %r13                    # the bytes to read: only those pages of the buffer are
    mov %r12, %rdi                      # touched, as Linux's copy_to_user
    mov %r13, %rsi
    mov $1, %edx
    call io_buffer_ok
    test %rax, %rax
    jnz 9f
    mov N_BACKING(%rbx), %rsi
    test %rsi, %rsi
    jz 1f
    add %rbp, %rsi
    mov %r12, %rdi
    mov %r13, %rdx
    call memcpy
    jmp 6f
1:  xor %r15d, %r15d                    # done
2:  cmp %r13, %r15
    jae 6f
    lea (%rbp,%r15), %rsi
    mov %esi, %eax
    and $(PAGE_SIZE - 1), %eax
    push %rax
    shr $12, %rsi
    mov %rbx, %rdi
    xor %edx, %edx
    call file_page
    pop %rcx                            # offset in the page
    mov $PAGE_SIZE, %edx
    sub %rcx, %rdx
    mov %r13, %r8
    sub %r15, %r8
    cmp %r8, %rdx
    cmova %r8, %rdx                     # the chunk
    lea (%r12,%r15), %rdi
    add %rdx, %r15
    test %rax, %rax
    jz 3f
    lea (%rax,%rcx), %rsi
    call memcpy
    jmp 2b
3:  mov %rdx, %rcx                      # a hole reads as zeros
    xor %eax, %eax
    rep stosb
    jmp 2b
6:  add %r13, (%r14)
    mov %r13, %rax
    jmp 9f
7:  xor %eax, %eax
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# tmpfs_write(%rdi = file, %rsi = buffer, %rdx = count, %rcx = offset pointer): at the end with
# O_APPEND; short (or ENOSPC) when memory runs out, EFBIG past the largest file.
tmpfs_write:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov FILE_PRIVATE(%rdi), %rbx
    mov FILE_FLAGS(%rdi), %ebp
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rcx, %r14
    mov %rsi, %rdi
    mov %rdx, %rsi
    xor %edx, %edx
    call io_buffer_ok
    test %rax, %rax
    jnz 9f
    test $O_APPEND, %ebp
    jz 1f
    mov N_SIZE(%rbx), %rax
    mov %rax, (%r14)
1:  mov (%r14), %rbp                    # offset
    xor %eax, %eax
    test %r13, %r13
    jz 9f
    mov $-EFBIG, %rax
    mov $FILE_MAX_BYTES, %ecx
    sub %rbp, %rcx
    jbe 9f
    cmp %rcx, %r13
    cmova %rcx, %r13
    mov %rbx, %rdi
    call file_own
    test %rax, %rax
    jnz 9f
    xor %r15d, %r15d
2:  cmp %r13, %r15
    jae 6f
    lea (%rbp,%r15), %rsi
    mov %esi, %eax
    and $(PAGE_SIZE - 1), %eax
    push %rax
    shr $12, %rsi
    mov %rbx, %rdi
    mov $1, %edx
    call file_page
    pop %rcx
    test %rax, %rax
    jz 5f
    mov $PAGE_SIZE, %edx
    sub %rcx, %rdx
    mov %r13, %r8
    sub %r15, %r8
    cmp %r8, %rdx
    cmova %r8, %rdx
    lea (%rax,%rcx), %rdi
    lea (%r12,%r15), %rsi
    add %rdx, %r15
    call memcpy
    jmp 2b
5:  mov $-ENOSPC, %rax
    test %r15, %r15
    jz 9f
6:  lea (%rbp,%r15), %rax
    mov %rax, (%r14)
    cmp N_SIZE(%rbx), %rax
    jbe 7f
    mov %rax, N_SIZE(%rbx)
7:  mov %rbx, %rdi
    call node_modified
    mov %r15, %rax
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# tmpfs_lseek(%rdi = file, %rsi = offset, %edx = whence): a directory's offset counts entries
tmpfs_lseek:
    mov FILE_PRIVATE(%rdi), %r8
    mov N_SIZE(%r8), %r9
    mov %rsi, %rax
    cmp $SEEK_CUR, %edx
    jne 1f
    add FILE_POS(%rdi), %rax
    jo 8f
1:  cmp $SEEK_END, %edx
    jne 2f
    add %r9, %rax
    jo 8f
2:  cmp $SEEK_DATA, %edx                # all data: no holes are reported, as Linux may
    jb 4f
    cmp %r9, %rsi
    jge 7f
    test %rsi, %rsi
    js 8f
    cmp $SEEK_HOLE, %edx
    jne 4f
    mov %r9, %rax
4:  test %rax, %rax
    js 8f
    mov %rax, FILE_POS(%rdi)
    ret
7:  mov $-ENXIO, %rax
    ret
8:  mov $-EINVAL, %rax
    ret

tmpfs_dir_read:
    mov $-EISDIR, %rax
    ret

# ---- Devices --------------------------------------------------------------------------------
null_read:
    xor %eax, %eax
    ret
null_write:
    mov %rdx, %rax
    ret
dev_lseek:
    xor %eax, %eax
    mov %rax, FILE_POS(%rdi)
    ret

zero_read:
    PUSH_REGS rsi, rdx
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov $1, %edx
    call io_buffer_ok
    POP_REGS rdi, rcx
    test %rax, %rax
    jnz 9f
    mov %rcx, %rdx
    xor %eax, %eax
    rep stosb
    mov %rdx, %rax
9:  ret

# /dev/urandom: getrandom's source
urandom_read:
    PUSH_REGS rsi, rdx
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov $1, %edx
    call io_buffer_ok
    POP_REGS rdi, rsi
    test %rax, %rax
    jnz 9f
    push %rsi
    call random_fill
    pop %rax
9:  ret

# /dev/tty: the console (standard input and standard output)
tty_read:
    mov %rsi, %rdi
    mov %rdx, %rsi
    jmp vconsole_read
tty_write:
    PUSH_REGS rsi, rdx
    mov %rsi, %rdi
    mov %rdx, %rsi
    xor %edx, %edx
    call io_buffer_ok
    POP_REGS rsi, rdx
    test %rax, %rax
    jnz 9f
    mov $1, %edi
    jmp vconsole_write
9:  ret

.section .rodata
.p2align 3
.globl tmpfs_file_ops, tmpfs_dir_ops, tmpfs_link_ops, tmpfs_release
.globl null_ops, zero_ops, urandom_ops, tty_ops
tmpfs_file_ops:
    .quad tmpfs_read, tmpfs_write, 0, tmpfs_stat, tmpfs_lseek, 0, tmpfs_release, tmpfs_fsync
tmpfs_dir_ops:
    .quad tmpfs_dir_read, 0, 0, tmpfs_stat, tmpfs_lseek, 0, tmpfs_release, tmpfs_fsync
tmpfs_link_ops:                         # only ever a path's file (stat), never opened
    .quad 0, 0, 0, tmpfs_stat, 0, 0, tmpfs_release, 0
null_ops:
    .quad null_read, null_write, 0, tmpfs_stat, dev_lseek, 0, tmpfs_release, 0
zero_ops:
    .quad zero_read, null_write, 0, tmpfs_stat, dev_lseek, 0, tmpfs_release, 0
urandom_ops:
    .quad urandom_read, null_write, 0, tmpfs_stat, dev_lseek, 0, tmpfs_release, 0
tty_ops:
    .quad tty_read, tty_write, 0, tmpfs_stat, 0, 0, tmpfs_release, 0

.section .bss
.p2align 3
.globl zero_page
.balign PAGE_SIZE
zero_page: .skip PAGE_SIZE              # a hole of a file, mapped or sent
obj_free_list: .skip 8
tmpfs_pages: .skip 8
next_ino: .skip 8
