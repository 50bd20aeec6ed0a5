# exitloop.img: the VMM exit-path benchmark guest. A PVH image that stays in 32-bit protected
# mode and writes the UART's scratch register N times (N from its command line, decimal), each
# write one port-I/O exit, then writes 0 to the exit device. Three supervisor instructions per
# exit, so the VMM's own round trip dominates.

.equ START_INFO_CMDLINE_PADDR, 24
.equ UART_SCRATCH, 0x3ff                # COM1 + 7: a register every VMM's 16550 has
.equ EXIT_PORT, 0x501

.section .note.Xen, "a", @note
.p2align 2
    .long 4, 8, 18                      # namesz "Xen\0", descsz, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .quad pvh_start

.text
.code32
.globl pvh_start
pvh_start:
    mov START_INFO_CMDLINE_PADDR(%ebx), %esi
    xor %ecx, %ecx                      # N: the decimal number at the start of the command line
1:  movzbl (%esi), %eax
    sub $'0', %eax
    cmp $9, %eax
    ja 2f
    imul $10, %ecx, %ecx
    add %eax, %ecx
    inc %esi
    jmp 1b
2:  mov $UART_SCRATCH, %dx
    test %ecx, %ecx
    jz 4f
3:  out %al, %dx
    dec %ecx
    jnz 3b
4:  mov $EXIT_PORT, %dx
    xor %eax, %eax
    out %al, %dx
5:  hlt
    jmp 5b
