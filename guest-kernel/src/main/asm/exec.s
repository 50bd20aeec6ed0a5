# Starting the user program: an ELF64 loader for static executables (ET_EXEC, or ET_DYN without
# PT_INTERP: static-pie, loaded at a random base as Linux does), the initial stack laid out as
# Linux's binfmt_elf does (argc, argv, envp, the auxiliary vector, the strings), and execve.
#
# Loading costs O(segments), not O(pages): a read-only segment becomes a region backed by the
# module's own pages (mapped on first touch, copied on write, so the image is never written); a
# writable one becomes anonymous memory whose pages holding file bytes get them now (the rest,
# the bss, is zero-filled on first touch).

.include "defs.inc"
.include "mm.inc"
.include "task.inc"
.include "file.inc"
.include "tmpfs.inc"
.include "args.inc"
.include "vdso-offsets.inc"             # jvmm_fpu_init: a new program's FPU state

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
.equ NOT_IN_PLACE, -1
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
# load_elf(%rdi = image (kernel address), %rsi = size, %rdx = image physical address, or
# NOT_IN_PLACE when its pages are not contiguous: every segment is then copied) -> %rax: the
# entry point, or 0 after printing why the program cannot run.
.globl load_elf
load_elf:
    PUSH_REGS rbx, r12, r13, r14, r15, rbp
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
9:  POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# load_segment(%rdi = program header), with load_elf's %rbx = image, %r12 = size, %r13 =
# physical, %rbp = load bias -> %rax: 0, or an error message.
load_segment:
    PUSH_REGS r14, r15, rbp
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
    cmp $NOT_IN_PLACE, %r13
    je 5f
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
    POP_REGS r14, r15, rbp
    ret

# ---- execve -----------------------------------------------------------------------------------
.equ AT_SYMLINK_NOFOLLOW, 0x100
.equ EXEC_AT_FLAGS, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW
.equ MAX_ARG_STRLEN, 32 * PAGE_SIZE     # one string (Linux's)
.equ EXEC_WINDOW, 0xfffffc0000000000   # PML4 entry 504: a file's pages in a row while it loads
.equ EXEC_WINDOW_SIZE, 0x4000000        # 64 MiB: the largest program written since boot
.equ EXEC_ARGS_SIZE, ARG_MAX_TOTAL      # the strings, and the offsets (fewer bytes than pointers)

# execve(filename, argv, envp)
.globl sys_execve
sys_execve:
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov $AT_FDCWD, %edi
    xor %r8d, %r8d
# execveat(dirfd, filename, argv, envp, flags): the process runs another program, as Linux's
# do_execveat_common: the file is found and checked (ENOENT, EACCES for what is not an executable
# regular file, ENOEXEC for what is not an x86-64 ELF, ENOENT for a dynamically linked one, whose
# interpreter the guest does not have), argv and envp are copied (E2BIG past Linux's limits),
# and then, past the point of no return, the address space is replaced: the program's segments,
# a new stack, the vDSO where it was; handlers reset, close-on-exec descriptors closed, the FPU in
# its initial state. A failure there kills the process (SIGSEGV), as on Linux. In a process with
# other threads, once the checks have passed, the others leave (de_thread) and the exec starts
# over: the program's file and its argument buffers are shared by every process's exec, and
# others may run while the threads leave.
.globl sys_execveat
sys_execveat:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    sub $56, %rsp
    mov %rdx, 0(%rsp)                   # argv
    mov %rcx, 8(%rsp)                   # envp
    mov %rsi, 32(%rsp)                  # filename
    mov %rdi, 40(%rsp)                  # dirfd
    mov %r8, 48(%rsp)                   # flags
    mov $-EINVAL, %rax
    test $~EXEC_AT_FLAGS, %r8d
    jnz 9f
0:  mov 40(%rsp), %rdi
    mov 32(%rsp), %rsi
    mov 48(%rsp), %rdx
    call lookup_at
    cmp $-4095, %rax
    jae 9f
    mov FILE_OPS(%rax), %rcx            # a file of the file system (AT_EMPTY_PATH: any open one)
    lea tmpfs_stat(%rip), %rdx
    cmp %rdx, FOP_STAT(%rcx)
    mov $-EACCES, %rdx
    cmovne %rdx, %rax
    jne 9f
    mov FILE_PRIVATE(%rax), %rbx        # the node
    movq $0, 16(%rsp)                   # not a script's interpreter
3:  mov N_MODE(%rbx), %ecx
    mov %ecx, %edx
    and $S_IFMT, %edx
    mov $-ELOOP, %rax                   # AT_SYMLINK_NOFOLLOW on a symlink
    cmp $S_IFLNK, %edx
    je 9f
    mov $-EACCES, %rax
    cmp $S_IFREG, %edx
    jne 9f
    test $0111, %ecx
    jz 9f
    mov N_BACKING(%rbx), %r12           # the bytes in place: the initramfs's, or the program's;
    mov N_SIZE(%rbx), %r13              # else (written since boot) its pages in the exec window
    movq $0, 24(%rsp)
    test %r12, %r12
    jnz 1f
    mov $-ENOEXEC, %rax
    cmp $EXEC_WINDOW_SIZE, %r13
    ja 9f
    mov %rbx, %rdi
    call exec_window_map
    mov %rax, %r12
    mov %r13, 24(%rsp)                  # what to unmap
1:  cmp $2, %r13                        # "#!": a script, run by its interpreter (once: not
    jb 4f                               # a script's interpreter that is a script)
    cmpw $0x2123, (%r12)
    jne 4f
    mov $-ENOEXEC, %rax
    cmpq $0, 16(%rsp)
    jne 7f
    mov %r12, %rdi
    mov %r13, %rsi
    call script_parse
    test %rax, %rax
    jnz 7f
    mov 24(%rsp), %rdi
    call exec_window_unmap
    movq $1, 16(%rsp)
    mov $AT_FDCWD, %edi
    lea script_path(%rip), %rsi
    mov $WALK_FOLLOW, %edx
    call walk
    cmp $-4095, %rax
    jae 9f
    mov %rax, %rbx
    jmp 3b
4:  mov %r12, %rdi
    mov %r13, %rsi
    call elf_precheck
    test %rax, %rax
    jnz 7f
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    cmpl $1, P_NR_THREADS(%rax)
    je 6f
    mov 24(%rsp), %rdi
    call exec_window_unmap
    call de_thread
    test %rax, %rax
    jnz 9f
    jmp 0b
6:  mov 0(%rsp), %rdi                   # argv and envp into a kernel buffer (args_*)
    mov 8(%rsp), %rsi
    call exec_copy_args
    test %rax, %rax
    jnz 7f
    cmpq $0, 16(%rsp)
    je 5f
    mov 32(%rsp), %rdi
    call script_args
    test %rax, %rax
    jnz 7f
5:  # The point of no return.
    mov %rbx, %rdi
    mov 32(%rsp), %rsi
    call exec_name
    call exec_flush
    call mm_unmap_all
    call map_vdso_and_stack_again
    call map_fpu_area
    mov %r12, %rdi                      # the bytes' physical address; copied when they are in
    call kernel_to_phys                 # the window, or do not start a page (an archive member's
    mov $NOT_IN_PLACE, %rcx             # data is only 4-byte aligned): mapped in place, their
    test $(PAGE_SIZE - 1), %eax         # pages would not line up with the segments'
    cmovnz %rcx, %rax
    cmpq $0, 24(%rsp)
    cmovne %rcx, %rax
    mov %r12, %rdi
    mov %r13, %rsi
    mov %rax, %rdx
    call load_elf
    push %rax
    mov 32(%rsp), %rdi
    call exec_window_unmap
    pop %rax
    test %rax, %rax
    jz 8f
    mov %rax, %r14                      # entry
    mov vdso_base(%rip), %rdi
    call build_stack
    mov %rax, %r15
    test %r15, %r15
    js 8f
    mov current_task(%rip), %rax        # the new program's first instruction, every register 0
    mov T_FRAME(%rax), %rdi
    push %rdi
    xor %eax, %eax
    mov $(F_KIND / 8), %ecx
    rep stosq
    pop %rdi
    movq $-1, F_ORIG_RAX(%rdi)          # (no restart)
    mov %r14, F_RIP(%rdi)
    movq $USER_CS, F_CS(%rdi)
    movq $(RFLAGS_IF | RFLAGS_FIXED), F_RFLAGS(%rdi)
    mov %r15, F_RSP(%rdi)
    movq $USER_DS, F_SS(%rdi)
    mov current_task(%rip), %rax
    orq $(TW_IRET | TW_FPU), T_WORK(%rax)
    mov T_PROCESS(%rax), %rax
    movl $1, P_EXECED(%rax)
    mov %rax, %rdi
    call vfork_done
    xor %eax, %eax
    jmp 9f
