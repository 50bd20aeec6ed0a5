# Every way into the kernel: exception stubs, the DPL-3 INT 0x80 gate, SYSCALL (LSTAR and
# CSTAR) and SYSENTER, and the matching ways back (IRETQ, SYSRETQ, SYSEXITQ). Each entry builds
# the same frame (defs.inc, F_*) on the entry stack, so one dispatcher serves them all.
#
# One CPU and no interrupts: an entry from user mode always finds the entry stack empty, and
# SYSCALL can park the user's RSP in a global, with no SWAPGS and no per-CPU area.

.include "defs.inc"

.text

# ---- Exceptions -------------------------------------------------------------------------
.macro EXCEPTION vector, has_error
exception_\vector:
    .if \has_error == 0
    push $0
    .endif
    push $\vector
    jmp exception_common
.endm

EXCEPTION 0, 0
EXCEPTION 1, 0
EXCEPTION 2, 0
EXCEPTION 3, 0
EXCEPTION 4, 0
EXCEPTION 5, 0
EXCEPTION 6, 0
EXCEPTION 7, 0
EXCEPTION 8, 1
EXCEPTION 9, 0
EXCEPTION 10, 1
EXCEPTION 11, 1
EXCEPTION 12, 1
EXCEPTION 13, 1
EXCEPTION 14, 1
EXCEPTION 15, 0
EXCEPTION 16, 0
EXCEPTION 17, 1
EXCEPTION 18, 0
EXCEPTION 19, 0
EXCEPTION 20, 0
EXCEPTION 21, 1
EXCEPTION 22, 0
EXCEPTION 23, 0
EXCEPTION 24, 0
EXCEPTION 25, 0
EXCEPTION 26, 0
EXCEPTION 27, 0
EXCEPTION 28, 0
EXCEPTION 29, 1
EXCEPTION 30, 1
EXCEPTION 31, 0

exception_common:
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call handle_exception
    # fall through: resume the (possibly rewritten) frame

.globl return_iret
return_iret:
    # Every return goes to user mode; a return address outside user memory would fault in the
    # kernel (on IRETQ itself): the process dies of it instead, as on Linux, with SIGSEGV.
    movabs $USER_TOP, %rax
    cmp %rax, F_RIP(%rsp)
    jae bad_return
    RESTORE_REGS
    add $16, %rsp                       # F_KIND, F_ERROR
    iretq

bad_return:
    mov %rsp, %rdi
    mov $SIGSEGV, %esi
    mov F_RIP(%rsp), %rdx
    call kill_process                   # does not return

# ---- INT 0x80 ---------------------------------------------------------------------------
# jvmm's INT 0x80 takes the x86-64 system-call numbers and registers, like SYSCALL (Linux's
# own INT 0x80 is the i386 ABI): the gate is one way in to one system-call table.
.globl int80_entry
int80_entry:
    push $0
    push $ENTRY_INT80
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call syscall_dispatch
    jmp return_iret

# ---- SYSCALL / SYSRET ---------------------------------------------------------------------
# SYSCALL: RCX = user RIP, R11 = user RFLAGS, RFLAGS &= ~FMASK; RSP is still the user's.
.globl syscall_entry
syscall_entry:
    mov %rsp, syscall_user_rsp(%rip)
    lea entry_stack_top(%rip), %rsp
    push $USER_DS
    push syscall_user_rsp(%rip)
    push %r11
    push $USER_CS
    push %rcx
    push $0
    push $ENTRY_SYSCALL
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call syscall_dispatch
    # SYSRET to a non-canonical RCX raises #GP in ring 0 on Intel CPUs, on the user's stack
    # (CVE-2012-0217); such returns, and any return the dispatcher redirected, take IRETQ.
    movabs $USER_TOP, %rax
    cmp %rax, F_RIP(%rsp)
    jae return_iret
    cmpq $USER_CS, F_CS(%rsp)
    jne return_iret
    mov F_RIP(%rsp), %rax
    mov %rax, F_RCX(%rsp)               # SYSRET: RIP = RCX
    mov F_RFLAGS(%rsp), %rax
    mov %rax, F_R11(%rsp)               # SYSRET: RFLAGS = R11
    RESTORE_REGS
    mov 40(%rsp), %rsp                  # the user's RSP (F_RSP - F_KIND)
    sysretq

# SYSCALL from 32-bit compatibility mode (CSTAR). jvmm runs 64-bit programs only: the process
# gets SIGSYS, reported like any fatal signal.
.globl syscall_compat_entry
syscall_compat_entry:
    mov %rsp, syscall_user_rsp(%rip)
    lea entry_stack_top(%rip), %rsp
    push $USER_DS
    push syscall_user_rsp(%rip)
    push %r11
    push $USER32_CS
    push %rcx
    push $0
    push $ENTRY_SYSCALL
    cld
    SAVE_REGS
    mov %rsp, %rdi
    mov $SIGSYS, %esi
    xor %edx, %edx
    call kill_process                   # does not return

# ---- SYSENTER / SYSEXIT -------------------------------------------------------------------
# SYSENTER keeps neither the user RIP nor RSP. jvmm's 64-bit convention (the gate in the user
# page follows it): the caller pushes RDX (argument 3), then sets RCX = RSP and RDX = the
# return address; SYSEXITQ returns with RIP = RDX and RSP = RCX, and the gate pops RDX.
.globl sysenter_entry
sysenter_entry:
    push $USER_DS
    push %rcx
    pushfq                              # the user's flags, but IF (SYSENTER cleared it)
    orq $RFLAGS_IF, (%rsp)
    push $USER_CS
    push %rdx
    push $0
    push $ENTRY_SYSENTER
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call syscall_dispatch
    # SYSEXIT to a non-canonical RDX or RCX faults in ring 0, like SYSRET: take IRETQ.
    movabs $USER_TOP, %rax
    cmp %rax, F_RIP(%rsp)
    jae return_iret
    cmp %rax, F_RSP(%rsp)
    jae return_iret
    cmpq $USER_CS, F_CS(%rsp)
    jne return_iret
    mov F_RIP(%rsp), %rax
    mov %rax, F_RDX(%rsp)               # SYSEXIT: RIP = RDX
    mov F_RSP(%rsp), %rax
    mov %rax, F_RCX(%rsp)               # SYSEXIT: RSP = RCX
    RESTORE_REGS
    add $16, %rsp
    pushq 16(%rsp)                      # the user's RFLAGS: SYSEXIT leaves RFLAGS alone
    popfq
    sysexitq

# ---- Entering user mode -------------------------------------------------------------------
# enter_user(%rdi = rip, %rsi = rsp): to user mode with every general register zero, as a
# new Linux process starts (RDX = 0: no atexit function for the ELF ABI's %rdx).
.globl enter_user
enter_user:
    push $USER_DS
    push %rsi
    push $(RFLAGS_IF | RFLAGS_FIXED)
    push $USER_CS
    push %rdi
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    iretq

.section .rodata
.p2align 3
.globl exception_stubs
exception_stubs:
    .irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exception_\vector
    .endr

.section .bss
.p2align 3
syscall_user_rsp: .skip 8
.p2align 12
entry_stack: .skip 16384
.globl entry_stack_top
entry_stack_top:
