# The kernel's own unit tests, KUnit-style: `test=units` on the command line runs every case of
# units_table at boot (before any program: the user half is empty), reports each
# ("jvmm-kernel: unit <name> ok", or "FAILED at check <n>"), and ends the VM with the number of
# failures as its status. Each case returns 0, or the number of the check that failed. The cases
# test one subsystem from inside, where an end-to-end program cannot look: the idle loop's
# wake-up (irq.s), the timer list's order (sched.s), restart_syscall's block (signal.s), the
# fault-served paths' system-call dispatch (syscall.s), the frame references and copy-on-write
# of fork, and vfork's borrowed tables (mm.s).

.include "defs.inc"
.include "mm.inc"
.include "task.inc"

.equ TEST_ADDRESS, 0x100000000          # user memory the cases map (4 GiB: nothing else there)
.equ TEST_SHARED,  0x140000000

.text
# run_units(): never returns
.globl run_units
run_units:
    PUSH_REGS rbx, r12
    xor %r12d, %r12d                    # failures
    lea units_table(%rip), %rbx
1:  cmpq $0, (%rbx)
    je 9f
    lea msg_unit(%rip), %rdi
    call serial_puts
    mov (%rbx), %rdi
    call serial_puts
    call *8(%rbx)
    test %rax, %rax
    jnz 2f
    lea msg_ok(%rip), %rdi
    call serial_puts
    jmp 3f
2:  inc %r12d
    push %rax
    lea msg_failed(%rip), %rdi
    call serial_puts
    pop %rdi
    call serial_put_dec
    mov $'\n', %edi
    call serial_putc
3:  add $16, %rbx
    jmp 1b
9:  mov %r12d, %edi
    jmp vm_exit

# A frame with a second reference survives one frame_free and goes back with the next.
unit_frame_references:
    PUSH_REGS rbx, r12
    call mm_free_pages
    mov %rax, %r12
    call frame_alloc
    mov %rax, %rbx
    mov $1, %eax
    test %rbx, %rbx
    jz 9f
    mov %rbx, %rdi
    call frame_ref_slot
    test %rax, %rax
    mov $2, %ecx
    jz 8f
    incw (%rax)
    mov %rbx, %rdi
    call frame_exclusive
    mov $3, %ecx
    test %eax, %eax
    jnz 8f
    mov %rbx, %rdi
    call frame_free
    mov %rbx, %rdi
    call frame_exclusive
    mov $4, %ecx
    test %eax, %eax
    jz 8f
    call mm_free_pages
    inc %rax
    mov $5, %ecx
    cmp %r12, %rax
    jne 8f
    mov %rbx, %rdi
    call frame_free
    call mm_free_pages
    mov $6, %ecx
    cmp %r12, %rax
    jne 8f
    xor %eax, %eax
    jmp 9f
8:  mov %rcx, %rax
9:  POP_REGS rbx, r12
    ret

# A private page shared by a fork (a reference, read-only) is copied by a write: the writer gets
# a frame of its own with the same bytes, the shared frame loses the reference. Written again
# with no one else mapping it, the frame just becomes writable.
unit_cow_copies_a_shared_page:
    PUSH_REGS rbx, r12, r13
    movabs $TEST_ADDRESS, %rdi          # first touch: a frame of its own
    mov $(PROT_READ | PROT_WRITE), %esi
    call test_page
    mov $1, %ecx
    test %rax, %rax
    jnz 8f
    movabs $TEST_ADDRESS, %rax
    movq $0x1234, (%rax)
    call test_leaf                      # %rbx = its entry, %r12 = its frame
    mov $2, %ecx
    testb $PTE_W, (%rbx)
    jz 8f
    mov %r12, %rdi                      # as fork leaves it: shared, read-only
    call frame_ref_slot
    incw (%rax)
    andq $~PTE_W, (%rbx)
    movabs $TEST_ADDRESS, %rdi
    invlpg (%rdi)
    mov $(PF_USER | PF_WRITE | PF_PRESENT), %esi
    call handle_page_fault
    mov $3, %ecx
    test %rax, %rax
    jnz 8f
    mov %r12, %r13                      # the shared frame
    call test_leaf
    mov $4, %ecx
    cmp %r13, %r12
    je 8f                               # not copied
    testb $PTE_W, (%rbx)
    jz 8f
    mov $5, %ecx
    movabs $TEST_ADDRESS, %rax
    cmpq $0x1234, (%rax)
    jne 8f
    mov %r13, %rdi
    call frame_exclusive
    mov $6, %ecx
    test %eax, %eax
    jz 8f                               # the reference was not dropped
    andq $~PTE_W, (%rbx)                # now only this entry maps it: writable in place
    movabs $TEST_ADDRESS, %rdi
    invlpg (%rdi)
    mov $(PF_USER | PF_WRITE | PF_PRESENT), %esi
    call handle_page_fault
    mov %r12, %r13
    call test_leaf
    mov $7, %ecx
    cmp %r13, %r12
    jne 8f
    testb $PTE_W, (%rbx)
    jz 8f
    xor %eax, %eax
    jmp 9f
8:  mov %rcx, %rax
9:  push %rax
    call mm_unmap_all
    POP_REGS rbx, r12, r13, rax
    ret

# mm_copy_user makes a private page read-only and shared in both address spaces, and leaves a
# MAP_SHARED page writable in both; the copy maps the same frames.
unit_fork_shares_frames:
    PUSH_REGS rbx, r12, r13, r14, r15
    movabs $TEST_ADDRESS, %rdi
    mov $(PROT_READ | PROT_WRITE), %esi
    call test_page
    movabs $TEST_SHARED, %rdi
    mov $(PROT_READ | PROT_WRITE | VMA_SHARED), %esi
    call test_page
    call mm_new
    mov $1, %ecx
    test %rax, %rax
    jz 8f
    mov %rax, %r15                      # the copy's PML4
    mov %rax, %rdi
    call mm_copy_user
    mov $2, %ecx
    test %rax, %rax
    jnz 7f
    movabs $TEST_ADDRESS, %rdi          # here: the private page read-only, shared
    call test_leaf_at
    mov %r12, %r13
    mov $3, %ecx
    testb $PTE_W, (%rbx)
    jnz 7f
    mov %r12, %rdi
    call frame_exclusive
    mov $4, %ecx
    test %eax, %eax
    jnz 7f
    movabs $TEST_SHARED, %rdi           # the shared page writable
    call test_leaf_at
    mov %r12, %r14
    mov $5, %ecx
    testb $PTE_W, (%rbx)
    jz 7f
    mov %cr3, %rax                      # there: the same frames, the same access
    push %rax
    mov %r15, %cr3
    movabs $TEST_ADDRESS, %rdi
    call test_leaf_at
    mov $6, %ecx
    cmp %r13, %r12
    jne 6f
    testb $PTE_W, (%rbx)
    jnz 6f
    movabs $TEST_SHARED, %rdi
    call test_leaf_at
    mov $7, %ecx
    cmp %r14, %r12
    jne 6f
    testb $PTE_W, (%rbx)
    jz 6f
    xor %ecx, %ecx
6:  push %rcx                           # the copy goes, in its own address space first
    call mm_unmap_all
    POP_REGS rax, rcx
    mov %rax, %cr3
    test %ecx, %ecx
    jnz 7f
    mov %r13, %rdi                      # the frames are this address space's alone again
    call frame_exclusive
    mov $8, %ecx
    test %eax, %eax
    jz 7f
    xor %ecx, %ecx
7:                                      # (unit_vfork_borrows_tables ends here too: %ecx = the
copy_case_end:                          # failed check or 0, %r15 = the new address space)
    push %rcx
    mov %r15, %rdi
    call mm_free
    pop %rcx
8:                                      # (and here without a copy)
copy_case_unmap:
    mov %rcx, %rax
    push %rax
    call mm_unmap_all
    POP_REGS rbx, r12, r13, r14, r15, rax
    ret

# mm_borrow_user (vfork) gives the new address space the same tables: a write there is the
# parent's; letting them go (mm_unmap_all of a borrowing process) frees nothing of the parent's.
unit_vfork_borrows_tables:
    PUSH_REGS rbx, r12, r13, r14, r15
    movabs $TEST_ADDRESS, %rdi
    mov $(PROT_READ | PROT_WRITE), %esi
    call test_page
    movabs $TEST_ADDRESS, %rdi
    call test_leaf_at
    mov %rbx, %r13                      # the parent's leaf entry, and its frame
    mov %r12, %r14
    call mm_new
    mov $1, %ecx
    test %rax, %rax
    jz copy_case_unmap
    mov %rax, %r15
    mov %rax, %rdi
    call mm_borrow_user
    mov %cr3, %rax
    push %rax
    mov %r15, %cr3                      # the child's view: the very same leaf entry
    movabs $TEST_ADDRESS, %rdi
    call test_leaf_at
    mov $2, %ecx
    cmp %r13, %rbx
    jne 6f
    movabs $TEST_ADDRESS, %rax
    movq $0x766f726b, (%rax)            # the child writes
    lea init_process(%rip), %rax
    movl $1, P_BORROWED(%rax)
    call mm_unmap_all                   # and lets the tables go
    lea init_process(%rip), %rax
    mov $3, %ecx
    cmpl $0, P_BORROWED(%rax)
    jne 6f
    mov %cr3, %rax                      # its user half is empty
    movabs $PTE_ADDR_MASK, %rdx
    and %rdx, %rax
    movabs $DIRECT_MAP_BASE, %rdx
    mov $4, %ecx
    cmpq $0, (%rdx,%rax)
    jne 6f
    xor %ecx, %ecx
