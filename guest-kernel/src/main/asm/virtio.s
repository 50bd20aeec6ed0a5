# The virtio-over-MMIO transport, version 2 (virtio 1.2, 4.2.2), and split virtqueues (2.7), from
# the driver's side: the discovery word, device initialisation (3.1.1), queue set-up, making
# buffers available, and taking used ones back. Nothing the device writes is trusted: a used
# index may run ahead of the driver only as far as the chains it holds, and a used head must be
# one it holds (vq_take_used); the caller checks lengths against its own buffers.
#
# Ordering: x86 keeps stores in order and loads in order (SDM Vol. 3A, 9.2.2) and the register
# window is mapped uncached, so ring entries reach memory before the index that publishes them and
# before the QueueNotify store, and the used index is read before the element it publishes
# (Linux's virt_wmb and virt_rmb are compiler barriers on x86, and there is no compiler here).
# Registers are read and written with plain 32-bit MOVs only: on our hosts every MMIO access is
# an exit that KVM's instruction emulator decodes.

.include "defs.inc"
.include "virtio.inc"

# The status once the features are agreed (3.1.1 step 5)
.equ STATUS_DRIVER_SET, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER
.equ STATUS_FEATURES_SET, STATUS_DRIVER_SET | VIRTIO_STATUS_FEATURES_OK

.text
# virtio_mmio_parse(%rdi = the text after "virtio_mmio.device=") -> %rax = the registers'
# physical address, %edx = the IRQ; %rax = 0 if the word is malformed or its window is not inside
# the MMIO hole, which the direct map covers uncached (boot.s). The syntax is Linux's
# (drivers/virtio/virtio_mmio.c, vm_cmdline_set): <size>@<base>:<irq>[:<id>], size and base as
# memparse reads them.
.globl virtio_mmio_parse
virtio_mmio_parse:
    PUSH_REGS rbx, r12
    call parse_number                   # size
    cmp %rdi, %rdx
    je 8f
    cmpb $'@', (%rdx)
    jne 8f
    mov %rax, %r12
    lea 1(%rdx), %rdi
    call parse_number                   # base
    cmp %rdi, %rdx
    je 8f
    cmpb $':', (%rdx)
    jne 8f
    mov %rax, %rbx
    lea 1(%rdx), %rdi
    call parse_number                   # IRQ
    cmp %rdi, %rdx
    je 8f
    movzbl (%rdx), %ecx                 # then the word ends, or ":<id>" follows (ignored)
    test %ecx, %ecx
    jz 1f
    cmp $' ', %ecx
    je 1f
    cmp $':', %ecx
    jne 8f
1:  mov %eax, %edx
    cmp $VIRTIO_MMIO_MIN_WINDOW, %r12
    jb 8f
    test $3, %bl
    jnz 8f
    mov $MMIO_HOLE_BASE, %eax
    cmp %rax, %rbx
    jb 8f
    lea (%rbx,%r12), %rcx               # both below 2^32: no overflow
    movabs $MMIO_HOLE_END, %rax
    cmp %rax, %rcx
    ja 8f
    mov %rbx, %rax
    jmp 9f
8:  xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# parse_number(%rdi = text) -> %rax = value, %rdx = the first character after it (%rdi when there
# is no number). Decimal, or hexadecimal after "0x"; a K, M or G suffix multiplies as Linux's
# memparse does. Values from 2^32 on are refused: no window lies there.
parse_number:
    xor %eax, %eax
    mov %rdi, %rdx
    mov $10, %r8d                       # base
    cmpw $0x7830, (%rdi)                # "0x"
    jne 1f
    add $2, %rdx
    mov $16, %r8d
1:  mov %rdx, %r9                       # the first digit
2:  movzbl (%rdx), %ecx
    sub $'0', %ecx
    cmp $9, %ecx
    jbe 3f
    cmp $16, %r8d
    jne 4f
    movzbl (%rdx), %ecx
    or $0x20, %ecx                      # lower case
    sub $'a', %ecx
    cmp $5, %ecx
    ja 4f
    add $10, %ecx
3:  imul %r8, %rax
    add %rcx, %rax
    mov %rax, %rcx
    shr $32, %rcx
    jnz 8f
    inc %rdx
    jmp 2b
4:  cmp %r9, %rdx
    je 8f                               # no digit
    movzbl (%rdx), %ecx
    or $0x20, %ecx
    cmp $'k', %ecx
    je 5f
    cmp $'m', %ecx
    je 6f
    cmp $'g', %ecx
    jne 9f
    shl $10, %rax
6:  shl $10, %rax
5:  shl $10, %rax
    inc %rdx
9:  ret
8:  mov %rdi, %rdx
    ret

