# The bundled image's demo program: a static x86-64 Linux executable, run when no program is
# given. It makes its system calls through the kernel's gate (AT_SYSINFO), whichever
# instruction the kernel chose, and prints its arguments.

.equ SYS_write, 1
.equ SYS_getpid, 39
.equ SYS_exit_group, 231
.equ AT_SYSINFO, 32

.text
.globl _start
_start:
    mov %rsp, %rbp                      # argc, argv[], NULL, envp[], NULL, auxv[]
    mov (%rbp), %r12                    # argc
    lea 8(%rbp,%r12,8), %rax            # the NULL after argv
    add $8, %rax
1:  cmpq $0, (%rax)                     # skip envp
    lea 8(%rax), %rax
    jne 1b
2:  mov (%rax), %rcx                    # find AT_SYSINFO in the auxiliary vector
    test %rcx, %rcx
    jz 3f
    cmp $AT_SYSINFO, %rcx
    je 4f
    add $16, %rax
    jmp 2b
3:  lea direct_syscall(%rip), %rax      # no gate: plain SYSCALL
    mov %rax, gate(%rip)
    jmp 5f
4:  mov 8(%rax), %rax
    mov %rax, gate(%rip)

5:  lea hello(%rip), %rdi
    call puts
    mov $SYS_getpid, %eax
    call *gate(%rip)
    mov %rax, %rdi
    call put_dec
    lea newline(%rip), %rdi
    call puts

    xor %ebx, %ebx                      # one line per argument
6:  cmp %r12, %rbx
    jae 7f
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
    jmp 6b

7:  mov $SYS_exit_group, %eax
    xor %edi, %edi
    call *gate(%rip)
    ud2

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

.section .rodata
hello:      .asciz "jvmm-demo: hello from user mode, through the kernel's gate; pid "
arg_prefix: .asciz "jvmm-demo: argv["
arg_infix:  .asciz "] = "
newline:    .asciz "\n"

.section .bss
.p2align 3
gate: .skip 8
