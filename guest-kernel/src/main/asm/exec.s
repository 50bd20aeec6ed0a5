# Starting the user program: an ELF64 loader for static executables (ET_EXEC, or ET_DYN without
# PT_INTERP: static-pie, loaded at a random base as Linux does), and the initial stack laid out as
# Linux's binfmt_elf does (argc, argv, envp, the auxiliary vector, the strings).
#
# Loading costs O(segments), not O(pages): a read-only segment becomes a region backed by the
# module's own pages (mapped on first touch, copied on write, so the image is never written); a
# writable one becomes anonymous memory whose pages holding file bytes get them now (the rest,
# the bss, is zero-filled on first touch).

.include "defs.inc"
.include "mm.inc"

.equ PT_LOAD, 1
.equ PT_INTERP, 3
.equ PT_PHDR, 6
.equ PF_X, 1
.equ PF_W, 2
.equ ET_EXEC, 2
.equ ET_DYN, 3
# Static-pie base: Linux's ELF_ET_DYN_BASE (2/3 of the 47-bit space) plus 18 random bits of
# 2 MiB steps (2 MiB keeps every p_align up to it, and large pages for the segments).
.equ PIE_BASE, 0x555555400000
.equ PIE_RANDOM_MASK, 0x3ffff
.equ AT_NULL, 0
.equ AT_PHDR, 3
.equ AT_PHENT, 4
.equ AT_PHNUM, 5
.equ AT_PAGESZ, 6
.equ AT_BASE, 7
.equ AT_FLAGS, 8
.equ AT_ENTRY, 9
.equ AT_UID, 11
.equ AT_EUID, 12
.equ AT_GID, 13
.equ AT_EGID, 14
.equ AT_PLATFORM, 15
.equ AT_HWCAP, 16
.equ AT_CLKTCK, 17
.equ AT_SECURE, 23
.equ AT_RANDOM, 25
.equ AT_EXECFN, 31
.equ AT_SYSINFO_EHDR, 33

.text
# load_elf(%rdi = image (kernel address), %rsi = size, %rdx = image physical address)
# -> %rax: the entry point, or 0 after printing why the program cannot run.
.globl load_elf
load_elf:
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rbp
    mov %rdi, %rbx                      # image
    mov %rsi, %r12                      # size
    mov %rdx, %r13                      # physical
    lea err_truncated(%rip), %rax
    cmp $16, %r12                       # e_ident
    jb fail
    lea err_not_elf(%rip), %rax
    cmpl $0x464c457f, (%rbx)
    jne fail
    lea err_32bit(%rip), %rax
    cmpb $1, 4(%rbx)                    # ELFCLASS32 (its header is shorter than ELF64's)
    je fail
    lea err_truncated(%rip), %rax
    cmp $64, %r12
    jb fail
    lea err_not_elf64(%rip), %rax
    cmpw $0x0102, 4(%rbx)               # ELFCLASS64, ELFDATA2LSB
    jne fail
    xor %ebp, %ebp                      # load bias
    cmpw $ET_EXEC, 16(%rbx)
    je 4f
    lea err_not_exec(%rip), %rax
    cmpw $ET_DYN, 16(%rbx)
    jne fail
    call random_u64                     # static-pie (a PT_INTERP is refused below)
    and $PIE_RANDOM_MASK, %eax
    shl $21, %rax
    movabs $PIE_BASE, %rbp
    add %rax, %rbp
4:  lea err_machine(%rip), %rax
    cmpw $62, 18(%rbx)                  # EM_X86_64
    jne fail
    lea err_phdrs(%rip), %rax
    cmpw $56, 54(%rbx)
    jne fail
    movzwl 56(%rbx), %ecx
    test %ecx, %ecx
    jz fail
    mov %rcx, program_phnum(%rip)
    imul $56, %rcx, %rcx
    mov 32(%rbx), %rdx                  # e_phoff
    cmp %r12, %rdx
    ja fail
    mov %r12, %rsi
    sub %rdx, %rsi
    cmp %rsi, %rcx
    ja fail
    movq $0, program_phdr(%rip)
    movq $0, brk_start(%rip)

    lea (%rbx,%rdx), %r14               # the program headers
    mov program_phnum(%rip), %r15
    mov %r14, %rdi                      # a PT_INTERP anywhere: dynamically linked
