# Copy-out (docs/kernel.md, "Copy-out"): when the first process ends, the directories that the
# command line's copy-out=DIR[,DIR...] names go to the VMM as one newc cpio archive, through
# jvmm's copy-out port (the VMM's devices/CopyOut.java). The kernel writes only the members'
# headers; the VMM is handed lists of guest-physical pieces, the files' own pages among them,
# and copies a whole list in one exit: no file byte passes through the kernel, whose
# instructions our hosts emulate.
#
# The port (4 bytes): a 32-bit read gives COPYOUT_MAGIC (all ones without the device, as under
# QEMU); a 32-bit write of a list's guest-physical address, {u64 count; {u64 address, u64
# length}[count]}, appends its pieces to the archive in order.

.include "defs.inc"
.include "tmpfs.inc"
.include "file.inc"

.equ COPYOUT_PORT,  0x524
.equ COPYOUT_MAGIC, 0x4a564d4f          # "JVMO"
.equ PIECES_MAX,    255                 # a list fills a page
.equ HEADERS_SIZE,  16384
.equ NEWC_HEADER,   110                 # "070701" and 13 fields of 8 hex digits
.equ HEADER_MAX,    NEWC_HEADER + PATH_MAX + 4
.equ DEPTH_MAX,     PATH_MAX / 2        # "/a" per level

# One level of the walk: the next entry of a directory, and the name's length before it.
.equ LEVEL_DENTRY, 0
.equ LEVEL_LEN,    8
.equ LEVEL_SIZE,   16

