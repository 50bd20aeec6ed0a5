# kernel_main: from the PVH hand-over to the user program.
#
# Serial output, one line each (stable; tests and users read them):
#   jvmm-kernel: booted in long mode (PVH start_info v<version>)
#   jvmm-kernel: cpu <vendor>, memory <MiB> MiB
#   jvmm-kernel: cmdline "<command line>"
#   jvmm-kernel: entry cpu=<vendor> syscall=<r> sysenter=<r> int80=<r> gate=<path>
#   jvmm-kernel: phases first=0 long=<us> tables=<us> clock=<us> probe=<us> user=<us> (us)
# then the program's own output, then one of
#   jvmm-kernel: exit <status>
#   jvmm-kernel: killed by signal <n> (<name>) at rip <addr>, address <addr>
# and "jvmm-kernel: syscalls <n>, unimplemented <n> [<nr> (x<count>)...]".
#
# Command line words (the last of each key wins; everything after "--" is the program's argv,
# unless the first module begins with an argument block, args.s):
#   entry=auto|syscall|sysenter|int80  the path the kernel's gate uses (default auto)
#   exit=<decimal>     stop after the boot report with this status, running no program
#   timer=tsc-deadline the local APIC timer's TSC-deadline mode, where the CPU has it (apic.s)
#   test=spin|halt|triple-fault|unemulated  misbehave in supervisor mode, to show how a VMM
#                      reports it (unemulated: an instruction KVM's emulator lacks, which only a
#                      host that emulates kernel code, such as PVM, fails on)
# Without a program in the module the kernel runs a built-in program: jvmm-bench when argv[0]
# names it (the guest side of `jvmm bench`), else the demo.

.include "defs.inc"
.include "vvar.inc"
.include "mm.inc"
.include "clock.inc"
.include "args.inc"

.text
# kernel_entry: from boot.s, in the top 2 GiB; %ebx still holds the start_info address.
.globl kernel_entry
kernel_entry:
    lea boot_stack_top(%rip), %rsp
    mov %rdi, boot_tsc + 8 * PHASE_FIRST(%rip)
    mov %rdx, boot_tsc + 8 * PHASE_LONG(%rip)
    mov %ebx, %edi
    call kernel_main
1:  cli
    hlt
    jmp 1b

kernel_main:                            # %rdi = physical address of hvm_start_info
    call phys_to_virt
    mov %rax, %r12                      # start_info, for the whole function
    call serial_init
    cmpl $START_INFO_MAGIC_VALUE, START_INFO_MAGIC(%r12)
    jne bad_start_info
    call cpu_init
    # The identity map of the first GiB was only for the switch to long mode.
    mov %cr3, %rax
    movabs $DIRECT_MAP_BASE, %rdx
    movq $0, (%rax,%rdx)
    mov %rax, %cr3
    mov $PHASE_TABLES, %edi
    call boot_phase

    lea msg_booted(%rip), %rdi
    call serial_puts
    mov START_INFO_VERSION(%r12), %edi
    call serial_put_dec
    lea msg_booted_end(%rip), %rdi
    call serial_puts

    xor %eax, %eax                      # CPUID 0: the vendor string is EBX, EDX, ECX
    cpuid
    mov %ebx, vendor(%rip)
    mov %edx, vendor + 4(%rip)
    mov %ecx, vendor + 8(%rip)
    lea msg_cpu(%rip), %rdi
    call serial_puts
    lea vendor(%rip), %rdi
    call serial_puts
    lea msg_memory(%rip), %rdi
    call serial_puts
    call memory_init
    shr $20, %rax
    mov %rax, %rdi
    call serial_put_dec
    lea msg_memory_end(%rip), %rdi
    call serial_puts
    call process_area_init
    test %rax, %rax
    jnz no_process_area
    call exec_window_init
    test %rax, %rax
    jnz no_process_area
    call process_init

    mov START_INFO_CMDLINE_PADDR(%r12), %rdi
    lea empty(%rip), %r14
    test %rdi, %rdi
    jz 1f
    call phys_to_virt
    mov %rax, %r14                      # the command line, for the whole function
1:  mov %r14, boot_cmdline(%rip)        # and for what boot steps read of it (apic.s)
    lea msg_cmdline(%rip), %rdi
    call serial_puts
    mov %r14, %rdi
    call serial_puts
    lea msg_quote_end(%rip), %rdi
    call serial_puts

    mov %r14, %rdi
    lea key_test(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 2f
    mov %rax, %rdi
    call run_test

2:  call time_init
    mov $PHASE_CLOCK, %edi
    call boot_phase
    call map_vdso_and_stack
    call map_fpu_area
    call probe_entry_paths
    call random_use_rdrand
    mov $PHASE_PROBE, %edi
    call boot_phase
    mov %r14, %rdi
    call select_gate
    test %eax, %eax
    js no_gate
    mov %eax, vvar + VVAR_GATE(%rip)    # __kernel_vsyscall's path
    mov %eax, %edi
    lea vendor(%rip), %rsi
    call report_entry_paths
    mov %r14, %rdi                      # a virtio console, if the command line names one
    call vconsole_init

    mov %r14, %rdi
    lea key_exit(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jz 3f
    mov %rax, %rdi
    call parse_dec
    movzbl %al, %edi                    # the exit device takes a byte
    jmp vm_exit

3:  call files_init
    call read_args
    test %rax, %rax
    js bad_args
    call vfs_init
    call unpack_initramfs
    call program_image                  # %rax = image, %rdx = size, %rcx = physical
    cmp $4, %rdx                        # a bare initramfs as the module (QEMU -initrd ROOT.cpio):
    jb 4f                               # the program must come in the module (jvmm initrd --initrd)
    cmpl $0x37303730, (%rax)            # "0707"
    je bare_archive
4:  PUSH_REGS rax, rdx, rcx, rax
    call args_argv0
    mov %rax, %rdi
    pop %rsi
    call vfs_install_program
    POP_REGS rax, rdx, rcx
    mov %rax, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    call load_elf
    test %rax, %rax
    jz bad_program
    mov %rax, %r15                      # entry
    mov vdso_base(%rip), %rdi
    call build_stack
    test %rax, %rax
    js bad_args
    push %rax
    mov $PHASE_USER, %edi
    call boot_phase
    call report_phases
    pop %rsi
    mov %r15, %rdi
    jmp enter_user

bad_start_info:
    lea msg_bad_start_info(%rip), %rdi
    call serial_puts
    mov $EXIT_BAD_START_INFO, %edi
    jmp vm_exit
no_gate:
    mov $EXIT_NO_GATE, %edi
    jmp vm_exit
no_process_area:
    lea msg_no_process_area(%rip), %rdi
    call serial_puts
    jmp bad_program
bad_args:                               # %rax = -errno
    lea msg_bad_block(%rip), %rdi
    cmp $-EINVAL, %rax
    je 1f
    lea msg_too_big(%rip), %rdi
    cmp $-E2BIG, %rax
    je 1f
    lea msg_no_stack(%rip), %rdi
1:  call serial_puts
bad_program:
    mov $EXIT_BAD_PROGRAM, %edi
    jmp vm_exit
bare_archive:
    lea msg_bare_archive(%rip), %rdi
    call serial_puts
    jmp bad_program

# Boot phases, read from the TSC (docs/kernel.md, "Boot report"): the first instruction and
# long mode (boot.s hands them over), the kernel's tables ready (CPU tables and the boot page
# tables' final form), the clock and timer set up (without a KVM clock: the TSC calibrated
# against the PIT, 50 ms), the entry-path probe done, and the program loaded with its stack (what
# remains before its first instruction: the phases line and the return to user mode).
.equ PHASE_FIRST, 0
.equ PHASE_LONG, 1
.equ PHASE_TABLES, 2
.equ PHASE_CLOCK, 3
.equ PHASE_PROBE, 4
.equ PHASE_USER, 5
.equ PHASES, 6

# boot_phase(%edi = phase): the TSC now, as that phase's time.
boot_phase:
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    lea boot_tsc(%rip), %rdx
    mov %rax, (%rdx,%rdi,8)
    ret

# report_phases(): "jvmm-kernel: phases first=0 long=<us> ... (us)", each phase in microseconds
# since the first instruction, by the pvclock record's scaling (the KVM clock's, or the one
# time_init wrote for the calibrated TSC).
report_phases:
    push %rbx
    lea msg_phases(%rip), %rdi
    call serial_puts
    mov $PHASE_LONG, %ebx
1:  lea phase_labels(%rip), %rax
    mov -8(%rax,%rbx,8), %rdi
    call serial_puts
    lea boot_tsc(%rip), %rsi
    mov (%rsi,%rbx,8), %rax
    sub 8 * PHASE_FIRST(%rsi), %rax
    lea vvar(%rip), %rsi
    PVCLOCK_SCALE %rsi
    xor %edx, %edx
    mov $1000, %ecx
    div %rcx
    mov %rax, %rdi
    call serial_put_dec
    inc %ebx
    cmp $PHASES, %ebx
    jb 1b
    lea msg_phases_end(%rip), %rdi
    call serial_puts
    pop %rbx
    ret

# memory_init() -> %rax: bytes of RAM in the memory map. Frames for the process come from the
# RAM after the kernel, up to the end of that RAM range or the first module above the kernel.
memory_init:
    PUSH_REGS rbx, r13
    xor %eax, %eax                      # total
    mov $0xffffffffffffffff, %r13       # end of the free range (min over the limits)
    cmpl $1, START_INFO_VERSION(%r12)   # version 0 has no memory map
    jb 4f
    mov START_INFO_MEMMAP_ENTRIES(%r12), %ecx
    movabs $DIRECT_MAP_BASE, %rsi
    add START_INFO_MEMMAP_PADDR(%r12), %rsi
    movabs $(kernel_end - KERNEL_VIRT_BASE), %rbx
1:  test %ecx, %ecx
    jz 4f
    cmpl $MEMMAP_TYPE_RAM, MEMMAP_ENTRY_TYPE(%rsi)
    jne 3f
    mov MEMMAP_ENTRY_LEN(%rsi), %rdx
    add %rdx, %rax
    mov MEMMAP_ENTRY_ADDR(%rsi), %r8    # the range holding the kernel's end bounds the frames
    cmp %rbx, %r8
    ja 3f
    add %r8, %rdx
    cmp %rbx, %rdx
    jb 3f
    cmp %r13, %rdx
    cmovb %rdx, %r13
3:  add $MEMMAP_ENTRY_SIZE, %rsi
    dec %ecx
    jmp 1b
4:  mov $DIRECT_MAP_SIZE, %edx          # the direct map reaches this far
    cmp %rdx, %r13
    cmova %rdx, %r13
    mov START_INFO_NR_MODULES(%r12), %ecx
    movabs $DIRECT_MAP_BASE, %rsi
    add START_INFO_MODLIST_PADDR(%r12), %rsi
5:  test %ecx, %ecx                     # modules above the kernel end the free range too
    jz 6f
    mov MODLIST_ENTRY_PADDR(%rsi), %rdx
    cmp %rbx, %rdx
    jb 7f
    cmp %r13, %rdx
    cmovb %rdx, %r13
7:  add $32, %rsi
    dec %ecx
    jmp 5b
6:  push %rax
    mov %rbx, %rdi
    mov %r13, %rsi
    call mm_init
    POP_REGS rbx, r13, rax
    ret

# read_args() -> %rax: 0, or -errno. The program's argv and environment (args.s): from the
# argument block that begins the first PVH module, if it does (the program is then what follows
# the block, possibly nothing), else from the command line after "--".
read_args:
    movq $0, module_size(%rip)
    cmpl $0, START_INFO_NR_MODULES(%r12)
    je 1f
    mov START_INFO_MODLIST_PADDR(%r12), %rdi
    call phys_to_virt
    mov MODLIST_ENTRY_SIZE(%rax), %rdx
    mov %rdx, module_size(%rip)
    mov MODLIST_ENTRY_PADDR(%rax), %rdi
    mov %rdi, module_paddr(%rip)
    call phys_to_virt
    mov %rax, %rdi
    mov module_size(%rip), %rsi
    call args_from_block
    test %rax, %rax
    js 2f
    jz 1f
    mov %rax, %r8                       # the program follows the block
    mov module_paddr(%rip), %rdi
    call phys_to_virt
    mov ARGBLOCK_PROGRAM_SIZE(%rax), %ecx
    add %r8, module_paddr(%rip)
    sub %r8, module_size(%rip)
    xor %eax, %eax
    test %ecx, %ecx                     # 0: the rest is the program
    jz 2f
    mov $-EINVAL, %rax
    mov module_size(%rip), %rdx
    cmp %rdx, %rcx
    ja 2f
    mov %rcx, module_size(%rip)         # the initramfs: from the page after the program
    add $(PAGE_SIZE - 1), %rcx
    and $~(PAGE_SIZE - 1), %rcx
    sub %rcx, %rdx
    jbe 3f
    mov %rdx, initramfs_size(%rip)
    add module_paddr(%rip), %rcx
    mov %rcx, initramfs_paddr(%rip)
3:  xor %eax, %eax
    ret
1:  mov %r14, %rdi
    call cmdline_program
    mov %rax, %rdi
    call args_from_cmdline
2:  ret

# unpack_initramfs(): the initramfs after the program, if there is one (cpio.s); with
# cpio-fuzz=COUNT on the command line, the reader's test mode instead, then the VM ends.
unpack_initramfs:
    mov initramfs_size(%rip), %rsi
    test %rsi, %rsi
    jz 9f
    push %rbx
    mov initramfs_paddr(%rip), %rdi
    call phys_to_virt
    mov %rax, %rbx
    mov %r14, %rdi
    lea key_cpio_fuzz(%rip), %rsi
    call cmdline_value
    test %rax, %rax
    jnz 5f
    mov %rbx, %rdi
    mov initramfs_size(%rip), %rsi
    call cpio_unpack
    test %rax, %rax
    js 4f
    push %rax
    lea msg_initramfs(%rip), %rdi
    call serial_puts
    pop %rdi
    call serial_put_dec
    lea msg_members(%rip), %rdi
    call serial_puts
4:  pop %rbx
9:  ret
5:  mov %rax, %rdi
    call parse_dec
    mov %rax, %rdx
    mov %rbx, %rdi
    mov initramfs_size(%rip), %rsi
    call cpio_fuzz
    xor %edi, %edi
    jmp vm_exit

# program_image() -> %rax = image (kernel address), %rdx = size, %rcx = physical address: the
# module (after its argument block); else the built-in benchmark when argv[0] is "jvmm-bench";
# else the demo.
program_image:
    mov module_size(%rip), %rdx
    test %rdx, %rdx
    jz 1f
    mov module_paddr(%rip), %rcx
    mov %rcx, %rdi
    call phys_to_virt
    mov module_size(%rip), %rdx
    mov module_paddr(%rip), %rcx
    ret
1:  call args_argv0
    mov %rax, %rdi
    lea name_bench(%rip), %rsi
    call word_is
    jne 2f
    lea bench_program(%rip), %rax
    lea bench_program_end(%rip), %rdx
    jmp 3f
2:  lea demo_program(%rip), %rax
    lea demo_program_end(%rip), %rdx
3:  sub %rax, %rdx
    movabs $(-KERNEL_VIRT_BASE), %rcx
    add %rax, %rcx
    ret

# map_vdso_and_stack(): the vvar page and the vDSO above it, at an address chosen at random on
# every boot (20 bits of page-granular entropy below the stack, as Linux's vDSO ASLR), as sealed
# special mappings backed by the kernel image's own frames (never writable: the vDSO is copied on
# a write, vvar refuses PROT_WRITE), and the stack region with its first pages. The vDSO and vvar
# pages are mapped now: the entry-path probe runs in them before any fault could page them in.
map_vdso_and_stack:
    call random_u64
    and $0xfffff, %eax
    shl $12, %rax
    movabs $(USER_VDSO_AREA + PAGE_SIZE), %rcx
    add %rcx, %rax
    mov %rax, vdso_base(%rip)           # the vDSO; the vvar page is the one below
# map_vdso_and_stack_again(): the same, at the same place (vdso_base): every process has the
# vDSO where the kernel's FPU and signal stubs expect it; for execve.
.globl map_vdso_and_stack_again
map_vdso_and_stack_again:
    PUSH_REGS rbx, r12
    mov vdso_base(%rip), %rbx
    lea -PAGE_SIZE(%rbx), %rdi
    mov %rbx, %rsi
    mov $(PROT_READ | KIND_VVAR | VMA_SEALED | VMA_NOMAYWRITE), %edx
    movabs $(-KERNEL_VIRT_BASE), %rcx
    lea vvar(%rip), %rax
    add %rax, %rcx
    call new_region
    mov %rbx, %rdi
    lea (vdso_image_end - vdso_image)(%rbx), %rsi
    mov $(PROT_READ | PROT_EXEC | KIND_VDSO | VMA_SEALED), %edx
    movabs $(-KERNEL_VIRT_BASE), %rcx
    lea vdso_image(%rip), %rax
    add %rax, %rcx
    call new_region
    movabs $(USER_STACK_TOP - USER_STACK_INITIAL_PAGES * PAGE_SIZE), %rdi
    movabs $USER_STACK_TOP, %rsi
    mov $(PROT_READ | PROT_WRITE | VMA_ACCOUNT | KIND_STACK), %edx
    xor %ecx, %ecx
    call new_region
    lea -PAGE_SIZE(%rbx), %r12          # page in vvar, the vDSO (PF_USER: a read)
1:  mov %r12, %rdi
    mov $PF_USER, %esi
    call handle_page_fault
    add $PAGE_SIZE, %r12
    lea (vdso_image_end - vdso_image)(%rbx), %rax
    cmp %rax, %r12
    jb 1b
    movabs $(USER_STACK_TOP - USER_STACK_INITIAL_PAGES * PAGE_SIZE), %r12
2:  mov %r12, %rdi                      # and the first stack pages (PF_WRITE)
    mov $(PF_USER | PF_WRITE), %esi
    call handle_page_fault
    add $PAGE_SIZE, %r12
    movabs $USER_STACK_TOP, %rax
    cmp %rax, %r12
    jb 2b
    POP_REGS rbx, r12
    ret

# run_test(%rdi = test name): the misbehaviours a VMM must report well, on request.
run_test:
    push %rbx
    mov %rdi, %rbx
    lea test_spin(%rip), %rsi
    call word_is
    je 1f
    mov %rbx, %rdi
    lea test_halt(%rip), %rsi
    call word_is
    je 2f
    mov %rbx, %rdi
    lea test_triple_fault(%rip), %rsi
    call word_is
    je 3f
    mov %rbx, %rdi
    lea test_unemulated(%rip), %rsi
    call word_is
    je 4f
    mov %rbx, %rdi
    lea test_units(%rip), %rsi
    call word_is
    je run_units                        # the kernel's unit tests (kunit.s); the VM ends there
    pop %rbx
    ret                                 # unknown test names are ignored
1:  jmp 1b                              # spin in supervisor mode until stopped
2:  cli
    hlt
    jmp 2b
3:  lidt null_idt(%rip)                 # no IDT: #DE -> #GP -> #DF -> triple fault (SDM Vol. 3A 6.15)
    xor %ecx, %ecx                      # #DE, not UD2: KVM's emulator has no UD2 (emulate.c: 0F 0B
    div %ecx                            # is NotImpl), which would end the VM as emulation failure
4:  pcmpeqb %xmm0, %xmm0                # an SSE2 instruction in supervisor mode: where KVM emulates
    pop %rbx                            # kernel code (PVM), its emulator has no such instruction
    ret

.section .rodata
msg_booted:         .asciz "jvmm-kernel: booted in long mode (PVH start_info v"
msg_booted_end:     .asciz ")\n"
msg_cpu:            .asciz "jvmm-kernel: cpu "
msg_memory:         .asciz ", memory "
msg_memory_end:     .asciz " MiB\n"
msg_cmdline:        .asciz "jvmm-kernel: cmdline \""
msg_quote_end:      .asciz "\"\n"
msg_bad_start_info: .asciz "jvmm-kernel: bad hvm_start_info magic\n"
msg_bad_block:      .asciz "jvmm-kernel: cannot run the program: malformed argument block\n"
msg_too_big:        .asciz "jvmm-kernel: cannot run the program: argument list too long (E2BIG)\n"
msg_no_process_area: .asciz "jvmm-kernel: cannot run the program: out of memory for its process\n"
msg_no_stack:       .asciz "jvmm-kernel: cannot run the program: out of memory for its stack\n"
msg_phases:         .asciz "jvmm-kernel: phases first=0"
msg_long:           .asciz " long="
msg_tables:         .asciz " tables="
msg_clock_phase:    .asciz " clock="
msg_probe:          .asciz " probe="
msg_user:           .asciz " user="
msg_phases_end:     .asciz " (us)\n"
key_exit:           .asciz "exit="
msg_bare_archive:   .ascii "jvmm-kernel: cannot run the program: the module is a cpio archive, not a program; "
                    .asciz "put both in one with jvmm initrd --initrd ARCHIVE -o FILE -- PROGRAM [ARGS...]\n"
key_cpio_fuzz:      .asciz "cpio-fuzz="
msg_initramfs:      .asciz "jvmm-kernel: initramfs "
msg_members:        .asciz " members\n"
key_test:           .asciz "test="
test_spin:          .asciz "spin"
test_halt:          .asciz "halt"
test_triple_fault:  .asciz "triple-fault"
test_unemulated:    .asciz "unemulated"
test_units:         .asciz "units"
name_bench:         .asciz "jvmm-bench"
empty:              .asciz ""
.p2align 3
phase_labels:       .quad msg_long, msg_tables, msg_clock_phase, msg_probe, msg_user
null_idt:           .word 0
                    .quad 0

# The built-in programs, the demo (guest-kernel/src/main/user/demo.s) and the benchmark
# (user/bench.c), static ELF files of their own, and the vDSO (user/vdso.s), each on pages of
# their own: all are mapped, not copied.
.p2align 12
demo_program:
    .incbin "demo.elf"
demo_program_end:
.p2align 12
bench_program:
    .incbin "bench.elf"
bench_program_end:
.p2align 12
.globl vdso_image
vdso_image:
    .incbin "vdso.so"
.p2align 12
vdso_image_end:

.section .bss
.p2align 3
.globl vdso_base, boot_cmdline
vdso_base: .skip 8
boot_cmdline: .skip 8                   # the kernel command line (NUL-terminated), from boot on
module_paddr: .skip 8                   # the program in the first module, after any argument block
module_size: .skip 8
initramfs_paddr: .skip 8                # the initramfs after the program, if any
initramfs_size: .skip 8
.globl vendor
vendor: .skip 13                        # CPUID's vendor string (/proc/cpuinfo)
.p2align 3
boot_tsc: .skip 8 * PHASES              # the TSC at each boot phase
.p2align 12
boot_stack: .skip 16384
boot_stack_top:
