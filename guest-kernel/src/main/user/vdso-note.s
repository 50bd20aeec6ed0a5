# The vDSO's ELF note, as Linux's: owner "Linux", type 0, the kernel version (6.1.0).
.section .note.Linux, "a", @note
.p2align 2
    .long 6                     # namesz: "Linux\0"
    .long 4                     # descsz
    .long 0
    .asciz "Linux"
    .p2align 2
    .long 0x060100
