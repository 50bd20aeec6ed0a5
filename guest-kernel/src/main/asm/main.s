# kernel_main: report what the boot handed over, then leave through the exit device.
#
# Output (one line each, stable; tests and users read them):
#   jvmm-kernel: booted in long mode (PVH start_info v<version>)
#   jvmm-kernel: cpu <vendor>, memory <MiB> MiB
#   jvmm-kernel: cmdline "<command line>"
#   jvmm-kernel: exit <status>
#
# Command line words (the last of each key wins):
#   exit=<decimal>   the exit status (low 8 bits); 0 without it
#   test=spin        loop forever in supervisor mode (for --timeout)
#   test=halt        cli; hlt with nothing to wake the CPU
#   test=triple-fault  fault with no IDT, so the CPU shuts down

.include "defs.inc"

.text
.globl kernel_main
kernel_main:                            # %rdi = hvm_start_info
    mov %rdi, %r12                      # callee-saved for the whole function
    call serial_init
    cmpl $START_INFO_MAGIC_VALUE, START_INFO_MAGIC(%r12)
    jne bad_start_info

    lea msg_booted(%rip), %rdi
    call serial_puts
    mov START_INFO_VERSION(%r12), %edi
    call serial_put_dec
    lea msg_booted_end(%rip), %rdi
    call serial_puts

    # CPUID leaf 0: the vendor string is EBX, EDX, ECX.
    xor %eax, %eax
    cpuid
    lea vendor(%rip), %rax
    mov %ebx, 0(%rax)
    mov %edx, 4(%rax)
    mov %ecx, 8(%rax)
    lea msg_cpu(%rip), %rdi
    call serial_puts
    lea vendor(%rip), %rdi
    call serial_puts

    lea msg_memory(%rip), %rdi
    call serial_puts
    mov %r12, %rdi
    call ram_bytes
    shr $20, %rax
    mov %rax, %rdi
    call serial_put_dec
    lea msg_memory_end(%rip), %rdi
    call serial_puts

    lea msg_cmdline(%rip), %rdi
    call serial_puts
    xor %r13d, %r13d                    # exit status
    mov START_INFO_CMDLINE_PADDR(%r12), %r14
    test %r14, %r14
    jz 1f
    mov %r14, %rdi
    call serial_puts
1:  lea msg_quote_end(%rip), %rdi
    call serial_puts
    test %r14, %r14
    jz 2f

    mov %r14, %rdi
    lea key_test(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 1f
    mov %rax, %rdi
    call run_test
1:  mov %r14, %rdi
    lea key_exit(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 2f
    mov %rax, %rdi
    call parse_dec
    movzbl %al, %r13d                   # the exit device takes a byte
2:  mov %r13d, %edi
    jmp kernel_exit

bad_start_info:
    lea msg_bad_start_info(%rip), %rdi
    call serial_puts
    mov $EXIT_BAD_START_INFO, %edi
    jmp kernel_exit

# kernel_exit(%edi = status): report, write the exit device; never returns.
.globl kernel_exit
kernel_exit:
    mov %edi, %ebx
    lea msg_exit(%rip), %rdi
    call serial_puts
    mov %ebx, %edi
    call serial_put_dec
    mov $'\n', %edi
    call serial_putc
    mov %bl, %al
    mov $EXIT_PORT, %dx
    out %al, %dx
    # Without an exit device (a VMM that ignores the port) the kernel stops here.
1:  cli
    hlt
    jmp 1b

# ram_bytes(%rdi = start_info) -> %rax: total size of the RAM entries of the memory map.
ram_bytes:
    xor %eax, %eax
    mov START_INFO_MEMMAP_ENTRIES(%rdi), %ecx
    mov START_INFO_MEMMAP_PADDR(%rdi), %rsi
    cmpl $1, START_INFO_VERSION(%rdi)   # version 0 has no memory map
    jb 2f
1:  test %ecx, %ecx
    jz 2f
    cmpl $MEMMAP_TYPE_RAM, MEMMAP_ENTRY_TYPE(%rsi)
    jne 3f
    add MEMMAP_ENTRY_LEN(%rsi), %rax
3:  add $MEMMAP_ENTRY_SIZE, %rsi
    dec %ecx
    jmp 1b
2:  ret

# cmdline_value(%rdi = NUL-terminated command line, %rsi = NUL-terminated "key=") -> %rax:
# a pointer to the value of the last word that starts with the key, or 0. Words are separated by spaces.
cmdline_value:
    xor %eax, %eax
1:  movzbl (%rdi), %ecx                 # skip spaces to the start of a word
    test %ecx, %ecx
    jz 9f
    cmp $' ', %ecx
    jne 2f
    inc %rdi
    jmp 1b
2:  xor %edx, %edx                      # compare the word with the key
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

# parse_dec(%rdi = digits) -> %rax: the decimal number at %rdi, up to the first non-digit.
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

# run_test(%rdi = test name): the misbehaviours a VMM must report well, on request.
run_test:
    push %rbx
    mov %rdi, %rbx
    lea test_spin(%rip), %rsi
    call word_is
    je 1f
    mov %rbx, %rdi
    lea test_halt(%rip), %rsi
    call word_is
    je 2f
    mov %rbx, %rdi
    lea test_triple_fault(%rip), %rsi
    call word_is
    je 3f
    pop %rbx
    ret                                 # unknown test names are ignored
1:  jmp 1b                              # spin in supervisor mode until stopped
2:  cli
    hlt
    jmp 2b
3:  lidt null_idt(%rip)                 # no IDT: #UD -> #GP -> #DF -> triple fault (SDM Vol. 3A 6.15)
    ud2

.section .rodata
msg_booted:         .asciz "jvmm-kernel: booted in long mode (PVH start_info v"
msg_booted_end:     .asciz ")\n"
msg_cpu:            .asciz "jvmm-kernel: cpu "
msg_memory:         .asciz ", memory "
msg_memory_end:     .asciz " MiB\n"
msg_cmdline:        .asciz "jvmm-kernel: cmdline \""
msg_quote_end:      .asciz "\"\n"
msg_exit:           .asciz "jvmm-kernel: exit "
msg_bad_start_info: .asciz "jvmm-kernel: bad hvm_start_info magic\n"
key_exit:           .asciz "exit="
key_test:           .asciz "test="
test_spin:          .asciz "spin"
test_halt:          .asciz "halt"
test_triple_fault:  .asciz "triple-fault"
.p2align 3
null_idt:           .word 0
                    .quad 0

.section .bss
vendor: .skip 13