# virtio_probe(%rdi = registers, %esi = device ID) -> %rax: 0 if a version 2 device of that type
# answers there; -ENOTSUP for the legacy interface (version 1, whose queue layout and registers
# differ: not driven here); -ENODEV for anything else (no device in that window is ID 0).
.globl virtio_probe
virtio_probe:
    mov VIRTIO_MMIO_MAGIC(%rdi), %eax
    cmp $VIRTIO_MMIO_MAGIC_VALUE, %eax
    jne 8f
    mov VIRTIO_MMIO_VERSION(%rdi), %eax
    cmp $1, %eax
    je 7f
    cmp $2, %eax
    jne 8f
    mov VIRTIO_MMIO_DEVICE_ID(%rdi), %eax
    cmp %esi, %eax
    jne 8f
    xor %eax, %eax
    ret
7:  mov $-ENOTSUP, %rax
    ret
8:  mov $-ENODEV, %rax
    ret

# virtio_begin(%rdi = registers, %esi = wanted feature bits 0-31) -> %rax: the bits 0-31 both
# sides have, VIRTIO_F_VERSION_1 being the only one above, or -EIO. Steps 1-6 of 3.1.1: reset,
# ACKNOWLEDGE, DRIVER, features, FEATURES_OK, and FEATURES_OK read back.
.globl virtio_begin
virtio_begin:
    movl $0, VIRTIO_MMIO_STATUS(%rdi)
    mov VIRTIO_MMIO_STATUS(%rdi), %eax  # 4.2.3.1: the reset is done when status reads 0
    test %eax, %eax
    jnz 8f
    movl $VIRTIO_STATUS_ACKNOWLEDGE, VIRTIO_MMIO_STATUS(%rdi)
    movl $STATUS_DRIVER_SET, VIRTIO_MMIO_STATUS(%rdi)
    movl $1, VIRTIO_MMIO_DEVICE_FEATURES_SEL(%rdi)
    mov VIRTIO_MMIO_DEVICE_FEATURES(%rdi), %eax
    test $VIRTIO_F_VERSION_1_HIGH, %eax # a version 2 device without it breaks 6.1
    jz 7f
    movl $0, VIRTIO_MMIO_DEVICE_FEATURES_SEL(%rdi)
    mov VIRTIO_MMIO_DEVICE_FEATURES(%rdi), %edx
    and %esi, %edx
    movl $1, VIRTIO_MMIO_DRIVER_FEATURES_SEL(%rdi)
    movl $VIRTIO_F_VERSION_1_HIGH, VIRTIO_MMIO_DRIVER_FEATURES(%rdi)
    movl $0, VIRTIO_MMIO_DRIVER_FEATURES_SEL(%rdi)
    mov %edx, VIRTIO_MMIO_DRIVER_FEATURES(%rdi)
    movl $STATUS_FEATURES_SET, VIRTIO_MMIO_STATUS(%rdi)
    mov VIRTIO_MMIO_STATUS(%rdi), %eax
    test $VIRTIO_STATUS_FEATURES_OK, %eax
    jz 7f
    mov %edx, %eax
    ret
7:  call virtio_give_up
8:  mov $-EIO, %rax
    ret

# virtio_driver_ok(%rdi = registers): step 8 of 3.1.1, once the queues are set up.
.globl virtio_driver_ok
virtio_driver_ok:
    movl $(STATUS_FEATURES_SET | VIRTIO_STATUS_DRIVER_OK), VIRTIO_MMIO_STATUS(%rdi)
    ret

# virtio_give_up(%rdi = registers): a reset, after which the device no longer touches any buffer
# the driver gave it (2.4), then FAILED, which tells the VMM that the driver gave up on it.
.globl virtio_give_up
virtio_give_up:
    movl $0, VIRTIO_MMIO_STATUS(%rdi)
    movl $VIRTIO_STATUS_FAILED, VIRTIO_MMIO_STATUS(%rdi)
    ret

# virtio_needs_reset(%rdi = registers) -> %eax: nonzero if the device set DEVICE_NEEDS_RESET
# (it found the driver's rings broken and stopped using them, 2.1.2).
.globl virtio_needs_reset
virtio_needs_reset:
    mov VIRTIO_MMIO_STATUS(%rdi), %eax
    and $VIRTIO_STATUS_NEEDS_RESET, %eax
    ret

# vq_setup(%rdi = struct virtqueue, %rsi = registers, %edx = queue index, %ecx = wanted size (a
# power of 2 up to VQ_MAX_SIZE), %r8 = VQ_MEMORY_SIZE bytes of zeroed kernel memory, page
# aligned) -> %rax: 0, -ENODEV if the device has no such queue, or -EIO. The size is the wanted
# one halved until QueueNumMax allows it (4.2.3.2). The available ring asks for no interrupts:
# none is routed yet, the driver polls.
.globl vq_setup
vq_setup:
    mov %rsi, VQ_REGS(%rdi)
    mov %edx, VQ_NUMBER(%rdi)
    mov %edx, VIRTIO_MMIO_QUEUE_SEL(%rsi)
    mov VIRTIO_MMIO_QUEUE_READY(%rsi), %eax
    test %eax, %eax
    jnz 8f                              # a queue the device says is live before the driver set it
    mov VIRTIO_MMIO_QUEUE_NUM_MAX(%rsi), %eax
    test %eax, %eax
    jz 7f
