# The vDSO (linux-vdso.so.1): a shared object the kernel maps into its process, one page above
# the vvar page. Its time functions read the pvclock record in the vvar page and never enter
# the kernel while the TSC is stable; otherwise, and for clocks it does not serve, they make the
# system call, through __kernel_vsyscall. Linux's return conventions: 0, or a negative errno.
#
# __kernel_vsyscall is the seed's vsyscall gate: any system call, with SYSCALL's registers
# (RAX number; RDI, RSI, RDX, R10, R8, R9; result in RAX; RCX and R11 may change), entered by
# whichever instruction the kernel chose at boot (VVAR_GATE).
#
# The stubs at the end (jvmm_*, probe_*) are the kernel's own: not exported, located by
# vdso-offsets.inc. The kernel returns to them to do in user mode what it cannot do itself.

.include "defs.inc"
.include "vvar.inc"
.include "clock.inc"
.include "task.inc"

.equ NR_gettimeofday, 96
.equ NR_time, 201
.equ NR_clock_gettime, 228
.equ NR_clock_getres, 229

.text
# clock_ns(%edi = clock) -> %rax: that clock in ns, read in user mode; CF set when it cannot be
# (a clock the vDSO does not serve, no usable pvclock, an unstable TSC): make the system call.
# Clobbers %rcx, %rdx, %r8, %r9, %r11.
clock_ns:
    cmp $MAX_CLOCK, %edi
    ja 9f
    mov $VDSO_CLOCKS, %eax
    bt %edi, %eax
    jnc 9f
    lea vvar_page(%rip), %r9
    cmpl $VCLOCK_PVCLOCK, VVAR_CLOCK_MODE(%r9)
    jne 9f
    mov %edi, %r11d
    PVCLOCK_NS %r9, 9f
    mov $REALTIME_CLOCKS, %ecx
    bt %r11d, %ecx
    jnc 1f
    add VVAR_REALTIME_BASE(%r9), %rax
1:  clc
    ret
9:  stc
    ret

# int __vdso_clock_gettime(clockid_t clock, struct timespec *ts)
.globl __vdso_clock_gettime
.type __vdso_clock_gettime, @function
__vdso_clock_gettime:
    call clock_ns
    jc 9f
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    mov %rax, (%rsi)
    mov %rdx, 8(%rsi)
    xor %eax, %eax
    ret
9:  mov $NR_clock_gettime, %eax
    jmp __kernel_vsyscall
.size __vdso_clock_gettime, . - __vdso_clock_gettime

# int __vdso_gettimeofday(struct timeval *tv, struct timezone *tz)
.globl __vdso_gettimeofday
.type __vdso_gettimeofday, @function
__vdso_gettimeofday:
    mov %rdi, %r10
    xor %edi, %edi                      # CLOCK_REALTIME
    call clock_ns
    mov %r10, %rdi
    jc 9f
    test %rdi, %rdi
    jz 1f
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    mov %rax, (%rdi)
    mov %rdx, %rax
    xor %edx, %edx
    mov $1000, %ecx
    div %rcx
    mov %rax, 8(%rdi)
1:  test %rsi, %rsi                     # the time zone: UTC, no DST
    jz 2f
    movq $0, (%rsi)
2:  xor %eax, %eax
    ret
9:  mov $NR_gettimeofday, %eax
    jmp __kernel_vsyscall
.size __vdso_gettimeofday, . - __vdso_gettimeofday

# time_t __vdso_time(time_t *t)
.globl __vdso_time
.type __vdso_time, @function
__vdso_time:
    mov %rdi, %r10
    xor %edi, %edi                      # CLOCK_REALTIME
    call clock_ns
    mov %r10, %rdi
    jc 9f
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    test %rdi, %rdi
    jz 1f
    mov %rax, (%rdi)
1:  ret
9:  mov $NR_time, %eax
    jmp __kernel_vsyscall
.size __vdso_time, . - __vdso_time

# int __vdso_clock_getres(clockid_t clock, struct timespec *res): 1 ns for every clock served.
.globl __vdso_clock_getres
.type __vdso_clock_getres, @function
__vdso_clock_getres:
    cmp $MAX_CLOCK, %edi
    ja 9f
    mov $VDSO_CLOCKS, %eax
    bt %edi, %eax
    jnc 9f
    test %rsi, %rsi
    jz 1f
    movq $0, (%rsi)
    movq $1, 8(%rsi)
1:  xor %eax, %eax
    ret
9:  mov $NR_clock_getres, %eax
    jmp __kernel_vsyscall
.size __vdso_clock_getres, . - __vdso_clock_getres

# int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused): one CPU, one node.
.globl __vdso_getcpu
.type __vdso_getcpu, @function
__vdso_getcpu:
    test %rdi, %rdi
    jz 1f
    movl $0, (%rdi)
1:  test %rsi, %rsi
    jz 2f
    movl $0, (%rsi)
2:  xor %eax, %eax
    ret
.size __vdso_getcpu, . - __vdso_getcpu

# long __kernel_vsyscall(...): see the top of this file.
.globl __kernel_vsyscall
.type __kernel_vsyscall, @function
__kernel_vsyscall:
    lea vvar_page(%rip), %r11
    mov VVAR_GATE(%r11), %r11d
    cmp $GATE_SYSENTER, %r11d
    je gate_sysenter
    cmp $GATE_INT80, %r11d
    je gate_int80
gate_syscall:
    syscall
    ret
# SYSENTER and SYSEXIT keep no return address or stack: the gate passes both (RDX, RCX) and
# keeps argument 3 on the stack for the kernel (see sysenter_entry).
gate_sysenter:
    push %rdx
    mov %rsp, %rcx
    lea 1f(%rip), %rdx
    sysenter
1:  pop %rdx
    ret
gate_int80:
    int $0x80
    ret
.size __kernel_vsyscall, . - __kernel_vsyscall

.weak clock_gettime, gettimeofday, time, clock_getres, getcpu
.set clock_gettime, __vdso_clock_gettime
.set gettimeofday, __vdso_gettimeofday
.set time, __vdso_time
.set clock_getres, __vdso_clock_getres
.set getcpu, __vdso_getcpu

# ---- The kernel's boot-time probe (not exported) ------------------------------------------
# A system call the kernel answers only while probing, through one gate, then INT3 to give
# control back. The kernel checks the reply, RBX and where INT3 happened.
.macro PROBE gate
probe_\gate:
    mov $NR_JVMM_PROBE, %eax
    movabs $PROBE_MARKER, %rbx
    call gate_\gate
    jmp probe_done
.endm
PROBE syscall
PROBE sysenter
PROBE int80
probe_done:
    int3
probe_done_end:
    ud2

# ---- The FPU and SSE state, saved and restored in user mode (not exported) ------------------
# The kernel never runs FXSAVE or FXRSTOR: on PVM hosts every supervisor-mode instruction goes
# through KVM's instruction emulator, which refuses both in 64-bit mode and has no STMXCSR or
# LDMXCSR (docs/kernel.md, "What the kernel may execute"). A signal's delivery and return pass
# through these stubs instead, natively, in user mode. A fault in one is the user's: an
# unwritable frame or a forged MXCSR gives SIGSEGV, as Linux's failed frame does.

# jvmm_sigenter: the kernel built the rt_sigframe but its FXSAVE image, and returns here with
# the handler's arguments (RDI signal, RSI &info, RDX &uc), RSP at the frame and RCX = the
# handler. The program's state goes to uc_mcontext.fpstate; the handler starts with Linux's
# initial state (FCW 0x37f, MXCSR 0x1f80) and RAX = 0. RCX and R11 are not the interrupted
# context's, as after a SYSCALL (the handler's ABI reads neither).
.macro SIGENTER_SAVE
    mov UC_MCONTEXT + SC_FPSTATE(%rdx), %rax
    fxsave64 (%rax)
    fxrstor64 jvmm_fpu_init(%rip)
.endm
jvmm_sigenter:
    SIGENTER_SAVE
    xor %eax, %eax
    jmp *%rcx

# jvmm_sigenter_simd: the same for the SIGFPE of a SIMD floating-point exception (#XM), whose
# si_code the kernel cannot know (it cannot read MXCSR): the unmasked exception the saved MXCSR
# flags, in the order of Linux's fpu__exception_code (0 if none).
jvmm_sigenter_simd:
    SIGENTER_SAVE
    mov FX_MXCSR(%rax), %eax            # flags in bits 0-5, masks in bits 7-12
    mov %eax, %r11d
    shr $7, %r11d
    not %r11d
    and %r11d, %eax
    mov $FPE_FLTINV, %r11d
    test $0x01, %al
    jnz 1f
    mov $FPE_FLTDIV, %r11d
    test $0x04, %al
    jnz 1f
    mov $FPE_FLTOVF, %r11d
    test $0x08, %al
    jnz 1f
    mov $FPE_FLTUND, %r11d
    test $0x12, %al
    jnz 1f
    mov $FPE_FLTRES, %r11d
    test $0x20, %al
    jnz 1f
    xor %r11d, %r11d
1:  mov %r11d, SI_CODE(%rsi)
    xor %eax, %eax
    jmp *%rcx

# jvmm_sigreturn: rt_sigreturn restored every general register and left RSP at the block
# {FXSAVE image address, RIP, CS, RFLAGS, RSP, SS} it wrote into the frame (RSF_IRET). IRETQ
# from user to user mode returns RSP and RFLAGS with the rest.
jvmm_sigreturn:
    xchg %rax, (%rsp)
    fxrstor64 (%rax)
    pop %rax
    iretq

# A switch between threads: the kernel never saves or loads their FPU state either. It tracks
# the thread whose state the registers hold (fpu_owner, sched.s); a thread returning to user mode
# that is not it returns through one of these, with every general register its own and RSP at
# its slot of the process's FPU area (FPU_*, task.inc), on which they run. None changes a
# general register or a flag; each ends with IRETQ (user to user mode) to FPU_IRET.
# jvmm_fpu_switch: the live state to FPU_SAVE (the previous owner's image), FPU_LOAD's loaded.
jvmm_fpu_switch:
    xchg %rax, FPU_SAVE(%rsp)
    fxsave64 (%rax)
    mov FPU_LOAD(%rsp), %rax
    fxrstor64 (%rax)
    pop %rax
    lea FPU_IRET - 8(%rsp), %rsp
    iretq
# jvmm_fpu_load: no thread owns the registers (the owner exited): only FPU_LOAD's loaded.
jvmm_fpu_load:
    xchg %rax, FPU_LOAD(%rsp)
    fxrstor64 (%rax)
    xchg %rax, FPU_LOAD(%rsp)
    lea FPU_IRET(%rsp), %rsp
    iretq
# jvmm_fpu_save: the live state to FPU_SAVE, kept live: a clone's parent fills its new
# thread's image with the state it had at the clone, as Linux copies it.
jvmm_fpu_save:
    xchg %rax, FPU_SAVE(%rsp)
    fxsave64 (%rax)
    pop %rax
    lea FPU_IRET - 8(%rsp), %rsp
    iretq
jvmm_fpu_stubs_end:

.section .rodata
.p2align 4
# The FPU state after FNINIT with MXCSR at its reset value: what a handler starts with, and what
# rt_sigreturn loads from a frame without FPU state.
jvmm_fpu_init:
    .word 0x037f                        # FCW
    .fill FX_MXCSR - 2, 1, 0
    .long 0x1f80                        # MXCSR
    .fill FX_SIZE - FX_MXCSR - 4, 1, 0
