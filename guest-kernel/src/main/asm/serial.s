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
# serial_init(): 115200 baud 8N1, FIFOs on, interrupts off.
.globl serial_init
serial_init:
    mov $COM1 + UART_IER, %dx
    xor %al, %al
    out %al, %dx
    mov $COM1 + UART_LCR, %dx
    mov $LCR_DLAB, %al
    out %al, %dx
    mov $COM1 + UART_DLL, %dx
    mov $1, %al
    out %al, %dx
    mov $COM1 + UART_DLM, %dx
    xor %al, %al
    out %al, %dx
    mov $COM1 + UART_LCR, %dx
    mov $LCR_8N1, %al
    out %al, %dx
    mov $COM1 + UART_FCR, %dx
    mov $0xc7, %al                      # enable and clear FIFOs, 14-byte trigger
    out %al, %dx
    mov $COM1 + UART_MCR, %dx
    mov $0x03, %al                      # DTR, RTS
    out %al, %dx
    ret

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
