# mbinfo: a multiboot v1 test kernel. It prints on COM1 what its boot loader told it (the
# multiboot information: flags, memory, memory map, command line, modules and their strings,
# loader name) and what fw_cfg answers, then exits through isa-debug-exit at 0xf4 (four bytes
# wide) with status 0x20 + the module count. jvmm's multiboot tests run it on QEMU (-M pc and
# -M microvm, TCG) and on jvmm and compare the lines.
#
# One source, four images: assembled --32 and linked as ELF32 (mbinfo-elf32.img) or as a flat
# binary whose header carries the load addresses (flag 16, the "a.out kludge": mbinfo-aout.img,
# built with --defsym AOUT=1), or assembled --64 and linked as ELF64 (mbinfo-elf64.img; the code
# stays 32-bit, .code32, as a multiboot kernel's entry is). The fourth, fwcfg-pvh.img (--64
# --defsym PVH=1), has a PVH note instead of the multiboot header and prints only fw_cfg's
# answers, which then include the command line (QEMU gives it to PVH kernels, not to multiboot ones).
#
# What must agree between boot loaders is printed; what a PC firmware adds is left out or rounded:
# - flags: the bits for what is printed below; bit 1 (boot_device) is not looked at: QEMU sets a
#   placeholder disk (0x8000ffff), jvmm has no disk and leaves it clear.
# - mem_lower rounded up to 64 KiB (QEMU's SeaBIOS keeps the top 1 KiB below 640 KiB for its EBDA),
#   and the end of upper memory rounded up to 1 MiB (SeaBIOS reserves some of the top of RAM).
# - memory map: the available (type 1) entries only, rounded out to 1 MiB; the firmware's reserved
#   ranges (EBDA, BIOS ROM, ACPI) exist only where there is a firmware.
# - fw_cfg: the ID's traditional-interface bit (the DMA bit: QEMU has DMA, jvmm does not), and the
#   RAM entries of the etc/e820 file.
# - the loader name differs by design ("qemu", "jvmm").

.equ EXIT_PORT, 0xf4
.equ MB_HEADER_MAGIC, 0x1BADB002
.equ MB_BOOTLOADER_MAGIC, 0x2BADB002
.ifdef AOUT
.equ MB_FLAGS, 0x10003                  # page-aligned modules, memory info, load addresses in the header
.else
.equ MB_FLAGS, 0x3                      # page-aligned modules, memory info
.endif

# struct multiboot_info
.equ MBI_FLAGS, 0
.equ MBI_MEM_LOWER, 4
.equ MBI_MEM_UPPER, 8
.equ MBI_CMDLINE, 16
.equ MBI_MODS_COUNT, 20
.equ MBI_MODS_ADDR, 24
.equ MBI_MMAP_LENGTH, 44
.equ MBI_MMAP_ADDR, 48
.equ MBI_LOADER_NAME, 64

.ifdef PVH
.section .note.Xen, "a", @note
.p2align 2
    .long 4, 8, 18                      # namesz "Xen\0", descsz, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .quad _start
.else
.section .multiboot, "a"
.p2align 2
mb_header:
    .long MB_HEADER_MAGIC, MB_FLAGS, -(MB_HEADER_MAGIC + MB_FLAGS)
.ifdef AOUT
    .long mb_header                     # header_addr
    .long mb_header                     # load_addr: the header is the first thing in the file
    .long _edata                        # load_end_addr
    .long _end                          # bss_end_addr
    .long _start                        # entry_addr
.endif
.endif

.text
.code32
.include "io.inc"

.globl _start
_start:
    mov $stack_top, %esp
.ifdef PVH
    PRINT "pvh: start_info magic 0x"
    mov (%ebx), %eax
    call puthex
    call newline
    call fw_cfg_report
    mov $0x20, %eax
    mov $EXIT_PORT, %dx
    out %eax, %dx
    jmp fail
.endif
    mov %ebx, %ebp                      # the multiboot information, for the whole run
    PRINT "mb: magic 0x"
    call puthex
    call newline
    cmp $MB_BOOTLOADER_MAGIC, %eax
    jne fail

    PRINT "mb: flags"
    mov MBI_FLAGS(%ebp), %ebx
    mov $flag_names, %edi
1:  movzbl (%edi), %ecx                 # bit number, then the name; 0xff ends the table
    cmp $0xff, %ecx
    je 3f
    lea 1(%edi), %esi
    bt %ecx, %ebx
    jnc 2f
    push %esi
    PRINT " "
    pop %esi
    call puts
2:  mov %esi, %edi                      # past the name and its NUL
    call strend
    lea 1(%esi), %edi
    jmp 1b
3:  call newline

    testb $1, MBI_FLAGS(%ebp)
    jz 4f
    PRINT "mb: mem lower "
    mov MBI_MEM_LOWER(%ebp), %eax
    add $63, %eax
    and $~63, %eax
    call putdec
    PRINT " KiB (rounded up to 64 KiB), upper memory to "
    mov MBI_MEM_UPPER(%ebp), %eax
    add $1024 + 1023, %eax
    shr $10, %eax
    call putdec
    PRINT " MiB (rounded up)"
    call newline

4:  testb $1 << 6, MBI_FLAGS(%ebp)
    jz 7f
    mov MBI_MMAP_ADDR(%ebp), %edi
    mov MBI_MMAP_LENGTH(%ebp), %ebx
    add %edi, %ebx
5:  cmp %ebx, %edi
    jae 7f
    cmpl $1, 20(%edi)                   # available RAM
    jne 6f
    cmpl $0, 12(%edi)                   # and not empty (QEMU's map ends with a zero entry)
    jne 55f
    cmpl $0, 16(%edi)
    je 6f
55: PRINT "mb: mmap ram [0x"
    mov 4(%edi), %eax
    and $~0xfffff, %eax
    call puthex
    PRINT ", 0x"
    mov 4(%edi), %eax
    add 12(%edi), %eax
    add $0xfffff, %eax
    and $~0xfffff, %eax
    call puthex
    PRINT ") (rounded out to 1 MiB)"
    call newline
6:  add (%edi), %edi                    # the size field does not count itself
    add $4, %edi
    jmp 5b

7:  testb $1 << 2, MBI_FLAGS(%ebp)
    jz 8f
    PRINT "mb: cmdline "
    mov MBI_CMDLINE(%ebp), %esi
    call putquoted
    call newline

8:  testb $1 << 3, MBI_FLAGS(%ebp)
    jz 12f
    PRINT "mb: mods "
    mov MBI_MODS_COUNT(%ebp), %eax
    call putdec
    call newline
    mov MBI_MODS_ADDR(%ebp), %edi
    xor %ebx, %ebx
9:  cmp MBI_MODS_COUNT(%ebp), %ebx
    jae 12f
    PRINT "mb: mod "
    mov %ebx, %eax
    call putdec
    PRINT " "
    mov 8(%edi), %esi
    call putquoted
    PRINT " "
    mov 4(%edi), %eax
    sub (%edi), %eax
    call putdec
    PRINT " bytes, "
    testl $0xfff, (%edi)
    jz 10f
    PRINT "not "
10: PRINT "page-aligned, byte sum 0x"
    mov (%edi), %esi
    xor %eax, %eax
11: cmp 4(%edi), %esi
    jae 111f
    movzbl (%esi), %ecx
    add %ecx, %eax
    inc %esi
    jmp 11b
111: call puthex
    call newline
    add $16, %edi
    inc %ebx
    jmp 9b

12: testl $1 << 9, MBI_FLAGS(%ebp)
    jz 13f
    PRINT "mb: loader "
    mov MBI_LOADER_NAME(%ebp), %esi
    call putquoted
    call newline

13: call fw_cfg_report
    mov MBI_MODS_COUNT(%ebp), %eax
    add $0x20, %eax
    mov $EXIT_PORT, %dx
    out %eax, %dx
fail:
    PRINT "mb: no exit device at 0xf4"
    call newline
    cli
    hlt

# The fw_cfg items a simple kernel reads: signature, ID, CPU count, RAM size, command line, and
# the etc/e820 file through the file directory.
fw_cfg_report:
    PRINT "fw_cfg: signature "
    xor %eax, %eax
    call fw_select
    mov $4, %ecx
1:  call fw_byte
    call putc
    loop 1b
    call newline

    PRINT "fw_cfg: id"
    mov $1, %eax
    call fw_select
    call fw_byte
    test $1, %al
    jz 2f
    PRINT " traditional"
