# The bundled image's demo program: a static x86-64 Linux executable, run when no program is
# given. It finds the vDSO the kernel mapped (AT_SYSINFO_EHDR), lists it the way ldd shows
# linux-vdso.so.1 (address, then each exported symbol with its version), makes its system calls
# through the vDSO's __kernel_vsyscall (whichever instruction the kernel chose), and prints its
# arguments.

.equ SYS_write, 1
.equ SYS_getpid, 39
.equ SYS_exit_group, 231
.equ AT_SYSINFO_EHDR, 33
.equ PT_DYNAMIC, 2
.equ DT_HASH, 4
.equ DT_STRTAB, 5
.equ DT_SYMTAB, 6
.equ DT_VERSYM, 0x6ffffff0
.equ DT_VERDEF, 0x6ffffffc
.equ SHN_UNDEF, 0
.equ SHN_ABS, 0xfff1

.text
.globl _start
_start:
    mov %rsp, %rbp                      # argc, argv[], NULL, envp[], NULL, auxv[]
    mov (%rbp), %r12                    # argc
    lea 16(%rbp,%r12,8), %rax           # envp
1:  cmpq $0, (%rax)                     # skip envp
    lea 8(%rax), %rax
    jne 1b
2:  mov (%rax), %rcx                    # find AT_SYSINFO_EHDR in the auxiliary vector
    test %rcx, %rcx
    jz 3f
    cmp $AT_SYSINFO_EHDR, %rcx
    je 4f
    add $16, %rax
    jmp 2b
4:  mov 8(%rax), %rax
    mov %rax, vdso(%rip)
    call vdso_parse
    lea name_vsyscall(%rip), %rdi
    call vdso_lookup
    test %rax, %rax
    jz 3f
    mov %rax, gate(%rip)
3:  lea hello(%rip), %rdi
    call puts
    mov $SYS_getpid, %eax
    call *gate(%rip)
    mov %rax, %rdi
    call put_dec
    lea newline(%rip), %rdi
    call puts

    cmpq $0, vdso(%rip)                 # the vDSO, as ldd shows it
    je 6f
    lea vdso_line(%rip), %rdi
    call puts
    mov vdso(%rip), %rdi
    call put_hex
    lea close_paren(%rip), %rdi
    call puts
    mov $1, %r13d                       # symbol 0 is the null symbol
5:  cmp nsyms(%rip), %r13
    jae 6f
    mov %r13, %rdi
    call vdso_symbol_line
    inc %r13
    jmp 5b

6:  xor %ebx, %ebx                      # one line per argument
7:  cmp %r12, %rbx
    jae 8f
    lea arg_prefix(%rip), %rdi
    call puts
    mov %rbx, %rdi
    call put_dec
    lea arg_infix(%rip), %rdi
    call puts
    mov 8(%rbp,%rbx,8), %rdi
    call puts
    lea newline(%rip), %rdi
    call puts
    inc %rbx
    jmp 7b
8:  mov $SYS_exit_group, %eax
    xor %edi, %edi
    call *gate(%rip)
    ud2

# vdso_parse(): from the vDSO's PT_DYNAMIC, its symbol and string tables, versions, and the
# number of symbols (DT_HASH's nchain). The vDSO is linked at 0: addresses are offsets.
vdso_parse:
    mov vdso(%rip), %rsi
    mov 32(%rsi), %rax                  # e_phoff
    add %rsi, %rax
    movzwl 56(%rsi), %ecx               # e_phnum
1:  cmpl $PT_DYNAMIC, (%rax)
    je 2f
    add $56, %rax
    dec %ecx
    jnz 1b
    ret
2:  mov 16(%rax), %rax                  # p_vaddr
    add %rsi, %rax                      # the dynamic section
3:  mov (%rax), %rcx                    # d_tag
    test %rcx, %rcx
    jz 9f
    mov 8(%rax), %rdx
    add %rsi, %rdx                      # d_ptr, relocated
    lea hash(%rip), %rdi
    cmp $DT_HASH, %rcx
    je 4f
    lea strtab(%rip), %rdi
    cmp $DT_STRTAB, %rcx
    je 4f
    lea symtab(%rip), %rdi
    cmp $DT_SYMTAB, %rcx
    je 4f
    lea versym(%rip), %rdi
    cmp $DT_VERSYM, %rcx
    je 4f
    lea verdef(%rip), %rdi
    cmp $DT_VERDEF, %rcx
    jne 5f
4:  mov %rdx, (%rdi)
5:  add $16, %rax
    jmp 3b
9:  mov hash(%rip), %rax
    mov 4(%rax), %eax                   # nchain: one entry per symbol
    mov %rax, nsyms(%rip)
    ret

# vdso_lookup(%rdi = name) -> %rax: the address of that defined symbol, or 0
vdso_lookup:
    push %rbx
    push %r12
    mov %rdi, %r12
    mov $1, %ebx
