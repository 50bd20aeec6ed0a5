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
.equ LSR_POLLS, 100000  # each an I/O exit: far longer than a 16-byte FIFO takes to drain

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
# serial_write(%rdi = bytes, %rsi = count): up to 16 bytes (the 16550A's FIFO) per wait for an
# empty transmitter, each burst one REP OUTSB (one I/O exit where the hypervisor hands string
# I/O over whole; KVM's emulator exits once per byte of it, docs/console.md).
# The wait is bounded, as Linux's serial8250 bounds it: a transmitter that never empties is
# written to without waiting from then on (an absent UART reads all ones, so never waits).
.globl serial_write
serial_write:
    mov %rsi, %r8                       # bytes left
    mov %rdi, %rsi
1:  test %r8, %r8
    jz 3f
    cmpb $0, uart_silent(%rip)
    jne 4f
    mov $COM1 + UART_LSR, %dx
    mov $LSR_POLLS, %ecx
2:  in %dx, %al
    test $LSR_THRE, %al
    jnz 4f
    dec %ecx
    jnz 2b
    movb $1, uart_silent(%rip)
4:  mov $16, %ecx
    cmp %rcx, %r8
    cmovb %r8, %rcx
    sub %rcx, %r8
    mov $COM1 + UART_THR, %dx
    rep outsb
    jmp 1b
3:  ret

# serial_putc(%dil = byte)
.globl serial_putc
serial_putc:
    push %rdi
    mov %rsp, %rdi
    mov $1, %esi
    call serial_write
    pop %rdi
    ret

# serial_puts(%rdi = NUL-terminated string)
.globl serial_puts
serial_puts:
    mov %rdi, %rsi
1:  cmpb $0, (%rsi)
    je 2f
    inc %rsi
    jmp 1b
2:  sub %rdi, %rsi
    jmp serial_write

# serial_put_dec(%rdi = unsigned value)
.globl serial_put_dec
serial_put_dec:
    sub $24, %rsp
    lea 24(%rsp), %rsi                  # one past the last digit
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
    lea 24(%rsp), %rsi
    sub %rdi, %rsi
    call serial_write
    add $24, %rsp
    ret

# serial_put_hex(%rdi = value): "0x" and the value in lower-case hex, no leading zeros.
.globl serial_put_hex
serial_put_hex:
    sub $24, %rsp
    lea 24(%rsp), %rsi
    mov %rdi, %rax
1:  mov %eax, %edx
    and $15, %edx
    lea hex_digits(%rip), %rcx
    mov (%rcx,%rdx), %dl
    dec %rsi
    mov %dl, (%rsi)
    shr $4, %rax
    jnz 1b
    dec %rsi
    movb $'x', (%rsi)
    dec %rsi
    movb $'0', (%rsi)
    mov %rsi, %rdi
    lea 24(%rsp), %rsi
    sub %rdi, %rsi
    call serial_write
    add $24, %rsp
    ret

.section .bss
uart_silent: .skip 1    # the transmitter never emptied once: no more waiting for it
