# The console: a virtio console (virtio 1.2, 5.3) when the command line names one, else COM1.
#
# Discovery: every `virtio_mmio.device=<size>@<base>:<irq>` word (Linux's syntax) is probed; the
# first version 2 console found is used, with VIRTIO_F_VERSION_1 and VIRTIO_CONSOLE_F_MULTIPORT
# and nothing else. Words before "--" are the kernel's; QEMU's microvm appends its own words at
# the very end of the line, after the program's, so a run of well-formed such words that ends
# the line is taken as the VMM's and cut off before the program's argv is built.
#
# Streams: port 0 carries stdin and stdout, port 1 stderr (stderr falls back to port 0 when the
# device has no port 1). PORT_OPEN with value 0 on port 0 is the end of stdin; PORT_REMOVE of a
# port (the host's stream failed) fails later writes there with EPIPE. The kernel's own report
# lines always go to COM1 (serial.s); with no usable virtio console the program's streams stay
# there too (reads see end of file).
#
# Output: one descriptor chain per write or writev, which describes the user's pages directly
# (their physical addresses, physically adjacent pieces merged into one descriptor): no byte is
# copied in the kernel, where each REP MOVSQ step is emulated (1 MiB copied would cost ~128k
# steps, ~0.13 s); a page costs a few dozen instructions instead (its page-table entry, one walk
# per 2 MiB). Then one QueueNotify, and the kernel waits for the chain to come back before write
# returns: the program cannot touch its buffer meanwhile (it has one thread), and the device
# never holds user memory once the call has returned. QEMU and jvmm finish a transmit notification before the QueueNotify store
# completes, so the wait normally ends at its first look; it is bounded all the same
# (VCONS_DEVICE_NS), and a device that does not answer in time, or breaks its rings, is reset
# (which takes every buffer back from it, 2.4) and the console falls back to COM1 with -EIO.
#
# Input: VCONS_RX_BUFFERS kernel pages stay posted on port 0's receive queue; read copies out of
# the filled ones in order and posts each again once emptied. With nothing filled, read waits in
# virtio_sleep steps, looking at the control and receive queues between them, as long as the
# input takes (a reader of stdin waits for its input), until bytes or the end of file arrive or
# the device breaks (-EIO). The sleeps start at 1 ms and double up to 32 ms while nothing comes:
# a waiting reader costs a few dozen kernel instructions per sleep, and a typed line is seen
# within 32 ms.

.include "defs.inc"
.include "virtio.inc"

.equ VCONS_RX_BUFFERS, 8                # port 0's receive buffers, one page each
.equ VCONS_RX_BUFFER_SIZE, PAGE_SIZE
.equ VCONS_CTRL_BUFFERS, 8              # posted for control messages from the device
.equ VCONS_CTRL_BUFFER_SIZE, 64         # a message (8 bytes), or one with a port name after it
.equ VCONS_CTRL_TX_SIZE, 2
.equ VCONS_DEVICE_NS, 30000000000       # 30 s: the longest wait for a buffer to come back
.equ VCONS_HANDSHAKE_NS, 5000000000     # 5 s: the longest wait for port 0 at boot
.equ VCONS_POLL_NS, 1000000             # 1 ms: the first sleep between two looks at a queue
.equ VCONS_IDLE_POLL_NS, 32000000       # 32 ms: the longest, after doubling, while input is idle

.text
# vconsole_init(%rdi = the command line, writable): probes the virtio_mmio.device words in the
# order they come and takes the first usable console; cuts the VMM's words off the end of the
# program's words.
.globl vconsole_init
vconsole_init:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    call cmdline_program
    mov %rax, %r12                      # the program's words, or 0
    xor %r13d, %r13d                    # the VMM's words after them, or 0
    test %rax, %rax
    jz 5f
    mov %rax, %rdi
    call strlen
    lea (%r12,%rax), %r13               # the end: look back, word by word
1:  mov %r13, %rcx                      # the start of the last word before %r13
2:  cmp %r12, %rcx
    je 4f
    cmpb $' ', -1(%rcx)
    jne 3f
    dec %rcx
    jmp 2b
3:  mov %rcx, %rdx
31: cmp %r12, %rcx
    je 32f
    cmpb $' ', -1(%rcx)
    je 32f
    dec %rcx
    jmp 31b
