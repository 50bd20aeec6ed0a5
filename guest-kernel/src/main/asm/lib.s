# Small routines the rest of the kernel shares: memory and string helpers, randomness.

.include "defs.inc"

.text
# memcpy(%rdi = dst, %rsi = src, %rdx = count): eight bytes per step (each step of a REP
# string instruction is emulated on our hosts, so MOVSQ is eight times cheaper than MOVSB).
.globl memcpy
memcpy:
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq
    mov %edx, %ecx
    and $7, %ecx
    rep movsb
    ret

# strlen(%rdi = string) -> %rax
.globl strlen
strlen:
    mov %rdi, %rax
1:  cmpb $0, (%rax)
    je 2f
    inc %rax
    jmp 1b
2:  sub %rdi, %rax
    ret

# random_u64() -> %rax: xorshift64*, seeded from the TSC at first use, mixed with RDRAND once
# random_use_rdrand found it safe. RDRAND only then: where KVM emulates kernel code (PVM), its
# emulator has no RDRAND (emulate.c: 0F C7 /6 with mod 3 is group9's NotImpl), and an
# instruction it cannot emulate at CPL 0 ends the VM (emulation failure).
.globl random_u64
random_u64:
    mov xorshift_state(%rip), %rax
    test %rax, %rax
    jnz 1f
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    or $1, %rax                         # xorshift's state must not be 0
1:  mov %rax, %rdx
    shr $12, %rdx
    xor %rdx, %rax
    mov %rax, %rdx
    shl $25, %rdx
    xor %rdx, %rax
    mov %rax, %rdx
    shr $27, %rdx
    xor %rdx, %rax
    mov %rax, xorshift_state(%rip)
    movabs $0x2545f4914f6cdd1d, %rdx
    imul %rdx, %rax
    cmpb $0, rdrand_usable(%rip)
    je 3f
    mov $10, %ecx                       # RDRAND may fail transiently (SDM Vol. 1, 7.3.17.1)
2:  rdrand %rdx
    jc 4f
    dec %ecx
    jnz 2b
    ret
4:  xor %rdx, %rax
3:  ret

# random_use_rdrand(): after the entry-path probe. RDRAND joins random_u64 where the CPU has it
# (CPUID.01H:ECX[30]) and kernel code runs natively, which a SYSCALL that entered the kernel
# architecturally shows (a host that emulates kernel code, PVM, cannot enter it so: README,
# "Host notes"); TCG and VT-x/SVM hosts qualify.
.globl random_use_rdrand
random_use_rdrand:
    cmpb $PROBE_NATIVE, probe_results + GATE_SYSCALL(%rip)
    jne 1f
    push %rbx
    mov $1, %eax
    cpuid
    pop %rbx
    bt $30, %ecx
    setc rdrand_usable(%rip)
1:  ret

# random_fill(%rdi = dst, %rsi = count)
.globl random_fill
random_fill:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rsi, %r12
1:  test %r12, %r12
    jz 3f
    call random_u64
    mov $8, %ecx
2:  mov %al, (%rbx)
    inc %rbx
    shr $8, %rax
    dec %r12
    jz 3f
    dec %ecx
    jnz 2b
    jmp 1b
3:  POP_REGS rbx, r12
    ret

# cmdline_value(%rdi = command line, %rsi = "key=") -> %rax: a pointer to the value of the
# last word starting with the key, or 0. Words are separated by spaces; the search stops at a
# word "--" (what follows it is the program's).
.globl cmdline_value
cmdline_value:
    xor %eax, %eax
1:  movzbl (%rdi), %ecx                 # skip spaces to the start of a word
    test %ecx, %ecx
    jz 9f
    cmp $' ', %ecx
    jne 2f
    inc %rdi
    jmp 1b
2:  cmpw $0x2d2d, (%rdi)                # "--" followed by a space or the end
    jne 21f
    movzbl 2(%rdi), %ecx
    test %ecx, %ecx
    jz 9f
    cmp $' ', %ecx
    je 9f
21: xor %edx, %edx                      # compare the word with the key
3:  movzbl (%rsi,%rdx), %ecx
    test %ecx, %ecx
    jz 4f
    cmp (%rdi,%rdx), %cl
    jne 5f
    inc %rdx
    jmp 3b
4:  lea (%rdi,%rdx), %rax               # matched: the value follows the key
5:  movzbl (%rdi), %ecx                 # skip to the end of this word
    test %ecx, %ecx
    jz 9f
    cmp $' ', %ecx
    je 1b
    inc %rdi
    jmp 5b
9:  ret

# cmdline_program(%rdi = command line) -> %rax: what follows the word "--", or 0.
.globl cmdline_program
cmdline_program:
1:  movzbl (%rdi), %ecx
    test %ecx, %ecx
    jz 8f
    cmp $' ', %ecx
    jne 2f
    inc %rdi
    jmp 1b
2:  cmpw $0x2d2d, (%rdi)
    jne 4f
    movzbl 2(%rdi), %ecx
    test %ecx, %ecx
    jz 3f
    cmp $' ', %ecx
    jne 4f
    lea 3(%rdi), %rax
    ret
3:  lea 2(%rdi), %rax
    ret
4:  movzbl (%rdi), %ecx                 # skip this word
    test %ecx, %ecx
    jz 8f
    cmp $' ', %ecx
    je 1b
    inc %rdi
    jmp 4b
8:  xor %eax, %eax
    ret

# parse_dec(%rdi = digits) -> %rax: the decimal number at %rdi, up to the first non-digit.
.globl parse_dec
parse_dec:
    xor %eax, %eax
1:  movzbl (%rdi), %ecx
    sub $'0', %ecx
    cmp $9, %ecx
    ja 2f
    imul $10, %rax, %rax
    add %rcx, %rax
    inc %rdi
    jmp 1b
2:  ret

# word_is(%rdi = value, %rsi = NUL-terminated word) -> ZF set if the value is exactly that word.
.globl word_is
word_is:
    movzbl (%rsi), %ecx
    movzbl (%rdi), %edx
    test %ecx, %ecx
    jz 2f
    cmp %ecx, %edx
    jne 3f
    inc %rsi
    inc %rdi
    jmp word_is
2:  cmp $' ', %edx                      # the word ends the value at a space or the NUL
    je 3f
    test %edx, %edx
3:  ret

# put_hex8(%rdi = cursor, %rsi = value) -> %rdi: past its lower-case hex digits, at least 8
# (exactly 8 for a value below 2^32: a newc header's fields)
.globl put_hex8
put_hex8:
    mov $60, %ecx
1:  mov %rsi, %rax                      # skip the leading zeros above the eighth digit
    shr %cl, %rax
    test $0xf, %al
    jnz 2f
    cmp $28, %ecx
    je 2f
    sub $4, %ecx
    jmp 1b
2:  mov %rsi, %rax
    shr %cl, %rax
    and $0xf, %eax
    lea hex_digits(%rip), %rdx
    movzbl (%rdx,%rax), %eax
    mov %al, (%rdi)
    inc %rdi
    sub $4, %ecx
    jns 2b
    ret

.section .rodata
.globl hex_digits
hex_digits: .ascii "0123456789abcdef"

.section .bss
xorshift_state: .skip 8
rdrand_usable: .skip 1