.text
# copy_out(%rdi = the kernel command line): the archive, if the command line asks for one, with a
# report line per directory. Once, at the end of the run.
.globl copy_out
copy_out:
    push %rbx
    lea key_copy_out(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 9f
    mov %rax, %rbx                      # the directories
    mov $COPYOUT_PORT, %dx
    in %dx, %eax
    cmp $COPYOUT_MAGIC, %eax
    je 1f
    lea msg_no_device(%rip), %rdi
    call serial_puts
    jmp 9f
1:  movzbl (%rbx), %eax                 # the next directory: up to ',', a space or the end
    test %eax, %eax
    jz 8f
    cmp $' ', %eax
    je 8f
    cmp $',', %eax
    jne 2f
    inc %rbx
    jmp 1b
2:  lea co_path(%rip), %rdi
    xor %ecx, %ecx
3:  movzbl (%rbx), %eax
    test %eax, %eax
    jz 5f
    cmp $' ', %eax
    je 5f
    cmp $',', %eax
    je 5f
    inc %rbx
    cmp $(PATH_MAX - 1), %ecx           # too long: the rest is skipped, the walk says so
    jae 3b
    mov %al, (%rdi,%rcx)
    inc %ecx
    jmp 3b
5:  movb $0, (%rdi,%rcx)
    call copy_out_dir
    jmp 1b
8:  lea trailer_name(%rip), %rsi        # the archive's end
    mov $(trailer_name_end - trailer_name - 1), %edx
    lea trailer_node(%rip), %rdi
    call co_header
    call co_flush
9:  pop %rbx
    ret

# copy_out_dir(): the directory co_path names, and everything below it, as members named by
# their paths without the leading "/" (the root itself: "."). One report line.
copy_out_dir:
    PUSH_REGS rbx, r12, r13, r14
    lea msg_copy_out(%rip), %rdi
    call serial_puts
    lea co_path(%rip), %rdi
    call serial_puts
    lea co_walk(%rip), %rdi             # walk rewrites its buffer
    lea co_path(%rip), %rsi
    mov $PATH_MAX, %edx
    call memcpy
    mov $AT_FDCWD, %edi
    lea co_walk(%rip), %rsi
    mov $WALK_FOLLOW, %edx
    call walk
    cmp $-4095, %rax
    jae 7f
    mov %rax, %rbx
    mov N_MODE(%rbx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    mov $-ENOTDIR, %rax
    jne 7f
    lea co_path(%rip), %rsi             # the name: the path without leading or trailing slashes
1:  cmpb $'/', (%rsi)
    jne 2f
    inc %rsi
    jmp 1b
2:  mov %rsi, %rdi
    push %rsi
    call strlen
    pop %rsi
    mov %rax, %r12
    lea co_name(%rip), %rdi
    mov %rax, %rdx
    call memcpy
    lea co_name(%rip), %rcx
3:  test %r12, %r12
    jz 4f
    cmpb $'/', -1(%rcx,%r12)
    jne 4f
    dec %r12
    jmp 3b
4:  movq $0, co_members(%rip)
    movq $0, co_bytes(%rip)
    lea co_name(%rip), %rsi
    mov %r12, %rdx
    test %r12, %r12
    jnz 5f
    lea dot_name(%rip), %rsi
    mov $1, %edx
5:  mov %rbx, %rdi
    call co_member
    mov %rbx, %rdi
    mov %r12, %rsi
    call co_tree
    lea msg_members(%rip), %rdi
    call serial_puts
    mov co_members(%rip), %rdi
    call serial_put_dec
    lea msg_bytes(%rip), %rdi
    call serial_puts
    mov co_bytes(%rip), %rdi
    call serial_put_dec
    jmp 8f
7:  mov %rax, %rbx
    lea msg_errno(%rip), %rdi
    call serial_puts
    mov %rbx, %rdi
    neg %rdi
    call serial_put_dec
8:  mov $'\n', %edi
    call serial_putc
    POP_REGS rbx, r12, r13, r14
    ret

# co_tree(%rdi = directory, %rsi = the length of its name in co_name): what is below it,
# depth first, each directory before its entries. Iterative: a level per directory in
# co_levels. A name that would pass PATH_MAX, or a directory deeper than DEPTH_MAX, is left out.
co_tree:
    PUSH_REGS rbx, r12, r13
    lea co_levels(%rip), %rbx           # the current level
    mov N_CHILDREN(%rdi), %rax
    mov %rax, LEVEL_DENTRY(%rbx)
    mov %rsi, LEVEL_LEN(%rbx)
1:  mov LEVEL_DENTRY(%rbx), %r12
    test %r12, %r12
    jnz 2f
    lea co_levels(%rip), %rax           # this directory is done
    cmp %rax, %rbx
    je 9f
    sub $LEVEL_SIZE, %rbx
    jmp 1b
2:  mov D_NEXT(%r12), %rax
    mov %rax, LEVEL_DENTRY(%rbx)
    mov LEVEL_LEN(%rbx), %r13           # the name: the directory's, "/", the entry's
    lea co_name(%rip), %rdi
    mov D_LEN(%r12), %edx
    lea 1(%r13,%rdx), %rax
    cmp $(PATH_MAX - 1), %rax
    jae 1b
    add %r13, %rdi
    test %r13, %r13
    jz 3f
    movb $'/', (%rdi)
    inc %rdi
    inc %r13
3:  lea D_NAME(%r12), %rsi
    add %rdx, %r13
    call memcpy
    lea co_name(%rip), %rsi
    mov %r13, %rdx
    mov D_NODE(%r12), %rdi
    call co_member
    mov D_NODE(%r12), %rdi
    mov N_MODE(%rdi), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 1b
    lea co_levels + (DEPTH_MAX - 1) * LEVEL_SIZE(%rip), %rax
    cmp %rax, %rbx
    jae 1b
    add $LEVEL_SIZE, %rbx               # into it
    mov N_CHILDREN(%rdi), %rax
    mov %rax, LEVEL_DENTRY(%rbx)
    mov %r13, LEVEL_LEN(%rbx)
    jmp 1b
9:  POP_REGS rbx, r12, r13
    ret

# co_member(%rdi = node, %rsi = name, %rdx = its length): a directory, regular file or symlink
# as a member, its contents the file's own bytes; other kinds (devices, pipes) and generated
# files (/proc) are left out.
co_member:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %rbx
    mov N_MODE(%rbx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    je 1f
    cmpq $0, N_GENERATE(%rbx)
    jne 9f
    cmp $S_IFLNK, %eax
    je 1f
    cmp $S_IFREG, %eax
    jne 9f
1:  mov %rbx, %rdi
    call co_header
    incq co_members(%rip)
    mov N_MODE(%rbx), %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    je 9f
    mov N_SIZE(%rbx), %r12
    cmp $S_IFREG, %eax
    jne 1f
    add %r12, co_bytes(%rip)
1:    mov N_BACKING(%rbx), %rdi           # the bytes in place (the archive's, a symlink's target)
    test %rdi, %rdi
    jz 2f
    call kernel_to_phys
    mov %rax, %rdi
    mov %r12, %rsi
    call co_piece
    jmp 8f
2:  xor %r13d, %r13d                    # else page by page, a hole as the zero page
3:  mov %r13, %rax
    shl $12, %rax                       # the page's offset in the file
    cmp %r12, %rax
    jae 8f
    mov %r12, %r14
    sub %rax, %r14
    mov $PAGE_SIZE, %eax
    cmp %rax, %r14
    cmova %rax, %r14
    mov %rbx, %rdi
    mov %r13, %rsi
    call file_page_phys
    mov %rax, %rdi
    mov %r14, %rsi
    call co_piece
    inc %r13
    jmp 3b
8:  neg %r12                            # padded to 4 bytes
    and $3, %r12d
    lea zero_page(%rip), %rdi
    call kernel_to_phys
    mov %rax, %rdi
    mov %r12, %rsi
    call co_piece
9:  POP_REGS rbx, r12, r13, r14
    ret

# co_header(%rdi = node (trailer_node for the trailer), %rsi = name, %rdx = its length): a newc
# header in co_headers, and the piece that sends it. Permission bits, owner and modification
# time are the node's (each field its low 32 bits); the link count is 1 but for directories (a
# hard link arrives as another copy), whose size is 0.
co_header:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rsi, %r13
    mov %rdx, %r14
    mov N_MODE(%rbx), %r15d
    and $S_IFMT, %r15d
    cmp $S_IFDIR, %r15d
    sete %r15b                          # a directory
    cmpq $(HEADERS_SIZE - HEADER_MAX), co_headers_used(%rip)
    ja 1f
    cmpq $PIECES_MAX, co_list(%rip)     # room for this header's piece: no flush may move it
    jb 2f
1:  call co_flush
2:  lea co_headers(%rip), %r12
    add co_headers_used(%rip), %r12
    movl $0x37303730, (%r12)            # "070701"
    movw $0x3130, 4(%r12)
    lea 6(%r12), %rdi
    mov N_INO(%rbx), %esi
    call put_hex8
    mov N_MODE(%rbx), %esi
    call put_hex8
    mov N_UID(%rbx), %esi
    call put_hex8
    mov N_GID(%rbx), %esi
    call put_hex8
    mov $1, %esi
    test %r15b, %r15b
    jz 3f
    mov N_NLINK(%rbx), %esi
3:  call put_hex8
    mov N_MTIME(%rbx), %esi
    call put_hex8
    xor %esi, %esi
    test %r15b, %r15b
    jnz 4f
    mov N_SIZE(%rbx), %esi
4:  call put_hex8
    mov $4, %r15d                       # devmajor, devminor, rdevmajor, rdevminor
5:  xor %esi, %esi
    call put_hex8
    dec %r15d
    jnz 5b
    lea 1(%r14), %rsi                   # namesize, with its NUL
    call put_hex8
    xor %esi, %esi                      # check
    call put_hex8
    mov %r13, %rsi
    mov %r14, %rdx
    push %rdi
    call memcpy
    pop %rdi
    add %r14, %rdi
    lea NEWC_HEADER + 1 + 3(%r14), %rdx # header and name padded to 4 bytes, the NULs written
    and $~3, %rdx
    lea (%r12,%rdx), %rcx
6:  movb $0, (%rdi)
    inc %rdi
    cmp %rcx, %rdi
    jb 6b
    add %rdx, co_headers_used(%rip)
    mov %r12, %rdi
    push %rdx
    call kernel_to_phys
    pop %rsi
    mov %rax, %rdi
    call co_piece
    POP_REGS rbx, r12, r13, r14, r15
    ret

# co_piece(%rdi = guest-physical address, %rsi = length): appended to the list, or to its last
# piece when it continues it; a full list goes to the VMM first.
co_piece:
    test %rsi, %rsi
    jz 9f
    mov co_list(%rip), %rax             # the count
    test %rax, %rax
    jz 2f
    mov %rax, %rcx
    shl $4, %rcx
    lea co_list - 8(%rip), %rdx         # the last piece: {address, length} at 8 + (count-1)*16
    add %rcx, %rdx
    mov (%rdx), %r8
    add 8(%rdx), %r8
    cmp %rdi, %r8
    jne 1f
    add %rsi, 8(%rdx)
    ret
1:  cmp $PIECES_MAX, %rax
    jb 2f
    PUSH_REGS rdi, rsi
    call co_flush
    POP_REGS rdi, rsi
    mov co_list(%rip), %rax
2:  mov %rax, %rcx
    shl $4, %rcx
    lea co_list + 8(%rip), %rdx
    add %rcx, %rdx
    mov %rdi, (%rdx)
    mov %rsi, 8(%rdx)
    inc %rax
    mov %rax, co_list(%rip)
9:  ret

# co_flush(): the list to the VMM, which copies its pieces before the OUT returns; the list and
# the header area are free again.
co_flush:
    cmpq $0, co_list(%rip)
    je 9f
    lea co_list(%rip), %rdi
    call kernel_to_phys
    mov $COPYOUT_PORT, %dx
    out %eax, %dx
    movq $0, co_list(%rip)
    movq $0, co_headers_used(%rip)
9:  ret

.section .rodata
key_copy_out:   .asciz "copy-out="
msg_no_device:  .asciz "jvmm-kernel: copy-out: no copy-out device (jvmm's port 0x524): nothing copied\n"
msg_copy_out:   .asciz "jvmm-kernel: copy-out: "
msg_members:    .asciz ": "
msg_bytes:      .asciz " members, regular files' bytes "
msg_errno:      .asciz ": errno "
dot_name:       .asciz "."
trailer_name:   .asciz "TRAILER!!!"
trailer_name_end:

.section .bss
.balign PAGE_SIZE
co_list:         .skip 8 + PIECES_MAX * 16    # {count; pieces}: one page
.balign 16
co_headers:      .skip HEADERS_SIZE
co_headers_used: .skip 8
co_members:      .skip 8
co_bytes:        .skip 8
co_levels:       .skip DEPTH_MAX * LEVEL_SIZE
co_path:         .skip PATH_MAX
co_walk:         .skip PATH_MAX
co_name:         .skip PATH_MAX
trailer_node:    .skip OBJ_SIZE               # all fields 0: what the trailer's header says
