# Signals: handlers and the mask are kept, as Linux keeps them; jvmm delivers no signal yet
# (a fault ends the process), so they are never called.

.include "defs.inc"

.text
.globl sys_rt_sigaction
sys_rt_sigaction:
    cmp $8, %rcx
    jne einval
    lea -1(%rdi), %rax
    cmp $63, %rax
    ja einval
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx                      # signal
    mov %rsi, %r12                      # act
    mov %rdx, %r13                      # oact
    test %r12, %r12
    jz 1f
    cmp $9, %rbx                        # SIGKILL and SIGSTOP cannot be caught
    je 6f
    cmp $19, %rbx
    je 6f
    mov %r12, %rdi
    mov $32, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r13, %r13
    jz 2f
    mov %r13, %rdi
    mov $32, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %r13, %rdi                      # old action out
    lea sigactions - 32(%rip), %rsi
    mov %rbx, %rax
    shl $5, %rax
    add %rax, %rsi
    mov $32, %edx
    call memcpy
2:  test %r12, %r12
    jz 3f
    lea sigactions - 32(%rip), %rdi     # new action in
    mov %rbx, %rax
    shl $5, %rax
    add %rax, %rdi
    mov %r12, %rsi
    mov $32, %edx
    call memcpy
3:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

.globl sys_rt_sigprocmask
sys_rt_sigprocmask:
    cmp $8, %rcx
    jne einval
    push %rbx
    push %r12
    push %r13
    mov %edi, %ebx                      # how
    mov %rsi, %r12                      # set
    mov %rdx, %r13                      # oset
    test %r12, %r12
    jz 1f
    cmp $2, %ebx
    ja 6f
    mov %r12, %rdi
    mov $8, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
1:  test %r13, %r13
    jz 2f
    mov %r13, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov signal_mask(%rip), %rax
    mov %rax, (%r13)
2:  test %r12, %r12
    jz 8f
    mov (%r12), %rax
    mov signal_mask(%rip), %rdx
    cmp $1, %ebx
    je 4f
    jb 3f
    mov %rax, %rdx                      # SIG_SETMASK
    jmp 5f
3:  or %rax, %rdx                       # SIG_BLOCK
    jmp 5f
4:  not %rax                            # SIG_UNBLOCK
    and %rax, %rdx
5:  and $~((1 << 8) | (1 << 18)), %rdx  # SIGKILL and SIGSTOP stay unblocked
    mov %rdx, signal_mask(%rip)
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

.section .bss
.p2align 3
sigactions: .skip 64 * 32
signal_mask: .skip 8