1:  cmp %eax, %ecx
    jbe 2f
    shr $1, %ecx
    jmp 1b
2:  mov %ecx, VQ_SIZE(%rdi)
    mov %ecx, VIRTIO_MMIO_QUEUE_NUM(%rsi)
    mov %r8, VQ_DESC(%rdi)
    lea PAGE_SIZE(%r8), %rax
    mov %rax, VQ_AVAIL(%rdi)
    movw $VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_AVAIL_FLAGS(%rax)
    add $VQ_USED_OFFSET, %rax
    mov %rax, VQ_USED(%rdi)
    movabs $(-KERNEL_VIRT_BASE), %r9    # kernel image address -> physical
    lea (%r8,%r9), %rax
    mov %eax, VIRTIO_MMIO_QUEUE_DESC_LOW(%rsi)
    shr $32, %rax
    mov %eax, VIRTIO_MMIO_QUEUE_DESC_HIGH(%rsi)
    lea PAGE_SIZE(%r8,%r9), %rax
    mov %eax, VIRTIO_MMIO_QUEUE_DRIVER_LOW(%rsi)
    shr $32, %rax
    mov %eax, VIRTIO_MMIO_QUEUE_DRIVER_HIGH(%rsi)
    lea PAGE_SIZE + VQ_USED_OFFSET(%r8,%r9), %rax
    mov %eax, VIRTIO_MMIO_QUEUE_DEVICE_LOW(%rsi)
    shr $32, %rax
    mov %eax, VIRTIO_MMIO_QUEUE_DEVICE_HIGH(%rsi)
    movl $1, VIRTIO_MMIO_QUEUE_READY(%rsi)
    xor %eax, %eax
    ret
7:  mov $-ENODEV, %rax
    ret
8:  mov $-EIO, %rax
    ret

# vq_post(%rdi = struct virtqueue, %esi = head): the chain that starts at descriptor `head` is
# made available (2.7.13); the device is not notified.
.globl vq_post
vq_post:
    mov VQ_AVAIL(%rdi), %rax
    mov VQ_AVAIL_IDX(%rdi), %ecx
    mov VQ_SIZE(%rdi), %edx
    dec %edx
    and %ecx, %edx
    mov %si, VIRTQ_AVAIL_RING(%rax,%rdx,2)
    inc %ecx
    mov %ecx, VQ_AVAIL_IDX(%rdi)
    mov %cx, VIRTQ_AVAIL_IDX(%rax)      # after the entry: stores stay in order
    incl VQ_IN_FLIGHT(%rdi)
    mov %esi, %eax
    bts %rax, VQ_POSTED(%rdi)
    ret

# vq_notify(%rdi = struct virtqueue): QueueNotify, one exit.
.globl vq_notify
vq_notify:
    mov VQ_REGS(%rdi), %rax
    mov VQ_NUMBER(%rdi), %ecx
    mov %ecx, VIRTIO_MMIO_QUEUE_NOTIFY(%rax)
    ret

# vq_take_used(%rdi = struct virtqueue) -> %rax: the head of the next chain the device returned
# (and %edx = the length it says it wrote), -EAGAIN if it returned none, or -EIO if the used ring
# is impossible: more entries than chains the device holds, or a head it does not hold. Each
# element is read once: the device may change the ring at any time.
.globl vq_take_used
vq_take_used:
    mov VQ_USED(%rdi), %r8
    movzwl VIRTQ_USED_IDX(%r8), %eax
    mov VQ_LAST_USED(%rdi), %ecx
    sub %ecx, %eax
    and $0xffff, %eax                   # entries returned since the last one taken
    jz 7f
    cmp VQ_IN_FLIGHT(%rdi), %eax
    ja 8f
    mov VQ_SIZE(%rdi), %edx
    dec %edx
    and %ecx, %edx
    lea VIRTQ_USED_RING(%r8,%rdx,VIRTQ_USED_ELEM_SIZE), %r8
    mov (%r8), %eax                     # id
    mov 4(%r8), %edx                    # len
    cmp VQ_SIZE(%rdi), %eax
    jae 8f
    btr %rax, VQ_POSTED(%rdi)
    jnc 8f
    inc %ecx
    and $0xffff, %ecx
    mov %ecx, VQ_LAST_USED(%rdi)
    decl VQ_IN_FLIGHT(%rdi)
    ret
7:  mov $-EAGAIN, %rax
    ret
8:  mov $-EIO, %rax
    ret

# virtio_sleep(%rdi = ns): the one place a driver waits between two looks at its used rings, a
# bounded time, through sleep_until (time.s: the CPU halts until the LAPIC timer where there is
# one). A device interrupt routed through the IOAPIC would end such a sleep early: none is routed
# yet (docs/console.md).
.globl virtio_sleep
virtio_sleep:
    push %rbx
    mov %rdi, %rbx
    call clock_monotonic_ns
    lea (%rax,%rbx), %rsi               # the deadline
    mov $CLOCK_MONOTONIC, %edi
    call sleep_until
    pop %rbx
    ret
