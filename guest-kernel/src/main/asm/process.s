# The process: identity, limits, name, the FS and GS bases, its end.

.include "defs.inc"

.equ UTSNAME_FIELD, 65

.text
.globl sys_getpid
sys_getpid:
.globl sys_gettid
sys_gettid:
    mov $1, %eax
    ret

.globl sys_getppid
sys_getppid:
.globl sys_getuid
sys_getuid:
.globl sys_geteuid
sys_geteuid:
.globl sys_getgid
sys_getgid:
.globl sys_getegid
sys_getegid:
.globl sys_sched_yield
sys_sched_yield:
    xor %eax, %eax
    ret

.globl sys_set_tid_address
sys_set_tid_address:
    mov %rdi, clear_child_tid(%rip)
    mov $1, %eax
    ret

.globl sys_set_robust_list
sys_set_robust_list:
    cmp $24, %rsi                       # sizeof(struct robust_list_head)
    jne einval
    xor %eax, %eax
    ret

# rseq(rseq, len, flags, sig): one CPU, never preempted: cpu_id is 0 from registration on.
.globl sys_rseq
sys_rseq:
    cmp $1, %rdx                        # RSEQ_FLAG_UNREGISTER
    je 5f
    test %rdx, %rdx
    jnz einval
    cmpq $0, rseq_area(%rip)
    jne 4f
    cmp $32, %rsi
    jb einval
    test $31, %edi
    jnz einval
    push %rdi
    push %rcx
    mov $1, %edx
    call user_range_ok
    pop %rcx
    pop %rdi
    test %rax, %rax
    jnz 9f
    movq $0, (%rdi)                     # cpu_id_start, cpu_id
    mov %rdi, rseq_area(%rip)
    mov %ecx, rseq_signature(%rip)
    xor %eax, %eax
    ret
4:  cmp rseq_area(%rip), %rdi
    jne einval
    mov $-EBUSY, %rax
    ret
5:  cmp rseq_area(%rip), %rdi
    jne einval
    cmpq $0, rseq_area(%rip)
    je einval
    movq $0, rseq_area(%rip)
    xor %eax, %eax
9:  ret

# prlimit64(pid, resource, new, old)
.globl sys_prlimit64
sys_prlimit64:
    test %rdi, %rdi
    jz 1f
    cmp $1, %rdi
    jne esrch
1:  cmp $15, %rsi                       # RLIM_NLIMITS - 1
    ja einval
    push %rbx
    push %r12
    push %r13
    mov %rsi, %rbx
    shl $4, %rbx
    lea rlimits(%rip), %rax
    add %rax, %rbx                      # this resource's {cur, max}
    mov %rdx, %r12                      # new
    mov %rcx, %r13                      # old
    test %r12, %r12
    jz 2f
    mov %r12, %rdi
    mov $16, %esi
    xor %edx, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%r12), %rax
    cmp 8(%r12), %rax
    ja 6f
2:  test %r13, %r13
    jz 3f
    mov %r13, %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 9f
    mov (%rbx), %rax
    mov %rax, (%r13)
    mov 8(%rbx), %rax
    mov %rax, 8(%r13)
3:  test %r12, %r12
    jz 8f
    mov (%r12), %rax
    mov %rax, (%rbx)
    mov 8(%r12), %rax
    mov %rax, 8(%rbx)
8:  xor %eax, %eax
    jmp 9f
6:  mov $-EINVAL, %rax
9:  pop %r13
    pop %r12
    pop %rbx
    ret

.globl sys_getrlimit
sys_getrlimit:
    mov %rsi, %rcx
    mov %rdi, %rsi
    xor %edi, %edi
    xor %edx, %edx
    jmp sys_prlimit64

.globl sys_getrandom
sys_getrandom:
    test $~7, %edx                      # GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
    jnz einval
    mov $0x1ffffff, %eax                # at most 32 MiB - 1 per call, as Linux
    cmp %rax, %rsi
    cmova %rax, %rsi
    push %rbx
    push %r12
    mov %rdi, %rbx
    mov %rsi, %r12
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    mov %r12, %rsi
    call random_fill
    mov %r12, %rax
1:  pop %r12
    pop %rbx
    ret

.globl sys_uname
sys_uname:
    push %rbx
    mov %rdi, %rbx
    mov $(6 * UTSNAME_FIELD), %esi
    mov $1, %edx
    call user_range_ok
    test %rax, %rax
    jnz 1f
    mov %rbx, %rdi
    lea utsname(%rip), %rsi
    mov $(6 * UTSNAME_FIELD), %edx
    call memcpy
    xor %eax, %eax
1:  pop %rbx
    ret

