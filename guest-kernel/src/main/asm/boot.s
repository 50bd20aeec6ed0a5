# PVH entry: 32-bit flat protected mode, paging off, %ebx = physical address of hvm_start_info
# (Xen's PVH boot ABI, docs/misc/pvh.pandoc). This file is linked at its physical address; it
# turns on long mode with boot page tables that are data in the image (the emulated supervisor
# path stays a few dozen instructions), then jumps to the kernel proper in the top 2 GiB.

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

.section .boot.text, "ax"
.code32
.globl pvh_start
pvh_start:
    rdtsc                               # the boot phase "first" (main.s, report_phases)
    mov %eax, %esi
    mov %edx, %edi
    lgdt boot_gdt_descriptor
    mov $KERNEL_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss

    # Long mode (SDM Vol. 3A, 10.8.5): CR4.PAE, CR3, EFER.LME, then CR0.PG.
    mov %cr4, %eax
    or $(1 << 5), %eax                  # CR4.PAE
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax   # CR0.PG, CR0.WP, CR0.PE
    mov %eax, %cr0
    ljmp $KERNEL_CS, $boot_long_mode

.code64
boot_long_mode:
    rdtsc                               # %rdx = the TSC now (phase "long"), %rdi = at "first"
    shl $32, %rdx
    or %rax, %rdx
    shl $32, %rdi
    mov %esi, %esi
    or %rsi, %rdi
    movabs $kernel_entry, %rax          # into the top 2 GiB
    jmp *%rax

.section .boot.data, "aw"
.p2align 3
boot_gdt:
    .quad 0                             # null
    .quad 0x00cf9a000000ffff            # 0x08 KERNEL32_CS: 32-bit code, flat
    .quad 0x00af9a000000ffff            # 0x10 KERNEL_CS: 64-bit code (L=1)
    .quad 0x00cf92000000ffff            # 0x18 KERNEL_DS: data, flat
boot_gdt_end:
boot_gdt_descriptor:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

# Boot page tables. PML4[0] identity-maps the first GiB for the switch (removed once the kernel
# runs high); PML4[511] maps the kernel at KERNEL_VIRT_BASE; PML4[273] is the direct map of
# DIRECT_MAP_SIZE of physical memory, and of the MMIO hole above it up to 4 GiB with PCD|PWT
# (uncached, SDM Vol. 3A 12.12.3: device registers must see every access, in order). The whole
# GiB is one page directory in the image, 4 KiB, not worth cutting: it reaches every device a
# PC-like VMM puts there (virtio-mmio windows, IOAPIC, LAPIC), wherever the command line says.
# All 2 MiB pages, supervisor-only.
.p2align 12
.globl boot_pml4
boot_pml4:
    .quad boot_pdpt_low + (PTE_P | PTE_W)
    .fill 272, 8, 0
    .quad boot_pdpt_direct + (PTE_P | PTE_W)        # 273: 0xffff888000000000
    .fill 237, 8, 0
    .quad boot_pdpt_kernel + (PTE_P | PTE_W)        # 511: 0xffffff8000000000
boot_pdpt_low:
    .quad boot_pd_0 + (PTE_P | PTE_W)
    .fill 511, 8, 0
.globl boot_pdpt_kernel
boot_pdpt_kernel:
    .fill 510, 8, 0
    .quad boot_pd_0 + (PTE_P | PTE_W)               # 510: 0xffffffff80000000
    .quad 0
boot_pdpt_direct:
    .quad boot_pd_0 + (PTE_P | PTE_W)
    .quad boot_pd_1 + (PTE_P | PTE_W)
    .quad boot_pd_2 + (PTE_P | PTE_W)
    .quad boot_pd_mmio + (PTE_P | PTE_W)            # 3 GiB - 4 GiB: MMIO_HOLE_BASE
    .fill 508, 8, 0
.macro PAGE_DIRECTORY first_gib, flags=0
    .set page, 0
    .rept 512
    .quad ((\first_gib << 30) + (page << 21)) + (PTE_P | PTE_W | PTE_PS | \flags)
    .set page, page + 1
    .endr
.endm
boot_pd_0: PAGE_DIRECTORY 0
boot_pd_1: PAGE_DIRECTORY 1
boot_pd_2: PAGE_DIRECTORY 2
boot_pd_mmio: PAGE_DIRECTORY 3, (PTE_PCD | PTE_PWT)
