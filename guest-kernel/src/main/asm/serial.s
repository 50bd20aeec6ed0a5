# A polling driver for the 16550 UART on COM1: no interrupts, the transmitter is written when
# the line status register says the holding register is empty (LSR.THRE).

.include "defs.inc"

.equ UART_THR, 0        # transmit holding register (DLAB=0)
.equ UART_DLL, 0        # divisor latch, low byte (DLAB=1)
.equ UART_IER, 1
.equ UART_DLM, 1
.equ UART_FCR, 2
.equ UART_LCR, 3
.equ UART_MCR, 4
.equ UART_LSR, 5
.equ LCR_DLAB, 0x80
.equ LCR_8N1,  0x03
.equ LSR_THRE, 0x20

.text
# serial_init(): 115200 baud 8N1, FIFOs on, interrupts off; one (register, value) pair per write.
.globl serial_init
serial_init:
    lea uart_setup(%rip), %rsi
    mov $(uart_setup_end - uart_setup) / 2, %ecx
1:  movzbl (%rsi), %edx
    add $COM1, %edx
    mov 1(%rsi), %al
    out %al, %dx
    add $2, %rsi
    dec %ecx
    jnz 1b
    ret

.section .rodata
uart_setup:
    .byte UART_IER, 0                   # no interrupts
    .byte UART_LCR, LCR_DLAB            # divisor latch on
    .byte UART_DLL, 1                   # divisor 1: 115200 baud
    .byte UART_DLM, 0
    .byte UART_LCR, LCR_8N1             # divisor latch off, 8 data bits, no parity, 1 stop bit
    .byte UART_FCR, 0xc7                # enable and clear FIFOs, 14-byte trigger
    .byte UART_MCR, 0x03                # DTR, RTS
uart_setup_end:

.text
# serial_putc(%dil = byte)
.globl serial_putc
serial_putc:
    mov $COM1 + UART_LSR, %dx
1:  in %dx, %al
    test $LSR_THRE, %al
    jz 1b
    mov $COM1 + UART_THR, %dx
    mov %dil, %al
    out %al, %dx
    ret

# serial_puts(%rdi = NUL-terminated string)
.globl serial_puts
serial_puts:
    push %rbx
    mov %rdi, %rbx
1:  movzbl (%rbx), %edi
    test %dil, %dil
    jz 2f
    call serial_putc
    inc %rbx
    jmp 1b
2:  pop %rbx
    ret

# serial_put_dec(%rdi = unsigned value)
.globl serial_put_dec
serial_put_dec:
    push %rbx
    sub $32, %rsp
    lea 31(%rsp), %rbx
    movb $0, (%rbx)
    mov %rdi, %rax
    mov $10, %ecx
1:  xor %edx, %edx
    div %rcx
    add $'0', %dl
    dec %rbx
    mov %dl, (%rbx)
    test %rax, %rax
    jnz 1b
    mov %rbx, %rdi
    call serial_puts
    add $32, %rsp
    pop %rbx
    ret
