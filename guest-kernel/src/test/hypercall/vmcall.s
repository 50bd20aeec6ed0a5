# vmcall.img: a guest that makes hypercalls forever, to show that jvmm's --timeout and Ctrl-C end
# it. A PVH image (linked with exitloop.ld) that says "vmcall" on COM1, then executes VMCALL on an
# Intel CPU or VMMCALL on any other (SDM Vol. 3C 25.1.3; AMD APM Vol. 3), in a loop, with an
# unknown hypercall number: where KVM answers (-KVM_ENOSYS in RAX) the guest calls again; on PVM
# hosts KVM_RUN spins in the host until a signal arrives. Either way only the VMM's kick ends it.
#
# Built with --defsym UNCLAIMED=1 (unclaimed.img), it says "unclaimed" and instead reads, for ever,
# an I/O port and an MMIO address no device claims: every access is an exit that the VMM answers
# with all ones, so the guest never stops exiting and never stops on its own.

.equ COM1, 0x3f8
.equ UNCLAIMED_PORT, 0x1234
.equ UNCLAIMED_MMIO, 0xe0000000         # past RAM, below the IOAPIC: no device there

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
    mov $COM1, %dx
    mov $message, %esi
1:  movzbl (%esi), %eax
    test %eax, %eax
    jz 2f
    out %al, %dx
    inc %esi
    jmp 1b
.ifdef UNCLAIMED
2:  mov $UNCLAIMED_PORT, %dx
3:  in %dx, %al
    mov UNCLAIMED_MMIO, %eax
    jmp 3b
.else
2:  xor %eax, %eax
    cpuid                               # EBX: the vendor's first four letters
    cmp $0x756e6547, %ebx               # "Genu" (GenuineIntel)
    jne 4f
3:  mov $0xffff, %eax                   # no hypercall KVM knows
    vmcall
    jmp 3b
4:  mov $0xffff, %eax
    vmmcall
    jmp 4b
.endif

message:
.ifdef UNCLAIMED
    .asciz "unclaimed\n"
.else
    .asciz "vmcall\n"
.endif