.globl sys_prctl
sys_prctl:
    cmp $15, %rdi                       # PR_SET_NAME
    je 1f
    cmp $16, %rdi                       # PR_GET_NAME
    je 2f
    cmp $3, %rdi                        # PR_GET_DUMPABLE
    je 3f
    cmp $4, %rdi                        # PR_SET_DUMPABLE
    jne einval
    cmp $1, %rsi
    ja einval
    xor %eax, %eax
    ret
3:  mov $1, %eax
    ret
1:  push %rsi                           # the name: up to 15 bytes and a NUL
    mov %rsi, %rdi
    mov $16, %esi
    call user_strnlen
    pop %rsi
    cmp $-EFAULT, %rax
    je 9f
    lea process_name(%rip), %rdi
    movq $0, (%rdi)
    movq $0, 8(%rdi)
    mov $15, %edx
    test %rax, %rax
    js 4f
    mov %rax, %rdx
4:  call memcpy
    xor %eax, %eax
    ret
2:  push %rsi
    mov %rsi, %rdi
    mov $16, %esi
    mov $1, %edx
    call user_range_ok
    pop %rdi
    test %rax, %rax
    jnz 9f
    lea process_name(%rip), %rsi
    mov $16, %edx
    call memcpy
    xor %eax, %eax
9:  ret

# arch_prctl(code, addr): the FS and GS bases (the kernel never uses them itself).
.globl sys_arch_prctl
sys_arch_prctl:
    cmp $0x1002, %rdi                   # ARCH_SET_FS
    je 1f
    cmp $0x1001, %rdi                   # ARCH_SET_GS
    je 2f
    cmp $0x1003, %rdi                   # ARCH_GET_FS
    je 3f
    cmp $0x1004, %rdi                   # ARCH_GET_GS
    je 4f
    jmp einval
1:  mov $MSR_FS_BASE, %ecx
    jmp 5f
2:  mov $MSR_GS_BASE, %ecx
5:  movabs $USER_TOP, %rax              # Linux: -EPERM for a base outside user memory
    cmp %rax, %rsi
    jae eperm
    mov %rsi, %rax
    call wrmsr_rax
    xor %eax, %eax
    ret
3:  mov $MSR_FS_BASE, %ecx
    jmp 6f
4:  mov $MSR_GS_BASE, %ecx
6:  push %rsi
    push %rcx
    mov %rsi, %rdi
    mov $8, %esi
    mov $1, %edx
    call user_range_ok
    pop %rcx
    pop %rdi
    test %rax, %rax
    jnz 7f
    rdmsr
    mov %eax, (%rdi)
    mov %edx, 4(%rdi)
    xor %eax, %eax
7:  ret

.globl sys_exit
sys_exit:
.globl sys_exit_group
sys_exit_group:
    movzbl %dil, %edi
    jmp process_exit

.section .rodata
.p2align 3
utsname:
    .ascii "Linux"
    .fill UTSNAME_FIELD - 5, 1, 0
    .ascii "jvmm"
    .fill UTSNAME_FIELD - 4, 1, 0
    .ascii "6.1.0-jvmm"
    .fill UTSNAME_FIELD - 10, 1, 0
    .ascii "#1 jvmm"
    .fill UTSNAME_FIELD - 7, 1, 0
    .ascii "x86_64"
    .fill UTSNAME_FIELD - 6, 1, 0
    .ascii "(none)"
    .fill UTSNAME_FIELD - 6, 1, 0


.section .data
.p2align 3
# {rlim_cur, rlim_max} per resource; RLIM_INFINITY is all ones.
rlimits:
    .quad -1, -1                        # RLIMIT_CPU
    .quad -1, -1                        # RLIMIT_FSIZE
    .quad -1, -1                        # RLIMIT_DATA
    .quad USER_STACK_MAX, -1            # RLIMIT_STACK
    .quad 0, -1                         # RLIMIT_CORE
    .quad -1, -1                        # RLIMIT_RSS
    .quad 1, 1                          # RLIMIT_NPROC
    .quad 1024, 4096                    # RLIMIT_NOFILE
    .quad 0x800000, 0x800000            # RLIMIT_MEMLOCK
    .quad -1, -1                        # RLIMIT_AS
    .quad -1, -1                        # RLIMIT_LOCKS
    .quad 0, 0                          # RLIMIT_SIGPENDING
    .quad 0xc8000, 0xc8000              # RLIMIT_MSGQUEUE
    .quad 0, 0                          # RLIMIT_NICE
    .quad 0, 0                          # RLIMIT_RTPRIO
    .quad -1, -1                        # RLIMIT_RTTIME

.section .bss
.p2align 3
clear_child_tid: .skip 8
rseq_area: .skip 8
rseq_signature: .skip 4
process_name: .skip 16
