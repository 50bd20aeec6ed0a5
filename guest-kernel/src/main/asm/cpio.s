# The initramfs reader: a "newc" cpio archive (magic 070701, or 070702 whose checksums are not
# checked), unpacked into the in-memory file system at boot as Linux's init/initramfs.c does.
# Directories, regular files and symlinks are made (a later member replaces an earlier file of
# that name; a directory that exists already keeps its contents and takes the member's mode);
# other types, members whose directory is missing, and hard links (each member is its own file)
# are skipped. A regular file's and a symlink's bytes stay in the archive, which the kernel never
# frees: files are copied only when first written (tmpfs.s).
#
# Any byte sequence is safe: every field is checked against the bytes that remain, and the first
# malformed member stops the unpacking with one line naming it; what came before stays, and the
# boot goes on (as Linux's "Initramfs unpacking failed").

.include "defs.inc"
.include "file.inc"
.include "tmpfs.inc"

.equ CPIO_HEADER, 110
# The header's thirteen 8-digit hexadecimal fields, after the 6-byte magic
.equ F_INO, 0
.equ F_MODE, 1
.equ F_UID, 2
.equ F_GID, 3
.equ F_NLINK, 4
.equ F_MTIME, 5
.equ F_FILESIZE, 6
.equ F_NAMESIZE, 11
.equ CPIO_FIELDS, 13

.text
# cpio_unpack(%rdi = archive (kernel address), %rsi = its size) -> %rax: the members unpacked,
# or -EINVAL after the line that says what is wrong (unless cpio_quiet), -ENOSPC when memory ran
# out.
.globl cpio_unpack
cpio_unpack:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov %rdi, %rbx
    mov %rsi, %r12
    xor %r13d, %r13d                    # offset of the member
    xor %r15d, %r15d                    # members
    movb $1, cpio_unpacking(%rip)
1:  lea err_truncated(%rip), %r14
    mov %r12, %rax
    sub %r13, %rax
    cmp $CPIO_HEADER, %rax
    jb 80f
    lea (%rbx,%r13), %rbp               # the header
    lea err_magic(%rip), %r14
    cmpl $0x37303730, (%rbp)            # "0707"
    jne 80f
    cmpw $0x3130, 4(%rbp)               # "01"
    je 2f
    cmpw $0x3230, 4(%rbp)               # "02"
    jne 80f
2:  lea err_header(%rip), %r14
    xor %ecx, %ecx
3:  lea 6(%rbp,%rcx,8), %rdi
    call hex8
    jc 80f
    lea cpio_fields(%rip), %rdx
    mov %rax, (%rdx,%rcx,8)
    inc %ecx
    cmp $CPIO_FIELDS, %ecx
    jb 3b
    lea err_name(%rip), %r14
    mov cpio_fields + F_NAMESIZE * 8(%rip), %rax
    test %rax, %rax
    jz 80f
    lea CPIO_HEADER(%r13,%rax), %rdx    # the name's end (fields < 2^32: no overflow)
    lea err_truncated(%rip), %r14
    cmp %r12, %rdx
    ja 80f
    lea err_name(%rip), %r14
    cmpb $0, -1(%rbx,%rdx)
    jne 80f
    add $3, %rdx
    and $~3, %rdx                       # the data
    mov %rdx, cpio_data(%rip)
    mov cpio_fields + F_FILESIZE * 8(%rip), %rax
    test %rax, %rax
    jz 4f
    add %rax, %rdx
    lea err_truncated(%rip), %r14
    cmp %r12, %rdx
    ja 80f
4:  add $3, %rdx
    and $~3, %rdx
    mov %rdx, cpio_next(%rip)
    lea CPIO_HEADER(%rbp), %rdi         # the name
    cmpq $11, cpio_fields + F_NAMESIZE * 8(%rip)
    jne 5f
    lea trailer(%rip), %rsi
    mov $11, %edx
    call bytes_equal
    je 70f
5:  lea CPIO_HEADER(%rbp), %rdi
    mov cpio_data(%rip), %rsi
    add %rbx, %rsi
    call cpio_member
    lea err_memory(%rip), %r14
    cmp $-ENOSPC, %rax
    je 81f
    inc %r15
    mov cpio_next(%rip), %r13
    cmp %r12, %r13                      # the end without a trailer
    jb 1b
    lea err_no_trailer(%rip), %r14
    jmp 80f
70: mov %r15, %rax
    jmp 9f
80: mov $-EINVAL, %r15
    jmp 82f
81: mov $-ENOSPC, %r15
82: cmpb $0, cpio_quiet(%rip)
    jne 83f
    lea msg_initramfs(%rip), %rdi
    call serial_puts
    mov %r14, %rdi
    call serial_puts
    lea msg_at(%rip), %rdi
    call serial_puts
    mov %r13, %rdi
    call serial_put_dec
    lea msg_kept(%rip), %rdi
    call serial_puts
83: mov %r15, %rax
9:  movb $0, cpio_unpacking(%rip)
    POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# hex8(%rdi = 8 ASCII hexadecimal digits) -> %rax: their value; CF set if one is not a digit.
# Keeps %rcx.
hex8:
    xor %eax, %eax
    mov $8, %r8d
1:  movzbl (%rdi), %edx
    sub $'0', %edx
    cmp $10, %edx
    jb 2f
    or $0x20, %edx                      # 'A'-'F' as 'a'-'f'
    sub $('a' - '0'), %edx
    cmp $6, %edx
    jae 8f
    add $10, %edx
2:  shl $4, %eax
    or %edx, %eax
    inc %rdi
    dec %r8d
    jnz 1b
    clc
    ret
8:  stc
    ret

# bytes_equal(%rdi, %rsi, %rdx = count) -> ZF set if equal
bytes_equal:
    test %rdx, %rdx
    jz 9f
1:  movzbl (%rdi), %eax
    cmp %al, (%rsi)
    jne 9f
    inc %rdi
    inc %rsi
    dec %rdx
    jnz 1b
9:  ret

# cpio_member(%rdi = name, NUL-terminated, %rsi = data) -> %rax: 0, or -ENOSPC; the member's
# fields in cpio_fields
cpio_member:
    PUSH_REGS rbx, r12, r13
    mov %rsi, %r13
1:  cmpb $'/', (%rdi)                   # "/a", "./a" and "a" name the same file
    jne 2f
    inc %rdi
    jmp 1b
2:  cmpw $0x2f2e, (%rdi)                # "./"
    jne 3f
    add $2, %rdi
    jmp 1b
3:  push %rdi
    call strlen
    pop %rsi
    cmp $PATH_MAX, %rax
    jae 70f
    mov cpio_fields + F_MODE * 8(%rip), %r12d
    test %rax, %rax
    jz 60f                              # "" or ".": the root
    cmp $1, %rax
    jne 4f
    cmpb $'.', (%rsi)
    je 60f
4:  lea path_buffer(%rip), %rdi
    lea 1(%rax), %rdx
    call memcpy
    mov $AT_FDCWD, %edi                 # relative to the root: the working directory at boot
    lea path_buffer(%rip), %rsi
    mov $2, %edx                        # WALK_PARENT
    call walk
    cmp $-4095, %rax
    jae 70f
    mov %rax, %rbx                      # the directory
    cmpq $0, walk_len(%rip)
    je 70f
    mov %r12d, %eax
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    je 5f
    cmp $S_IFREG, %eax
    je 6f
    cmp $S_IFLNK, %eax
    jne 70f
    mov cpio_fields + F_FILESIZE * 8(%rip), %rax   # a symlink's target: 1..PATH_MAX-1 bytes
    test %rax, %rax
    jz 70f
    cmp $PATH_MAX, %rax
    jae 70f
    or $0777, %r12d
    jmp 7f
5:  mov %rbx, %rdi
    mov %r12d, %esi
    and $(S_IFMT | 07777), %esi
    call make_node
    cmp $-ENOSPC, %rax
    je 9f
    cmp $-4095, %rax
    jae 70f
    and $07777, %r12d
    mov N_MODE(%rax), %ecx
    and $S_IFMT, %ecx
    or %r12d, %ecx
    mov %ecx, N_MODE(%rax)
    jmp 50f