6:  pop %rax
    mov %rax, %cr3
    test %ecx, %ecx
    jnz 7f
    mov $5, %ecx                        # the parent's page: there, written, its frame its own
    movabs $TEST_ADDRESS, %rax
    cmpq $0x766f726b, (%rax)
    jne 7f
    mov %r14, %rdi
    call frame_exclusive
    mov $6, %ecx
    test %eax, %eax
    jz 7f
    xor %ecx, %ecx
7:  jmp copy_case_end

# test_page(%rdi = address, %esi = PROT_* and VMA_* flags) -> %rax: 0, or the fault's -errno.
# A one-page region there, touched by a write: its frame mapped.
test_page:
    push %rdi
    mov %esi, %edx
    lea PAGE_SIZE(%rdi), %rsi
    xor %ecx, %ecx
    call new_region
    pop %rdi
    mov $(PF_USER | PF_WRITE), %esi
    jmp handle_page_fault

# test_leaf() / test_leaf_at(%rdi = address): %rbx = the address's leaf entry, %r12 = its frame
test_leaf:
    movabs $TEST_ADDRESS, %rdi
test_leaf_at:
    xor %esi, %esi
    xor %edx, %edx
    call pt_entry
    mov %rax, %rbx
    mov (%rax), %r12
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %r12
    ret

# An interrupt taken on the idle HLT returns past it, any other kernel RIP where it was (the
# frames are made up); then the real thing: with a timer interrupt already due when cpu_idle
# starts, cpu_idle returns (where the timer works).
unit_idle_wakeup_before_hlt:
    sub $F_SIZE, %rsp
    lea cpu_idle(%rip), %rax
    mov %rax, F_RIP(%rsp)               # on the STI: left alone
    mov %rsp, %rdi
    call idle_hlt_skip
    lea cpu_idle(%rip), %rax
    mov $1, %ecx
    cmp %rax, F_RIP(%rsp)
    jne 9f
    incq F_RIP(%rsp)                    # on the HLT: past it
    mov %rsp, %rdi
    call idle_hlt_skip
    lea cpu_idle + 2(%rip), %rax
    mov $2, %ecx
    cmp %rax, F_RIP(%rsp)
    jne 9f
    xor %ecx, %ecx
    cmpl $TIMER_NONE, timer_mode(%rip)
    je 9f
    mov $1, %edi                        # due in 1 ns
    call timer_arm
    call clock_monotonic_ns
    mov %rax, F_RIP(%rsp)               # (a free slot)
1:  pause                               # due for a microsecond with interrupts off
    call clock_monotonic_ns
    sub F_RIP(%rsp), %rax
    cmp $1000, %rax
    jb 1b
    call cpu_idle
    xor %ecx, %ecx
9:  add $F_SIZE, %rsp
    mov %rcx, %rax
    ret

# Timers that are due expire earliest deadline first, and those due together in the order they
# were added; each expire function is called once, and the list is empty again. (Deadlines
# before 0: due whatever the clock says, which may not run yet this early in the boot.)
unit_timers_expire_in_order:
    lea unit_timers(%rip), %rdi
    movq $-10, TM_DEADLINE(%rdi)
    call unit_timer_add
    lea unit_timers + TIMER_SIZE(%rip), %rdi
    movq $-20, TM_DEADLINE(%rdi)
    call unit_timer_add
    lea unit_timers + 2 * TIMER_SIZE(%rip), %rdi
    movq $-10, TM_DEADLINE(%rdi)
    call unit_timer_add
    movq $0, unit_timers_expired(%rip)
    call wake_expired
    mov $1, %eax
    cmpq $0x020103, unit_timers_expired(%rip)   # timer 2, then 1, then 3 (a byte each, the first highest)
    jne 9f
    mov $2, %eax
    lea timers(%rip), %rcx
    cmp %rcx, timers(%rip)
    jne 9f
    xor %eax, %eax
9:  ret

unit_timer_add:
    lea unit_timer_expired(%rip), %rax
    mov %rax, TM_EXPIRE(%rdi)
    jmp timer_add

# A test timer's expire: its number (1 + its index) appended to unit_timers_expired, a byte.
unit_timer_expired:
    push %rdi
    call timer_del
    pop %rax
    lea unit_timers(%rip), %rcx
    sub %rcx, %rax
    shr $5, %rax                        # TIMER_SIZE
    inc %eax
    mov unit_timers_expired(%rip), %rcx
    shl $8, %rcx
    or %rax, %rcx
    mov %rcx, unit_timers_expired(%rip)
    ret

# restart_syscall calls what restart_block_set left, with its five arguments in their
# registers, once; a second restart_syscall finds nothing and answers -EINTR.
unit_restart_goes_on_once:
    mov $1, %edi
    mov $2, %esi
    mov $3, %edx
    mov $4, %ecx
    mov $5, %r8d
    lea unit_restart_fn(%rip), %r9
    call restart_block_set
    mov $1, %ecx
    cmp $-ERESTART_RESTARTBLOCK, %rax
    jne 9f
    call sys_restart_syscall
    mov $2, %ecx
    cmp $12345, %rax
    jne 9f
    call sys_restart_syscall
    mov $3, %ecx
    cmp $-EINTR, %rax
    jne 9f
    xor %ecx, %ecx
9:  mov %rcx, %rax
    ret

# unit_restart_fn(1, 2, 3, 4, 5) -> 12345: its arguments as decimal digits
unit_restart_fn:
    imul $10, %rdi, %rax
    add %rsi, %rax
    imul $10, %rax, %rax
    add %rdx, %rax
    imul $10, %rax, %rax
    add %rcx, %rax
    imul $10, %rax, %rax
    add %r8, %rax
    ret

# The dispatch of the paths served from faults (syscall_from_frame: SYSCALL on hosts that
# emulate kernel code, which no test machine here is) gives the handler the frame's six arguments,
# the fourth from R10, and keeps the number in F_ORIG_RAX: a MAP_FIXED mmap lands where asked,
# its munmap succeeds; a number past the table answers -ENOSYS.
unit_syscall_from_frame:
    push %rbx
    sub $F_SIZE, %rsp
    mov %rsp, %rbx
    movq $NR_MMAP, F_RAX(%rbx)
    movabs $TEST_ADDRESS, %rax
    mov %rax, F_RDI(%rbx)
    movq $PAGE_SIZE, F_RSI(%rbx)
    movq $PROT_READ, F_RDX(%rbx)
    movq $(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), F_R10(%rbx)
    movq $-1, F_R8(%rbx)
    movq $0, F_R9(%rbx)
    mov %rbx, %rdi
    call syscall_from_frame
    mov $1, %ecx
    movabs $TEST_ADDRESS, %rax
    cmp %rax, F_RAX(%rbx)
    jne 9f
    mov $2, %ecx
    cmpq $NR_MMAP, F_ORIG_RAX(%rbx)
    jne 9f
    movq $NR_MUNMAP, F_RAX(%rbx)
    mov %rax, F_RDI(%rbx)
    mov %rbx, %rdi
    call syscall_from_frame
    mov $3, %ecx
    cmpq $0, F_RAX(%rbx)
    jne 9f
    movq $NR_SYSCALLS, F_RAX(%rbx)
    mov %rbx, %rdi
    call syscall_from_frame
    mov $4, %ecx
    cmpq $-ENOSYS, F_RAX(%rbx)
    jne 9f
    xor %ecx, %ecx
9:  add $F_SIZE, %rsp
    pop %rbx
    mov %rcx, %rax
    ret

.section .rodata
.p2align 3
units_table:
    .quad name_idle_wakeup, unit_idle_wakeup_before_hlt
    .quad name_timers_in_order, unit_timers_expire_in_order
    .quad name_restart_once, unit_restart_goes_on_once
    .quad name_syscall_from_frame, unit_syscall_from_frame
    .quad name_frame_references, unit_frame_references
    .quad name_cow_copies, unit_cow_copies_a_shared_page
    .quad name_fork_shares, unit_fork_shares_frames
    .quad name_vfork_borrows, unit_vfork_borrows_tables
    .quad 0
name_idle_wakeup:      .asciz "idle.a_wakeup_due_before_hlt_ends_it"
name_timers_in_order:  .asciz "timers.due_ones_expire_by_deadline_then_as_added"
name_restart_once:     .asciz "restart.goes_on_once_with_the_blocks_arguments"
name_syscall_from_frame: .asciz "entry.a_frames_call_gets_its_six_arguments"
name_frame_references: .asciz "frames.a_reference_outlives_one_free"
name_cow_copies:       .asciz "cow.a_write_copies_a_shared_page"
name_fork_shares:      .asciz "fork.shares_frames_private_read_only_shared_writable"
name_vfork_borrows:    .asciz "vfork.borrows_the_parents_tables"
msg_unit:   .asciz "jvmm-kernel: unit "
msg_ok:     .asciz " ok\n"
msg_failed: .asciz " FAILED at check "

.section .bss
.p2align 3
unit_timers: .skip 3 * TIMER_SIZE
unit_timers_expired: .skip 8