32: push %rcx
    mov %rcx, %rdi
    call vmm_word
    pop %rcx
    test %rax, %rax
    jz 4f
    mov %rcx, %r13
    jmp 1b
4:  cmpb $0, (%r13)                     # no such word at the end
    jne 5f
    xor %r13d, %r13d
5:  mov %rbx, %rdi                      # the kernel's words, up to the program's
    mov $-1, %rsi
    test %r12, %r12
    cmovnz %r12, %rsi
    call probe_words
    test %r13, %r13
    jz 9f
    mov %r13, %rdi                      # then the VMM's at the end, which the program loses
    mov $-1, %rsi
    call probe_words
    movb $0, (%r13)
9:  POP_REGS rbx, r12, r13
    ret

# probe_words(%rdi = words, %rsi = where they end, if before the NUL): each virtio_mmio.device
# word is probed until a console is live.
probe_words:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rsi, %r12
1:  cmp %r12, %rbx
    jae 9f
    movzbl (%rbx), %eax
    test %eax, %eax
    jz 9f
    cmp $' ', %eax
    jne 2f
    inc %rbx
    jmp 1b
2:  cmpq $0, vcons_regs(%rip)
    jne 9f
    mov %rbx, %rdi
    call vmm_word
    test %rax, %rax
    jz 3f
    mov %rax, %rdi
    mov %edx, %esi
    call console_attach
3:  movzbl (%rbx), %eax                 # to the end of the word
    test %eax, %eax
    jz 9f
    cmp $' ', %eax
    je 1b
    inc %rbx
    jmp 3b
9:  POP_REGS rbx, r12
    ret

# vmm_word(%rdi = a word) -> %rax: the registers' physical address if it is a well-formed
# virtio_mmio.device word (and %edx = its IRQ), else 0.
vmm_word:
    lea key_virtio_mmio(%rip), %rsi
1:  movzbl (%rsi), %eax
    test %eax, %eax
    jz virtio_mmio_parse
    cmp (%rdi), %al
    jne 2f
    inc %rsi
    inc %rdi
    jmp 1b
2:  xor %eax, %eax
    ret

# console_attach(%rdi = registers' physical address, %esi = IRQ): brings the device up and
# reports on COM1 what came of it.
console_attach:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %r12
    mov %esi, %r13d
    movabs $DIRECT_MAP_BASE, %rbx
    add %rdi, %rbx                      # the registers, uncached
    mov %rbx, %rdi
    mov $VIRTIO_ID_CONSOLE, %esi
    call virtio_probe
    test %rax, %rax
    js 8f
    mov %rbx, %rdi
    mov $VIRTIO_CONSOLE_F_MULTIPORT, %esi
    call virtio_begin
    test %rax, %rax
    js 8f
    and $VIRTIO_CONSOLE_F_MULTIPORT, %eax
    setnz vcons_multiport(%rip)

    lea vq_rx(%rip), %rdi               # queues: port 0 first
    mov %rbx, %rsi
    mov $VCONS_PORT0_RX, %edx
    mov $VCONS_RX_BUFFERS, %ecx
    lea vcons_rings + 0 * VQ_MEMORY_SIZE(%rip), %r8
    call vq_setup
    test %rax, %rax
    jnz 7f
    lea vq_tx0(%rip), %rdi
    mov %rbx, %rsi
    mov $VCONS_PORT0_TX, %edx
    mov $VQ_MAX_SIZE, %ecx
    lea vcons_rings + 1 * VQ_MEMORY_SIZE(%rip), %r8
    call vq_setup
    test %rax, %rax
    jnz 7f
    cmpb $0, vcons_multiport(%rip)
    je 2f
    lea vq_ctrl_rx(%rip), %rdi
    mov %rbx, %rsi
    mov $VCONS_CONTROL_RX, %edx
    mov $VCONS_CTRL_BUFFERS, %ecx
    lea vcons_rings + 2 * VQ_MEMORY_SIZE(%rip), %r8
    call vq_setup
    test %rax, %rax
    jnz 7f
    lea vq_ctrl_tx(%rip), %rdi
    mov %rbx, %rsi
    mov $VCONS_CONTROL_TX, %edx
    mov $VCONS_CTRL_TX_SIZE, %ecx
    lea vcons_rings + 3 * VQ_MEMORY_SIZE(%rip), %r8
    call vq_setup
    test %rax, %rax
    jnz 7f
    mov VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CONFIG_MAX_NR_PORTS(%rbx), %eax
    cmp $2, %eax
    jb 2f                               # no port 1: stderr shares port 0
    lea vq_tx1(%rip), %rdi
    mov %rbx, %rsi
    mov $VCONS_PORT1_TX, %edx
    mov $VQ_MAX_SIZE, %ecx
    lea vcons_rings + 4 * VQ_MEMORY_SIZE(%rip), %r8
    call vq_setup
    cmp $-ENODEV, %rax
    je 2f
    test %rax, %rax
    jnz 7f

