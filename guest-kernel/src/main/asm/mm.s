# Memory: a physical frame allocator, the page tables of the (one) address space, and the
# checks every user pointer goes through.
#
# Frames come from one range of RAM above the kernel and below any module, handed out once
# and never reused (jvmm runs one process per boot), so no frame is ever handed out twice.
# The lower half of the address space is the user's; the kernel reaches it directly (SMAP is
# off), but only after user_range_ok has walked the page tables for the whole range.

.include "defs.inc"

.text
# mm_init(%rdi = first free physical address, %rsi = end of free physical memory)
.globl mm_init
mm_init:
    add $(PAGE_SIZE - 1), %rdi
    and $~(PAGE_SIZE - 1), %rdi
    and $~(PAGE_SIZE - 1), %rsi
    mov %rdi, next_frame(%rip)
    mov %rdi, frames_start(%rip)
    mov %rsi, frames_end(%rip)
    ret

# frame_alloc() -> %rax: physical address of a zero-filled 4 KiB frame, or 0 when none is left.
# The VMM's RAM need not be zero (PVH promises nothing), so the frame is cleared here.
.globl frame_alloc
frame_alloc:
    mov next_frame(%rip), %rax
    cmp frames_end(%rip), %rax
    jae 1f
    lea PAGE_SIZE(%rax), %rdx
    mov %rdx, next_frame(%rip)
    mov %rax, %rdx
    movabs $DIRECT_MAP_BASE, %rdi
    add %rax, %rdi
    mov $(PAGE_SIZE / 8), %ecx
    xor %eax, %eax
    rep stosq
    mov %rdx, %rax
    ret
1:  xor %eax, %eax
    ret

# phys_to_virt(%rdi = physical) -> %rax: its address in the direct map
.globl phys_to_virt
phys_to_virt:
    movabs $DIRECT_MAP_BASE, %rax
    add %rdi, %rax
    ret

# pte_walk(%rdi = virtual address, %esi = create) -> %rax: the address (direct map) of the
# 4 KiB-level entry for that page, or 0 if a level is missing (and not created) or a large page
# maps it. Created intermediate tables are P|W|U: the last level alone decides access.
.globl pte_walk
pte_walk:
    push %rbx
    push %r12
    push %r13
    mov %rdi, %r12
    mov %esi, %r13d
    mov %cr3, %rbx
    movabs $PTE_ADDR_MASK, %rax
    and %rax, %rbx
    movabs $DIRECT_MAP_BASE, %rax
    add %rax, %rbx                      # %rbx = current table (virtual)
    mov $39, %ecx
1:  mov %r12, %rax
    shr %cl, %rax
    and $511, %eax
    lea (%rbx,%rax,8), %rbx             # %rbx = entry in this table
    mov (%rbx), %rax
    test $PTE_P, %al
    jnz 2f
    test %r13d, %r13d
    jz 4f
    push %rcx
    call frame_alloc
    pop %rcx
    test %rax, %rax
    jz 4f
    or $(PTE_P | PTE_W | PTE_U), %rax
    mov %rax, (%rbx)
2:  test $PTE_PS, %al
    jnz 4f
    movabs $PTE_ADDR_MASK, %rdx
    and %rdx, %rax
    movabs $DIRECT_MAP_BASE, %rbx
    add %rax, %rbx                      # next table
    sub $9, %ecx
    cmp $12, %ecx
    jne 1b
    mov %r12, %rax                      # the last level
    shr $12, %rax
    and $511, %eax
    lea (%rbx,%rax,8), %rax
    jmp 5f
4:  xor %eax, %eax
5:  pop %r13
    pop %r12
    pop %rbx
    ret

# map_page(%rdi = va, %rsi = pte value: physical address | flags) -> %rax: 0 or -ENOMEM
.globl map_page
map_page:
    push %rbx
    push %r12
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $1, %esi
    call pte_walk
    test %rax, %rax
    jz 1f
    mov %r12, (%rax)
    invlpg (%rbx)
    xor %eax, %eax
    jmp 2f
1:  mov $-ENOMEM, %rax
2:  pop %r12
    pop %rbx
    ret

# map_new_page(%rdi = va, %rsi = flags) -> %rax: 0 or -ENOMEM. A fresh zeroed frame; with flags
# that are only PTE_RESERVED (PROT_NONE) no frame is taken until mprotect asks for one.
.globl map_new_page
map_new_page:
    test $PTE_P, %sil
    jz map_page
    push %rdi
    push %rsi
    call frame_alloc
    pop %rsi
    pop %rdi
    test %rax, %rax
    jz 1f
    or %rax, %rsi
    jmp map_page
1:  mov $-ENOMEM, %rax
    ret

# unmap_page(%rdi = va): the page is no longer mapped (its frame is not reused).
.globl unmap_page
unmap_page:
    push %rbx
    mov %rdi, %rbx
    xor %esi, %esi
    call pte_walk
    test %rax, %rax
    jz 1f
    movq $0, (%rax)
    invlpg (%rbx)
1:  pop %rbx
    ret

# user_pte_flags(%edi = PROT_* bits) -> %rax: the PTE flags for a user page with that access.
# x86 pages are always readable; without NX every page is executable.
.globl user_pte_flags
user_pte_flags:
    mov $PTE_RESERVED, %eax
    test $7, %edi
    jz 2f
    mov $(PTE_P | PTE_U), %eax
    test $2, %edi                       # PROT_WRITE
    jz 1f
    or $PTE_W, %eax
1:  test $4, %edi                       # PROT_EXEC
    jnz 2f
    cmpb $0, nx_supported(%rip)
    je 2f
    movabs $PTE_NX, %rdx
    or %rdx, %rax
2:  ret

# grow_stack(%rdi = user address) -> %rax: 0 if the address lies in the stack's reach
# (RLIMIT_STACK below USER_STACK_TOP) and its page is now mapped, else -EFAULT.
.globl grow_stack
grow_stack:
    movabs $USER_STACK_TOP, %rax
    cmp %rax, %rdi
    jae 1f
    movabs $(USER_STACK_TOP - USER_STACK_MAX), %rax
    cmp %rax, %rdi
    jb 1f
    and $~(PAGE_SIZE - 1), %rdi
    push %rdi
    mov $(2 | 1), %edi                  # PROT_READ | PROT_WRITE
    call user_pte_flags
    mov %rax, %rsi
    pop %rdi
    call map_new_page
    test %rax, %rax
    jnz 1f
    ret
1:  mov $-EFAULT, %rax
    ret

# handle_page_fault(%rdi = address, %rsi = error code) -> %rax: 0 when the fault is resolved
# (the access may be retried), else the SIGSEGV si_code: SEGV_MAPERR or SEGV_ACCERR.
.globl handle_page_fault
handle_page_fault:
    test $PTE_P, %sil                   # not present: the stack may grow into it
    jnz 1f
    call grow_stack
    test %rax, %rax
    jnz 2f
    ret
1:  mov $SEGV_ACCERR, %eax
    ret
2:  mov $SEGV_MAPERR, %eax
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
    ret

# user_range_ok(%rdi = address, %rsi = length, %edx = 1 to write) -> %rax: 0 if every byte is
# user memory the process may access that way (growing the stack where Linux would), else -EFAULT.
.globl user_range_ok
user_range_ok:
    test %rsi, %rsi
    jz 9f
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx
    add %rsi, %rbx                      # end
    jc 8f
    movabs $USER_TOP, %rax
    cmp %rax, %rbx
    ja 8f
    mov %edx, %r13d
    mov %rdi, %r12
    and $~(PAGE_SIZE - 1), %r12         # page
1:  mov %r12, %rdi
    xor %esi, %esi
    call pte_walk
    test %rax, %rax
    jz 3f
    mov (%rax), %rax
    test $PTE_P, %al
    jz 3f
    test $PTE_U, %al
    jz 8f
    test %r13d, %r13d
    jz 2f
    test $PTE_W, %al
    jz 8f
2:  add $PAGE_SIZE, %r12
    cmp %rbx, %r12
    jb 1b
    xor %eax, %eax
    jmp 7f
3:  mov %r12, %rdi                      # not mapped: maybe the stack may grow there
    call grow_stack
    test %rax, %rax
    jz 2b
8:  mov $-EFAULT, %rax
7:  pop %r13
    pop %r12
    pop %rbx
    ret
9:  xor %eax, %eax
    ret

# user_strnlen(%rdi = user string, %rsi = limit) -> %rax: its length (without the NUL), -EFAULT
# if it runs into memory the user cannot read, or -ERANGE if there is no NUL within the limit.
.globl user_strnlen
user_strnlen:
    push %rbx
    push %r12
    push %r13
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
9:  pop %r13
    pop %r12
    pop %rbx
    ret

.section .bss
.p2align 3
frames_start: .skip 8
next_frame: .skip 8
frames_end: .skip 8
