# kernel_main: report what the boot handed over, then leave through the exit device.
#
# Output (one line each, stable; tests and users read them):
#   jvmm-kernel: booted in long mode (PVH start_info v<version>)
#   jvmm-kernel: cpu <vendor>, memory <MiB> MiB
#   jvmm-kernel: cmdline "<command line>"
#   jvmm-kernel: exit <status>
# The status is 0 unless the command line holds "exit=<decimal>" (the last such word wins).

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
    mov START_INFO_CMDLINE_PADDR(%r12), %rdi
    test %rdi, %rdi
    jz 1f
    call serial_puts
    mov START_INFO_CMDLINE_PADDR(%r12), %rdi
    call exit_status_from_cmdline
    mov %eax, %r13d
1:  lea msg_quote_end(%rip), %rdi
    call serial_puts

    mov %r13d, %edi
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

# exit_status_from_cmdline(%rdi = NUL-terminated command line) -> %eax: the value of the last
# "exit=<decimal>" word (low 8 bits, as the exit device takes a byte), or 0.
exit_status_from_cmdline:
    xor %eax, %eax
    mov %rdi, %rsi
1:  movzbl (%rsi), %ecx
    test %ecx, %ecx
    jz 9f
    cmp $' ', %ecx
    jne 2f
    inc %rsi
    jmp 1b
2:  cmpl $0x74697865, (%rsi)            # "exit" (little-endian)
    jne 5f
    cmpb $'=', 4(%rsi)
    jne 5f
    add $5, %rsi
    xor %edx, %edx
3:  movzbl (%rsi), %ecx
    sub $'0', %ecx
    cmp $9, %ecx
    ja 4f
    imul $10, %edx, %edx
    add %ecx, %edx
    inc %rsi
    jmp 3b
4:  movzbl %dl, %eax
5:  movzbl (%rsi), %ecx                 # skip to the end of this word
    test %ecx, %ecx
    jz 9f
    cmp $' ', %ecx
    je 1b
    inc %rsi
    jmp 5b
9:  ret

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

.section .bss
vendor: .skip 13