8:  mov current_task(%rip), %rax        # past the point of no return
    mov T_FRAME(%rax), %rdi
    mov $SIGSEGV, %esi
    xor %edx, %edx
    call kill_process                   # does not return
7:  push %rax
    mov 32(%rsp), %rdi
    call exec_window_unmap
    pop %rax
9:  add $56, %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# script_parse(%rdi = a file that starts with "#!", %rsi = its size) -> %rax: 0 with its first
# line's interpreter in script_interp (and a copy in script_path, for walk) and the rest of the
# line, blanks trimmed, in script_arg (empty: none), as Linux's binfmt_script reads them from
# its first 256 bytes; or -ENOEXEC when it names no interpreter.
script_parse:
    mov $256, %ecx
    cmp %rcx, %rsi
    cmova %rcx, %rsi
    add %rdi, %rsi                      # the end
    add $2, %rdi
    call script_blanks
    lea script_interp(%rip), %rdx
1:  cmp %rsi, %rdi                      # the interpreter: up to a blank or the line's end
    jae 2f
    movzbl (%rdi), %eax
    cmp $' ', %al
    je 2f
    cmp $'\t', %al
    je 2f
    cmp $'\n', %al
    je 2f
    test %al, %al
    je 2f
    mov %al, (%rdx)
    inc %rdx
    inc %rdi
    jmp 1b
2:  movb $0, (%rdx)
    lea script_interp(%rip), %rax
    cmp %rax, %rdx
    je 8f
    call script_blanks
    lea script_arg(%rip), %rdx          # the argument: the rest of the line
3:  cmp %rsi, %rdi
    jae 4f
    movzbl (%rdi), %eax
    cmp $'\n', %al
    je 4f
    test %al, %al
    je 4f
    mov %al, (%rdx)
    inc %rdx
    inc %rdi
    jmp 3b
4:  lea script_arg(%rip), %rax          # without its trailing blanks
    cmp %rax, %rdx
    je 5f
    cmpb $' ', -1(%rdx)
    je 41f
    cmpb $'\t', -1(%rdx)
    jne 5f
41: dec %rdx
    jmp 4b
5:  movb $0, (%rdx)
    lea script_interp(%rip), %rsi
    lea script_path(%rip), %rdi
    mov $256, %edx
    call memcpy
    xor %eax, %eax
    ret
8:  mov $-ENOEXEC, %rax
    ret

# script_blanks(%rdi = position, %rsi = end) -> %rdi: past spaces and tabs
script_blanks:
    cmp %rsi, %rdi
    jae 9f
    cmpb $' ', (%rdi)
    je 1f
    cmpb $'\t', (%rdi)
    jne 9f
1:  inc %rdi
    jmp script_blanks
9:  ret

# script_args(%rdi = the script's path, in user memory) -> %rax: 0, or -E2BIG. argv becomes
# the interpreter, its argument if the line has one, the script's path, then argv[1...]: the
# strings move up to make room for the three in front (argv[0]'s own bytes stay, unused), and
# the offsets, which sit at the buffer's end, gain one or two entries below the old ones.
script_args:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %r15
    call strlen                         # the prefix: interpreter, argument, path, with NULs
    lea 1(%rax), %r12
    lea script_interp(%rip), %rdi
    call strlen
    lea 1(%rax), %r13                   # the interpreter's
    add %r13, %r12
    lea script_arg(%rip), %rdi
    call strlen
    mov $2, %ebx                        # strings in front
    test %rax, %rax
    jz 1f
    lea 1(%rax), %r14                   # the argument's
    add %r14, %r12
    mov $3, %ebx