1:  lea err_interp(%rip), %rax
    cmpl $PT_INTERP, (%rdi)
    je fail
    add $56, %rdi
    dec %r15
    jnz 1b
    mov program_phnum(%rip), %r15
1:  mov (%r14), %eax
    cmp $PT_PHDR, %eax
    jne 2f
    mov 16(%r14), %rax
    add %rbp, %rax
    mov %rax, program_phdr(%rip)
2:  cmp $PT_LOAD, %eax
    jne 3f
    mov %r14, %rdi
    call load_segment
    test %rax, %rax
    jnz fail
3:  add $56, %r14
    dec %r15
    jnz 1b

    lea err_no_phdr(%rip), %rax
    cmpq $0, program_phdr(%rip)
    je fail
    lea err_entry(%rip), %rax
    mov 24(%rbx), %rdx                  # e_entry
    add %rbp, %rdx
    jc fail
    movabs $USER_TOP, %rcx
    cmp %rcx, %rdx
    jae fail
    mov %rdx, program_entry(%rip)
    mov brk_start(%rip), %rax
    add $(PAGE_SIZE - 1), %rax
    and $~(PAGE_SIZE - 1), %rax
    mov %rax, brk_start(%rip)
    mov %rax, brk_current(%rip)
    mov %rdx, %rax
    jmp 9f
fail:
    push %rax
    lea msg_cannot_run(%rip), %rdi
    call serial_puts
    pop %rdi
    call serial_puts
    mov $'\n', %edi
    call serial_putc
    xor %eax, %eax
9:  pop %rbp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    ret

# load_segment(%rdi = program header), with load_elf's %rbx = image, %r12 = size, %r13 =
# physical, %rbp = load bias -> %rax: 0, or an error message.
load_segment:
    push %r14
    push %r15
    push %rbp
    sub $32, %rsp
    mov %rdi, %r14
    mov 8(%r14), %rax                   # p_offset
    mov 32(%r14), %rcx                  # p_filesz
    lea err_segment_file(%rip), %rdx
    cmp %r12, %rax
    ja 8f
    mov %r12, %rsi
    sub %rax, %rsi
    cmp %rsi, %rcx
    ja 8f
    lea err_segment_size(%rip), %rdx
    cmp 40(%r14), %rcx                  # p_filesz <= p_memsz
    ja 8f
    lea err_segment_address(%rip), %rdx
    mov 16(%r14), %rsi                  # p_vaddr + bias
    add %rbp, %rsi
    jc 8f
    mov %rsi, 24(%rsp)                  # the segment's address
    cmp $MMAP_MIN_ADDR, %rsi
    jb 8f
    mov %rsi, %rdi
    add 40(%r14), %rdi                  # end
    jc 8f
    movabs $USER_TOP, %rcx
    cmp %rcx, %rdi
    ja 8f
    mov %rdi, 0(%rsp)                   # end
    cmp brk_start(%rip), %rdi
    jbe 1f
    mov %rdi, brk_start(%rip)
1:  lea err_congruent(%rip), %rdx
    xor %rsi, %rax
    test $(PAGE_SIZE - 1), %eax
    jnz 8f
    # Program headers inside this segment's file bytes give AT_PHDR when there is no PT_PHDR.
    mov 32(%rbx), %rax                  # e_phoff
    sub 8(%r14), %rax
    jb 2f
    mov program_phnum(%rip), %rcx
    imul $56, %rcx, %rcx
    add %rax, %rcx
    cmp 32(%r14), %rcx
    ja 2f
    cmpq $0, program_phdr(%rip)
    jne 2f
    add 24(%rsp), %rax
    mov %rax, program_phdr(%rip)
2:  mov 4(%r14), %eax                   # PROT_* from p_flags (PF_R is implied on x86)
    mov $PROT_READ, %r15d
    test $PF_W, %eax
    jz 3f
    or $(PROT_WRITE | VMA_ACCOUNT), %r15d
3:  test $PF_X, %eax
    jz 4f
    or $PROT_EXEC, %r15d
