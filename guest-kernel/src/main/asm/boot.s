# PVH entry: 32-bit flat protected mode, paging off, %ebx = physical address of hvm_start_info
# (Xen's PVH boot ABI, docs/misc/pvh.pandoc). Builds nothing at run time: the page tables and
# the GDT are data in the image, so the emulated supervisor path stays a few dozen instructions.

.include "defs.inc"

# The ELF note that makes this a PVH image. For an ELF64 image QEMU reads the descriptor as
# 8 bytes (Linux emits it with _ASM_PTR), so it is a .quad; the PT_NOTE alignment must stay 4.
.section .note.Xen, "a", @note
.p2align 2
    .long 4                     # namesz: "Xen\0"
    .long 8                     # descsz
    .long 18                    # XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .quad pvh_start

.section .text.boot, "ax"
.code32
.globl pvh_start
pvh_start:
    lgdt gdt_descriptor
    mov $KERNEL_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss

    # Long mode (SDM Vol. 3A, 10.8.5): CR4.PAE, CR3, EFER.LME, then CR0.PG.
    mov %cr4, %eax
    or $(1 << 5), %eax                  # CR4.PAE
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx               # IA32_EFER
    rdmsr
    or $(1 << 8), %eax                  # EFER.LME
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax   # CR0.PG, CR0.WP, CR0.PE
    mov %eax, %cr0
    ljmp $KERNEL_CS, $long_mode

.code64
long_mode:
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea stack_top(%rip), %rsp
    mov %ebx, %edi                      # zero-extends: start_info is below 4 GiB
    call kernel_main
    # kernel_main does not return; stop here if it ever does.
1:  cli
    hlt
    jmp 1b

.section .rodata
.p2align 3
gdt:
    .quad 0                             # null
    .quad 0x00cf9a000000ffff            # 0x08 KERNEL32_CS: 32-bit code, flat
    .quad 0x00af9a000000ffff            # 0x10 KERNEL_CS: 64-bit code (L=1)
    .quad 0x00cf92000000ffff            # 0x18 KERNEL_DS: data, flat
gdt_end:
gdt_descriptor:
    .word gdt_end - gdt - 1
    .quad gdt

# Identity map of the first 1 GiB with 2 MiB pages: PML4[0] -> PDPT[0] -> PD.
.section .data
.p2align 12
pml4:
    .quad pdpt + 0x003                  # present, writable
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x003
    .fill 511, 8, 0
pd:
    .set page, 0
    .rept 512
    .quad (page << 21) + 0x083          # present, writable, 2 MiB page (PS)
    .set page, page + 1
    .endr

.section .bss
.p2align 12
stack:
    .skip 16384
stack_top:
