# Memory system calls: brk, mmap, munmap, mprotect over the page tables of mm.s.

.include "defs.inc"

.equ PROT_READ, 1
.equ PROT_WRITE, 2
.equ PROT_EXEC, 4
.equ MAP_SHARED, 0x01
.equ MAP_PRIVATE, 0x02
.equ MAP_FIXED, 0x10
.equ MAP_ANONYMOUS, 0x20
.equ MAP_FIXED_NOREPLACE, 0x100000
.equ BRK_MAX, 0x40000000                # 1 GiB of heap at most

.text
# brk(addr): the heap starts at the page after the program's highest segment.
.globl sys_brk
sys_brk:
    push %rbx
    push %r12
    mov brk_current(%rip), %rax
    cmp brk_start(%rip), %rdi
    jb 9f                               # brk(0) and brk below the start: report the break
    mov brk_start(%rip), %rdx
    add $BRK_MAX, %rdx
    cmp %rdx, %rdi
    ja 9f
    mov %rdi, %rbx                      # new break
    mov brk_current(%rip), %r12
    add $(PAGE_SIZE - 1), %r12
    and $~(PAGE_SIZE - 1), %r12         # first page not yet mapped
    mov %rbx, %rax
    add $(PAGE_SIZE - 1), %rax
    and $~(PAGE_SIZE - 1), %rax         # first page past the new break
    cmp %r12, %rax
    jb 5f
1:  cmp %rax, %r12                      # grow
    jae 8f
    push %rax
    mov $(PROT_READ | PROT_WRITE), %edi
    call user_pte_flags
    mov %rax, %rsi
    mov %r12, %rdi
    call map_new_page
    mov %rax, %rdx
    pop %rax
    test %rdx, %rdx
    jnz 7f
    add $PAGE_SIZE, %r12
    jmp 1b
5:  cmp %rax, %r12                      # shrink: unmap [new end, old end)
    jbe 8f
    sub $PAGE_SIZE, %r12
    push %rax
    mov %r12, %rdi
    call unmap_page
    pop %rax
    jmp 5b
7:  mov %r12, %rbx                      # out of memory: the break stops where mapping stopped
    mov brk_current(%rip), %rax
    cmp %rax, %rbx
    jb 9f
8:  mov %rbx, brk_current(%rip)
    mov %rbx, %rax
9:  pop %r12
    pop %rbx
    ret

# mmap(addr, length, prot, flags, fd, offset): anonymous memory only.
.globl sys_mmap
sys_mmap:
    push %rbx
    push %r12
    push %r13
    push %r14
    test $MAP_ANONYMOUS, %ecx
    jz 8f
    test %rsi, %rsi
    jz 6f
    mov %ecx, %eax
    and $(MAP_SHARED | MAP_PRIVATE), %eax
    jz 6f
    cmp $(MAP_SHARED | MAP_PRIVATE), %eax
    je 6f
    test $(PAGE_SIZE - 1), %r9d
    jnz 6f
    mov %rsi, %r12
    add $(PAGE_SIZE - 1), %r12
    jc 5f
    and $~(PAGE_SIZE - 1), %r12         # length in pages
    mov %edx, %r13d                     # prot
    test $(MAP_FIXED | MAP_FIXED_NOREPLACE), %ecx
    jz 2f
    test $(PAGE_SIZE - 1), %edi
    jnz 6f
    mov %rdi, %rbx
    mov %rdi, %rax
    add %r12, %rax
    jc 5f
    movabs $USER_TOP, %rdx
    cmp %rdx, %rax
    ja 5f
    cmp $0x10000, %rdi                  # mmap_min_addr
    jb 4f
    test $MAP_FIXED_NOREPLACE, %ecx
    jz 3f
    mov %rbx, %rdi
    mov %r12, %rsi
    call mapped_pages
    test %rax, %rax
    jz 3f
    mov $-EEXIST, %rax
    jmp 9f
2:  mov mmap_next(%rip), %rbx           # no fixed address: below the last mapping
    sub %r12, %rbx
    jc 5f
    mov brk_start(%rip), %rax
    add $BRK_MAX, %rax
    cmp %rax, %rbx
    jb 5f
    mov %rbx, mmap_next(%rip)
3:  mov %r13d, %edi
    call user_pte_flags
    mov %rax, %r14
    xor %ecx, %ecx
1:  cmp %r12, %rcx
    jae 7f
    push %rcx
    lea (%rbx,%rcx), %rdi
    call unmap_page                     # MAP_FIXED replaces what was there
    mov (%rsp), %rcx
    lea (%rbx,%rcx), %rdi
    mov %r14, %rsi
    call map_new_page
    pop %rcx
    test %rax, %rax
    jnz 5f
    add $PAGE_SIZE, %rcx
    jmp 1b
7:  mov %rbx, %rax
    jmp 9f
4:  mov $-EPERM, %rax
    jmp 9f
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
8:  mov %r8, %rdi                       # a file mapping: the descriptor cannot be mapped
    call file_mmap
9:  pop %r14
    pop %r13
    pop %r12
    pop %rbx
    ret

# mapped_pages(%rdi = address, %rsi = length) -> %rax: how many of the range's pages are
# mapped or reserved (PROT_NONE)
mapped_pages:
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx
    lea (%rdi,%rsi), %r12
    xor %r13d, %r13d
1:  cmp %r12, %rbx
    jae 3f
    mov %rbx, %rdi
    xor %esi, %esi
    call pte_walk
    test %rax, %rax
    jz 2f
    testq $(PTE_P | PTE_RESERVED), (%rax)
    jz 2f
    inc %r13
2:  add $PAGE_SIZE, %rbx
    jmp 1b
3:  mov %r13, %rax
    pop %r13
    pop %r12
    pop %rbx
    ret

# page_range(%rdi = address, %rsi = length) -> %rax: end (page-aligned), or -EINVAL / -ENOMEM
# for an unaligned start or a range outside user memory.
page_range:
    test $(PAGE_SIZE - 1), %edi
    jnz 1f
    lea (PAGE_SIZE - 1)(%rsi), %rax
    and $~(PAGE_SIZE - 1), %rax
    add %rdi, %rax
    jc 2f
    movabs $USER_TOP, %rdx
    cmp %rdx, %rax
    ja 2f
    ret
1:  mov $-EINVAL, %rax
    ret
2:  mov $-ENOMEM, %rax
    ret

.globl sys_munmap
sys_munmap:
    push %rbx
    push %r12
    mov %rdi, %rbx
    test %rsi, %rsi
    jz 3f
    call page_range
    test %rax, %rax
    js 2f
    mov %rax, %r12
1:  cmp %r12, %rbx
    jae 4f
    mov %rbx, %rdi
    call unmap_page
    add $PAGE_SIZE, %rbx
    jmp 1b
3:  mov $-EINVAL, %rax
    jmp 2f
4:  xor %eax, %eax
2:  pop %r12
    pop %rbx
    ret

# mprotect(addr, len, prot): every page must be mapped (or reserved by PROT_NONE).
.globl sys_mprotect
sys_mprotect:
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx
    test $~(PROT_READ | PROT_WRITE | PROT_EXEC), %edx
    jnz 6f
    mov %edx, %r13d
    call page_range
    test %rax, %rax
    js 9f
    mov %rax, %r12
    mov %rbx, %rdi                      # all pages first: Linux fails without changing any
    mov %r12, %rsi
    sub %rbx, %rsi
    push %rsi
    call mapped_pages
    pop %rsi
    shr $12, %rsi
    cmp %rsi, %rax
    jne 5f
    mov %r13d, %edi
    call user_pte_flags
    mov %rax, %r13                      # new flags
1:  cmp %r12, %rbx
    jae 8f
    mov %rbx, %rdi
    xor %esi, %esi
    call pte_walk
    mov (%rax), %rdx
    movabs $PTE_ADDR_MASK, %rcx
    and %rcx, %rdx                      # the frame (0 for a reserved page)
    test $PTE_P, %r13b
    jz 3f
    test %rdx, %rdx
    jnz 3f
    mov %rbx, %rdi                      # a PROT_NONE page made accessible: give it a frame
    mov %r13, %rsi
    call map_new_page
    test %rax, %rax
    jnz 7f
    jmp 4f
3:  or %r13, %rdx
    mov %rdx, (%rax)
    invlpg (%rbx)
4:  add $PAGE_SIZE, %rbx
    jmp 1b
5:  mov $-ENOMEM, %rax
    jmp 9f
6:  mov $-EINVAL, %rax
    jmp 9f
7:  mov $-ENOMEM, %rax
    jmp 9f
8:  xor %eax, %eax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

.section .data
.p2align 3
.globl mmap_next
mmap_next: .quad USER_MMAP_TOP

.section .bss
.p2align 3
.globl brk_start, brk_current
brk_start: .skip 8
brk_current: .skip 8