4:  mov 24(%rsp), %rbp
    and $~(PAGE_SIZE - 1), %rbp         # first page
    mov 0(%rsp), %rax
    add $(PAGE_SIZE - 1), %rax
    and $~(PAGE_SIZE - 1), %rax
    mov %rax, 0(%rsp)                   # past the last page
    mov %rbp, %rdi                      # two segments in one page: not supported
    mov %rax, %rsi
    call range_free
    lea err_overlap(%rip), %rdx
    jnz 8f
    mov $1, %edi
    call vma_room
    lea err_memory(%rip), %rdx
    test %rax, %rax
    jnz 8f
    test $PROT_WRITE, %r15d
    jnz 5f
    mov 32(%r14), %rax                  # read-only and no bss: the module's own pages
    cmp 40(%r14), %rax
    jne 5f
    mov %rbp, %rdi
    mov 0(%rsp), %rsi
    mov %r15, %rdx
    or $KIND_IMAGE, %edx
    mov 8(%r14), %rcx                   # backing: the image's page at the first page
    sub 24(%rsp), %rcx
    add %rbp, %rcx
    add %r13, %rcx
    call new_region
    jmp 7f
5:  mov %rbp, %rdi                      # private memory: file bytes copied in now
    mov 0(%rsp), %rsi
    mov %r15, %rdx
    xor %ecx, %ecx
    call new_region
    mov 24(%rsp), %rax
    add 32(%r14), %rax
    mov %rax, 0(%rsp)                   # end of the file bytes
    mov %r15d, %edi
    call user_pte_flags
    mov %rax, 8(%rsp)                   # PTE flags
6:  cmp 0(%rsp), %rbp
    jae 7f
    call frame_alloc
    lea err_memory(%rip), %rdx
    test %rax, %rax
    jz 8f
    mov %rax, 16(%rsp)                  # frame
    mov %rbp, %rdi                      # copy [max(page, vaddr), min(page + 4096, vaddr + filesz))
    mov 24(%rsp), %rax
    cmp %rax, %rdi
    cmovb %rax, %rdi                    # from
    mov 0(%rsp), %rcx
    lea PAGE_SIZE(%rbp), %rax
    cmp %rax, %rcx
    cmova %rax, %rcx                    # to
    mov %rcx, %rdx
    sub %rdi, %rdx
    mov %rdi, %rsi                      # source: image + offset + (from - vaddr)
    sub 24(%rsp), %rsi
    add 8(%r14), %rsi
    add %rbx, %rsi
    sub %rbp, %rdi                      # destination: frame (direct map) + (from - page)
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    add 16(%rsp), %rdi
    call memcpy
    mov %rbp, %rdi
    xor %esi, %esi
    mov $1, %edx
    call pt_entry
    lea err_memory(%rip), %rdx
    test %rax, %rax
    jz 8f
    mov 16(%rsp), %rcx
    or 8(%rsp), %rcx
    mov %rcx, (%rax)
    add $PAGE_SIZE, %rbp
    jmp 6b
7:  xor %eax, %eax
    jmp 9f
8:  mov %rdx, %rax
9:  add $32, %rsp
    pop %rbp
    pop %r15
    pop %r14
    ret

# build_stack(%rdi = the vDSO's address, for AT_SYSINFO_EHDR) -> %rax: the initial user RSP, or
# -ENOMEM when the stack's pages cannot be had. As Linux's execve leaves it: at the top an 8-byte
# end marker, below it the strings of args.s (argv's then envp's, copied as one block), the
# AT_RANDOM bytes and AT_PLATFORM's string, then, 16-byte aligned (System V x86-64 ABI, 3.4.1),
# argc, argv[argc + 1], envp[envc + 1] and the auxiliary vector.
.globl build_stack
build_stack:
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rdi, %r15
    movabs $(USER_STACK_TOP - 8), %r12
    sub args_strings_size(%rip), %r12   # %r12: the strings
    lea -16(%r12), %r14                 # %r14: AT_RANDOM's 16 bytes
    lea -8(%r14), %r13                  # %r13: "x86_64" for AT_PLATFORM
    mov %r13, %rbx
    mov args_argc(%rip), %rax           # words: argc, argv, NULL, envp, NULL, auxv
    add args_envc(%rip), %rax
    lea (1 + 1 + 1 + 2 * AUXV_ENTRIES)(%rax), %rcx
    shl $3, %rcx
    sub %rcx, %rbx
    and $~15, %rbx                      # %rbx: argc, the initial RSP
    mov %rbx, %rdi                      # the pages all this needs, each one not yet present
    movabs $USER_STACK_TOP, %rsi        # grown by grow_stack (args.s bounds the size far below
    sub %rbx, %rsi                      # the stack's 8 MiB)
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 8f
    movabs $(USER_STACK_TOP - 8), %rax
    movq $0, (%rax)                     # the end marker
    mov %r12, %rdi
    mov args_strings(%rip), %rsi
    mov args_strings_size(%rip), %rdx
    call memcpy
    mov %r14, %rdi
    mov $16, %esi
    call random_fill
    movabs $0x34365f363878, %rax        # "x86_64"
    mov %rax, (%r13)
    mov %rbx, %rdi
    mov args_argc(%rip), %rcx
    mov %rcx, (%rdi)                    # argc
    add $8, %rdi
    mov args_offsets(%rip), %rsi
    call put_pointers                   # argv
    mov args_envc(%rip), %rcx
    call put_pointers                   # envp