2:  lea vq_rx(%rip), %rdi               # buffers for the device to fill, before DRIVER_OK
    lea vcons_rx_buffers(%rip), %rsi
    mov $VCONS_RX_BUFFER_SIZE, %edx
    call post_receive_buffers
    cmpb $0, vcons_multiport(%rip)
    je 3f
    lea vq_ctrl_rx(%rip), %rdi
    lea vcons_ctrl_buffers(%rip), %rsi
    mov $VCONS_CTRL_BUFFER_SIZE, %edx
    call post_receive_buffers
3:  mov %rbx, %rdi
    call virtio_driver_ok
    lea vq_rx(%rip), %rdi
    call vq_notify
    cmpb $0, vcons_multiport(%rip)
    je 6f

    lea vq_ctrl_rx(%rip), %rdi          # the multiport handshake (5.3.6.2)
    call vq_notify
    xor %edi, %edi
    mov $VIRTIO_CONSOLE_DEVICE_READY, %esi
    mov $1, %edx
    call send_control
    test %rax, %rax
    jnz 7f
    call clock_monotonic_ns
    movabs $VCONS_HANDSHAKE_NS, %r14
    add %rax, %r14                      # the deadline for port 0
4:  call control_poll
    test %rax, %rax
    jnz 7f
    cmpb $0, vcons_port_ready(%rip)
    jne 6f
    mov %rbx, %rdi
    call virtio_needs_reset
    test %eax, %eax
    jnz 7f
    call clock_monotonic_ns
    cmp %r14, %rax
    jae 7f
    mov $VCONS_POLL_NS, %edi
    call virtio_sleep
    jmp 4b

6:  mov %rbx, vcons_regs(%rip)          # the console is live
    lea msg_console(%rip), %rdi
    call serial_puts
    mov %r12, %rdi
    call serial_put_hex
    lea msg_irq(%rip), %rdi
    call serial_puts
    mov %r13, %rdi
    call serial_put_dec
    lea msg_stderr_port(%rip), %rdi
    call serial_puts
    movzbl vcons_port_ready + 1(%rip), %edi
    add $'0', %edi
    call serial_putc
    mov $'\n', %edi
    call serial_putc
    jmp 9f

7:  mov %rbx, %rdi                      # the device took part and failed: it lets go of it all
    call virtio_give_up
    mov $-EIO, %rax
8:  mov %rax, %r14                      # "jvmm-kernel: virtio-mmio at <addr>: <reason>"
    lea msg_virtio_at(%rip), %rdi
    call serial_puts
    mov %r12, %rdi
    call serial_put_hex
    lea msg_no_console(%rip), %rdi
    cmp $-ENODEV, %r14
    je 1f
    lea msg_legacy(%rip), %rdi
    cmp $-ENOTSUP, %r14
    je 1f
    lea msg_failed(%rip), %rdi
1:  call serial_puts
9:  POP_REGS rbx, r12, r13, r14
    ret

# post_receive_buffers(%rdi = struct virtqueue, %rsi = buffers (kernel image), %edx = size of
# each): descriptor i describes buffer i, device-writable, and is made available, for every entry.
post_receive_buffers:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %rbx
    movabs $(-KERNEL_VIRT_BASE), %r12
    add %rsi, %r12                      # physical address of buffer 0
    mov %edx, %r13d
    xor %r14d, %r14d
1:  cmp VQ_SIZE(%rbx), %r14d
    jae 2f
    mov %r14d, %eax
    shl $4, %eax                        # VIRTQ_DESC_SIZE
    add VQ_DESC(%rbx), %rax
    mov %r13d, %ecx
    imul %r14d, %ecx
    add %r12, %rcx
    mov %rcx, VIRTQ_DESC_ADDR(%rax)
    mov %r13d, VIRTQ_DESC_LEN(%rax)
    movw $VIRTQ_DESC_F_WRITE, VIRTQ_DESC_FLAGS(%rax)
    mov %rbx, %rdi
    mov %r14d, %esi
    call vq_post
    inc %r14d
    jmp 1b
2:  POP_REGS rbx, r12, r13, r14
    ret

# send_control(%edi = port, %esi = event, %edx = value) -> %rax: 0, or -EIO/-ETIMEDOUT. One
# message at a time: it has come back when this returns.
send_control:
    lea vcons_ctrl_message(%rip), %rax
    mov %edi, VCONS_CTRL_ID(%rax)
    mov %si, VCONS_CTRL_EVENT(%rax)
    mov %dx, VCONS_CTRL_VALUE(%rax)
    movabs $(-KERNEL_VIRT_BASE), %rcx
    add %rax, %rcx
    lea vq_ctrl_tx(%rip), %rdi
    mov VQ_DESC(%rdi), %rax
    mov %rcx, VIRTQ_DESC_ADDR(%rax)
    movl $VCONS_CTRL_SIZE, VIRTQ_DESC_LEN(%rax)
    movw $0, VIRTQ_DESC_FLAGS(%rax)
    xor %esi, %esi
    call vq_post
    lea vq_ctrl_tx(%rip), %rdi
    call vq_notify
    lea vq_ctrl_tx(%rip), %rdi
    call wait_used
    test %rax, %rax
    js 1f
    xor %eax, %eax
1:  ret

# control_poll() -> %rax: 0, or -EIO if the device broke the control queue or did not take a
# reply. Takes every control message the device returned, posts its buffer again, and acts:
# DEVICE_ADD of port 0 or 1 is answered with PORT_READY and PORT_OPEN (the program holds both
# streams open from the start); PORT_OPEN 0 on port 0 is the end of stdin; PORT_REMOVE of port 0
# or 1 (jvmm: the host's stream failed) makes later writes there fail with EPIPE. Other events
# and ports are ignored.
control_poll:
    PUSH_REGS rbx, r12, r13
1:  lea vq_ctrl_rx(%rip), %rdi
    call vq_take_used
    cmp $-EAGAIN, %rax
    je 8f
    test %rax, %rax
    js 9f
    cmp $VCONS_CTRL_BUFFER_SIZE, %edx
    ja 7f
    mov %eax, %ebx                      # the head: the buffer's index
    mov $-1, %r13d                      # no event, if the message is short
    cmp $VCONS_CTRL_SIZE, %edx
    jb 2f
    imul $VCONS_CTRL_BUFFER_SIZE, %eax, %eax
    lea vcons_ctrl_buffers(%rip), %rcx
    add %rax, %rcx
    mov VCONS_CTRL_ID(%rcx), %r12d      # port
    mov VCONS_CTRL_EVENT(%rcx), %r13d   # event | value << 16, read once
2:  lea vq_ctrl_rx(%rip), %rdi          # the buffer goes back before any reply can need it
    mov %ebx, %esi
    call vq_post
    lea vq_ctrl_rx(%rip), %rdi
    call vq_notify
    cmp $VIRTIO_CONSOLE_DEVICE_ADD, %r13w
    je 3f
    cmp $VIRTIO_CONSOLE_PORT_REMOVE, %r13w
    je 5f
    cmp $VIRTIO_CONSOLE_PORT_OPEN, %r13w
    jne 1b
    test %r12d, %r12d
    jnz 1b
    shr $16, %r13d
    jnz 1b
    movb $1, vcons_eof(%rip)
    jmp 1b
3:  cmp $1, %r12d
    ja 1b
    jb 4f
    cmpl $0, vq_tx1 + VQ_SIZE(%rip)     # port 1 without its transmit queue: not used
    je 1b
4:  lea vcons_port_ready(%rip), %rax
    cmpb $0, (%rax,%r12)
    jne 1b
    mov %r12d, %edi
    mov $VIRTIO_CONSOLE_PORT_READY, %esi
    mov $1, %edx
    call send_control
    test %rax, %rax
    jnz 7f
    mov %r12d, %edi
    mov $VIRTIO_CONSOLE_PORT_OPEN, %esi
    mov $1, %edx
    call send_control
    test %rax, %rax
    jnz 7f
    lea vcons_port_ready(%rip), %rax
    movb $1, (%rax,%r12)
    jmp 1b