6:  cmpq $FILE_MAX_BYTES, cpio_fields + F_FILESIZE * 8(%rip)
    ja 70f
7:  mov %rbx, %rdi                      # a file or symlink replaces what is not a directory
    mov walk_name(%rip), %rsi
    mov walk_len(%rip), %rdx
    call dir_find
    test %rax, %rax
    jz 8f
    mov D_NODE(%rax), %rcx
    mov N_MODE(%rcx), %ecx
    and $S_IFMT, %ecx
    cmp $S_IFDIR, %ecx
    je 70f
    mov %rbx, %rdi
    mov %rdx, %rsi
    call dir_remove
8:  mov %rbx, %rdi
    mov %r12d, %esi
    and $(S_IFMT | 07777), %esi
    call make_node
    cmp $-4095, %rax
    jae 9f
    mov %r13, N_BACKING(%rax)
    mov cpio_fields + F_FILESIZE * 8(%rip), %rcx
    mov %rcx, N_SIZE(%rax)
50: mov cpio_fields + F_UID * 8(%rip), %rcx
    mov %ecx, N_UID(%rax)
    mov cpio_fields + F_GID * 8(%rip), %rcx
    mov %ecx, N_GID(%rax)
    mov cpio_fields + F_MTIME * 8(%rip), %rcx
    mov %rcx, N_MTIME(%rax)
    mov %rcx, N_ATIME(%rax)
    movq $0, N_MTIME + 8(%rax)
    movq $0, N_ATIME + 8(%rax)
    jmp 70f
60: mov %r12d, %eax                     # the root's own mode and times
    and $S_IFMT, %eax
    cmp $S_IFDIR, %eax
    jne 70f
    mov root_node(%rip), %rax
    and $07777, %r12d
    or $S_IFDIR, %r12d
    mov %r12d, N_MODE(%rax)
    jmp 50b
70: xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# tree_clear(): every name under the root goes (the cpio-fuzz test mode's reset between
# archives). Iterative, as the tree may be as deep as a path is long.
.globl tree_clear
tree_clear:
    push %rbx
    mov root_node(%rip), %rbx
1:  mov N_CHILDREN(%rbx), %rax
    test %rax, %rax
    jz 3f
    mov D_NODE(%rax), %rcx
    mov N_MODE(%rcx), %edx
    and $S_IFMT, %edx
    cmp $S_IFDIR, %edx
    jne 2f
    cmpq $0, N_CHILDREN(%rcx)
    je 2f
    mov %rcx, %rbx                      # down into a directory with names in it
    jmp 1b
2:  mov %rbx, %rdi                      # the first name goes
    lea N_CHILDREN(%rbx), %rsi
    call dir_remove
    jmp 1b
3:  cmp root_node(%rip), %rbx           # empty: up again
    je 9f
    mov N_PARENT(%rbx), %rbx
    jmp 1b
9:  pop %rbx
    ret

# cpio_fuzz(%rdi = archive, %rsi = size, %rdx = count): the cpio-fuzz=COUNT test mode. COUNT
# times: up to 8 bytes of the archive changed at random, or the archive cut short, or both; the
# tree cleared and the changed archive unpacked; the archive restored. Deterministic: xorshift64
# seeded from COUNT. Prints "jvmm-kernel: cpio-fuzz <count> archives: <n> unpacked, <m> refused".
.globl cpio_fuzz
cpio_fuzz:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    movabs $0x9e3779b97f4a7c15, %rax
    xor %rdx, %rax
    mov %rax, fuzz_state(%rip)
    movb $1, cpio_quiet(%rip)
    xor %r14d, %r14d                    # unpacked
    xor %r15d, %r15d                    # iteration
    test %r12, %r12
    jz 9f
1:  cmp %r13, %r15
    jae 9f
    call fuzz_next
    mov %eax, %ebp
    and $3, %ebp                        # 0: bytes, 1: cut, 2, 3: both
    movq $0, fuzz_changes(%rip)
    cmp $1, %ebp
    je 4f
    call fuzz_next
    and $7, %eax
    inc %eax
    mov %rax, fuzz_changes(%rip)
    xor %ecx, %ecx