1:  mov args_argc(%rip), %rcx           # the new size against Linux's limit
    add args_envc(%rip), %rcx
    lea -1(%rcx,%rbx), %rbp             # strings in all, after
    mov args_strings_size(%rip), %rax
    add %r12, %rax
    lea (%rax,%rbp,8), %rax
    cmp $ARG_MAX_TOTAL, %rax
    mov $-E2BIG, %rax
    ja 9f
    mov args_strings(%rip), %rdi        # the strings up by the prefix, from the end down
    mov args_strings_size(%rip), %rcx
2:  dec %rcx
    js 3f
    movzbl (%rdi,%rcx), %eax
    lea (%rdi,%r12), %rdx
    mov %al, (%rdx,%rcx)
    jmp 2b
3:  lea script_interp(%rip), %rsi       # the prefix (memcpy leaves %rdi past what it copied)
    mov %r13, %rdx
    call memcpy
    cmp $3, %ebx
    jne 4f
    lea script_arg(%rip), %rsi
    mov %r14, %rdx
    call memcpy
4:  mov %r15, %rsi
    mov %rdi, %r14                      # the path's
    mov args_strings(%rip), %rax
    sub %rax, %r14
    mov %r12, %rdx
    sub %r14, %rdx
    call memcpy
    mov args_offsets(%rip), %rsi        # the old offsets: argv[0] drops, the rest move up
    lea -1(%rbx), %rax
    shl $2, %rax
    mov %rsi, %rdi
    sub %rax, %rdi                      # the new ones begin below
    mov %rbx, %rcx
5:  cmp %rbp, %rcx
    jae 6f
    mov %rcx, %rax
    sub %rbx, %rax
    mov 4(%rsi,%rax,4), %edx            # old[i - k + 1]
    add %r12d, %edx
    mov %edx, (%rdi,%rcx,4)
    inc %rcx
    jmp 5b
6:  movl $0, (%rdi)
    mov %r13d, 4(%rdi)
    cmp $3, %ebx
    jne 7f
    mov %r14d, 8(%rdi)
    jmp 8f
7:  mov %r14d, 4(%rdi)
8:  mov %rdi, args_offsets(%rip)
    add %r12, args_strings_size(%rip)
    lea -1(%rbx), %rax
    add %rax, args_argc(%rip)
    xor %eax, %eax
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# kernel_to_phys(%rdi = a kernel address: the kernel image's or the direct map's) -> %rax
.globl kernel_to_phys
kernel_to_phys:
    mov %rdi, %rax
    movabs $KERNEL_VIRT_BASE, %rcx
    movabs $DIRECT_MAP_BASE, %rdx
    cmp %rcx, %rdi
    cmovae %rcx, %rdx
    sub %rdx, %rax
    ret

# exec_window_init() -> %rax: 0, or -ENOMEM. The exec window's page tables, made at boot, in
# the first address space: every later one shares them (the kernel half is copied).
.globl exec_window_init
exec_window_init:
    push %rbx
    movabs $EXEC_WINDOW, %rbx
1:  mov %rbx, %rdi
    xor %esi, %esi
    mov $1, %edx
    call pt_entry
    test %rax, %rax
    jz 9f
    add $LARGE_PAGE_SIZE, %rbx
    movabs $(EXEC_WINDOW + EXEC_WINDOW_SIZE), %rax
    cmp %rax, %rbx
    jb 1b
    xor %eax, %eax
    pop %rbx
    ret
9:  mov $-ENOMEM, %rax
    pop %rbx
    ret

# exec_window_map(%rdi = a regular file of at most EXEC_WINDOW_SIZE bytes, its bytes in pages)
# -> %rax: EXEC_WINDOW, where its pages now lie in order, read-only (a hole: the zero page), so
# that load_elf reads it as one image. exec_window_unmap(%rdi = its size) clears them.
exec_window_map:
    PUSH_REGS rbx, r12
    mov %rdi, %r12
    xor %ebx, %ebx                      # page number
1:  mov %rbx, %rax
    shl $12, %rax
    cmp N_SIZE(%r12), %rax
    jae 8f
    mov %r12, %rdi
    mov %rbx, %rsi
    call file_page_phys
    lea PTE_P(%rax), %rsi               # read-only, the kernel's (its tables exist: no frame taken)
    mov %rbx, %rdi
    shl $12, %rdi
    movabs $EXEC_WINDOW, %rax
    add %rax, %rdi
    call map_kernel_page
    inc %rbx
    jmp 1b
8:  movabs $EXEC_WINDOW, %rax
    POP_REGS rbx, r12
    ret

exec_window_unmap:
    push %rbx
    movabs $EXEC_WINDOW, %rbx
    add %rbx, %rdi
    push %rdi
1:  cmp (%rsp), %rbx
    jae 9f
    mov %rbx, %rdi
    xor %esi, %esi
    call map_kernel_page
    add $PAGE_SIZE, %rbx
    jmp 1b
9:  POP_REGS rbx, rdi
    ret

# elf_precheck(%rdi = image, %rsi = size) -> %rax: 0, or the errno Linux gives before the point
# of no return: -ENOEXEC for what is not an x86-64 ELF executable, -ENOENT for a dynamically
# linked one (its interpreter is not there). load_elf checks the rest.
elf_precheck:
    mov $-ENOEXEC, %rax
    cmp $64, %rsi
    jb 9f
    cmpl $0x464c457f, (%rdi)
    jne 9f
    cmpw $0x0102, 4(%rdi)               # ELFCLASS64, ELFDATA2LSB
    jne 9f
    cmpw $62, 18(%rdi)                  # EM_X86_64
    jne 9f
    movzwl 16(%rdi), %ecx
    cmp $ET_EXEC, %ecx
    je 1f
    cmp $ET_DYN, %ecx
    jne 9f
1:  cmpw $56, 54(%rdi)
    jne 9f
    movzwl 56(%rdi), %ecx               # e_phnum program headers at e_phoff, in the file
    mov 32(%rdi), %rdx
    imul $56, %rcx, %r8
    add %rdx, %r8
    jc 9f
    cmp %rsi, %r8
    ja 9f
    add %rdi, %rdx
2:  test %ecx, %ecx
    jz 8f
    cmpl $PT_INTERP, (%rdx)
    je 7f
    add $56, %rdx
    dec %ecx
    jmp 2b
7:  mov $-ENOENT, %rax
    ret
8:  xor %eax, %eax
9:  ret

# exec_copy_args(%rdi = argv, %rsi = envp) -> %rax: 0 with args_* naming a kernel copy (in
# exec_args: one CPU, and nothing blocks between the copy and build_stack), or -EFAULT, -E2BIG
# (Linux's limits: all strings and pointers within ARG_MAX_TOTAL, each string within
# MAX_ARG_STRLEN). A NULL argv is an empty one, to which Linux adds "" as argv[0]; so does this.
exec_copy_args:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    sub $24, %rsp
    mov %rdi, 0(%rsp)
    mov %rsi, 8(%rsp)
    lea exec_args(%rip), %rax
    mov %rax, 16(%rsp)                  # the buffer: the strings, then the offsets at its end
    mov %rax, args_strings(%rip)
    xor %r14d, %r14d                    # bytes of strings
    xor %r15d, %r15d                    # strings
    mov 0(%rsp), %rdi
    call copy_string_array
    test %rax, %rax
    js 9f
    mov %rax, args_argc(%rip)
    test %rax, %rax
    jnz 1f
    mov 16(%rsp), %rax                  # argv[0] = ""
    movb $0, (%rax)
    movl $0, EXEC_ARGS_SIZE - 4(%rax)
    mov $1, %r14d
    mov $1, %r15d
    movq $1, args_argc(%rip)
1:  mov 8(%rsp), %rdi
    call copy_string_array
    test %rax, %rax
    js 9f
    mov %rax, args_envc(%rip)
    mov %r14, args_strings_size(%rip)
    mov 16(%rsp), %rax                  # the offsets were stored downwards from the end
    lea EXEC_ARGS_SIZE(%rax), %rcx
    mov %r15, %rdx
    shl $2, %rdx
    sub %rdx, %rcx
    mov %rcx, args_offsets(%rip)        # ...so reverse them
    lea -4(%rcx,%rdx), %rdx
2:  cmp %rdx, %rcx
    jae 3f
    mov (%rcx), %eax
    mov (%rdx), %r8d
    mov %r8d, (%rcx)
    mov %eax, (%rdx)
    add $4, %rcx
    sub $4, %rdx
    jmp 2b
3:  xor %eax, %eax
9:  add $24, %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# copy_string_array(%rdi = user array of string pointers, NULL-terminated; NULL: empty), with
# exec_copy_args's %r14 = bytes so far, %r15 = strings so far, its 16(%rsp) = the buffer -> %rax:
# the strings copied, or -errno. Each string goes after the last, its offset below the previous
# one from the buffer's end.
copy_string_array:
    PUSH_REGS r12, r13
    mov %rdi, %r12
    xor %r13d, %r13d
    test %r12, %r12
    jz 8f
1:  mov %r12, %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%r12), %rbx                    # the string
    test %rbx, %rbx
    jz 8f
    mov %rbx, %rdi
    mov $MAX_ARG_STRLEN, %esi
    call user_strnlen
    cmp $-ERANGE, %rax
    je 7f
    test %rax, %rax
    js 9f
    lea 1(%rax), %rdx                   # with its NUL, and its pointer: within ARG_MAX_TOTAL
    lea 8(%r14,%rdx), %rcx
    lea (%rcx,%r15,8), %rcx
    cmp $ARG_MAX_TOTAL, %rcx
    ja 7f
    mov 40(%rsp), %rdi                  # the buffer (16(%rsp) of the caller's frame)
    lea EXEC_ARGS_SIZE - 4(%rdi), %rcx
    mov %r15, %r8
    shl $2, %r8
    sub %r8, %rcx
    mov %r14d, (%rcx)                   # its offset
    add %r14, %rdi
    mov %rbx, %rsi
    add %rdx, %r14
    call memcpy
    inc %r15
    inc %r13
    add $8, %r12
    jmp 1b
7:  mov $-E2BIG, %rax
    jmp 9f
8:  mov %r13, %rax
9:  POP_REGS r12, r13
    ret

# exec_name(%rdi = the program's node, %rsi = the path it was given, in user memory):
# /proc/self/exe names the node's path, and the process's name (comm) is the path's last
# component, as Linux's.
exec_name:
    push %rbx
    mov %rsi, %rbx
    call node_path
    cmp $-4095, %rax
    jae 1f
    lea exe_path(%rip), %rdi
    mov %rax, %rsi
    call memcpy
1:  mov %rbx, %rdi                      # the filename (user memory lookup_at has read)
    pop %rbx

# name_from_path(%rdi = path): the process's name (comm) is the path's last component, its first
# 15 bytes
.globl name_from_path
name_from_path:
    mov %rdi, %rsi
    mov %rsi, %rdx                      # its last component
2:  movzbl (%rsi), %eax
    inc %rsi
    test %al, %al
    jz 3f
    cmp $'/', %al
    jne 2b
    mov %rsi, %rdx
    jmp 2b
3:  mov current_task(%rip), %rdi
    mov T_PROCESS(%rdi), %rdi
    add $P_NAME, %rdi
    movq $0, (%rdi)
    movq $0, 8(%rdi)
    xor %ecx, %ecx
4:  movzbl (%rdx,%rcx), %eax
    test %al, %al
    jz 9f
    mov %al, (%rdi,%rcx)
    inc %ecx
    cmp $15, %ecx
    jb 4b
9:  ret

# exec_flush(): what a new program does not inherit (Linux's begin_new_exec): handlers go back
# to SIG_DFL (ignored signals stay ignored), no alternate signal stack, no robust list, rseq or
# clear_child_tid, FS and GS bases 0, close-on-exec descriptors closed, the FPU in its initial
# state (written into the thread's slot, which fpu_return loads).
exec_flush:
    PUSH_REGS rbx, r12
    mov current_task(%rip), %rbx
    mov T_PROCESS(%rbx), %r12
    xor %ecx, %ecx
1:  mov %rcx, %rax
    shl $5, %rax
    lea P_ACTIONS(%r12,%rax), %rax
    cmpq $SIG_IGN, SA_HANDLER(%rax)
    je 2f
    movq $SIG_DFL, SA_HANDLER(%rax)