1:  cmp nsyms(%rip), %rbx
    jae 8f
    imul $24, %rbx, %rax
    add symtab(%rip), %rax
    cmpw $SHN_UNDEF, 6(%rax)            # st_shndx
    je 3f
    mov (%rax), %esi                    # st_name
    add strtab(%rip), %rsi
    mov %r12, %rdi
2:  mov (%rdi), %cl                     # compare the names
    cmp (%rsi), %cl
    jne 3f
    inc %rdi
    inc %rsi
    test %cl, %cl
    jnz 2b
    imul $24, %rbx, %rax
    add symtab(%rip), %rax
    mov 8(%rax), %rax                   # st_value
    add vdso(%rip), %rax
    jmp 9f
3:  inc %rbx
    jmp 1b
8:  xor %eax, %eax
9:  pop %r12
    pop %rbx
    ret

# vdso_symbol_line(%rdi = symbol index): "jvmm-demo:   name@version" for a defined function
vdso_symbol_line:
    push %rbx
    push %r12
    mov %rdi, %rbx
    imul $24, %rbx, %r12
    add symtab(%rip), %r12              # the symbol
    movzwl 6(%r12), %eax
    cmp $SHN_UNDEF, %eax
    je 9f
    cmp $SHN_ABS, %eax                  # the version's own name symbol
    je 9f
    lea symbol_prefix(%rip), %rdi
    call puts
    mov (%r12), %edi
    add strtab(%rip), %rdi
    call puts
    mov versym(%rip), %rax              # its version: versym index -> the verdef with that index
    test %rax, %rax
    jz 8f
    movzwl (%rax,%rbx,2), %ecx
    and $0x7fff, %ecx
    mov verdef(%rip), %rax
1:  test %rax, %rax
    jz 8f
    movzwl 4(%rax), %edx                # vd_ndx
    cmp %ecx, %edx
    je 2f
    mov 16(%rax), %edx                  # vd_next
    test %edx, %edx
    jz 8f
    add %rdx, %rax
    jmp 1b
2:  mov 12(%rax), %edx                  # vd_aux
    add %rdx, %rax
    mov (%rax), %ebx                    # vda_name
    lea at_sign(%rip), %rdi
    call puts
    mov %rbx, %rdi
    add strtab(%rip), %rdi
    call puts
8:  lea newline(%rip), %rdi
    call puts
9:  pop %r12
    pop %rbx
    ret

direct_syscall:
    syscall
    ret

# puts(%rdi = NUL-terminated string): write(1, s, strlen(s)) through the gate
puts:
    mov %rdi, %rsi
    xor %edx, %edx
1:  cmpb $0, (%rsi,%rdx)
    je 2f
    inc %rdx
    jmp 1b
2:  mov $1, %edi
    mov $SYS_write, %eax
    jmp *gate(%rip)

# put_dec(%rdi = unsigned value)
put_dec:
    sub $40, %rsp
    lea 31(%rsp), %rsi
    movb $0, (%rsi)
    mov %rdi, %rax
    mov $10, %ecx
1:  xor %edx, %edx
    div %rcx
    add $'0', %dl
    dec %rsi
    mov %dl, (%rsi)
    test %rax, %rax
    jnz 1b
    mov %rsi, %rdi
    call puts
    add $40, %rsp
    ret

# put_hex(%rdi = value): "0x" and 16 hex digits, as ldd prints addresses
put_hex:
    sub $40, %rsp
    lea 18(%rsp), %rsi
    movb $0, (%rsi)
    mov %rdi, %rax
    mov $16, %ecx
1:  mov %eax, %edx
    and $15, %edx
    lea hex_digits(%rip), %rdi
    mov (%rdi,%rdx), %dl
    dec %rsi
    mov %dl, (%rsi)
    shr $4, %rax
    dec %ecx
    jnz 1b
    dec %rsi
    movb $'x', (%rsi)
    dec %rsi
    movb $'0', (%rsi)
    mov %rsi, %rdi
    call puts
    add $40, %rsp
    ret

.section .rodata
hello:         .asciz "jvmm-demo: hello from user mode, through the vDSO's __kernel_vsyscall; pid "
vdso_line:     .asciz "jvmm-demo: linux-vdso.so.1 ("
close_paren:   .asciz ")\n"
symbol_prefix: .asciz "jvmm-demo:     "
at_sign:       .asciz "@"
arg_prefix:    .asciz "jvmm-demo: argv["
arg_infix:     .asciz "] = "
newline:       .asciz "\n"
name_vsyscall: .asciz "__kernel_vsyscall"
hex_digits:    .ascii "0123456789abcdef"

.section .data
.p2align 3
gate: .quad direct_syscall              # until the vDSO's gate is found

.section .bss
.p2align 3
vdso: .skip 8
hash: .skip 8
strtab: .skip 8
symtab: .skip 8
versym: .skip 8
verdef: .skip 8
nsyms: .skip 8