5:  cmp $1, %r12d                       # the host's stream behind port 0 or 1 failed
    ja 1b
    lea vcons_port_removed(%rip), %rax
    movb $1, (%rax,%r12)
    jmp 1b
7:  mov $-EIO, %rax
    jmp 9f
8:  xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# wait_used(%rdi = struct virtqueue) -> %rax: the head of the next chain the device returns, or
# -EIO (a broken ring, or DEVICE_NEEDS_RESET), or -ETIMEDOUT after VCONS_DEVICE_NS.
wait_used:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    call vq_take_used
    cmp $-EAGAIN, %rax
    jne 9f                              # the usual case: the device was done at once
    call clock_monotonic_ns
    movabs $VCONS_DEVICE_NS, %r12
    add %rax, %r12
1:  mov VQ_REGS(%rbx), %rdi
    call virtio_needs_reset
    test %eax, %eax
    jnz 7f
    mov $VCONS_POLL_NS, %edi
    call virtio_sleep
    mov %rbx, %rdi
    call vq_take_used
    cmp $-EAGAIN, %rax
    jne 9f
    call clock_monotonic_ns
    cmp %r12, %rax
    jb 1b
    mov $-ETIMEDOUT, %rax
    jmp 9f
7:  mov $-EIO, %rax
9:  POP_REGS rbx, r12
    ret

# console_fail(): the device broke a rule or stopped answering: it is reset, so that it holds
# nothing of ours any more, and the streams go back to COM1.
console_fail:
    mov vcons_regs(%rip), %rdi
    call virtio_give_up
    movq $0, vcons_regs(%rip)
    lea msg_console_failed(%rip), %rdi
    jmp serial_puts

# ---- Output ------------------------------------------------------------------------------------
# vconsole_write(%edi = fd, %rsi = user bytes, %rdx = count) -> %rax: bytes written or -errno.
# The range must have been checked (user_range_ok).
.globl vconsole_write
vconsole_write:
    push %rdx                           # a one-entry iovec on the stack
    push %rsi
    mov %rsp, %rsi
    mov $1, %edx
    call vconsole_writev
    add $16, %rsp
    ret

# vconsole_writev(%edi = fd, %rsi = iovec array, %rdx = its count) -> %rax: bytes written or
# -errno. Every vector must have been checked (io_buffer_ok: user memory, or sendfile's buffer in
# the kernel image, whose 2 MiB pages the walk below finds too). fd 2 goes to port 1 when the device has it; fds
# 0 and 1 to port 0. A removed port raises SIGPIPE and gives -EPIPE, or the count written before.
.globl vconsole_writev
vconsole_writev:
    cmpq $0, vcons_regs(%rip)
    jne 1f
    push %rbx                           # COM1
    PUSH_REGS r12, r13
    mov %rsi, %rbx
    mov %rdx, %r12
    xor %r13d, %r13d
2:  test %r12, %r12
    jz 3f
    mov (%rbx), %rdi
    mov 8(%rbx), %rsi
    add %rsi, %r13
    call serial_write
    add $16, %rbx
    dec %r12
    jmp 2b
3:  mov %r13, %rax
    POP_REGS rbx, r12, r13
    ret
1:  PUSH_REGS rbx, r12, r13, r14, r15, rbp
    push $0                             # 8(%rsp): the last page's PTE, or 0
    push $0                             # (%rsp): bytes left in the current vector
    movq $0, tx_chain_bytes(%rip)
    mov %rsi, %r13                      # the next vector
    mov %rdx, %r14                      # vectors left
    xor %r15d, %r15d                    # bytes written (chains returned)
    xor %ebp, %ebp                      # descriptors in the chain being built
    lea vq_tx0(%rip), %rbx
    cmpb $0, vcons_multiport(%rip)
    je 4f
    mov %edi, %r12d
    call control_poll                   # a port added or removed since (one look at an index)
    test %rax, %rax
    jnz 22f
    xor %ecx, %ecx                      # the port
    cmp $2, %r12d
    jne 5f
    cmpb $0, vcons_port_ready + 1(%rip)
    je 5f
    lea vq_tx1(%rip), %rbx
    inc %ecx
