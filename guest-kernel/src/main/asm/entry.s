# Every way into the kernel: exception stubs, the DPL-3 INT 0x80 gate, SYSCALL (LSTAR and
# CSTAR) and SYSENTER, and the matching ways back (IRETQ, SYSRETQ, SYSEXITQ). Each entry builds
# the same frame (defs.inc, F_*) on the entry stack, so one dispatcher serves them all.
#
# One CPU, and the kernel runs with interrupts off: an entry from user mode always finds the
# running thread's kernel stack (kernel_stack_top, TSS.RSP0, SYSENTER_ESP: sched.s switches them)
# empty, and SYSCALL can park the user's RSP in a global, with no SWAPGS and no per-CPU area.
#
# Every return to user mode tests current_task's T_WORK (task.inc): when it is not zero, the
# return goes through return_iret, which lets exit_to_user_work switch threads (the slice is
# over) and deliver signals first. System calls
# enter with their number kept in F_ORIG_RAX (the error code's slot), for restarts. A system call
# that rewrites its frame's RIP, RSP, RFLAGS or CS (rt_sigreturn) sets TW_IRET: SYSRET and
# SYSEXIT return only what the entry left in RCX/R11 (RDX/RCX), and take IRETQ otherwise.

.include "defs.inc"
.include "task.inc"
.include "mm.inc"

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
exception_dispatch:
    mov %rsp, %rdi
    testb $3, F_CS(%rsp)
    jz 1f
    call handle_exception
    jmp return_iret
1:  call handle_kernel_exception        # returns only to resume the kernel where it was
    RESTORE_REGS
    add $16, %rsp
    iretq

# #PF. A #PF from user mode at RIP == LSTAR with CR2 == LSTAR is a SYSCALL that did not enter
# the kernel: on PVM-style hosts the CPU jumps to LSTAR but stays in user mode, and LSTAR is
# supervisor-only (README, "Host notes"). There it is every system call's way in, so it is told
# apart first, before the general exception path, and served as SYSCALL's entry serves it: the
# user's registers still hold the number and the arguments (RCX and R11, which SYSCALL set,
# are free once saved). The exception cleared TF and NT for the kernel; R11's flags (NT
# included, as SYSRET keeps it) go back, and the return takes IRETQ.
exception_14:
    push $14
    cld
    SAVE_REGS
    mov %cr2, %r11
    lea syscall_entry(%rip), %rcx
    cmp %rcx, %r11
    jne exception_dispatch
    cmp %rcx, F_RIP(%rsp)
    jne exception_dispatch
    testb $PF_USER, F_ERROR(%rsp)
    jz exception_dispatch
    mov F_RCX(%rsp), %rcx
    mov %rcx, F_RIP(%rsp)
    mov F_R11(%rsp), %r11
    and $(USER_RFLAGS_MASK | RFLAGS_NT), %r11d
    or $(RFLAGS_IF | RFLAGS_FIXED), %r11d
    mov %r11, F_RFLAGS(%rsp)
    movq $ENTRY_SYSCALL_EMULATED, F_KIND(%rsp)
    mov %rax, F_ORIG_RAX(%rsp)          # the error code's slot keeps the number, for restarts
    call syscall_call
    mov %rax, F_RAX(%rsp)
    jmp return_iret

# The way back to user mode for every entry but the fast SYSRET and SYSEXIT returns.
.globl return_iret
return_iret:
    mov current_task(%rip), %rax
    cmpq $0, T_WORK(%rax)
    jne 2f
    # IRETQ to a non-canonical RIP faults in the kernel (and a non-canonical RSP may, depending
    # on the CPU): the process gets SIGSEGV instead, as from Linux's IRET fixup.
1:  mov F_RIP(%rsp), %rax
    sar $47, %rax
    inc %rax
    cmp $1, %rax
    ja 3f
    mov F_RSP(%rsp), %rax
    sar $47, %rax
    inc %rax
    cmp $1, %rax
    ja 3f
    RESTORE_REGS
    add $16, %rsp                       # F_KIND, F_ERROR
    iretq
2:  mov %rsp, %rdi
    call exit_to_user_work
    jmp 1b
3:  mov current_task(%rip), %rax
    movq $13, T_TRAPNO(%rax)            # as the #GP it would have been
    movq $0, T_ERROR(%rax)
    mov $SIGSEGV, %edi
    mov $SI_KERNEL, %esi
    xor %edx, %edx
    call force_sig_fault
    jmp 2b

# ---- INT 0x80 ---------------------------------------------------------------------------
# jvmm's INT 0x80 takes the x86-64 system-call numbers and registers, like SYSCALL (Linux's
# own INT 0x80 is the i386 ABI): the gate is one way in to one system-call table.
.globl int80_entry
int80_entry:
    push %rax                           # F_ORIG_RAX
    push $ENTRY_INT80
    cld
    SAVE_REGS
    call syscall_call                   # the arguments are still in their registers
    mov %rax, F_RAX(%rsp)
    jmp return_iret

# ---- SYSCALL / SYSRET ---------------------------------------------------------------------
# SYSCALL: RCX = user RIP, R11 = user RFLAGS, RFLAGS &= ~FMASK; RSP is still the user's.
.globl syscall_entry
syscall_entry:
    mov %rsp, syscall_user_rsp(%rip)
    mov kernel_stack_top(%rip), %rsp
    push $USER_DS
    push syscall_user_rsp(%rip)
    push %r11
    push $USER_CS
    push %rcx
    push %rax                           # F_ORIG_RAX
    push $ENTRY_SYSCALL
    cld
    SAVE_REGS
    call syscall_call                   # the arguments are still in their registers
    mov %rax, F_RAX(%rsp)
    mov current_task(%rip), %rax        # signals to deliver, or a rewritten frame: IRETQ
    cmpq $0, T_WORK(%rax)
    jne return_iret
    # SYSRET to a non-canonical RCX raises #GP in ring 0 on Intel CPUs, on the user's stack
    # (CVE-2012-0217): such returns take IRETQ.
    movabs $USER_TOP, %rax
    cmp %rax, F_RIP(%rsp)
    jae return_iret
    # SYSRET with TF set traps at once in user mode, reporting the next instruction: one
    # SIGTRAP too many. SYSRET cannot set RF. Linux takes IRETQ for both; so does jvmm.
    testl $(RFLAGS_TF | RFLAGS_RF), F_RFLAGS(%rsp)
    jnz return_iret
    RESTORE_REGS
    mov 40(%rsp), %rsp                  # the user's RSP (F_RSP - F_KIND)
    sysretq

# SYSCALL from 32-bit compatibility mode (CSTAR). jvmm runs 64-bit programs only: the process
# gets SIGSYS, reported like any fatal signal.
.globl syscall_compat_entry
syscall_compat_entry:
    mov %rsp, syscall_user_rsp(%rip)
    mov kernel_stack_top(%rip), %rsp
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
#
# SYSENTER clears only IF and VM: TF, NT and AC arrive as the user set them. They are cleared
# before anything can trap (Linux's entry_SYSENTER_compat): NT would make the kernel's IRETQ
# fault, TF single-steps the kernel until the POPFQ. Those steps trap here, in ring 0, between
# sysenter_entry and sysenter_flags_clean: handle_kernel_exception resumes them. The user's TF
# stays in the frame's RFLAGS, so the user sees its single step after the call, as on Linux.
.globl sysenter_entry
sysenter_entry:
    push $USER_DS
    push %rcx
    pushfq                              # the user's flags, but IF (SYSENTER cleared it)
    push $RFLAGS_FIXED
    popfq
.globl sysenter_flags_clean
sysenter_flags_clean:
    orq $RFLAGS_IF, (%rsp)
    push $USER_CS
    push %rdx
    push %rax                           # F_ORIG_RAX
    push $ENTRY_SYSENTER
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call sysenter_from_frame
    mov current_task(%rip), %rax        # signals to deliver, or a rewritten frame: IRETQ
    cmpq $0, T_WORK(%rax)
    jne return_iret
    # SYSEXIT to a non-canonical RDX or RCX faults in ring 0, like SYSRET: take IRETQ.
    movabs $USER_TOP, %rax
    cmp %rax, F_RIP(%rsp)
    jae return_iret
    cmp %rax, F_RSP(%rsp)
    jae return_iret
    # POPFQ with TF set would trap on the SYSEXITQ itself, in ring 0.
    testl $(RFLAGS_TF | RFLAGS_RF), F_RFLAGS(%rsp)
    jnz return_iret
    RESTORE_REGS                        # RDX = RIP and RCX = RSP, as they arrived
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