2:  push %rcx
    call fuzz_next
    pop %rcx
    mov %rax, %rdx
    shr $8, %rdx
    push %rax
    mov %rdx, %rax
    xor %edx, %edx
    div %r12                            # a position
    pop %rax
    lea fuzz_positions(%rip), %r8
    mov %rdx, (%r8,%rcx,8)
    movzbl (%rbx,%rdx), %r9d
    lea fuzz_bytes(%rip), %r8
    mov %r9b, (%r8,%rcx)
    bt $32, %rax                        # half of them ASCII digits: the header is mostly digits
    jnc 3f
    and $0xf, %eax
    add $'0', %eax
3:  mov %al, (%rbx,%rdx)
    inc %ecx
    cmp fuzz_changes(%rip), %rcx
    jb 2b
4:  mov %r12, %rsi                      # the length given to the reader
    test %ebp, %ebp
    jz 5f
    call fuzz_next
    xor %edx, %edx
    div %r12
    mov %rdx, %rsi
5:  push %rsi
    call tree_clear
    pop %rsi
    mov %rbx, %rdi
    call cpio_unpack
    test %rax, %rax
    js 6f
    inc %r14
6:  mov fuzz_changes(%rip), %rcx        # restore, last change first
7:  dec %rcx
    js 8f
    lea fuzz_positions(%rip), %r8
    mov (%r8,%rcx,8), %rdx
    lea fuzz_bytes(%rip), %r8
    movzbl (%r8,%rcx), %eax
    mov %al, (%rbx,%rdx)
    jmp 7b
8:  inc %r15
    jmp 1b
9:  movb $0, cpio_quiet(%rip)
    call tree_clear
    lea msg_fuzz(%rip), %rdi
    call serial_puts
    mov %r13, %rdi
    call serial_put_dec
    lea msg_fuzz_archives(%rip), %rdi
    call serial_puts
    mov %r14, %rdi
    call serial_put_dec
    lea msg_fuzz_unpacked(%rip), %rdi
    call serial_puts
    mov %r13, %rdi
    sub %r14, %rdi
    call serial_put_dec
    lea msg_fuzz_refused(%rip), %rdi
    call serial_puts
    POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# fuzz_next() -> %rax: xorshift64
fuzz_next:
    mov fuzz_state(%rip), %rax
    mov %rax, %rdx
    shl $13, %rdx
    xor %rdx, %rax
    mov %rax, %rdx
    shr $7, %rdx
    xor %rdx, %rax
    mov %rax, %rdx
    shl $17, %rdx
    xor %rdx, %rax
    mov %rax, fuzz_state(%rip)
    ret

.section .rodata
trailer:        .ascii "TRAILER!!!\0"
msg_initramfs:  .asciz "jvmm-kernel: initramfs: "
msg_at:         .asciz " at byte "
msg_kept:       .asciz "; the members before it are unpacked\n"
err_truncated:  .asciz "truncated member"
err_magic:      .asciz "not a newc cpio member (magic 070701)"
err_header:     .asciz "a header field is not hexadecimal"
err_name:       .asciz "bad member name"
err_no_trailer: .asciz "no TRAILER!!! member"
err_memory:     .asciz "out of memory"
msg_fuzz:       .asciz "jvmm-kernel: cpio-fuzz "
msg_fuzz_archives: .asciz " archives: "
msg_fuzz_unpacked: .asciz " unpacked, "
msg_fuzz_refused:  .asciz " refused\n"

.section .bss
.p2align 3
cpio_fields: .skip CPIO_FIELDS * 8
cpio_data: .skip 8
cpio_next: .skip 8
.globl cpio_quiet
cpio_quiet: .skip 1
.globl cpio_unpacking
cpio_unpacking: .skip 1                 # node_modified leaves times alone meanwhile
.p2align 3
fuzz_state: .skip 8
fuzz_changes: .skip 8
fuzz_positions: .skip 8 * 8
fuzz_bytes: .skip 8