5:  lea vcons_port_removed(%rip), %rax
    cmpb $0, (%rax,%rcx)
    jne 23f
4:  test %r14, %r14                     # the next vector
    jz 12f
    mov (%r13), %r12                    # base
    mov 8(%r13), %rax
    mov %rax, (%rsp)
    movq $0, 8(%rsp)
    add $16, %r13
    dec %r14
6:  cmpq $0, (%rsp)                     # the next page of it
    je 4b
    mov 8(%rsp), %rax                   # the 4 KiB page after the last one, in the same table:
    test %rax, %rax                     # its PTE is the next entry (a walk is ~45 instructions)
    jz 61f
    test $0x1fffff, %r12d
    jz 61f
    add $8, %rax
    jmp 62f
61: mov %r12, %rdi                      # its 4 KiB entry, or the 2 MiB one above it (mm.s)
    xor %esi, %esi
    xor %edx, %edx
    call pt_entry
    test %rax, %rax
    jnz 62f
    mov %r12, %rdi
    mov $1, %esi
    xor %edx, %edx
    call pt_entry
    test %rax, %rax
    jz 21f
    mov (%rax), %rax
    test $PTE_PS, %al
    jz 21f
    movq $0, 8(%rsp)                    # a 2 MiB page: no next-entry shortcut
    mov $0x200000, %r8d
    jmp 63f
62: mov %rax, 8(%rsp)
    mov (%rax), %rax
    mov $PAGE_SIZE, %r8d
63: test $PTE_P, %al
    jz 21f
    movabs $PTE_ADDR_MASK, %rcx
    and %rcx, %rax
    lea -1(%r8), %ecx
    not %rcx
    and %rcx, %rax                      # the frame (a 2 MiB entry's bit 12 is its PAT bit)
    lea -1(%r8), %ecx
    and %r12d, %ecx
    add %rcx, %rax                      # physical address of the byte at %r12
    mov %r8d, %edx
    sub %ecx, %edx                      # bytes to the end of the page
    cmp (%rsp), %rdx
    cmova (%rsp), %rdx
    mov VQ_DESC(%rbx), %rdi
    test %ebp, %ebp
    jz 8f
    mov %ebp, %ecx                      # the previous descriptor, if it ends right here
    shl $4, %ecx
    lea -VIRTQ_DESC_SIZE(%rdi,%rcx), %rcx
    mov VIRTQ_DESC_ADDR(%rcx), %r8
    mov VIRTQ_DESC_LEN(%rcx), %r9d
    add %r9, %r8
    cmp %rax, %r8
    jne 7f
    cmp $0x40000000, %r9d               # lengths are 32 bits: keep well below
    jae 7f
    add %edx, VIRTQ_DESC_LEN(%rcx)
    jmp 9f
7:  cmp VQ_SIZE(%rbx), %ebp             # the table is full: send this chain first
    jb 8f
    PUSH_REGS rax, rdx
    call transmit_chain
    POP_REGS rcx, rdx
    test %rax, %rax
    jnz 20f
    mov %rcx, %rax
    mov VQ_DESC(%rbx), %rdi
8:  mov %ebp, %ecx                      # a new descriptor, chained to the next one
    shl $4, %ecx
    add %rcx, %rdi
    mov %rax, VIRTQ_DESC_ADDR(%rdi)
    mov %edx, VIRTQ_DESC_LEN(%rdi)
    movw $VIRTQ_DESC_F_NEXT, VIRTQ_DESC_FLAGS(%rdi)
    lea 1(%rbp), %ecx
    mov %cx, VIRTQ_DESC_NEXT(%rdi)
    inc %ebp
9:  add %rdx, tx_chain_bytes(%rip)
    add %rdx, %r12
    sub %rdx, (%rsp)
    jmp 6b
12: test %ebp, %ebp
    jz 13f
    call transmit_chain
    test %rax, %rax
    jnz 20f
13: mov %r15, %rax
    jmp 30f
23: call send_sigpipe                   # the host's end of the stream is gone: as a pipe's reader
    mov $-EPIPE, %rax
    jmp 20f
22: call console_fail
    mov $-EIO, %rax
    jmp 30f
21: mov $-EFAULT, %rax                  # a page the range check passed is gone: not expected
20: test %r15, %r15                     # an error: what was written counts, if anything was
    cmovnz %r15, %rax
30: add $16, %rsp
    POP_REGS rbx, r12, r13, r14, r15, rbp
    ret

# transmit_chain (vconsole_writev's: %rbx = queue, %ebp = descriptors, %r15 = bytes written):
# ends the chain at its last descriptor, makes it available, notifies, and waits for it; its
# bytes then count as written. -> %rax: 0, or -EIO (the console is then back on COM1).
transmit_chain:
    mov VQ_DESC(%rbx), %rdi
    mov %ebp, %ecx
    shl $4, %ecx
    movw $0, VIRTQ_DESC_FLAGS - VIRTQ_DESC_SIZE(%rdi,%rcx)
    mov %rbx, %rdi
    xor %esi, %esi
    call vq_post
    mov %rbx, %rdi
    call vq_notify
    mov %rbx, %rdi
    call wait_used
    test %rax, %rax
    js 1f
    add tx_chain_bytes(%rip), %r15
    movq $0, tx_chain_bytes(%rip)
    xor %ebp, %ebp
    xor %eax, %eax
    ret
1:  call console_fail
    mov $-EIO, %rax
    ret

# ---- Input -------------------------------------------------------------------------------------
# vconsole_read(%rdi = buffer, %rsi = count) -> %rax: bytes read, 0 at the end of stdin, or
# -errno. The caller has checked the range's bounds (the file operations' contract, file.inc),
# as Linux's vfs_read does (access_ok), so a bad buffer fails at once rather than after the
# wait; its pages are checked as bytes are copied (io_buffer_ok: user memory, or sendfile's
# buffer). Without a virtio console stdin is at its end.
.globl vconsole_read
vconsole_read:
    cmpq $0, vcons_regs(%rip)
    jne 1f
    xor %eax, %eax
    ret
1:  PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $VCONS_POLL_NS, %r13d           # the next sleep: doubles while no input comes
    test %r12, %r12
    jz 8f
3:  cmpb $0, vcons_multiport(%rip)      # control first: data that came before the end of
    je 4f                               # stdin is in the receive ring when the end is seen
    call control_poll
    test %rax, %rax
    jnz 7f
4:  call receive_poll
    test %rax, %rax
    jnz 7f
    mov %rbx, %rdi
    mov %r12, %rsi
    call receive_copy
    test %rax, %rax
    jnz 9f                              # bytes, or -EFAULT
    cmpb $0, vcons_eof(%rip)
    jne 8f
    mov vcons_regs(%rip), %rdi
    call virtio_needs_reset
    test %eax, %eax
    jnz 7f
    mov %r13, %rdi
    call virtio_sleep
    add %r13, %r13
    mov $VCONS_IDLE_POLL_NS, %eax
    cmp %rax, %r13
    cmova %rax, %r13
    jmp 3b
7:  call console_fail
    mov $-EIO, %rax
    jmp 9f
8:  xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# receive_poll() -> %rax: 0, or -EIO. Moves the buffers the device filled into the queue of
# filled buffers, in the order the device returned them; a length beyond the buffer is a lie.
receive_poll:
1:  lea vq_rx(%rip), %rdi
    call vq_take_used
    cmp $-EAGAIN, %rax
    je 8f
    test %rax, %rax
    js 9f
    cmp $VCONS_RX_BUFFER_SIZE, %edx
    ja 7f
    lea rx_length(%rip), %rcx
    mov %edx, (%rcx,%rax,4)
    mov rx_first(%rip), %ecx
    add rx_filled(%rip), %ecx
    mov vq_rx + VQ_SIZE(%rip), %edx
    dec %edx
    and %edx, %ecx
    lea rx_order(%rip), %rdx
    mov %al, (%rdx,%rcx)
    incl rx_filled(%rip)
    jmp 1b
7:  mov $-EIO, %rax
    ret
8:  xor %eax, %eax
9:  ret

# receive_copy(%rdi = user buffer, %rsi = count > 0) -> %rax: bytes copied (0 if none had
# arrived), or -EFAULT when the first byte cannot be stored. Emptied buffers go back to the device.
receive_copy:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rsi, %r12
    xor %r13d, %r13d                    # copied
    xor %r15d, %r15d                    # buffers posted again
1:  cmp %r12, %r13
    jae 6f
    cmpl $0, rx_filled(%rip)
    je 6f
    mov rx_first(%rip), %ecx
    lea rx_order(%rip), %rax
    movzbl (%rax,%rcx), %r14d           # the oldest filled buffer
    lea rx_length(%rip), %rax
    mov (%rax,%r14,4), %edx
    sub rx_offset(%rip), %edx           # bytes left in it
    mov %r12, %rax
    sub %r13, %rax
    cmp %rax, %rdx
    cmova %rax, %rdx
    test %rdx, %rdx
    jz 3f
    push %rdx
    lea (%rbx,%r13), %rdi
    mov %rdx, %rsi
    mov $1, %edx
    call io_buffer_ok
    pop %rdx
    test %rax, %rax
    jnz 5f
    lea (%rbx,%r13), %rdi
    mov %r14d, %esi
    shl $12, %rsi                       # VCONS_RX_BUFFER_SIZE
    lea vcons_rx_buffers(%rip), %rax
    add %rax, %rsi
    mov rx_offset(%rip), %eax
    add %rax, %rsi
    add %rdx, %r13
    add %edx, rx_offset(%rip)
    call memcpy
3:  lea rx_length(%rip), %rax
    mov (%rax,%r14,4), %eax
    cmp rx_offset(%rip), %eax
    jne 1b
    movl $0, rx_offset(%rip)            # emptied: back to the device
    mov rx_first(%rip), %eax
    inc %eax
    mov vq_rx + VQ_SIZE(%rip), %ecx
    dec %ecx
    and %ecx, %eax
    mov %eax, rx_first(%rip)
    decl rx_filled(%rip)
    lea vq_rx(%rip), %rdi
    mov %r14d, %esi
    call vq_post
    inc %r15d
    jmp 1b
5:  test %r13, %r13
    jnz 6f
    mov $-EFAULT, %r13
6:  test %r15d, %r15d
    jz 7f
    lea vq_rx(%rip), %rdi
    call vq_notify
7:  mov %r13, %rax
    POP_REGS rbx, r12, r13, r14, r15
    ret

.section .rodata
key_virtio_mmio:    .asciz "virtio_mmio.device="
msg_console:        .asciz "jvmm-kernel: console virtio-mmio at "
msg_irq:            .asciz " irq "
msg_stderr_port:    .asciz ", stdin and stdout on port 0, stderr on port "
msg_virtio_at:      .asciz "jvmm-kernel: virtio-mmio at "
msg_no_console:     .asciz ": no virtio console there\n"
msg_legacy:         .asciz ": legacy virtio-mmio (version 1), not driven: console on COM1\n"
msg_failed:         .asciz ": the console device failed to start: console on COM1\n"
msg_console_failed:
    .asciz "jvmm-kernel: the virtio console stopped answering or broke its rings: console on COM1\n"

.section .bss
.p2align 12
vcons_rings:        .skip 5 * VQ_MEMORY_SIZE
vcons_rx_buffers:   .skip VCONS_RX_BUFFERS * VCONS_RX_BUFFER_SIZE
vcons_ctrl_buffers: .skip VCONS_CTRL_BUFFERS * VCONS_CTRL_BUFFER_SIZE
.p2align 3
vcons_ctrl_message: .skip VCONS_CTRL_SIZE
vq_rx:              .skip VQ_STRUCT_SIZE
vq_tx0:             .skip VQ_STRUCT_SIZE
vq_ctrl_rx:         .skip VQ_STRUCT_SIZE
vq_ctrl_tx:         .skip VQ_STRUCT_SIZE
vq_tx1:             .skip VQ_STRUCT_SIZE
vcons_regs:         .skip 8             # the live console's registers, or 0: COM1
tx_chain_bytes:     .skip 8             # bytes in the transmit chain being built
rx_length:          .skip 4 * VCONS_RX_BUFFERS      # bytes the device put in each buffer
rx_first:           .skip 4             # rx_order's oldest entry
rx_filled:          .skip 4             # filled buffers not yet emptied
rx_offset:          .skip 4             # bytes already read from the oldest
rx_order:           .skip VCONS_RX_BUFFERS          # filled buffers, oldest first
vcons_port_ready:   .skip 2             # ports 0 and 1 added, ready and open
vcons_port_removed: .skip 2             # ports 0 and 1 removed: writes fail with EPIPE
vcons_multiport:    .skip 1
vcons_eof:          .skip 1