.macro AUX type, value
    movq $\type, (%rdi)
    mov \value, %rax
    mov %rax, 8(%rdi)
    add $16, %rdi
.endm
    AUX AT_PHDR, program_phdr(%rip)
    AUX AT_PHENT, $56
    AUX AT_PHNUM, program_phnum(%rip)
    AUX AT_PAGESZ, $PAGE_SIZE
    AUX AT_BASE, $0
    AUX AT_FLAGS, $0
    AUX AT_ENTRY, program_entry(%rip)
    AUX AT_UID, $0
    AUX AT_EUID, $0
    AUX AT_GID, $0
    AUX AT_EGID, $0
    AUX AT_PLATFORM, %r13
    mov $1, %eax
    push %rbx
    push %rdi
    cpuid
    pop %rdi
    pop %rbx
    AUX AT_HWCAP, %rdx
    AUX AT_CLKTCK, $100
    AUX AT_SECURE, $0
    AUX AT_RANDOM, %r14
    mov 8(%rbx), %rax                   # argv[0]
    AUX AT_EXECFN, %rax
    AUX AT_SYSINFO_EHDR, %r15
    AUX AT_NULL, $0
    mov %rbx, %rax
    jmp 9f
8:  mov $-ENOMEM, %rax
9:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    ret
.equ AUXV_ENTRIES, 20

# put_pointers(%rdi = where, %rsi = offsets, %rcx = count), with build_stack's %r12 = the strings:
# count pointers and a NULL at %rdi; %rdi and %rsi end past what they covered.
put_pointers:
1:  dec %rcx
    js 2f
    mov (%rsi), %eax
    add %r12, %rax
    mov %rax, (%rdi)
    add $4, %rsi
    add $8, %rdi
    jmp 1b
2:  movq $0, (%rdi)
    add $8, %rdi
    ret

.section .rodata
msg_cannot_run:      .asciz "jvmm-kernel: cannot run the program: "
err_truncated:       .asciz "truncated ELF header"
err_not_elf:         .asciz "not an ELF file"
err_32bit:           .asciz "32-bit programs are not supported"
err_not_elf64:       .asciz "not a little-endian ELF64 file"
err_not_exec:        .asciz "not an executable (ELF e_type is neither ET_EXEC nor ET_DYN)"
err_machine:         .asciz "not an x86-64 program"
err_phdrs:           .asciz "bad program headers"
err_interp:          .asciz "dynamically linked (it has a PT_INTERP); jvmm runs static executables"
err_no_phdr:         .asciz "its program headers are not in a loaded segment (AT_PHDR)"
err_entry:           .asciz "entry point outside user memory"
err_segment_file:    .asciz "a segment runs past the end of the file"
err_segment_size:    .asciz "a segment's file size exceeds its memory size"
err_segment_address: .asciz "a segment lies outside user memory"
err_congruent:       .asciz "a segment's file offset and address differ modulo the page size"
err_overlap:         .asciz "two segments share a page"
err_memory:          .asciz "out of memory"

.section .process, "aw", @nobits
.p2align 3
program_phdr: .skip 8
program_phnum: .skip 8
program_entry: .skip 8