2:  movq $0, SA_FLAGS(%rax)
    movq $0, SA_RESTORER(%rax)
    movq $0, SA_MASK(%rax)
    inc %ecx
    cmp $NSIG, %ecx
    jb 1b
    movq $0, T_SS_SP(%rbx)
    movq $SS_DISABLE, T_SS_FLAGS(%rbx)
    movq $0, T_SS_SIZE(%rbx)
    movq $0, T_ROBUST(%rbx)
    movq $0, T_RSEQ(%rbx)
    movq $0, T_CLEAR_TID(%rbx)
    xor %eax, %eax
    cmp %rax, T_FSBASE(%rbx)
    je 3f
    mov %rax, T_FSBASE(%rbx)
    mov $MSR_FS_BASE, %ecx
    call wrmsr_rax
3:  xor %eax, %eax
    cmp %rax, T_GSBASE(%rbx)
    je 4f
    mov %rax, T_GSBASE(%rbx)
    mov $MSR_GS_BASE, %ecx
    call wrmsr_rax
4:  call files_close_on_exec
    mov T_FXSTATE(%rbx), %rdi           # the slot's image, by the kernel's own map of the area
    sub fpu_area(%rip), %rdi
    lea fpu_frames + FPU_IMAGE(%rip), %rax
    add %rax, %rdi
    lea vdso_image + VDSO_jvmm_fpu_init(%rip), %rsi
    mov $FX_SIZE, %edx
    call memcpy
    cmp fpu_owner(%rip), %rbx           # the registers hold the old program's state: not this
    jne 5f                              # thread's any more
    movq $0, fpu_owner(%rip)
5:  mov T_FPU_PARENT(%rbx), %rax        # nobody fills this image with another's
    test %rax, %rax
    jz 6f
    movq $0, T_FPU_PARENT(%rbx)
    cmp %rbx, T_FPU_CHILD(%rax)
    jne 6f
    movq $0, T_FPU_CHILD(%rax)
6:  POP_REGS rbx, r12
    ret

# build_stack(%rdi = the vDSO's address, for AT_SYSINFO_EHDR) -> %rax: the initial user RSP, or
# -ENOMEM when the stack's pages cannot be had. As Linux's execve leaves it: at the top an 8-byte
# end marker, below it the strings of args.s (argv's then envp's, copied as one block), the
# AT_RANDOM bytes and AT_PLATFORM's string, then, 16-byte aligned (System V x86-64 ABI, 3.4.1),
# argc, argv[argc + 1], envp[envc + 1] and the auxiliary vector.
.globl build_stack
build_stack:
    PUSH_REGS rbx, r12, r13, r14, r15
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
    PUSH_REGS rbx, rdi
    cpuid
    POP_REGS rbx, rdi
    AUX AT_HWCAP, %rdx
    AUX AT_CLKTCK, $100
    AUX AT_SECURE, $0
    AUX AT_RANDOM, %r14
    mov 8(%rbx), %rax                   # argv[0]
    AUX AT_EXECFN, %rax
    AUX AT_SYSINFO_EHDR, %r15
    AUX AT_NULL, $0
    mov current_task(%rip), %rcx        # argv's strings, for /proc/PID/cmdline: up to envp's
    mov T_PROCESS(%rcx), %rcx
    mov %r12, P_ARG_START(%rcx)
    mov args_strings_size(%rip), %rax
    add %r12, %rax
    cmpq $0, args_envc(%rip)
    je 1f
    mov args_argc(%rip), %rdx
    mov 16(%rbx,%rdx,8), %rax           # envp[0]
1:  mov %rax, P_ARG_END(%rcx)
    mov %rbx, %rax
    jmp 9f
8:  mov $-ENOMEM, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
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

.section .bss
.p2align 12
script_interp: .skip 256                # a script's interpreter and argument (script_parse)
script_arg: .skip 256
script_path: .skip PATH_MAX             # the interpreter's path, for walk (which rewrites it)
exec_args: .skip EXEC_ARGS_SIZE         # execve's copy of argv and envp (exec_copy_args)
