# Memory: physical frames (shared after fork, counted in frame_refs), the user page tables, the
# regions (VMAs) of the current address space, address spaces themselves (fork's copy-on-write
# copy, the process area), the page-fault handler that pages memory in on first touch and copies
# shared pages on the first write, and the checks every user pointer goes through. docs/kernel.md ("Memory") describes the model.
#
# Frames: RAM above the kernel (below any module) is the pool. A frame never used arrives zeroed
# from the host and is handed out as it is. Freed frames are reused: with the jvmm page-discard
# device the kernel batches them and the VMM drops them in one exit, so they come back zeroed;
# without it (QEMU) a reused frame is cleared when it is handed out again. Only pool frames are
# ever freed or made writable: the module's pages and the kernel image's (vDSO, vvar) are mapped
# read-only and copied on write.

.include "defs.inc"
.include "mm.inc"
.include "task.inc"

.equ STACK_GUARD_GAP, 256 * PAGE_SIZE   # Linux's stack_guard_gap
.equ FAULT_AROUND, 0x10000              # 64 KiB: anonymous pages mapped per fault
.equ FRAME_DIRTY, 0x80000000            # free-stack entry: the frame holds old data

.text
# mm_init(%rdi = first free physical address, %rsi = end of free physical memory): the free
# stacks (one u32 frame number per frame) come first, the pool after them.
.globl mm_init
mm_init:
    add $(PAGE_SIZE - 1), %rdi
    and $~(PAGE_SIZE - 1), %rdi
    and $~(PAGE_SIZE - 1), %rsi
    mov %rsi, %r8
    sub %rdi, %r8
    shr $12, %r8                        # frames, before the stacks and counters take their share
    movabs $DIRECT_MAP_BASE, %rdx
    lea (%rdi,%rdx), %rcx
    mov %rcx, small_stack(%rip)
    lea (%rcx,%r8,4), %rcx
    mov %rcx, large_stack(%rip)
    mov %r8, %rax
    shr $9, %rax
    lea 4(%rcx,%rax,4), %rcx
    mov %rcx, frame_refs(%rip)          # zero, as all RAM is at boot
    lea (%rcx,%r8,2), %rcx
    sub %rdx, %rcx
    add $(PAGE_SIZE - 1), %rcx
    and $~(PAGE_SIZE - 1), %rcx
    mov %rcx, frames_start(%rip)
    mov %rcx, next_frame(%rip)
    mov %rsi, frames_end(%rip)
    xor %ecx, %ecx                      # leaf flags by PROT_* (NX known: cpu_init ran)
    lea prot_pte(%rip), %rdi
1:  xor %eax, %eax
    test %ecx, %ecx
    jz 3f
    mov $(PTE_P | PTE_U), %eax
    test $PROT_WRITE, %ecx
    jz 2f
    or $PTE_W, %eax
2:  test $PROT_EXEC, %ecx
    jnz 3f
    cmpb $0, nx_supported(%rip)
    je 3f
    movabs $PTE_NX, %rdx
    or %rdx, %rax
3:  mov %rax, (%rdi,%rcx,8)
    inc %ecx
    cmp $8, %ecx
    jb 1b
    mov $DISCARD_PORT, %dx              # an unclaimed port reads as all ones
    in %dx, %eax
    cmp $DISCARD_MAGIC, %eax
    sete discard_present(%rip)
    ret

# frame_alloc() -> %rax: physical address of a zero-filled 4 KiB frame, or 0 when none is left.
# Order: a discarded (clean) frame, a never-used one, the pending discards, then a dirty frame
# (cleared here), then a large frame broken up.
.globl frame_alloc
frame_alloc:
    mov small_count(%rip), %rcx
    test %rcx, %rcx
    jz 3f
    mov small_stack(%rip), %rdx
    mov -4(%rdx,%rcx,4), %eax
    test %eax, %eax
    js 3f                               # dirty on top: a never-used frame costs nothing
1:  dec %rcx
    mov %rcx, small_count(%rip)
2:  mov %eax, %edx
    and $0x7fffffff, %eax
    shl $12, %rax
    test %edx, %edx
    js zero_frame
    ret
3:  mov next_frame(%rip), %rax
    cmp frames_end(%rip), %rax
    jae 4f
    lea PAGE_SIZE(%rax), %rdx
    mov %rdx, next_frame(%rip)
    ret
4:  cmpq $0, discard_list(%rip)
    je 5f
    call discard_flush
    jmp frame_alloc
5:  mov small_count(%rip), %rcx
    test %rcx, %rcx
    jz 6f
    mov small_stack(%rip), %rdx
    mov -4(%rdx,%rcx,4), %eax
    jmp 1b
6:  mov large_count(%rip), %rcx         # break up a large frame: 511 frames to the small stack
    test %rcx, %rcx
    jz 8f
    dec %rcx
    mov %rcx, large_count(%rip)
    mov large_stack(%rip), %rdx
    mov (%rdx,%rcx,4), %eax
    mov small_stack(%rip), %rdx
    mov small_count(%rip), %rcx
    mov $511, %r8d
7:  inc %eax
    mov %eax, (%rdx,%rcx,4)
    inc %rcx
    dec %r8d
    jnz 7b
    mov %rcx, small_count(%rip)
    sub $511, %eax
    jmp 2b                              # the frame itself
8:  xor %eax, %eax
    ret

# zero_frame(%rax = physical 4 KiB frame) -> %rax: the frame, cleared (512 emulated steps).
zero_frame:
    mov %rax, %rdx
    movabs $DIRECT_MAP_BASE, %rdi
    add %rax, %rdi
    mov $(PAGE_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    mov %rdx, %rax
    ret

# frame_alloc_large() -> %rax: a zero-filled 2 MiB frame (2 MiB aligned), or 0.
.globl frame_alloc_large
frame_alloc_large:
    mov large_count(%rip), %rcx
    test %rcx, %rcx
    jz 3f
    mov large_stack(%rip), %rdx
    mov -4(%rdx,%rcx,4), %eax
    test %eax, %eax
    js 3f
1:  dec %rcx
    mov %rcx, large_count(%rip)
    mov %eax, %edx
    and $0x7fffffff, %eax
    shl $12, %rax
    test %edx, %edx
    jns 9f
    mov %rax, %rdx                      # no discard device: clear it (QEMU only)
    movabs $DIRECT_MAP_BASE, %rdi
    add %rax, %rdi
    mov $(LARGE_PAGE_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    mov %rdx, %rax
    ret
3:  mov next_frame(%rip), %rax          # never-used RAM, 2 MiB aligned
    lea (LARGE_PAGE_SIZE - 1)(%rax), %r8
    and $~(LARGE_PAGE_SIZE - 1), %r8
    lea LARGE_PAGE_SIZE(%r8), %r9
    cmp frames_end(%rip), %r9
    ja 4f
    mov %r9, next_frame(%rip)
    mov small_stack(%rip), %rdx         # the frames skipped to align are clean: keep them
    mov small_count(%rip), %rcx
5:  cmp %r8, %rax
    jae 6f
    mov %rax, %rdi
    shr $12, %rdi
    mov %edi, (%rdx,%rcx,4)
    inc %rcx
    add $PAGE_SIZE, %rax
    jmp 5b
6:  mov %rcx, small_count(%rip)
    mov %r8, %rax
9:  ret
4:  cmpq $0, discard_list(%rip)
    je 7f
    call discard_flush
    jmp frame_alloc_large
7:  mov large_count(%rip), %rcx
    test %rcx, %rcx
    jz 8f
    mov large_stack(%rip), %rdx
    mov -4(%rdx,%rcx,4), %eax
    jmp 1b
8:  xor %eax, %eax
    ret

# frame_free(%rdi = physical 4 KiB frame): back to the pool (frames outside it are ignored:
# the module's and the kernel's pages are never the pool's).
.globl frame_free
frame_free:
    call frame_ref_slot
    test %rax, %rax
    jz 9f
    cmpw $0, (%rax)                     # another address space maps it still
    je 1f
    decw (%rax)
    ret
1:  cmpb $0, discard_present(%rip)
    je 5f
    mov discard_list(%rip), %rcx        # extend the last run when the frame follows it
    test %rcx, %rcx
    jz 2f
    lea discard_list(%rip), %rdx
    mov (%rdx,%rcx,8), %rax
    test $DISCARD_LARGE, %eax
    jnz 2f
    mov %eax, %r8d
    and $(DISCARD_RUN_MAX - 1), %r8d
    cmp $(DISCARD_RUN_MAX - 1), %r8d
    je 2f
    lea 1(%r8), %r9
    shl $12, %r9
    mov %rax, %r10
    and $~(PAGE_SIZE - 1), %r10
    add %r10, %r9
    cmp %rdi, %r9
    jne 2f
    inc %rax
    mov %rax, (%rdx,%rcx,8)
    incq discard_pages(%rip)
    ret
2:  mov %rdi, %rsi
    jmp discard_add
5:  shr $12, %rdi
    or $FRAME_DIRTY, %edi
    mov small_stack(%rip), %rdx
    mov small_count(%rip), %rcx
    mov %edi, (%rdx,%rcx,4)
    inc %rcx
    mov %rcx, small_count(%rip)
9:  ret

# frame_free_clean(%rdi = physical 4 KiB frame known to be all zeros: an emptied page table)
frame_free_clean:
    shr $12, %rdi
    mov small_stack(%rip), %rdx
    mov small_count(%rip), %rcx
    mov %edi, (%rdx,%rcx,4)
    inc %rcx
    mov %rcx, small_count(%rip)
    ret

# frame_free_large(%rdi = physical 2 MiB frame)
.globl frame_free_large
frame_free_large:
    call frame_ref_slot
    test %rax, %rax
    jz 9f
    cmpw $0, (%rax)
    je 1f
    decw (%rax)
    ret
1:  cmpb $0, discard_present(%rip)
    je 5f
    lea DISCARD_LARGE(%rdi), %rsi
    jmp discard_add
5:  shr $12, %rdi
    or $FRAME_DIRTY, %edi
    mov large_stack(%rip), %rdx
    mov large_count(%rip), %rcx
    mov %edi, (%rdx,%rcx,4)
    inc %rcx
    mov %rcx, large_count(%rip)
9:  ret

# ---- Shared frames ----------------------------------------------------------------------------
# After a fork both address spaces map the same frames, read-only; frame_refs counts, per pool
# frame (a 2 MiB frame at its first 4 KiB), the entries that map it beyond the first (0: one
# owner). frame_free drops a reference before it frees; a write copies a shared frame
# (cow_break) and makes a frame whose last sharer is gone writable in place.

# frame_ref_slot(%rdi = physical frame) -> %rax: the address of its counter (u16), or 0 when the
# frame is not the pool's (the module's, the kernel image's: never freed, never written).
.globl frame_ref_slot, frame_exclusive
frame_ref_slot:
    xor %eax, %eax
    cmp frames_start(%rip), %rdi
    jb 9f
    cmp frames_end(%rip), %rdi
    jae 9f
    mov %rdi, %rax
    sub frames_start(%rip), %rax
    shr $11, %rax
    add frame_refs(%rip), %rax
9:  ret

# frame_exclusive(%rdi = physical frame) -> %eax: 1 when it is a pool frame this entry alone
# maps, so it may be writable; else 0. Clobbers nothing else.
frame_exclusive:
    call frame_ref_slot
    test %rax, %rax
    jz 9f
    cmpw $0, (%rax)
    sete %al
    movzbl %al, %eax
9:  ret

# cow_break(%rdi = address, %rsi = its leaf entry's address, %edx = level (0: 4 KiB, 1: 2 MiB),
# %rcx = the leaf flags the page gets) -> %rax: 0, or VM_FAULT_OOM. For a write to a present
# read-only page of a writable region (and before a shared 2 MiB page is split): an exclusive
# pool frame just takes the flags; any other (shared after a fork, or the module's or kernel's
# backing frame) is copied into a frame of the page's own, and the old one loses this entry's
# reference.
cow_break:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %r12
    mov %rsi, %rbx
    mov %edx, %r13d
    mov %rcx, %r14
    test %r13d, %r13d
    jz 1f
    or $PTE_PS, %r14
1:  mov (%rbx), %r15
    movabs $PTE_ADDR_MASK, %rdi
    and %rdi, %r15                      # the frame
    mov %r15, %rdi
    call frame_exclusive
    test %eax, %eax
    jz 2f
    or %r15, %r14
    mov %r14, (%rbx)
    jmp 7f
2:  test %r13d, %r13d
    jnz 4f
    call frame_alloc
    mov $(PAGE_SIZE / 8), %ecx
    jmp 5f
4:  call frame_alloc_large
    mov $(LARGE_PAGE_SIZE / 8), %ecx
5:  test %rax, %rax
    jz 9f
    or %rax, %r14
    movabs $DIRECT_MAP_BASE, %rsi
    lea (%rsi,%rax), %rdi
    add %r15, %rsi
    rep movsq
    mov %r14, (%rbx)
    mov %r15, %rdi
    test %r13d, %r13d
    jnz 6f
    call frame_free
    jmp 7f
6:  call frame_free_large
7:  invlpg (%r12)
    xor %eax, %eax
    jmp 8f
9:  mov $VM_FAULT_OOM, %eax
8:  POP_REGS rbx, r12, r13, r14, r15
    ret

# discard_add(%rsi = list entry): a new entry, flushing a full batch first.
discard_add:
    cmpq $DISCARD_BATCH, discard_list(%rip)
    jb 1f
    push %rsi
    call discard_flush
    pop %rsi
1:  mov discard_list(%rip), %rcx
    inc %rcx
    mov %rcx, discard_list(%rip)
    lea discard_list(%rip), %rdx
    mov %rsi, (%rdx,%rcx,8)
    mov $1, %eax
    test $DISCARD_LARGE, %esi
    jz 2f
    mov $(LARGE_PAGE_SIZE / PAGE_SIZE), %eax
2:  add %rax, discard_pages(%rip)
    ret

# discard_flush(): one exit hands the VMM the batch; its frames come back clean.
discard_flush:
    movabs $(-KERNEL_VIRT_BASE), %rax
    lea discard_list(%rip), %rdx
    add %rdx, %rax
    mov $DISCARD_PORT, %dx
    out %eax, %dx
    lea discard_list(%rip), %rsi
    mov (%rsi), %r9                     # entries
    mov small_stack(%rip), %rdi
    mov small_count(%rip), %rcx
1:  test %r9, %r9
    jz 5f
    add $8, %rsi
    dec %r9
    mov (%rsi), %rax
    mov %eax, %r8d
    shr $12, %rax
    test $DISCARD_LARGE, %r8d
    jnz 3f
    and $(DISCARD_RUN_MAX - 1), %r8d
    add %r8d, %eax                      # highest first: the stack hands the run out ascending,
2:  mov %eax, (%rdi,%rcx,4)             # so frames freed together coalesce again
    inc %rcx
    dec %eax
    dec %r8d
    jns 2b
    jmp 1b
3:  mov large_stack(%rip), %r10
    mov large_count(%rip), %r11
    mov %eax, (%r10,%r11,4)
    incq large_count(%rip)
    jmp 1b
5:  mov %rcx, small_count(%rip)
    movq $0, discard_list(%rip)
    movq $0, discard_pages(%rip)
    ret

# phys_to_virt(%rdi = physical) -> %rax: its address in the direct map
.globl phys_to_virt
phys_to_virt:
    movabs $DIRECT_MAP_BASE, %rax
    add %rdi, %rax
    ret

# mm_total_pages() -> %rax: the pages of RAM the kernel manages for the user (sysinfo's totalram)
.globl mm_total_pages
mm_total_pages:
    mov frames_end(%rip), %rax
    sub frames_start(%rip), %rax
    shr $12, %rax
    ret

# mm_free_pages() -> %rax: the pages not in use (sysinfo's freeram)
.globl mm_free_pages
mm_free_pages:
    mov frames_end(%rip), %rax
    sub next_frame(%rip), %rax
    shr $12, %rax
    add small_count(%rip), %rax
    mov large_count(%rip), %rdx
    shl $9, %rdx
    add %rdx, %rax
    add discard_pages(%rip), %rax
    ret

# vm_enough_memory(%rdi = bytes) -> %rax: 0, or -ENOMEM for more than RAM (Linux's heuristic
# overcommit, vm.overcommit_memory = 0 with no swap: one request larger than all RAM fails).
.globl vm_enough_memory
vm_enough_memory:
    shr $12, %rdi
    call mm_total_pages
    cmp %rax, %rdi
    mov $0, %eax
    jbe 1f
    mov $-ENOMEM, %rax
1:  ret

# ---- Page tables ----------------------------------------------------------------------------
# pt_entry(%rdi = address, %esi = level: 0 the 4 KiB entry, 1 the 2 MiB one, %edx = create)
# -> %rax: the entry's address (direct map), or 0 if a table is missing (not created, or no
# frame for it) or a large page covers the address above that level.
.globl pt_entry
pt_entry:
    push %rbx
    mov %cr3, %rbx
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rbx
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rbx                      # the PML4
    lea (%rsi,%rsi,8), %esi
    add $12, %esi                       # the level's shift
    mov $39, %ecx
1:  mov %rdi, %rax
    shr %cl, %rax
    and $511, %eax
    lea (%rbx,%rax,8), %rbx
    cmp %esi, %ecx
    je 8f
    mov (%rbx), %rax
    test $PTE_P, %al
    jz 3f
    test $PTE_PS, %al
    jnz 7f
2:  movabs $PTE_ADDR_MASK, %r8
    and %r8, %rax
    movabs $DIRECT_MAP_BASE, %rbx
    add %rax, %rbx
    sub $9, %ecx
    jmp 1b
3:  test %rax, %rax                     # a PROT_NONE large page
    jnz 7f
    test %edx, %edx
    jz 7f
    PUSH_REGS rcx, rdx, rsi, rdi
    call frame_alloc
    POP_REGS rcx, rdx, rsi, rdi
    test %rax, %rax
    jz 7f
    or $TABLE_FLAGS, %rax
    mov %rax, (%rbx)
    jmp 2b
7:  xor %ebx, %ebx
8:  mov %rbx, %rax
    pop %rbx
    ret

# map_kernel_page(%rdi = kernel address, %rsi = the entry: physical address | flags) -> %rax:
# 0, or -ENOMEM when no frame is left for a table. For the kernel's own device windows.
.globl map_kernel_page
map_kernel_page:
    PUSH_REGS rdi, rsi
    xor %esi, %esi
    mov $1, %edx
    call pt_entry
    POP_REGS rdi, rsi
    test %rax, %rax
    jz 1f
    mov %rsi, (%rax)
    invlpg (%rdi)
    xor %eax, %eax
    ret
1:  mov $-ENOMEM, %rax
    ret

# pt_lookup(%rdi = address) -> %rax: the leaf entry mapping it (4 KiB or 2 MiB), or 0;
# %edx = its level (0 or 1). pt_lookup_in: in the address space whose PML4 is %rsi (physical).
.globl pt_lookup
pt_lookup:
    mov %cr3, %rsi
pt_lookup_in:
    movabs $PTE_ADDR_MASK, %r8
    and %r8, %rsi
    movabs $DIRECT_MAP_BASE, %r9
    mov $39, %ecx
1:  mov %rdi, %rax
    shr %cl, %rax
    and $511, %eax
    add %r9, %rsi
    mov (%rsi,%rax,8), %rax
    cmp $12, %ecx
    je 3f
    test $PTE_PS, %al
    jnz 2f
    test $PTE_P, %al
    jz 4f
    mov %rax, %rsi
    and %r8, %rsi
    sub $9, %ecx
    jmp 1b
2:  mov $1, %edx
    ret
3:  xor %edx, %edx
    ret
4:  xor %eax, %eax
    ret

# process_read(%rdi = process, %rsi = kernel destination, %rdx = address in its address space
# (user memory or its process area), %rcx = length) -> %rax: the bytes copied, which stop at the
# first page that is not present (or at once for a process whose address space is gone). For
# /proc/PID's files, which read another process's memory as Linux's access_remote_vm.
.globl process_read
process_read:
    PUSH_REGS rbx, r12, r13, r14, r15
    xor %ebx, %ebx                      # copied
    mov P_CR3(%rdi), %r15
    test %r15, %r15
    jz 8f
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rcx, %r14
1:  test %r14, %r14
    jz 8f
    mov %r13, %rdi
    mov %r15, %rsi
    call pt_lookup_in
    test $PTE_P, %al
    jz 8f
    movabs $PTE_ADDR_MASK, %rsi
    and %rax, %rsi
    mov $(PAGE_SIZE - 1), %ecx          # the offset's mask: a 4 KiB page's or a 2 MiB one's
    test %edx, %edx
    jz 2f
    mov $(LARGE_PAGE_SIZE - 1), %ecx
    mov %rcx, %rax
    not %rax
    and %rax, %rsi
2:  mov %r13, %rax
    and %rcx, %rax
    add %rax, %rsi
    lea 1(%rcx), %rdx
    sub %rax, %rdx                      # the rest of the page
    cmp %r14, %rdx
    cmova %r14, %rdx
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rsi
    mov %r12, %rdi
    add %rdx, %r12
    add %rdx, %r13
    add %rdx, %rbx
    sub %rdx, %r14
    call memcpy
    jmp 1b
8:  mov %rbx, %rax
    POP_REGS rbx, r12, r13, r14, r15
    ret

# pt_split(%rdi = address of a 2 MiB leaf entry) -> %rax: 0, or -ENOMEM. The same translation,
# by a new table of 512 small entries (so that part of it can change).
pt_split:
    push %rdi
    mov (%rdi), %rdi                    # shared after a fork: the page gets its own copy first,
    movabs $PTE_ADDR_MASK, %rax         # since frame_refs counts a 2 MiB frame as one
    and %rax, %rdi
    call frame_ref_slot
    test %rax, %rax
    jz 2f
    cmpw $0, (%rax)
    je 2f
    mov (%rsp), %rsi
    mov (%rsi), %rcx
    movabs $(~PTE_ADDR_MASK & ~PTE_PS & ~PTE_W), %rax
    and %rax, %rcx
    xor %edi, %edi
    mov $1, %edx
    call cow_break
    test %eax, %eax
    jnz 8f
    mov %cr3, %rax                      # cow_break flushed no address of this page: all of them
    mov %rax, %cr3
2:  call frame_alloc
    pop %rdi
    test %rax, %rax
    jz 9f
    mov (%rdi), %rdx
    and $~PTE_PS, %rdx
    movabs $DIRECT_MAP_BASE, %rsi
    add %rax, %rsi
    mov $512, %ecx
1:  mov %rdx, (%rsi)
    add $8, %rsi
    add $PAGE_SIZE, %rdx
    dec %ecx
    jnz 1b
    or $TABLE_FLAGS, %rax
    mov %rax, (%rdi)
    xor %eax, %eax
    ret
8:  pop %rdi
9:  mov $-ENOMEM, %rax
    ret

# pt_split_range(%rdi = start, %rsi = end) -> %rax: 0, or -ENOMEM: pt_split_at at both ends, so
# that [start, end) covers whole leaves.
.globl pt_split_range
pt_split_range:
    push %rsi
    call pt_split_at
    pop %rdi
    test %rax, %rax
    jz pt_split_at
    ret

# pt_split_at(%rdi = address) -> %rax: 0, or -ENOMEM. A large page across the address is split,
# so that a range starting or ending there covers whole leaves: the one step of a range
# operation that needs memory, done before anything changes.
.globl pt_split_at
pt_split_at:
    xor %eax, %eax
    test $(LARGE_PAGE_SIZE - 1), %edi
    jz 9f
    mov $1, %esi
    xor %edx, %edx
    call pt_entry
    test %rax, %rax
    jz 9f
    mov %rax, %rdi
    xor %eax, %eax
    testb $PTE_PS, (%rdi)
    jz 9f
    jmp pt_split
9:  ret

# pt_range(%rdi = start, %rsi = end, %edx = operation, %rcx = its argument) -> %rax: 0, or
# -ENOMEM (OP_PREPARE_MOVE only). Visits the present leaves of [start, end) and skips absent
# tables whole, so an empty range costs O(tables), never O(pages). Large pages across the ends
# must have been split (pt_split_at).
#   OP_UNMAP: leaves cleared, frames freed; tables the range covers wholly are freed too.
#   OP_PROTECT (argument = PTE flags, or 0 for PROT_NONE): new flags, frames kept; a frame that
#     is not the pool's, or is shared after a fork, never becomes writable (a write copies it).
#   OP_PREPARE_MOVE / OP_MOVE (argument = displacement, page-aligned): the tables at the
#     destination are created, then the leaves move there.
.globl pt_range, pt_lookup
pt_range:
    mov %edx, pt_op(%rip)
    mov %rcx, pt_arg(%rip)
    mov %rsi, %rcx
    mov %rdi, %rdx
    mov $3, %esi
    mov %cr3, %rdi
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rdi
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rdi

# pt_level(%rdi = table (direct map), %esi = level (3..0), %rdx = start, %rcx = end) -> %rax
pt_level:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %esi, %r12d
    mov %rdx, %r13
    mov %rcx, %r14
    test %esi, %esi
    jnz 1f
    cmpl $OP_UNMAP, pt_op(%rip)
    je 40f
1:  lea (%r12,%r12,8), %ecx
    add $12, %ecx                       # this level's shift
    mov %r13, %rax
    shr %cl, %rax
    and $511, %eax
    lea (%rbx,%rax,8), %rbp             # the entry
    mov $1, %r15d
    shl %cl, %r15                       # the entry's span
    mov %r13, %rax
    add %r15, %rax
    neg %r15
    and %r15, %rax                      # the end of its slot
    neg %r15
    cmp %r14, %rax
    cmova %r14, %rax
    push %rax                           # the end of this step
    mov (%rbp), %rax
    test %rax, %rax
    jz 8f                               # absent: the whole slot is skipped
    test %r12d, %r12d
    jz 5f
    test $PTE_PS, %al
    jnz 5f
2:  movabs $PTE_ADDR_MASK, %rdi
    and %rax, %rdi
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    lea -1(%r12), %esi
    mov %r13, %rdx
    mov (%rsp), %rcx
    call pt_level
    test %rax, %rax
    jnz 9f
    cmpl $OP_UNMAP, pt_op(%rip)         # an emptied table the range covers wholly goes back
    jne 8f
    mov %r15, %rax
    dec %rax
    test %rax, %r13
    jnz 8f
    mov %r13, %rax
    add %r15, %rax
    cmp (%rsp), %rax
    jne 8f
    mov (%rbp), %rdi
    movq $0, (%rbp)
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rdi
    call frame_free_clean
    jmp 8f
5:  mov pt_op(%rip), %edx               # a leaf
    cmp $OP_UNMAP, %edx
    je 10f
    cmp $OP_PROTECT, %edx
    je 20f
    cmp $OP_PREPARE_MOVE, %edx
    je 30f
    mov %r13, %rdi                      # OP_MOVE
    add pt_arg(%rip), %rdi
    mov %r12d, %esi
    mov $1, %edx
    call pt_entry
    mov (%rax), %rdi                    # an emptied table left at the destination goes back
    mov (%rbp), %rdx
    mov %rdx, (%rax)
    movq $0, (%rbp)
    invlpg (%r13)
    test %rdi, %rdi
    jz 8f
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rdi
    call frame_free_clean
    jmp 8f
10: movq $0, (%rbp)                     # OP_UNMAP
    test $PTE_P, %al
    jz 11f
    invlpg (%r13)
11: movabs $PTE_ADDR_MASK, %rdi
    and %rax, %rdi
    test %r12d, %r12d
    jnz 12f
    call frame_free
    jmp 8f
12: call frame_free_large
    jmp 8f
20: movabs $PTE_ADDR_MASK, %rdi         # OP_PROTECT
    and %rax, %rdi
    and $(PTE_PS | PTE_SHARED), %eax
    or %rdi, %rax
    mov pt_arg(%rip), %rdx
    test %rdx, %rdx
    jnz 21f
    or $PTE_PROTNONE, %rax
    jmp 23f
21: or %rdx, %rax
    test $PTE_SHARED, %eax              # shared on purpose: writable in every process
    jnz 23f
    push %rax
    call frame_exclusive                # a write to any other frame copies it
    test %eax, %eax
    pop %rax
    jnz 23f
    and $~PTE_W, %rax
23: mov %rax, (%rbp)
    invlpg (%r13)
    jmp 8f
30: test %r12d, %r12d                   # OP_PREPARE_MOVE
    jz 31f
    testl $(LARGE_PAGE_SIZE - 1), pt_arg(%rip)
    jz 31f
    mov %rbp, %rdi                      # a large page that moves by less than its size
    call pt_split
    test %rax, %rax
    jnz 9f
    mov (%rbp), %rax
    jmp 2b
31: mov %r13, %rdi
    add pt_arg(%rip), %rdi
    mov %r12d, %esi
    mov $1, %edx
    call pt_entry
    test %rax, %rax
    jz 32f
    xor %eax, %eax
    jmp 8f
32: mov $-ENOMEM, %rax
    jmp 9f
8:  pop %r13                            # the next step starts where this one ended
    cmp %r14, %r13
    jb 1b
    xor %eax, %eax
    jmp 7f
40: mov %r13, %rax                      # OP_UNMAP of 4 KiB entries: the common case, a tight loop
    shr $12, %rax
    and $511, %eax
    lea (%rbx,%rax,8), %rbp
41: mov (%rbp), %rax
    test %rax, %rax
    jz 43f
    movq $0, (%rbp)
    test $PTE_P, %al
    jz 42f
    invlpg (%r13)
42: movabs $PTE_ADDR_MASK, %rdi
    and %rax, %rdi
    call frame_free
43: add $8, %rbp
    add $PAGE_SIZE, %r13
    cmp %r14, %r13
    jb 41b
    xor %eax, %eax
    jmp 7f
9:  add $8, %rsp
7:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# user_pte_flags(%edi = PROT_* bits) -> %rax: the leaf flags for a user page with that access
# (P|U, W, NX unless PROT_EXEC), or 0 for PROT_NONE. x86 pages are always readable.
.globl user_pte_flags
user_pte_flags:
    and $VMA_PROT_MASK, %edi
    lea prot_pte(%rip), %rax
    mov (%rax,%rdi,8), %rax
    ret

# ---- Address spaces -------------------------------------------------------------------------
# A process's address space is its PML4: the user half (entries 0-255) its own, the kernel half
# shared, except entry 511, the process's own PDPT: entry 510 the kernel's page directory,
# entry 511 that of its process area (.process in kernel.ld: its regions, descriptors, limits),
# at PROCESS_AREA in every address space. fork copies the user half with every writable page
# made read-only and shared (cow_break copies it on the first write).

# area_map(%rdi = PDPT (direct map)) -> %rax: the area's page table (direct map), its pages and
# tables new frames (zeroed), linked at the PDPT's entry 511; or 0 when no frame is left (the
# frames taken so far are linked, for mm_free).
area_map:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    call frame_alloc                    # the page directory
    test %rax, %rax
    jz 9f
    or $(PTE_P | PTE_W), %rax
    mov %rax, 511 * 8(%rbx)
    and $~(PAGE_SIZE - 1), %rax
    movabs $DIRECT_MAP_BASE, %rbx
    add %rax, %rbx
    call frame_alloc                    # its one page table
    test %rax, %rax
    jz 9f
    or $(PTE_P | PTE_W), %rax
    mov %rax, (%rbx)
    and $~(PAGE_SIZE - 1), %rax
    movabs $DIRECT_MAP_BASE, %rbx
    add %rax, %rbx
    xor %r12d, %r12d
1:  call frame_alloc
    test %rax, %rax
    jz 9f
    movabs $PTE_NX, %rcx
    or %rcx, %rax
    or $(PTE_P | PTE_W), %rax
    mov %rax, (%rbx,%r12,8)
    inc %r12d
    cmp $process_area_pages, %r12d
    jb 1b
    mov %rbx, %rax
    jmp 8f
9:  xor %eax, %eax
8:  POP_REGS rbx, r12
    ret

# process_area_init() -> %rax: 0, or -ENOMEM. The first process's area, in the boot tables.
.globl process_area_init
process_area_init:
    movabs $DIRECT_MAP_BASE, %rdi
    add $boot_pdpt_kernel, %rdi
    call area_map
    test %rax, %rax
    jz 9f
    mov %cr3, %rax
    mov %rax, %cr3
    xor %eax, %eax
    ret
9:  mov $-ENOMEM, %rax
    ret

# mm_new() -> %rax: the physical address of a new PML4 with the kernel half, a process area that
# is a copy of this process's, and an empty user half; 0 when no frame is left.
.globl mm_new
mm_new:
    PUSH_REGS rbx, r12, r13
    call frame_alloc                    # the PML4
    test %rax, %rax
    jz 9f
    mov %rax, %r12
    mov %cr3, %rsi
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rsi
    movabs $DIRECT_MAP_BASE, %rbx
    add %rbx, %rsi
    lea (%rbx,%r12), %rdi
    mov %rsi, %r13
    add $(256 * 8), %rsi                # the kernel half (entry 511 replaced below)
    add $(256 * 8), %rdi
    mov $256, %ecx
    rep movsq
    call frame_alloc                    # its PDPT: the kernel's directory, and the area's
    test %rax, %rax
    jz 8f
    lea (%rbx,%r12), %rdi
    lea (PTE_P | PTE_W)(%rax), %rcx
    mov %rcx, 511 * 8(%rdi)
    mov 511 * 8(%r13), %rsi
    movabs $PTE_ADDR_MASK, %rdx
    and %rdx, %rsi
    add %rbx, %rsi
    lea (%rbx,%rax), %rdi
    mov $511, %ecx
    rep movsq
    lea (%rbx,%rax), %rdi
    call area_map
    test %rax, %rax
    jz 8f
    mov %rax, %r13                      # the area: a copy, up to the regions in use
    mov $vmas, %rdx
    mov vma_count(%rip), %rcx
    shl $VMA_SHIFT, %rcx
    add %rcx, %rdx
    movabs $PROCESS_AREA, %rsi
    sub %rsi, %rdx
    add $(PAGE_SIZE - 1), %rdx
    shr $12, %rdx                       # pages in use
1:  mov (%r13), %rdi
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rdi
    add %rbx, %rdi
    mov $(PAGE_SIZE / 8), %ecx
    rep movsq
    add $8, %r13
    dec %rdx
    jnz 1b
    mov %r12, %rax
    jmp 9f
8:  mov %r12, %rdi
    call mm_free
    xor %eax, %eax
9:  POP_REGS rbx, r12, r13
    ret

# mm_free(%rdi = PML4, physical): frees an address space whose user half is empty (mm_unmap_all
# ran in it): its process area, the area's tables, its PDPT and the PML4. Not the current one.
.globl mm_free
mm_free:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %r12
    movabs $DIRECT_MAP_BASE, %rbx
    mov 511 * 8(%rbx,%r12), %r13        # the PDPT
    test %r13, %r13
    jz 8f
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %r13
    mov 511 * 8(%rbx,%r13), %rdi        # the area's directory, table and pages
    call area_free
    mov %r13, %rdi
    call frame_free
8:  mov %r12, %rdi
    call frame_free
    POP_REGS rbx, r12, r13
    ret

# area_free(%rdi = the area's page-directory entry): its table's pages, the table, the directory.
area_free:
    PUSH_REGS rbx, r12, r13
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rdi
    jz 9f
    mov %rdi, %r13
    movabs $DIRECT_MAP_BASE, %rbx
    mov (%rbx,%r13), %r12               # the table
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %r12
    jz 8f
    add %rbx, %r12
    xor %ebx, %ebx
1:  mov (%r12,%rbx,8), %rdi
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rdi
    jz 2f
    call frame_free
2:  inc %ebx
    cmp $process_area_pages, %ebx
    jb 1b
    movabs $DIRECT_MAP_BASE, %rax
    sub %rax, %r12
    mov %r12, %rdi
    call frame_free
8:  mov %r13, %rdi
    call frame_free
9:  POP_REGS rbx, r12, r13
    ret

# mm_copy_user(%rdi = new PML4, physical) -> %rax: 0, or -ENOMEM (then the new user half holds
# what was copied, for mm_unmap_all). fork: the current user half's tables are copied; every
# leaf maps the same frame in both, which gains a reference; writable leaves of pool frames
# become read-only in both (the frame is shared until cow_break), but those of MAP_SHARED
# regions (PTE_SHARED). Frames that are not the pool's (the module's, the vDSO's, vvar's, the
# FPU area's) are mapped as they are.
.globl mm_copy_user
mm_copy_user:
    movabs $DIRECT_MAP_BASE, %rax
    lea (%rax,%rdi), %rsi
    mov %cr3, %rdi
    movabs $PTE_ADDR_MASK, %rcx
    and %rcx, %rdi
    add %rax, %rdi
    mov $3, %edx
    mov $256, %ecx
    call pt_copy
    mov %cr3, %rcx                      # the parent's leaves lost PTE_W
    mov %rcx, %cr3
    ret

# pt_copy(%rdi = table (direct map), %rsi = its copy, %edx = level (3..0), %ecx = entries)
# -> %rax: 0, or -ENOMEM.
pt_copy:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rsi, %rbp
    mov %edx, %r12d
    mov %ecx, %r13d
    xor %r14d, %r14d
1:  mov (%rbx,%r14,8), %r15
    test %r15, %r15
    jz 5f
    test %r12d, %r12d                   # a leaf: level 0, or a large page (present or not)
    jz 3f
    test $PTE_PS, %r15b
    jnz 3f
    call frame_alloc                    # a table below: a copy of it
    test %rax, %rax
    jz 8f
    mov %r15, %rcx
    and $0xfff, %ecx                    # the table entry's flags
    or %rax, %rcx
    mov %rcx, (%rbp,%r14,8)
    movabs $DIRECT_MAP_BASE, %rsi
    add %rax, %rsi
    movabs $PTE_ADDR_MASK, %rdi
    and %r15, %rdi
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    lea -1(%r12), %edx
    mov $512, %ecx
    call pt_copy
    test %rax, %rax
    jnz 9f
    jmp 5f
3:  movabs $PTE_ADDR_MASK, %rdi         # a leaf
    and %r15, %rdi
    call frame_ref_slot
    test %rax, %rax
    jz 4f
    incw (%rax)
    test $PTE_SHARED, %r15w             # MAP_SHARED: both keep writing the one frame
    jnz 4f
    and $~PTE_W, %r15
    mov %r15, (%rbx,%r14,8)
4:  mov %r15, (%rbp,%r14,8)
5:  inc %r14d
    cmp %r13d, %r14d
    jb 1b
    xor %eax, %eax
    jmp 9f
8:  mov $-ENOMEM, %rax
9:  POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# mm_borrow_user(%rdi = new PML4, physical): vfork: the new user half is the current one's
# tables themselves (the PML4's entries copied, nothing below them), so the child runs in its
# parent's memory, as Linux's CLONE_VM, until it execs or exits; mm_unmap_all then lets them go
# without freeing anything. The parent waits meanwhile (CLONE_VFORK).
.globl mm_borrow_user
mm_borrow_user:
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    mov %cr3, %rsi
    movabs $PTE_ADDR_MASK, %rcx
    and %rcx, %rsi
    add %rax, %rsi
    mov $256, %ecx
    rep movsq
    ret

# mm_unmap_all(): the current user half emptied (every frame and table given back), and no
# regions: a process's end, or an exec's, or a fork that failed (in the child's tables). A
# vfork child's borrowed user half is only let go: its PML4 entries cleared.
.globl mm_unmap_all
mm_unmap_all:
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
    cmpl $0, P_BORROWED(%rax)
    je 1f
    movl $0, P_BORROWED(%rax)
    mov %cr3, %rdi
    movabs $PTE_ADDR_MASK, %rcx
    and %rcx, %rdi
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    xor %eax, %eax
    mov $256, %ecx
    rep stosq
    mov %cr3, %rax                      # the parent's translations out of the TLB
    mov %rax, %cr3
    movq $0, vma_count(%rip)
    ret
1:  xor %edi, %edi
    movabs $USER_HALF_END, %rsi         # the whole half: every table goes back
    mov $OP_UNMAP, %edx
    xor %ecx, %ecx
    call pt_range
    movq $0, vma_count(%rip)
    ret

# ---- Regions ------------------------------------------------------------------------------
# vma_find(%rdi = address) -> %rax: the index of the first region that ends above the address
# (vma_count if none); %rdx = the table. Binary search.
.globl vma_find
vma_find:
    xor %eax, %eax
    mov vma_count(%rip), %rcx
    lea vmas(%rip), %rdx
1:  cmp %rcx, %rax
    jae 3f
    lea (%rax,%rcx), %r8
    shr %r8
    mov %r8, %r9
    shl $VMA_SHIFT, %r9
    cmp VMA_END(%rdx,%r9), %rdi
    jb 2f
    lea 1(%r8), %rax
    jmp 1b
2:  mov %r8, %rcx
    jmp 1b
3:  ret

# vma_insert(%rdi = index, %rsi = start, %rdx = end, %rcx = flags, %r8 = backing) -> %rax:
# 0, or -ENOMEM when the table is full.
.globl vma_insert
vma_insert:
    mov vma_count(%rip), %rax
    cmp $VMA_MAX, %rax
    jae 8f
    PUSH_REGS rsi, rdx, rcx
    lea vmas(%rip), %r9
    mov %rdi, %r10
    shl $VMA_SHIFT, %r10
    add %r9, %r10                       # the new entry
    shl $VMA_SHIFT, %rax
    add %r9, %rax                       # the end of the table
    mov %rax, %rcx
    sub %r10, %rcx
    shr $3, %rcx                        # quadwords that move up
    lea -8(%rax), %rsi
    lea (VMA_SIZE - 8)(%rax), %rdi
    std
    rep movsq
    cld
    POP_REGS rsi, rdx, rcx
    mov %rsi, VMA_START(%r10)
    mov %rdx, VMA_END(%r10)
    mov %rcx, VMA_FLAGS(%r10)
    mov %r8, VMA_BACKING(%r10)
    incq vma_count(%rip)
    xor %eax, %eax
    ret
8:  mov $-ENOMEM, %rax
    ret

# vma_delete(%rdi = index, %rsi = how many)
.globl vma_delete
vma_delete:
    test %rsi, %rsi
    jz 9f
    sub %rsi, vma_count(%rip)
    lea vmas(%rip), %r9
    shl $VMA_SHIFT, %rdi
    add %r9, %rdi                       # destination
    shl $VMA_SHIFT, %rsi
    add %rdi, %rsi                      # source
    mov vma_count(%rip), %rcx
    shl $VMA_SHIFT, %rcx
    add %r9, %rcx
    sub %rdi, %rcx
    shr $3, %rcx
    rep movsq
9:  ret

# vma_split(%rdi = index, %rsi = address strictly inside it) -> %rax: 0, or -ENOMEM
vma_split:
    lea vmas(%rip), %r9
    mov %rdi, %r10
    shl $VMA_SHIFT, %r10
    add %r9, %r10
    mov VMA_BACKING(%r10), %r8
    test %r8, %r8
    jz 1f
    add %rsi, %r8
    sub VMA_START(%r10), %r8
1:  mov VMA_END(%r10), %rdx
    mov VMA_FLAGS(%r10), %rcx
    PUSH_REGS r10, rsi
    inc %rdi
    call vma_insert
    POP_REGS r10, rsi
    test %rax, %rax
    jnz 9f
    mov %rsi, VMA_END(%r10)
9:  ret

# vma_carve(%rdi = start, %rsi = end) -> %rax = the first region inside [start, end), %rdx =
# the one after the last: regions across either end are split there. The caller has made sure
# two more regions fit (vma_room).
.globl vma_carve
vma_carve:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %r12
    mov %rsi, %r13
    call vma_find
    mov %rax, %rbx
    cmp vma_count(%rip), %rax
    jae 1f
    shl $VMA_SHIFT, %rax
    cmp VMA_START(%rdx,%rax), %r12
    jbe 1f
    mov %rbx, %rdi
    mov %r12, %rsi
    call vma_split
    inc %rbx
1:  mov %r13, %rdi
    call vma_find
    mov %rax, %rcx
    cmp vma_count(%rip), %rax
    jae 2f
    shl $VMA_SHIFT, %rax
    cmp VMA_START(%rdx,%rax), %r13
    jbe 2f
    push %rcx
    mov %rcx, %rdi
    mov %r13, %rsi
    call vma_split
    pop %rcx
    inc %rcx
2:  mov %rbx, %rax
    mov %rcx, %rdx
    POP_REGS rbx, r12, r13
    ret

# vma_room(%edi = regions wanted) -> %rax: 0, or -ENOMEM past the map count limit
.globl vma_room
vma_room:
    add vma_count(%rip), %rdi
    xor %eax, %eax
    cmp $VMA_MAX, %rdi
    jbe 1f
    mov $-ENOMEM, %rax
1:  ret

# vma_merge(%rdi = first index, %rsi = last index): neighbours in [first - 1, last + 1] with the
# same flags and (for backed kinds) contiguous backing become one region.
.globl vma_merge
vma_merge:
    test %rdi, %rdi
    jz 1f
    dec %rdi
1:  inc %rsi
    lea vmas(%rip), %r9
2:  lea 1(%rdi), %rax
    cmp %rsi, %rdi
    jae 9f
    cmp vma_count(%rip), %rax
    jae 9f
    mov %rdi, %r10
    shl $VMA_SHIFT, %r10
    add %r9, %r10                       # a
    lea VMA_SIZE(%r10), %r11            # b
    mov VMA_END(%r10), %rax
    cmp VMA_START(%r11), %rax
    jne 5f
    mov VMA_FLAGS(%r10), %rax
    cmp VMA_FLAGS(%r11), %rax
    jne 5f
    mov VMA_BACKING(%r10), %rax
    test %rax, %rax
    jz 3f
    add VMA_END(%r10), %rax
    sub VMA_START(%r10), %rax
3:  cmp VMA_BACKING(%r11), %rax
    jne 5f
    mov VMA_END(%r11), %rax
    mov %rax, VMA_END(%r10)
    PUSH_REGS rdi, rsi
    inc %rdi
    mov $1, %esi
    call vma_delete
    POP_REGS rdi, rsi
    lea vmas(%rip), %r9
    dec %rsi
    jmp 2b
5:  inc %rdi
    jmp 2b
9:  ret

# vma_at(%rdi = address) -> %rax: the region holding the address, or 0
.globl vma_at
vma_at:
    call vma_find
    cmp vma_count(%rip), %rax
    jae 1f
    shl $VMA_SHIFT, %rax
    add %rdx, %rax
    cmp VMA_START(%rax), %rdi
    jae 2f
1:  xor %eax, %eax
2:  ret

# ---- Faults -------------------------------------------------------------------------------
# handle_page_fault(%rdi = address, %rsi = error code) -> %rax: 0 when the fault is resolved
# (the access may be retried), else the SIGSEGV si_code (SEGV_MAPERR, SEGV_ACCERR), or
# VM_FAULT_OOM when no frame is left (the process is then killed with SIGKILL).
.globl handle_page_fault
handle_page_fault:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %r12
    mov %rsi, %r13
    call vma_find
    cmp vma_count(%rip), %rax
    jae 80f
    mov %rax, %rcx
    shl $VMA_SHIFT, %rcx
    lea (%rdx,%rcx), %rbx               # the region
    cmp VMA_START(%rbx), %r12
    jb 60f
1:  mov VMA_FLAGS(%rbx), %rcx           # access allowed? (Linux's access_error)
    test $VMA_PROT_MASK, %cl
    jz 81f
    test $PF_WRITE, %r13b
    jz 2f
    test $PROT_WRITE, %cl
    jz 81f
2:  test $PF_FETCH, %r13b
    jz 3f
    test $PROT_EXEC, %cl
    jz 81f
3:  mov %r12, %rdi
    mov %rbx, %rsi
    mov %r13d, %edx
    call populate
    jmp 90f
60: mov VMA_FLAGS(%rbx), %rcx           # below a stack: it grows down to the address
    and $VMA_KIND_MASK, %ecx
    cmp $KIND_STACK, %ecx
    jne 80f
    mov %r12, %rdi
    and $~(PAGE_SIZE - 1), %rdi
    mov VMA_END(%rbx), %rcx
    sub %rdi, %rcx
    cmp $USER_STACK_MAX, %rcx           # RLIMIT_STACK
    ja 80f
    lea vmas(%rip), %rcx
    cmp %rcx, %rbx
    je 61f
    mov (VMA_END - VMA_SIZE)(%rbx), %rcx
    add $STACK_GUARD_GAP, %rcx
    jc 80f
    cmp %rdi, %rcx
    ja 80f
61: mov %rdi, VMA_START(%rbx)
    jmp 1b
80: mov $SEGV_MAPERR, %eax
    jmp 90f
81: mov $SEGV_ACCERR, %eax
90: POP_REGS rbx, r12, r13
    ret

# populate(%rdi = address, %rsi = region, %edx = error code) -> %rax: 0 or VM_FAULT_OOM. The
# region allows the access; the page gets its frame: a zeroed one (a 2 MiB one where the
# region holds the whole aligned 2 MiB), the backing frame, or a copy of it for a write.
populate:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %r12
    mov %rsi, %rbx
    mov %edx, %r13d
    mov VMA_FLAGS(%rbx), %eax
    mov %eax, %ecx
    and $VMA_PROT_MASK, %ecx
    lea prot_pte(%rip), %rdx
    mov (%rdx,%rcx,8), %r14             # leaf flags
    test $VMA_SHARED, %eax
    jz 1f
    or $PTE_SHARED, %r14
1:  test $PF_PRESENT, %r13b
    jnz 30f
    and $VMA_KIND_MASK, %eax
    cmp $KIND_BACKED_MIN, %eax
    jae 20f
    mov %r12, %rdi                      # anonymous
    mov $1, %esi
    mov $1, %edx
    call pt_entry                       # the 2 MiB-level entry
    test %rax, %rax
    jz 9f
    mov %rax, %r13
    mov (%r13), %rax
    test %rax, %rax
    jnz 10f
    mov VMA_FLAGS(%rbx), %ecx
    and $VMA_KIND_MASK, %ecx
    cmp $KIND_STACK, %ecx
    je 11f
    mov %r12, %rdi                      # a large page if the region holds the aligned 2 MiB
    and $~(LARGE_PAGE_SIZE - 1), %rdi
    cmp VMA_START(%rbx), %rdi
    jb 11f
    add $LARGE_PAGE_SIZE, %rdi
    cmp VMA_END(%rbx), %rdi
    ja 11f
    call frame_alloc_large
    test %rax, %rax
    jz 11f
    or %r14, %rax
    or $PTE_PS, %rax
    mov %rax, (%r13)
    jmp 8f
11: call frame_alloc                    # a new table
    test %rax, %rax
    jz 9f
    or $TABLE_FLAGS, %rax
    mov %rax, (%r13)
10: test $PTE_PS, %al                   # a large PROT_NONE entry in an accessible region: no
    jnz 6f
    movabs $PTE_ADDR_MASK, %rdx
    and %rdx, %rax
    movabs $DIRECT_MAP_BASE, %rdx
    add %rdx, %rax
    mov %rax, %r13                      # the table
    call frame_alloc
    test %rax, %rax
    jz 9f
    or %r14, %rax
    mov %r12, %rcx
    shr $12, %rcx
    and $511, %ecx
    mov %rax, (%r13,%rcx,8)
    # Fault-around: the rest of the aligned 64 KiB block inside the region (not the stack, which
    # grows a page at a time) gets its frames now: one fault instead of up to sixteen, each of
    # which costs an exit and ~180 emulated instructions on our hosts.
    mov VMA_FLAGS(%rbx), %ecx
    and $VMA_KIND_MASK, %ecx
    cmp $KIND_STACK, %ecx
    je 8f
    mov VMA_END(%rbx), %rax
    mov VMA_START(%rbx), %rdx
    and $~(FAULT_AROUND - 1), %r12
    lea FAULT_AROUND(%r12), %rbx
    cmp %rax, %rbx
    cmova %rax, %rbx                    # end
    cmp %rdx, %r12
    cmovb %rdx, %r12                    # first page
    mov %r12, %rcx
    shr $12, %rcx
    and $511, %ecx
    lea (%r13,%rcx,8), %r13             # its entry
12: cmp %rbx, %r12
    jae 8f
    cmpq $0, (%r13)
    jne 13f
    call frame_alloc
    test %rax, %rax
    jz 8f                               # no frame to spare: the fault itself is served
    or %r14, %rax
    mov %rax, (%r13)
13: add $8, %r13
    add $PAGE_SIZE, %r12
    jmp 12b
20: mov %r12, %rsi                      # backed: the backing frame of this page
    and $~(PAGE_SIZE - 1), %rsi
    sub VMA_START(%rbx), %rsi
    add VMA_BACKING(%rbx), %rsi
    cmp $KIND_FPU, %eax
    je 25f                              # shared by every process, writable
    test $PF_WRITE, %r13b
    jz 24f
22: push %rsi                           # a private copy
    call frame_alloc
    pop %rsi
    test %rax, %rax
    jz 9f
    mov %rax, %rdx
    movabs $DIRECT_MAP_BASE, %rdi
    add %rdi, %rsi
    add %rax, %rdi
    mov $(PAGE_SIZE / 8), %ecx
    rep movsq
    mov %rdx, %rsi
    jmp 25f
24: and $~PTE_W, %r14                   # the backing frame itself, read-only
25: push %rsi
    mov %r12, %rdi
    xor %esi, %esi
    mov $1, %edx
    call pt_entry
    pop %rsi
    test %rax, %rax
    jz 9f
    or %r14, %rsi
    mov %rsi, (%rax)
    invlpg (%r12)
8:  xor %eax, %eax
    jmp 7f
6:  mov $SEGV_ACCERR, %eax
    jmp 7f
30: mov %r12, %rdi                      # a write to a present read-only page (the region
    call pt_leaf                        # allows it): copy-on-write
    test %rax, %rax
    jz 8b                               # gone meanwhile: retry
    mov (%rax), %rcx
    test $PTE_W, %cl
    jz 31f
    invlpg (%r12)                       # writable already: a stale TLB entry
    jmp 8b
31: mov %r12, %rdi
    mov %rax, %rsi
    mov %r14, %rcx
    call cow_break
    jmp 7f
9:  mov $VM_FAULT_OOM, %eax
7:  POP_REGS rbx, r12, r13, r14
    ret

# pt_leaf(%rdi = address) -> %rax: the address (direct map) of the present leaf entry mapping
# it, or 0; %edx = its level (0: 4 KiB, 1: 2 MiB).
pt_leaf:
    push %rdi
    mov $1, %esi
    xor %edx, %edx
    call pt_entry
    pop %rdi
    test %rax, %rax
    jz 9f
    mov (%rax), %rcx
    test $PTE_P, %cl
    jz 8f
    mov $1, %edx
    test $PTE_PS, %cl
    jnz 9f
    xor %esi, %esi
    xor %edx, %edx
    call pt_entry
    test %rax, %rax
    jz 9f
    testb $PTE_P, (%rax)
    jz 8f
    xor %edx, %edx
    ret
8:  xor %eax, %eax
9:  ret

# grow_stack(%rdi = user address) -> %rax: 0 if the address lies in the stack's reach (its
# region, or below it within RLIMIT_STACK) and its page is now mapped, else -EFAULT.
.globl grow_stack
grow_stack:
    push %rdi
    call vma_find
    pop %rdi
    cmp vma_count(%rip), %rax
    jae 8f
    shl $VMA_SHIFT, %rax
    mov VMA_FLAGS(%rdx,%rax), %rax
    and $VMA_KIND_MASK, %eax
    cmp $KIND_STACK, %eax
    jne 8f
    mov $(PF_WRITE | PF_USER), %esi
    call handle_page_fault
    test %rax, %rax
    jnz 8f
    ret
8:  mov $-EFAULT, %rax
    ret

# user_range_ok(%rdi = address, %rsi = length, %edx = 1 to write) -> %rax: 0 if every byte is
# user memory the process may access that way, with its pages now present (the kernel touches
# them directly: SMAP is off, and a fault in the kernel is a panic); else -EFAULT where Linux's
# copy_{from,to}_user would fail (no region, or one without that access; the stack grows as
# on a user fault), or -ENOMEM when no frame is left to page it in.
.globl user_range_ok
user_range_ok:
    test %rsi, %rsi
    jz 9f
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    add %rsi, %rbx                      # end
    jc 8f
    movabs $USER_TOP, %rax
    cmp %rax, %rbx
    ja 8f
    mov $PF_USER, %r13d
    test %edx, %edx
    jz 1f
    or $PF_WRITE, %r13d
1:  mov %rdi, %r12
    and $~(PAGE_SIZE - 1), %r12
2:  mov %r12, %rdi
    call pt_lookup
    test $PTE_P, %al
    jz 4f
    test $PF_WRITE, %r13b
    jz 3f
    test $PTE_W, %al
    jz 4f
3:  test %edx, %edx                     # present: the next page, or the next 2 MiB
    jz 31f
    or $(LARGE_PAGE_SIZE - 1), %r12
    inc %r12
    jmp 32f
31: add $PAGE_SIZE, %r12
32: cmp %rbx, %r12
    jb 2b
    xor %eax, %eax
    jmp 7f
4:  and $PTE_P, %eax                    # page it in as a user access would
    or %r13d, %eax
    mov %r12, %rdi
    mov %eax, %esi
    call handle_page_fault
    test %rax, %rax
    jz 2b
    cmp $VM_FAULT_OOM, %eax
    jne 8f
    mov $-ENOMEM, %rax
    jmp 7f
8:  mov $-EFAULT, %rax
7:  POP_REGS rbx, r12, r13
    ret
9:  xor %eax, %eax
    ret

# user_strnlen(%rdi = user string, %rsi = limit) -> %rax: its length (without the NUL), -EFAULT
# if it runs into memory the user cannot read, or -ERANGE if there is no NUL within the limit.
.globl user_strnlen
user_strnlen:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx                      # string
    mov %rsi, %r13                      # limit
    xor %r12d, %r12d                    # length
1:  mov %rbx, %rdi                      # check up to the end of the current page
    add %r12, %rdi
    mov %rdi, %rsi
    or $(PAGE_SIZE - 1), %rsi
    sub %rdi, %rsi
    inc %rsi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    add %r12, %rdi
2:  cmpb $0, (%rdi)
    je 8f
    inc %r12
    cmp %r13, %r12
    jae 7f
    inc %rdi
    test $(PAGE_SIZE - 1), %edi
    jnz 2b
    jmp 1b
7:  mov $-ERANGE, %rax
    jmp 9f
8:  mov %r12, %rax
9:  POP_REGS rbx, r12, r13
    ret

.section .bss
.p2align 3
frames_start: .skip 8
next_frame: .skip 8
frames_end: .skip 8
small_stack: .skip 8                    # u32 frame numbers (| FRAME_DIRTY), direct map
small_count: .skip 8
large_stack: .skip 8
large_count: .skip 8
discard_pages: .skip 8                  # pages waiting in discard_list
pt_op: .skip 8
pt_arg: .skip 8
discard_list: .skip 8 + DISCARD_BATCH * 8   # {count, entries}: the device reads it
discard_present: .skip 1
.p2align 3
prot_pte: .skip 8 * 8                   # user_pte_flags by PROT_* bits
frame_refs: .skip 8                     # u16 per pool frame: references beyond the first (direct map)

.section .process, "aw", @nobits
.p2align 3
.globl vma_count
vma_count: .skip 8
.section .process.vmas, "aw", @nobits
.p2align 5
.globl vmas
vmas: .skip VMA_MAX * VMA_SIZE
