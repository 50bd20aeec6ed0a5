# Memory system calls over the regions and page tables of mm.s: brk, mmap, munmap, mprotect,
# mremap, madvise, msync, mincore. Linux's checks in Linux's order, Linux's errnos; a call that
# fails changes nothing (every step that can fail comes before the first change).

.include "defs.inc"
.include "mm.inc"

.equ PROT_SEM, 0x8
.equ MREMAP_MAYMOVE, 1
.equ MREMAP_FIXED, 2
.equ MREMAP_DONTUNMAP, 4
.equ MS_ASYNC, 1
.equ MS_INVALIDATE, 2
.equ MS_SYNC, 4
.equ MADV_DONTNEED, 4
.equ MADV_FREE, 8
.equ MADV_REMOVE, 9
.equ MADV_POPULATE_READ, 22
.equ MADV_POPULATE_WRITE, 23
.equ MADV_DONTNEED_LOCKED, 24
# The advice Linux 6.x accepts for private anonymous memory (the rest is EINVAL): 0-4, 8, 9 (then
# refused for private memory), 10-24.
.equ MADV_VALID, 0x1ffff1f
.equ BRK_MAX, 0x40000000                # 1 GiB of heap at most

.text
# page_align(%rsi = length) -> %rax: rounded up to pages (0 if that wraps)
page_align:
    lea (PAGE_SIZE - 1)(%rsi), %rax
    cmp %rsi, %rax
    jb 1f
    and $~(PAGE_SIZE - 1), %rax
    ret
1:  xor %eax, %eax
    ret

# range_free(%rdi = start, %rsi = end) -> ZF set when no region overlaps [start, end)
.globl range_free
range_free:
    push %rsi
    call vma_find
    pop %rsi
    cmp vma_count(%rip), %rax
    jae 1f
    shl $VMA_SHIFT, %rax
    cmp VMA_START(%rdx,%rax), %rsi
    ja 2f
1:  xor %eax, %eax
    ret
2:  or $1, %eax
    ret

# range_sealed(%rdi = start, %rsi = end) -> ZF clear when a sealed region (vvar, vDSO) overlaps
range_sealed:
    push %rsi
    call vma_find
    pop %rsi
    shl $VMA_SHIFT, %rax
    add %rdx, %rax
    mov vma_count(%rip), %rcx
    shl $VMA_SHIFT, %rcx
    add %rdx, %rcx
1:  cmp %rcx, %rax
    jae 8f
    cmp VMA_START(%rax), %rsi
    jbe 8f
    testb $VMA_SEALED, VMA_FLAGS(%rax)
    jnz 9f
    add $VMA_SIZE, %rax
    jmp 1b
8:  xor %eax, %eax
9:  ret

# range_mapped(%rdi = start, %rsi = end) -> %rax: 0 if regions cover [start, end) without a
# hole, else -ENOMEM
range_mapped:
    push %rsi
    call vma_find
    pop %rsi
    shl $VMA_SHIFT, %rax
    add %rdx, %rax
    mov vma_count(%rip), %rcx
    shl $VMA_SHIFT, %rcx
    add %rdx, %rcx
1:  cmp %rsi, %rdi
    jae 8f
    cmp %rcx, %rax
    jae 9f
    cmp VMA_START(%rax), %rdi
    jb 9f
    mov VMA_END(%rax), %rdi
    add $VMA_SIZE, %rax
    jmp 1b
8:  xor %eax, %eax
    ret
9:  mov $-ENOMEM, %rax
    ret

# unmap_region(%rdi = start, %rsi = end) -> %rax: 0 or -ENOMEM. [start, end) holds no region
# and no page afterwards; its frames are free.
.globl unmap_region
unmap_region:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $2, %edi
    call vma_room
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov %r12, %rsi
    call pt_split_range
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov %r12, %rsi
    mov $OP_UNMAP, %edx
    xor %ecx, %ecx
    call pt_range
    mov %rbx, %rdi
    mov %r12, %rsi
    call vma_carve
    mov %rax, %rdi
    mov %rdx, %rsi
    sub %rax, %rsi
    call vma_delete
    xor %eax, %eax
9:  POP_REGS rbx, r12
    ret

# find_gap(%rdi = length, %rsi = alignment mask) -> %rax: the highest free, aligned range of
# that length below USER_MMAP_TOP (Linux's top-down unmapped_area_topdown), or -ENOMEM.
find_gap:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %r12
    mov %rsi, %r13
    movabs $USER_MMAP_TOP, %r14         # hi
    lea -1(%r14), %rdi
    call vma_find
    mov %rax, %rbx                      # index of the region above the gap
    cmp vma_count(%rip), %rax
    jae 1f
    shl $VMA_SHIFT, %rax
    mov VMA_START(%rdx,%rax), %rax
    cmp %r14, %rax
    cmovb %rax, %r14
1:  lea vmas(%rip), %rdx
    mov $MMAP_MIN_ADDR, %ecx            # lo: the end of the region below, or mmap_min_addr
    test %rbx, %rbx
    jz 2f
    mov %rbx, %rax
    shl $VMA_SHIFT, %rax
    mov (VMA_END - VMA_SIZE)(%rdx,%rax), %rax
    cmp %rcx, %rax
    cmova %rax, %rcx
2:  mov %r14, %rax
    sub %r12, %rax
    jb 3f
    not %r13
    and %r13, %rax
    not %r13
    cmp %rcx, %rax
    jae 9f
3:  test %rbx, %rbx
    jz 8f
    dec %rbx
    mov %rbx, %rax
    shl $VMA_SHIFT, %rax
    mov VMA_START(%rdx,%rax), %r14
    jmp 1b
8:  mov $-ENOMEM, %rax
9:  POP_REGS rbx, r12, r13, r14
    ret

# new_region(%rdi = start, %rsi = end, %rdx = flags, %rcx = backing): a region where there is
# none, merged with compatible neighbours. The caller has checked vma_room.
.globl new_region
new_region:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rcx, %r14
    call vma_find
    push %rax
    mov %rax, %rdi
    mov %rbx, %rsi
    mov %r12, %rdx
    mov %r13, %rcx
    mov %r14, %r8
    call vma_insert
    pop %rdi
    mov %rdi, %rsi
    call vma_merge
    POP_REGS rbx, r12, r13, r14
    ret

# brk(addr): the heap starts at the page after the program's highest segment; a break it cannot
# move to leaves it where it was (Linux returns the old break).
.globl sys_brk
sys_brk:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx                      # new break
    cmp brk_start(%rip), %rbx
    jb 8f                               # brk(0) and brk below the start: report the break
    mov brk_start(%rip), %rax
    add $BRK_MAX, %rax
    cmp %rax, %rbx
    ja 8f
    mov brk_current(%rip), %r12
    add $(PAGE_SIZE - 1), %r12
    and $~(PAGE_SIZE - 1), %r12         # old end of the heap
    lea (PAGE_SIZE - 1)(%rbx), %r13
    and $~(PAGE_SIZE - 1), %r13         # new end
    cmp %r12, %r13
    je 7f
    jb 5f
    mov %r12, %rdi                      # grow: free up to a guard page past the new end
    lea PAGE_SIZE(%r13), %rsi
    call range_free
    jnz 8f
    mov %r13, %rdi
    sub %r12, %rdi
    call vm_enough_memory
    test %rax, %rax
    jnz 8f
    mov $1, %edi
    call vma_room
    test %rax, %rax
    jnz 8f
    mov %r12, %rdi
    mov %r13, %rsi
    mov $(PROT_READ | PROT_WRITE | VMA_ACCOUNT | KIND_HEAP), %edx
    xor %ecx, %ecx
    call new_region
    jmp 7f
5:  mov %r13, %rdi                      # shrink
    mov %r12, %rsi
    call unmap_region
    test %rax, %rax
    jnz 8f
7:  mov %rbx, brk_current(%rip)
8:  mov brk_current(%rip), %rax
    POP_REGS rbx, r12, r13
    ret

# mmap(addr, length, prot, flags, fd, offset): anonymous memory; a file descriptor cannot be
# mapped (the console has no mmap: ENODEV).
.globl sys_mmap
sys_mmap:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx                      # address
    mov %ecx, %r15d                     # flags
    test $(PAGE_SIZE - 1), %r9d
    jnz 6f
    test $MAP_ANONYMOUS, %r15d
    jz 80f
    test %rsi, %rsi
    jz 6f
    mov %r15d, %eax
    and $MAP_TYPE, %eax
    cmp $MAP_SHARED, %eax
    je 1f
    cmp $MAP_PRIVATE, %eax
    je 1f
    cmp $MAP_SHARED_VALIDATE, %eax
    jne 6f
    test $~MAP_KNOWN, %r15d
    jnz 81f
1:  call page_align
    test %rax, %rax
    jz 5f
    mov %rax, %r12                      # length
    movabs $USER_TOP, %rcx
    cmp %rcx, %r12
    ja 5f
    and $VMA_PROT_MASK, %edx
    mov %r15d, %eax
    and $MAP_TYPE, %eax
    cmp $MAP_PRIVATE, %eax
    je 11f
    or $VMA_SHARED, %edx
11: mov %edx, %r13d                     # region flags: PROT_*, then the rest
    test $MAP_NORESERVE, %r15d
    jz 2f
    or $VMA_NORESERVE, %r13d
    jmp 3f
2:  test $PROT_WRITE, %r13d             # private writable memory is charged (heuristic overcommit)
    jz 3f
    or $VMA_ACCOUNT, %r13d
    mov %r12, %rdi
    call vm_enough_memory
    test %rax, %rax
    jnz 9f
3:  mov $2, %edi
    call vma_room
    test %rax, %rax
    jnz 9f
    test $(MAP_FIXED | MAP_FIXED_NOREPLACE), %r15d
    jz 20f
    test $(PAGE_SIZE - 1), %ebx         # a fixed address
    jnz 6f
    mov %rbx, %r14
    add %r12, %r14                      # end
    jc 5f
    movabs $USER_TOP, %rax
    cmp %rax, %r14
    ja 5f
    cmp $MMAP_MIN_ADDR, %rbx
    jb 4f
    mov %rbx, %rdi
    mov %r14, %rsi
    test $MAP_FIXED_NOREPLACE, %r15d
    jz 10f
    call range_free
    jnz 7f
    jmp 30f
10: call range_sealed
    jnz 6f
    mov %rbx, %rdi                      # MAP_FIXED replaces what was there
    mov %r14, %rsi
    call unmap_region
    test %rax, %rax
    jnz 9f
    jmp 30f
20: mov $(PAGE_SIZE - 1), %esi          # a hint is taken when it is free; else the highest gap
    cmp $(LARGE_PAGE_SIZE), %r12        # (2 MiB aligned for large pages, as THP's placement)
    jb 21f
    mov $(LARGE_PAGE_SIZE - 1), %esi
21: add $(PAGE_SIZE - 1), %rbx
    jc 22f
    and $~(PAGE_SIZE - 1), %rbx
    cmp $MMAP_MIN_ADDR, %rbx
    jb 22f
    mov %rbx, %r14
    add %r12, %r14
    jc 22f
    movabs $USER_TOP, %rax
    cmp %rax, %r14
    ja 22f
    push %rsi
    mov %rbx, %rdi
    mov %r14, %rsi
    call range_free
    pop %rsi
    jz 30f
22: mov %r12, %rdi
    call find_gap
    test %rax, %rax
    js 9f
    mov %rax, %rbx
    lea (%rbx,%r12), %r14
30: mov %rbx, %rdi
    mov %r14, %rsi
    mov %r13, %rdx                      # KIND_ANON is 0
    xor %ecx, %ecx
    call new_region
    mov %rbx, %rax
    jmp 9f
4:  mov $-EPERM, %rax
    jmp 9f
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  mov $-EEXIST, %rax
    jmp 9f
81: mov $-ENOTSUP, %rax
    jmp 9f
80: mov %r8, %rdi                       # a file mapping: the descriptor cannot be mapped
    call file_mmap
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# munmap(addr, length)
.globl sys_munmap
sys_munmap:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    test $(PAGE_SIZE - 1), %edi
    jnz 6f
    call page_align
    test %rax, %rax
    jz 6f
    movabs $USER_TOP, %rcx
    cmp %rcx, %rbx
    ja 6f
    sub %rbx, %rcx
    cmp %rcx, %rax
    ja 6f
    lea (%rbx,%rax), %r12
    mov %rbx, %rdi
    mov %r12, %rsi
    call range_sealed
    jnz 6f
    mov %rbx, %rdi
    mov %r12, %rsi
    call unmap_region
    jmp 9f
6:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12
    ret

# mprotect(addr, len, prot): the whole range must be mapped; regions are split at its ends.
.globl sys_mprotect
sys_mprotect:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %edx, %r13d
    test $(PAGE_SIZE - 1), %edi
    jnz 6f
    xor %eax, %eax
    test %rsi, %rsi
    jz 9f
    call page_align
    test %rax, %rax
    jz 5f
    lea (%rbx,%rax), %r12               # end
    cmp %rbx, %r12
    jbe 5f
    test $~(VMA_PROT_MASK | PROT_SEM), %r13d
    jnz 6f
    and $VMA_PROT_MASK, %r13d
    # Check every region first: a hole is ENOMEM, a special mapping refuses what it may not get.
    mov %rbx, %rdi
    call vma_find
    shl $VMA_SHIFT, %rax
    lea (%rdx,%rax), %r14
    xor %r15d, %r15d                    # bytes newly charged
    mov %rbx, %rdi                      # covered up to here
1:  cmp %r12, %rdi
    jae 4f
    mov vma_count(%rip), %rax
    shl $VMA_SHIFT, %rax
    lea vmas(%rip), %rdx
    add %rdx, %rax
    cmp %rax, %r14
    jae 5f
    cmp VMA_START(%r14), %rdi
    jb 5f
    mov VMA_FLAGS(%r14), %rcx
    test $VMA_NOMAYWRITE, %cl           # vvar: no VM_MAYWRITE, no VM_MAYEXEC
    jz 2f
    test $(PROT_WRITE | PROT_EXEC), %r13d
    jnz 61f
2:  test $VMA_SEALED, %cl
    jz 3f
    mov %ecx, %eax
    and $VMA_PROT_MASK, %eax
    cmp %r13d, %eax
    jne 6f
3:  test $PROT_WRITE, %r13d             # newly writable private memory is charged
    jz 31f
    test $(PROT_WRITE | VMA_ACCOUNT | VMA_NORESERVE), %ecx
    jnz 31f
    mov VMA_END(%r14), %rax
    cmp %r12, %rax
    cmova %r12, %rax
    sub %rdi, %rax
    add %rax, %r15
31: mov VMA_END(%r14), %rdi
    add $VMA_SIZE, %r14
    jmp 1b
4:  test %r15, %r15
    jz 41f
    mov %r15, %rdi
    call vm_enough_memory
    test %rax, %rax
    jnz 9f
41: mov $2, %edi
    call vma_room
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov %r12, %rsi
    call pt_split_range
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi                      # nothing can fail from here
    mov %r12, %rsi
    call vma_carve
    mov %rax, %r14                      # first
    mov %rdx, %r15                      # past the last
    lea vmas(%rip), %rcx
    mov %r14, %rdx
42: cmp %r15, %rdx
    jae 44f
    mov %rdx, %rax
    shl $VMA_SHIFT, %rax
    mov VMA_FLAGS(%rcx,%rax), %rsi
    test $PROT_WRITE, %r13d
    jz 43f
    test $(PROT_WRITE | VMA_NORESERVE), %esi
    jnz 43f
    or $VMA_ACCOUNT, %rsi
43: and $~VMA_PROT_MASK, %rsi
    or %r13, %rsi
    mov %rsi, VMA_FLAGS(%rcx,%rax)
    inc %rdx
    jmp 42b
44: mov %r13d, %edi
    call user_pte_flags
    mov %rax, %rcx
    mov %rbx, %rdi
    mov %r12, %rsi
    mov $OP_PROTECT, %edx
    call pt_range
    mov %r14, %rdi
    lea -1(%r15), %rsi
    call vma_merge
    xor %eax, %eax
    jmp 9f
5:  mov $-ENOMEM, %rax
    jmp 9f
61: mov $-EACCES, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# mremap(old, old_len, new_len, flags, new_addr): shrink or grow in place, or move the pages
# (their page-table entries, not their bytes) with MREMAP_MAYMOVE / MREMAP_FIXED.
.globl sys_mremap
sys_mremap:
    PUSH_REGS rbx, rbp, r12, r13, r14, r15
    sub $24, %rsp
    mov %rdi, %rbx                      # old
    mov %ecx, %r15d                     # flags
    mov %r8, %rbp                       # new address (MREMAP_FIXED)
    test $~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP), %rcx
    jnz 6f
    test $(MREMAP_FIXED | MREMAP_DONTUNMAP), %ecx
    jz 1f
    test $MREMAP_MAYMOVE, %ecx
    jz 6f
1:  test $(PAGE_SIZE - 1), %ebx
    jnz 6f
    push %rdx
    call page_align
    pop %rsi
    mov %rax, %r12                      # old length
    call page_align
    test %rax, %rax
    jz 6f
    mov %rax, %r13                      # new length
    test $MREMAP_DONTUNMAP, %r15d
    jz 2f
    cmp %r12, %r13
    jne 6f
2:  test $MREMAP_FIXED, %r15d
    jz 3f
    test $(PAGE_SIZE - 1), %ebp
    jnz 6f
    movabs $USER_TOP, %rax
    cmp %rax, %r13
    ja 6f
    sub %r13, %rax
    cmp %rax, %rbp
    ja 6f
    lea (%rbp,%r13), %rax               # the ranges may not overlap
    cmp %rbx, %rax
    jbe 3f
    lea (%rbx,%r12), %rax
    cmp %rbp, %rax
    ja 6f
3:  mov %rbx, %rdi                      # the old range: inside one region
    call vma_at
    test %rax, %rax
    jz 7f
    mov %rax, %r14
    test %r12, %r12
    jz 6f
    mov VMA_END(%r14), %rax
    sub %rbx, %rax
    cmp %rax, %r12
    ja 7f
    testb $VMA_SEALED, VMA_FLAGS(%r14)
    jz 4f
    cmp %r12, %r13                      # special mappings do not grow (VM_DONTEXPAND): EFAULT
    ja 7f
    jmp 6f
4:  mov VMA_FLAGS(%r14), %rax
    mov %rax, 0(%rsp)                   # flags
    mov VMA_BACKING(%r14), %rax
    test %rax, %rax
    jz 41f
    add %rbx, %rax
    sub VMA_START(%r14), %rax
41: mov %rax, 8(%rsp)                   # backing of the old range
    mov $4, %edi
    call vma_room
    test %rax, %rax
    jnz 9f
    cmp %r12, %r13                      # growth is charged
    jbe 42f
    testb $VMA_ACCOUNT, 0(%rsp)
    jz 42f
    mov %r13, %rdi
    sub %r12, %rdi
    call vm_enough_memory
    test %rax, %rax
    jnz 9f
42: test $MREMAP_FIXED, %r15d
    jnz 20f
    test $MREMAP_DONTUNMAP, %r15d       # always a move
    jnz 11f
    cmp %r12, %r13
    ja 10f
    lea (%rbx,%r13), %rdi               # shrink: the tail goes
    lea (%rbx,%r12), %rsi
    call unmap_region
    test %rax, %rax
    jnz 9f
    mov %rbx, %rax
    jmp 9f
10: lea (%rbx,%r12), %rdi               # grow in place when the region ends there and room follows
    cmp VMA_END(%r14), %rdi
    jne 11f
    lea (%rbx,%r13), %rsi
    movabs $USER_TOP, %rax
    cmp %rax, %rsi
    ja 11f
    call range_free
    jnz 11f
    lea (%rbx,%r13), %rax
    mov %rax, VMA_END(%r14)
    mov %rbx, %rax
    jmp 9f
11: test $MREMAP_MAYMOVE, %r15d
    jz 5f
    mov %r13, %rdi                      # a new place, congruent modulo 2 MiB for large pages
    mov $(PAGE_SIZE - 1), %esi
    xor %ebp, %ebp
    cmp $LARGE_PAGE_SIZE, %r13
    jb 12f
    mov %rbx, %rbp
    and $(LARGE_PAGE_SIZE - 1), %ebp
    add %rbp, %rdi
    mov $(LARGE_PAGE_SIZE - 1), %esi
12: call find_gap
    test %rax, %rax
    js 9f
    add %rax, %rbp
    jmp 30f
20: lea (%rbp), %rdi                    # MREMAP_FIXED: the target is replaced
    lea (%rbp,%r13), %rsi
    call range_sealed
    jnz 6f
    cmp %r12, %r13                      # a shorter new length drops the old tail first
    jae 21f
    lea (%rbx,%r13), %rdi
    lea (%rbx,%r12), %rsi
    call unmap_region
    test %rax, %rax
    jnz 9f
    mov %r13, %r12
21: mov %rbp, %rdi
    lea (%rbp,%r13), %rsi
    call unmap_region
    test %rax, %rax
    jnz 9f
30: mov %rbx, %rdi                      # move [old, old + old_len) to %rbp
    lea (%rbx,%r12), %rsi
    call pt_split_range
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    lea (%rbx,%r12), %rsi
    mov $OP_PREPARE_MOVE, %edx
    mov %rbp, %rcx
    sub %rbx, %rcx
    call pt_range
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi                      # nothing can fail from here
    lea (%rbx,%r12), %rsi
    mov $OP_MOVE, %edx
    mov %rbp, %rcx
    sub %rbx, %rcx
    call pt_range
    test $MREMAP_DONTUNMAP, %r15d
    jnz 31f
    mov %rbx, %rdi
    lea (%rbx,%r12), %rsi
    call unmap_region
31: mov %rbp, %rdi
    lea (%rbp,%r13), %rsi
    mov 0(%rsp), %rdx
    mov 8(%rsp), %rcx
    call new_region
    mov %rbp, %rax
    jmp 9f
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  mov $-EFAULT, %rax
9:  add $24, %rsp
    POP_REGS rbx, rbp, r12, r13, r14, r15
    ret

# madvise(addr, len, advice): DONTNEED and FREE give the frames back (the next touch reads
# zeros, or the backing page again); the other advice Linux accepts is a hint jvmm has no use
# for. Unmapped parts of the range: ENOMEM, after the mapped parts got the advice (as Linux).
.globl sys_madvise
sys_madvise:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %edx, %r13d                     # advice
    cmp $31, %edx
    ja 6f
    mov $MADV_VALID, %eax
    bt %edx, %eax
    jnc 6f
    test $(PAGE_SIZE - 1), %ebx
    jnz 6f
    call page_align
    test %rsi, %rsi
    jz 1f
    test %rax, %rax
    jz 6f
1:  lea (%rbx,%rax), %r12               # end
    cmp %rbx, %r12
    jb 6f
    je 8f
    xor %r15d, %r15d                    # result: ENOMEM once a hole is seen
    mov %rbx, %rdi
    call vma_find
    mov %rax, %r14                      # region index
2:  cmp %r12, %rbx
    jae 7f
    cmp vma_count(%rip), %r14
    jae 71f
    lea vmas(%rip), %rcx
    mov %r14, %rax
    shl $VMA_SHIFT, %rax
    add %rax, %rcx
    mov VMA_START(%rcx), %rax
    cmp %rax, %rbx
    jae 3f
    mov $-ENOMEM, %r15                  # a hole up to the region
    cmp %r12, %rax
    jae 7f
    mov %rax, %rbx
3:  mov VMA_FLAGS(%rcx), %rdx
    mov VMA_END(%rcx), %rsi
    cmp %r12, %rsi
    cmova %r12, %rsi                    # this region's part: [%rbx, %rsi)
    cmp $MADV_REMOVE, %r13d             # private memory: not removable
    je 6f
    cmp $MADV_POPULATE_READ, %r13d
    je 40f
    cmp $MADV_POPULATE_WRITE, %r13d
    je 40f
    cmp $MADV_DONTNEED, %r13d
    je 30f
    cmp $MADV_DONTNEED_LOCKED, %r13d
    je 30f
    cmp $MADV_FREE, %r13d
    jne 5f
    mov %edx, %eax                      # MADV_FREE: anonymous memory only
    and $VMA_KIND_MASK, %eax
    cmp $KIND_BACKED_MIN, %eax
    jae 6f
30: mov %edx, %eax
    and $VMA_KIND_MASK, %eax
    cmp $KIND_VVAR, %eax                # VM_PFNMAP
    je 6f
    push %rsi
    mov %rbx, %rdi
    call pt_split_range
    pop %rsi
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    push %rsi
    mov $OP_UNMAP, %edx
    xor %ecx, %ecx
    call pt_range
    pop %rsi
    jmp 5f
40: test $VMA_PROT_MASK, %dl            # MADV_POPULATE_*: page the part in
    jz 6f
    mov %rbx, %rdi
    push %rsi
    sub %rbx, %rsi
    xor %edx, %edx
    cmp $MADV_POPULATE_WRITE, %r13d
    sete %dl
    call user_range_ok
    pop %rsi
    test %rax, %rax
    jnz 9f
5:  mov %rsi, %rbx
    inc %r14
    jmp 2b
71: mov $-ENOMEM, %r15
7:  mov %r15, %rax
    jmp 9f
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

# msync(addr, len, flags): nothing to write back (no file is mapped); Linux's checks.
.globl sys_msync
sys_msync:
    test $~(MS_ASYNC | MS_INVALIDATE | MS_SYNC), %edx
    jnz 6f
    test $(PAGE_SIZE - 1), %edi
    jnz 6f
    mov %edx, %eax
    and $(MS_ASYNC | MS_SYNC), %eax
    cmp $(MS_ASYNC | MS_SYNC), %eax
    je 6f
    call page_align
    add %rdi, %rax
    jc 5f
    mov %rax, %rsi
    jmp range_mapped
5:  mov $-ENOMEM, %rax
    ret
6:  mov $-EINVAL, %rax
    ret

# mincore(addr, len, vec): one byte per page, 1 where a frame is present (backed pages are
# always in memory).
.globl sys_mincore
sys_mincore:
    PUSH_REGS rbx, r12, r13, r14, r15
    mov %rdi, %rbx
    mov %rdx, %r13                      # vec
    test $(PAGE_SIZE - 1), %ebx
    jnz 6f
    call page_align
    mov %rax, %r12
    add %rbx, %r12                      # end
    jc 5f
    movabs $USER_TOP, %rax
    cmp %rax, %r12
    ja 5f
    mov %r13, %rdi
    mov %r12, %rsi
    sub %rbx, %rsi
    shr $12, %rsi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov %rbx, %rdi
    mov %r12, %rsi
    call range_mapped
    test %rax, %rax
    jnz 9f
    xor %r15d, %r15d                    # the end of the current region
1:  cmp %r12, %rbx
    jae 8f
    cmp %r15, %rbx                      # a new region: its end, and whether it is backed
    jb 2f
    mov %rbx, %rdi
    call vma_at
    mov VMA_END(%rax), %r15
    mov VMA_FLAGS(%rax), %eax
    and $VMA_KIND_MASK, %eax
    cmp $KIND_BACKED_MIN, %eax
    setae %r14b
2:  mov $1, %eax
    test %r14b, %r14b
    jnz 3f
    mov %rbx, %rdi
    call pt_lookup
    test $(PTE_P | PTE_PROTNONE), %eax
    setnz %al
3:  mov %al, (%r13)
    inc %r13
    add $PAGE_SIZE, %rbx
    jmp 1b
8:  xor %eax, %eax
    jmp 9f
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  POP_REGS rbx, r12, r13, r14, r15
    ret

.section .process, "aw", @nobits
.p2align 3
.globl brk_start, brk_current
brk_start: .skip 8
brk_current: .skip 8