2:  call newline

    PRINT "fw_cfg: cpus "
    mov $0x05, %eax
    call fw_select
    call fw_le16
    call putdec
    PRINT ", max "
    mov $0x0f, %eax
    call fw_select
    call fw_le16
    call putdec
    call newline

    PRINT "fw_cfg: ram size 0x"
    mov $0x03, %eax
    call fw_select
    call fw_le32                        # the low half: RAM below 4 GiB here
    call puthex
    call newline

    PRINT "fw_cfg: cmdline "
    mov $0x14, %eax
    call fw_select
    call fw_le32
    test %eax, %eax
    jnz 3f
    PRINT "none"
    jmp 5f
3:  mov %eax, %ebx
    call putdec
    PRINT " bytes \""
    mov $0x15, %eax
    call fw_select
4:  call fw_byte
    test %al, %al
    jz 44f
    call putc
44: dec %ebx
    jnz 4b
    PRINT "\""
5:  call newline

    mov $0x19, %eax                     # FW_CFG_FILE_DIR: a big-endian count, then 64-byte entries
    call fw_select
    call fw_be32
    mov %eax, %ebx
6:  test %ebx, %ebx
    jz 9f
    call fw_be32
    mov %eax, %edi                      # size
    call fw_be32
    shr $16, %eax                       # select (the low half is reserved)
    push %eax
    mov $name_buffer, %esi
    mov $56, %ecx
7:  call fw_byte
    mov %al, (%esi)
    inc %esi
    loop 7b
    mov $name_buffer, %esi
    mov $e820_name, %ecx
    call strequal
    pop %eax
    je 8f
    dec %ebx
    jmp 6b
8:  call fw_select                      # etc/e820: {u64 address, u64 length, u32 type}
10: cmp $20, %edi
    jb 9f
    call fw_le32
    mov %eax, %ebx                      # address (low half)
    call fw_le32
    call fw_le32
    mov %eax, %ecx                      # length (low half)
    call fw_le32
    call fw_le32
    sub $20, %edi
    cmp $1, %eax
    jne 10b
    PRINT "fw_cfg: etc/e820 ram [0x"
    mov %ebx, %eax
    call puthex
    PRINT ", 0x"
    lea (%ebx,%ecx), %eax
    call puthex
    PRINT ")"
    call newline
    jmp 10b
9:  ret

fw_be32:
    push %ecx
    push %ebx
    xor %ebx, %ebx
    mov $4, %ecx
1:  shl $8, %ebx
    call fw_byte
    or %eax, %ebx
    loop 1b
    mov %ebx, %eax
    pop %ebx
    pop %ecx
    ret

strequal:                               # %esi, %ecx: NUL-terminated strings; ZF set if equal
    push %esi
    push %ecx
1:  mov (%esi), %al
    cmp (%ecx), %al
    jne 2f
    inc %esi
    inc %ecx
    test %al, %al
    jnz 1b
2:  pop %ecx
    pop %esi
    ret

strend:                                 # %esi -> its NUL
1:  cmpb $0, (%esi)
    je 2f
    inc %esi
    jmp 1b
2:  ret

putquoted:
    push %eax
    mov $'"', %al
    call putc
    call puts
    call putc
    pop %eax
    ret

puthex:                                 # %eax, without leading zeros
    push %eax
    push %ebx
    push %ecx
    mov %eax, %ebx
    mov $28, %ecx
1:  mov %ebx, %eax
    shr %cl, %eax
    and $15, %eax
    jnz 2f
    test %ecx, %ecx
    jz 2f
    sub $4, %ecx
    jmp 1b
2:  mov %ebx, %eax
    shr %cl, %eax
    and $15, %eax
    mov hex_digits(%eax), %al
    call putc
    sub $4, %ecx
    jns 2b
    pop %ecx
    pop %ebx
    pop %eax
    ret

.section .rodata
hex_digits: .ascii "0123456789abcdef"
e820_name: .asciz "etc/e820"
flag_names:                             # multiboot_info.flags bits and their names (bit 1 left out: see above)
    .byte 0
    .asciz "mem"
    .byte 2
    .asciz "cmdline"
    .byte 3
    .asciz "mods"
    .byte 4
    .asciz "aout_syms"
    .byte 5
    .asciz "elf_shdr"
    .byte 6
    .asciz "mmap"
    .byte 7
    .asciz "drives"
    .byte 8
    .asciz "config_table"
    .byte 9
    .asciz "loader"
    .byte 10
    .asciz "apm"
    .byte 11
    .asciz "vbe"
    .byte 12
    .asciz "framebuffer"
    .byte 0xff

.bss
name_buffer: .space 64
.p2align 4
stack: .space 4096
stack_top:
