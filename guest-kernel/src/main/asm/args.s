# The program's argv and environment, from one of two sources:
#
# - an argument block at the start of the first PVH module (args.inc): what jvmm passes, and what
#   QEMU passes as -initrd when given a file jvmm wrote. Byte-exact: any byte but NUL.
# - the words after "--" on the kernel command line, for a bare program under QEMU (-initrd PROG
#   -append "-- PROG ARGS"): split at spaces, "..." keeps spaces in a word; no environment.
#
# Either leaves the same checked description for build_stack (exec.s): args_argc strings of argv
# then args_envc of envp, NUL-terminated, in one area of args_strings_size bytes at args_strings,
# and a u32 offset per string at args_offsets, each inside the area.

.include "defs.inc"
.include "args.inc"

# The command-line form's strings, at most this many bytes, NULs included: every word adds at
# least its NUL, so this also bounds the number of words.
.equ CMDLINE_ARGS_MAX, 8192

.text
# args_from_block(%rdi = module (kernel address), %rsi = its size) -> %rax: the block's size (the
# program follows it), 0 if the module does not begin with an argument block, -EINVAL if the block
# is malformed, -E2BIG if it is larger than Linux's execve would take.
.globl args_from_block
args_from_block:
    xor %eax, %eax
    cmp $ARGBLOCK_OFFSETS, %rsi
    jb 9f
    movabs $ARGBLOCK_MAGIC_VALUE, %rdx
    cmp %rdx, ARGBLOCK_MAGIC(%rdi)
    jne 9f
    mov $-EINVAL, %rax
    cmpl $ARGBLOCK_VERSION_1, ARGBLOCK_VERSION(%rdi)
    jne 9f
    mov ARGBLOCK_SIZE(%rdi), %r8d
    test $(PAGE_SIZE - 1), %r8d
    jnz 9f
    cmp %rsi, %r8
    ja 9f
    mov ARGBLOCK_ARGC(%rdi), %ecx
    test %ecx, %ecx
    jz 9f
    mov %rcx, args_argc(%rip)
    mov ARGBLOCK_ENVC(%rdi), %edx
    mov %rdx, args_envc(%rip)
    add %rdx, %rcx                      # strings in all (< 2^33: no overflow below)
    lea ARGBLOCK_OFFSETS(%rdi), %r9
    mov %r9, args_offsets(%rip)
    lea (%r9,%rcx,4), %r10              # the strings area
    mov %r10, args_strings(%rip)
    mov ARGBLOCK_STRINGS_SIZE(%rdi), %r11d
    mov %r11, args_strings_size(%rip)
    test %r11, %r11
    jz 9f
    lea (%r10,%r11), %rdx
    sub %rdi, %rdx                      # header, offsets and strings lie inside the block
    cmp %r8, %rdx
    ja 9f
    cmpb $0, -1(%r10,%r11)              # so that every offset inside the area starts a string
    jne 9f
    mov $-E2BIG, %rax                   # first, so that the loop below is short
    lea (%r11,%rcx,8), %rdx
    cmp $ARG_MAX_TOTAL, %rdx
    ja 9f
    mov $-EINVAL, %rax
1:  dec %rcx                            # each offset inside the area
    js 2f
    cmp %r11d, (%r9,%rcx,4)
    jae 9f
    jmp 1b
2:  mov %r8, %rax
9:  ret

# args_from_cmdline(%rdi = the command line after "--", or 0) -> %rax: 0, or -E2BIG when the
# words take more than CMDLINE_ARGS_MAX bytes. Without words, argv = { "program" }.
.globl args_from_cmdline
args_from_cmdline:
    lea cmdline_strings(%rip), %rdx
    lea cmdline_offsets(%rip), %r8
    xor %eax, %eax                      # argc
    xor %r10d, %r10d                    # bytes written
    test %rdi, %rdi
    jz 7f
1:  movzbl (%rdi), %ecx                 # skip spaces
    test %ecx, %ecx
    jz 6f
    cmp $' ', %ecx
    jne 2f
    inc %rdi
    jmp 1b
2:  cmp $CMDLINE_ARGS_MAX, %r10         # a word begins: argc <= bytes < CMDLINE_ARGS_MAX
    jae 8f
    mov %r10d, (%r8,%rax,4)
    inc %eax
    xor %r9d, %r9d                      # inside quotes
3:  movzbl (%rdi), %ecx
    test %ecx, %ecx
    jz 5f
    inc %rdi
    cmp $'"', %ecx
    jne 4f
    xor $1, %r9d
    jmp 3b
4:  cmp $' ', %ecx
    jne 41f
    test %r9d, %r9d
    jz 5f
41: cmp $(CMDLINE_ARGS_MAX - 1), %r10   # room for this byte and the NUL
    jae 8f
    mov %cl, (%rdx,%r10)
    inc %r10
    jmp 3b
5:  movb $0, (%rdx,%r10)
    inc %r10
    jmp 1b
6:  test %eax, %eax
    jnz 9f
7:  lea default_argv0(%rip), %rdx       # no words
    lea default_offsets(%rip), %r8
    mov $1, %eax
    mov $default_argv0_size, %r10d
9:  mov %rdx, args_strings(%rip)
    mov %r8, args_offsets(%rip)
    mov %rax, args_argc(%rip)
    movq $0, args_envc(%rip)
    mov %r10, args_strings_size(%rip)
    xor %eax, %eax
    ret
8:  mov $-E2BIG, %rax
    ret

# args_argv0() -> %rax: argv[0] (in the kernel's copy), after one of the above succeeded.
.globl args_argv0
args_argv0:
    mov args_offsets(%rip), %rax
    mov (%rax), %eax
    add args_strings(%rip), %rax
    ret

.section .rodata
default_argv0: .asciz "program"
.equ default_argv0_size, . - default_argv0
.p2align 2
default_offsets: .long 0

.section .bss
.p2align 3
.globl args_argc, args_envc, args_strings, args_strings_size, args_offsets
args_argc: .skip 8
args_envc: .skip 8
args_strings: .skip 8
args_strings_size: .skip 8
args_offsets: .skip 8
cmdline_offsets: .skip CMDLINE_ARGS_MAX * 4
cmdline_strings: .skip CMDLINE_ARGS_MAX
