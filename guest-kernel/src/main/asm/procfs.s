# /proc's generated files: each one's text is made at its first read, from the kernel's state
# then, as Linux's seq_file does; the size they stat with is 0, as on Linux. /proc/PID (stat,
# status, cmdline, comm) is made when a lookup in /proc misses or /proc is listed, for every
# process that has none yet, and goes when the process is reaped.

.include "defs.inc"
.include "file.inc"
.include "tmpfs.inc"
.include "mm.inc"
.include "task.inc"

.equ MAPS_NAME_COLUMN, 73               # Linux pads a named line's fields to this width (64-bit)

.text
# procfs_init(): /proc/uptime, meminfo, cpuinfo, stat, loadavg and mounts, /proc/self's maps,
# stat, status, cmdline and comm (after vfs_init made /proc and /proc/self)
.globl procfs_init
procfs_init:
    push %rbx
    lea proc_uptime(%rip), %rdi
    call kernel_walk_parent
    cmp $-4095, %rax
    jae 9f
    mov %rax, proc_dir(%rip)
    lea proc_files(%rip), %rbx
1:  mov (%rbx), %rdi
    test %rdi, %rdi
    jz 9f
    call kernel_walk_parent
    cmp $-4095, %rax
    jae 2f
    mov %rax, %rdi
    mov $(S_IFREG | 0444), %esi
    call make_node
    cmp $-4095, %rax
    jae 2f
    mov 8(%rbx), %rcx
    mov %rcx, N_GENERATE(%rax)
    movq $PROC_SELF, N_PROCESS(%rax)
2:  add $16, %rbx
    jmp 1b
9:  pop %rbx
    ret

# proc_read(%rdi = file, %rsi = buffer, %rdx = count, %rcx = offset pointer)
proc_read:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %rbx
    mov %rsi, %r12
    mov %rdx, %r13
    mov %rcx, %r14
    cmpq $0, FILE_TEXT(%rbx)
    jne 1f
    call frame_alloc
    test %rax, %rax
    jz 8f
    movabs $DIRECT_MAP_BASE, %rdi
    add %rax, %rdi
    mov %rdi, FILE_TEXT(%rbx)
    mov FILE_PRIVATE(%rbx), %rsi
    call *N_GENERATE(%rsi)
    test %rax, %rax
    js 6f
    mov %rax, FILE_TEXT_LEN(%rbx)
1:  mov FILE_TEXT_LEN(%rbx), %rax
    mov (%r14), %rcx
    sub %rcx, %rax
    jbe 7f
    cmp %rax, %r13
    cmova %rax, %r13
    mov %r12, %rdi
    mov %r13, %rsi
    mov $1, %edx
    call io_buffer_ok
    test %rax, %rax
    jnz 9f
    mov %r12, %rdi
    mov FILE_TEXT(%rbx), %rsi
    add (%r14), %rsi
    mov %r13, %rdx
    call memcpy
    add %r13, (%r14)
    mov %r13, %rax
    jmp 9f
6:  push %rax                           # no text (its process is gone): no frame kept either
    mov FILE_TEXT(%rbx), %rdi
    movq $0, FILE_TEXT(%rbx)
    movabs $-DIRECT_MAP_BASE, %rax
    add %rax, %rdi
    call frame_free
    pop %rax
    jmp 9f
7:  xor %eax, %eax
    jmp 9f
8:  mov $-ENOMEM, %rax
9:  POP_REGS rbx, r12, r13, r14
    ret

proc_release:
    mov FILE_TEXT(%rdi), %rax
    test %rax, %rax
    jz 1f
    push %rdi
    movabs $-DIRECT_MAP_BASE, %rdi
    add %rax, %rdi
    call frame_free
    pop %rdi
1:  jmp tmpfs_release

proc_lseek:
    mov %rsi, %rax
    cmp $1, %edx                        # SEEK_SET and SEEK_CUR; the text has no known end yet
    ja 8f
    jne 1f
    add FILE_POS(%rdi), %rax
1:  test %rax, %rax
    js 8f
    mov %rax, FILE_POS(%rdi)
    ret
8:  mov $-EINVAL, %rax
    ret

# node_in_proc(%rdi = node) -> %eax: 1 when it is /proc or below it (its parents lead there)
.globl node_in_proc
node_in_proc:
    mov proc_dir(%rip), %rcx
1:  cmp %rcx, %rdi
    je 8f
    mov N_PARENT(%rdi), %rax
    cmp %rdi, %rax                      # the root: its own parent
    je 9f
    mov %rax, %rdi
    jmp 1b
8:  mov $1, %eax
    ret
9:  xor %eax, %eax
    ret

# ---- Generators: (%rdi = page) -> %rax = length ------------------------------------------------
# "<uptime> <idle>\n", seconds with two decimals; the one CPU idles only in halts, not counted
gen_uptime:
    push %rbx
    mov %rdi, %rbx
    push %rdi
    call clock_monotonic_ns
    pop %rdi
    xor %edx, %edx
    mov $10000000, %ecx                 # centiseconds
    div %rcx
    call put_centi
    movb $' ', (%rdi)
    inc %rdi
    xor %eax, %eax
    call put_centi
    movb $'\n', (%rdi)
    lea 1(%rdi), %rax
    sub %rbx, %rax
    pop %rbx
    ret

# put_centi(%rdi = cursor, %rax = centiseconds) -> %rdi: past "S.CC"
put_centi:
    xor %edx, %edx
    mov $100, %ecx
    div %rcx
    push %rdx
    mov %rax, %rsi
    xor %edx, %edx
    call put_dec
    movb $'.', (%rdi)
    pop %rax
    xor %edx, %edx
    mov $10, %ecx
    div %rcx
    add $'0', %al
    add $'0', %dl
    mov %al, 1(%rdi)
    mov %dl, 2(%rdi)
    add $3, %rdi
    ret

# put_dec(%rdi = cursor, %rsi = value) -> %rdi: past its decimal digits
put_dec:
    sub $24, %rsp
    mov %rsi, %rax
    xor %r8d, %r8d                      # digits, least significant first
1:  mov $10, %ecx
    xor %edx, %edx
    div %rcx
    add $'0', %dl
    mov %dl, (%rsp,%r8)
    inc %r8
    test %rax, %rax
    jnz 1b
2:  dec %r8
    movzbl (%rsp,%r8), %ecx
    mov %cl, (%rdi)
    inc %rdi
    test %r8, %r8
    jnz 2b
    add $24, %rsp
    ret

# meminfo: Linux's lines busybox free and top read, in kB
gen_meminfo:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    mov %rdi, %r12                      # cursor
    call mm_total_pages
    push %rax
    call mm_free_pages
    push %rax
    call tmpfs_page_count
    push %rax
    mov 16(%rsp), %rax                  # MemTotal
    lea label_total(%rip), %rsi
    call meminfo_line
    mov 8(%rsp), %rax                   # MemFree
    lea label_free(%rip), %rsi
    call meminfo_line
    mov 8(%rsp), %rax                   # MemAvailable: free memory (file pages are tmpfs's, not reclaimable)
    lea label_available(%rip), %rsi
    call meminfo_line
    xor %eax, %eax
    lea label_buffers(%rip), %rsi
    call meminfo_line
    mov (%rsp), %rax                    # Cached: tmpfs's pages, as Linux counts shmem
    lea label_cached(%rip), %rsi
    call meminfo_line
    xor %eax, %eax
    lea label_swap_total(%rip), %rsi
    call meminfo_line
    xor %eax, %eax
    lea label_swap_free(%rip), %rsi
    call meminfo_line
    mov (%rsp), %rax
    lea label_shmem(%rip), %rsi
    call meminfo_line
    add $24, %rsp
    mov %r12, %rax
    sub %rbx, %rax
    POP_REGS rbx, r12
    ret

# meminfo_line(%r12 = cursor, %rsi = label of 16 characters, %rax = pages): "<label><kB, 8 wide> kB\n"
meminfo_line:
    push %rax
    mov %r12, %rdi
    mov $16, %edx
    call memcpy
    mov %rdi, %r12
    pop %rsi
    shl $2, %rsi                        # pages to kB
    mov %rsi, %rax
    xor %ecx, %ecx
1:  inc %ecx                            # its digits
    xor %edx, %edx
    mov $10, %r8d
    div %r8
    test %rax, %rax
    jnz 1b
    mov $8, %eax
    sub %ecx, %eax
    jle 2f
3:  movb $' ', (%r12)
    inc %r12
    dec %eax
    jnz 3b
2:  mov %r12, %rdi
    call put_dec
    lea label_kb(%rip), %rsi
    mov $4, %edx
    call memcpy
    mov %rdi, %r12
    ret

# maps: the reading process's regions, one line each, as Linux's show_map_vma writes them:
# "start-end perms offset dev inode", then, padded to MAPS_NAME_COLUMN, the name: [stack],
# [heap], [vdso], [vvar], or the program's path for its image's read-only segments (anonymous
# regions have none; offsets, devices and inodes are 0). As much as one page holds.
gen_maps:
    PUSH_REGS rbx, r12, r13, r14
    mov %rdi, %rbx                      # the page
    mov %rdi, %r12                      # the cursor
    lea vmas(%rip), %r13
    mov vma_count(%rip), %r14
1:  test %r14, %r14
    jz 9f
    lea PAGE_SIZE - 160(%rbx), %rax     # room for one more line (its name at most ~80 bytes)
    cmp %rax, %r12
    ja 9f
    push %r12                           # the line's start
    mov %r12, %rdi
    mov VMA_START(%r13), %rsi
    call put_hex8
    movb $'-', (%rdi)
    inc %rdi
    mov VMA_END(%r13), %rsi
    call put_hex8
    mov VMA_FLAGS(%r13), %eax
    movb $' ', (%rdi)
    movb $'-', 1(%rdi)
    movb $'-', 2(%rdi)
    movb $'-', 3(%rdi)
    movb $'p', 4(%rdi)
    test $PROT_READ, %al
    jz 2f
    movb $'r', 1(%rdi)
2:  test $PROT_WRITE, %al
    jz 3f
    movb $'w', 2(%rdi)
3:  test $PROT_EXEC, %al
    jz 4f
    movb $'x', 3(%rdi)
4:  test $VMA_SHARED, %al
    jz 5f
    movb $'s', 4(%rdi)
5:  lea 5(%rdi), %rdi
    lea maps_fields(%rip), %rsi
    mov $maps_fields_size, %edx
    call memcpy
    mov VMA_FLAGS(%r13), %eax
    and $VMA_KIND_MASK, %eax
    lea name_stack(%rip), %rsi
    cmp $KIND_STACK, %eax
    je 6f
    lea name_heap(%rip), %rsi
    cmp $KIND_HEAP, %eax
    je 6f
    lea name_vdso(%rip), %rsi
    cmp $KIND_VDSO, %eax
    je 6f
    lea name_vvar(%rip), %rsi
    cmp $KIND_VVAR, %eax
    je 6f
    lea exe_path(%rip), %rsi
    cmp $KIND_IMAGE, %eax
    je 6f
    pop %rax
    jmp 8f
6:  pop %rax                            # padded to the column, then the name
    add $MAPS_NAME_COLUMN, %rax
7:  cmp %rax, %rdi
    jae 71f
    movb $' ', (%rdi)
    inc %rdi
    jmp 7b
71: mov %rsi, %r12
    push %rdi
    mov %rsi, %rdi
    call strlen
    cmp $80, %rax                       # (a long path is cut: the page holds the lines)
    jbe 72f
    mov $80, %eax
72: pop %rdi
    mov %r12, %rsi
    mov %rax, %rdx
    call memcpy
8:  movb $'\n', (%rdi)
    lea 1(%rdi), %r12
    add $VMA_SIZE, %r13
    dec %r14
    jmp 1b
9:  mov %r12, %rax
    sub %rbx, %rax
    POP_REGS rbx, r12, r13, r14
    ret

# cpuinfo: one processor and its vendor
gen_cpuinfo:
    push %rbx
    mov %rdi, %rbx
    lea cpuinfo_head(%rip), %rsi
    mov $cpuinfo_head_size, %edx
    call memcpy
    lea vendor(%rip), %rsi
    mov $12, %edx
    call memcpy
    lea cpuinfo_tail(%rip), %rsi
    mov $cpuinfo_tail_size, %edx
    call memcpy
    mov %rdi, %rax
    sub %rbx, %rax
    pop %rbx
    ret

# stat: the one CPU's time in USER_HZ ticks, all of the busy time as user time (as /proc/PID/stat
# counts it) and the halts with nothing runnable as idle; context switches, the boot time, the
# tasks made since boot (Linux's total_forks) and those runnable now
gen_stat:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    call clock_monotonic_ns
    mov %rax, %r12                      # uptime
    mov idle_ns(%rip), %r13
    mov %rbx, %rdi
    lea stat_cpu(%rip), %rsi
    call put_text
    call put_cpu_times
    lea stat_cpu0(%rip), %rsi
    call put_text
    call put_cpu_times
    lea stat_ctxt(%rip), %rsi
    call put_text
    mov context_switches(%rip), %rsi
    call put_dec
    lea stat_btime(%rip), %rsi
    call put_text
    push %rdi
    call clock_realtime_ns
    sub %r12, %rax                      # the wall clock at boot
    xor %edx, %edx
    mov $NSEC_PER_SEC, %ecx
    div %rcx
    pop %rdi
    mov %rax, %rsi
    call put_dec
    lea stat_processes(%rip), %rsi
    call put_text
    mov next_tid(%rip), %esi
    dec %esi
    call put_dec
    lea stat_running(%rip), %rsi
    call put_text
    call runnable_count
    mov %rax, %rsi
    call put_dec
    lea stat_tail(%rip), %rsi
    call put_text
    mov %rdi, %rax
    sub %rbx, %rax
    POP_REGS rbx, r12, r13
    ret

# put_cpu_times(%rdi = cursor, %r12 = uptime, %r13 = idle ns) -> %rdi: "user nice system idle" and
# six more fields, in ticks, then a newline
put_cpu_times:
    mov %r12, %rax
    sub %r13, %rax
    call put_ticks
    lea stat_nice_system(%rip), %rsi
    call put_text
    mov %r13, %rax
    call put_ticks
    lea stat_cpu_tail(%rip), %rsi
    jmp put_text

# runnable_count() -> %rax: the tasks on the run queue (the running one included); clobbers %rcx
# and %rdx only
runnable_count:
    xor %eax, %eax
    lea runqueue(%rip), %rcx
    mov %rcx, %rdx
1:  LIST_NEXT %rcx, %rdx, 9f
    inc %eax
    jmp 1b
9:  ret

# loadavg: "0.00 0.00 0.00 runnable/threads last-pid". The averages are 0: the kernel keeps no
# periodic sample of its run queue (docs/kernel.md, "Known differences").
gen_loadavg:
    PUSH_REGS rbx, r12
    mov %rdi, %rbx
    lea loadavg_zeros(%rip), %rsi
    call put_text
    call runnable_count
    mov %rax, %rsi
    call put_dec
    movb $'/', (%rdi)
    inc %rdi
    xor %esi, %esi                      # the threads of every process
    lea all_processes(%rip), %r12
    mov %r12, %rcx
1:  LIST_NEXT %r12, %rcx, 2f
    mov P_NR_THREADS - P_LIST(%rcx), %eax
    add %rax, %rsi
    jmp 1b
2:  call put_dec
    movb $' ', (%rdi)
    inc %rdi
    mov next_tid(%rip), %esi
    dec %esi
    call put_dec
    movb $'\n', (%rdi)
    lea 1(%rdi), %rax
    sub %rbx, %rax
    POP_REGS rbx, r12
    ret

# mounts: the root, an in-memory file system (named tmpfs, as Linux's initramfs rootfs is one, but
# not "rootfs", which df leaves out), and /proc
gen_mounts:
    lea mounts_text(%rip), %rsi
    mov $mounts_text_size, %edx
    call memcpy
    mov $mounts_text_size, %eax
    ret

# ---- /proc/PID ------------------------------------------------------------------------------
# proc_add_pids(): a /proc/PID directory for every process that has none (walk, when a name in
# /proc is missing; getdents64, before /proc is listed). Without a frame left, as many as fit.
.globl proc_add_pids
proc_add_pids:
    PUSH_REGS rbx, r12
    lea all_processes(%rip), %r12
    mov %r12, %rbx
1:  LIST_NEXT %r12, %rbx, 9f
    cmpq $0, P_PROC_DIR - P_LIST(%rbx)
    jne 1b
    lea -P_LIST(%rbx), %rdi
    call proc_pid_dir
    jmp 1b
9:  POP_REGS rbx, r12
    ret

# proc_pid_dir(%rdi = process): /proc/PID and its files, each naming the process (N_PROCESS)
proc_pid_dir:
    PUSH_REGS rbx, r12, r13, r14
    sub $24, %rsp                       # the name
    mov %rdi, %r12
    mov %rsp, %rdi
    mov P_PID(%r12), %esi
    call put_dec
    mov %rdi, %r13
    sub %rsp, %r13                      # its length
    mov proc_dir(%rip), %rdi
    mov %rsp, %rsi
    mov %r13, %rdx
    call dir_find
    test %rax, %rax                     # the name is taken (a file someone made): none
    jnz 9f
    mov $(S_IFDIR | 0555), %esi
    mov proc_dir(%rip), %rdi
    mov %rsp, %rdx
    mov %r13, %rcx
    call proc_node
    test %rax, %rax
    jz 9f
    mov %rax, %rbx
    movq $40, N_SIZE(%rbx)              # as make_node gives a directory
    mov %rbx, P_PROC_DIR(%r12)
    lea proc_pid_files(%rip), %r14
1:  mov (%r14), %rdi
    test %rdi, %rdi
    jz 2f
    call strlen
    mov %rax, %rcx
    mov (%r14), %rdx
    mov $(S_IFREG | 0444), %esi
    mov %rbx, %rdi
    call proc_node
    test %rax, %rax
    jz 9f
    mov 8(%r14), %rcx
    mov %rcx, N_GENERATE(%rax)
    add $16, %r14
    jmp 1b
2:  mov %rbx, %rdi                      # exe: a link to its program (link_target)
    mov $(S_IFLNK | 0777), %esi
    lea pid_exe(%rip), %rdx
    mov $3, %ecx
    call proc_node
9:  add $24, %rsp
    POP_REGS rbx, r12, r13, r14
    ret

# proc_node(%rdi = directory, %esi = mode, %rdx = name, %rcx = its length), with proc_pid_dir's
# %r12 = the process -> %rax: a new node of that name there, naming the process; or 0
proc_node:
    PUSH_REGS rbx, rdi, rdx, rcx
    mov %esi, %edi
    call node_new
    POP_REGS rdi, rsi, rdx
    test %rax, %rax
    jz 9f
    mov %rax, %rbx
    mov %r12, N_PROCESS(%rbx)
    mov %rbx, %rcx
    call dir_add
    test %rax, %rax
    jz 1f
    mov %rbx, %rdi
    call obj_free
    xor %ebx, %ebx
1:  mov %rbx, %rax
9:  pop %rbx
    ret

# proc_pid_remove(%rdi = process): reaped. Its /proc/PID goes, and an open file of it (or the
# directory, as a working directory) reads -ESRCH from then on, as on Linux.
.globl proc_pid_remove
proc_pid_remove:
    PUSH_REGS rbx, r12
    mov P_PROC_DIR(%rdi), %rbx
    test %rbx, %rbx
    jz 9f
    movq $0, P_PROC_DIR(%rdi)
    movq $0, N_PROCESS(%rbx)
1:  mov N_CHILDREN(%rbx), %rax          # its files, first to last
    test %rax, %rax
    jz 2f
    mov D_NODE(%rax), %rax
    movq $0, N_PROCESS(%rax)
    mov %rbx, %rdi
    lea N_CHILDREN(%rbx), %rsi
    call dir_remove
    jmp 1b
2:  mov proc_dir(%rip), %rdi            # then its name in /proc
    lea N_CHILDREN(%rdi), %rsi
3:  mov (%rsi), %rax
    test %rax, %rax
    jz 9f
    cmp %rbx, D_NODE(%rax)
    je 4f
    mov %rax, %rsi                      # D_NEXT is at 0
    jmp 3b
4:  call dir_remove
9:  POP_REGS rbx, r12
    ret

# proc_link_target(%rdi = a process link: /proc/PID/exe, /proc/self/exe) -> %rax: its target,
# the process's program path (read from its process area for another process), %rdx: its
# length; 0 for a process that is gone or has no address space left (a zombie: ENOENT)
.globl proc_link_target
proc_link_target:
    push %rbx
    mov %rdi, %rsi
    call pid_process
    jz 8f
    lea exe_path(%rip), %rbx            # the looking process's own
    mov current_task(%rip), %rcx
    cmp T_PROCESS(%rcx), %rax
    je 1f
    mov %rax, %rdi
    lea link_text(%rip), %rsi
    lea exe_path(%rip), %rdx
    mov $(PATH_MAX - 1), %ecx
    call process_read
    lea link_text(%rip), %rbx
    movb $0, (%rbx,%rax)
1:  mov %rbx, %rdi
    call strlen
    mov %rax, %rdx
    mov %rbx, %rax
    pop %rbx
    ret
8:  xor %edx, %edx
    pop %rbx
    ret

# pid_process(%rsi = node) -> %rax: its process (/proc/self's: the reader's); ZF set when it is gone
pid_process:
    mov N_PROCESS(%rsi), %rax
    cmp $PROC_SELF, %rax
    jne 1f
    mov current_task(%rip), %rax
    mov T_PROCESS(%rax), %rax
1:  test %rax, %rax
    ret

# process_state(%rdi = process) -> %eax: Linux's state letter: Z (a zombie), R (a thread of it
# runs or may run), S (all of them wait)
process_state:
    mov $'Z', %eax
    cmpl $PS_ALIVE, P_STATE(%rdi)
    jne 9f
    mov $'R', %eax
    lea P_THREADS(%rdi), %rcx
    mov %rcx, %rdx
1:  LIST_NEXT %rcx, %rdx, 2f
    cmpq $TS_RUNNABLE, T_STATE - T_ALL(%rdx)
    je 9f
    jmp 1b
2:  mov $'S', %eax
9:  ret

# process_vsize(%rdi = process) -> %rax: the bytes its regions span (its process area's table)
process_vsize:
    PUSH_REGS rbx, r12, r13, r14
    sub $16, %rsp
    mov %rdi, %r12
    xor %r14d, %r14d                    # the sum
    mov %rsp, %rsi
    lea vma_count(%rip), %rdx
    mov $8, %ecx
    call process_read
    test %rax, %rax
    jz 9f
    mov (%rsp), %rbx
    lea vmas(%rip), %r13
1:  test %rbx, %rbx
    jz 9f
    mov %r12, %rdi
    mov %rsp, %rsi
    mov %r13, %rdx
    mov $16, %ecx                       # VMA_START, VMA_END
    call process_read
    test %rax, %rax
    jz 9f
    mov 8(%rsp), %rax
    sub (%rsp), %rax
    add %rax, %r14
    add $VMA_SIZE, %r13
    dec %rbx
    jmp 1b
9:  mov %r14, %rax
    add $16, %rsp
    POP_REGS rbx, r12, r13, r14
    ret

# put_text(%rdi = cursor, %rsi = string) -> %rdi: past its bytes (not the NUL)
put_text:
    push %rdi
    mov %rsi, %rdi
    call strlen
    pop %rdi
    mov %rax, %rdx
    jmp memcpy

# put_ticks(%rdi = cursor, %rax = ns) -> %rdi: past the clock ticks (USER_HZ) in decimal
put_ticks:
    xor %edx, %edx
    mov $(NSEC_PER_SEC / USER_HZ), %ecx
    div %rcx
    mov %rax, %rsi
    jmp put_dec

# stat: Linux's 52 fields (fs/proc/array.c, do_task_stat): what the kernel keeps, 0 for the rest
# (faults, rss, addresses, signal masks), tty_nr 0 and tpgid -1 (no controlling terminal)
write_pid_stat:
    mov P_PID(%r13), %esi
    call put_dec
    movw $0x2820, (%rdi)                # " ("
    add $2, %rdi
    lea P_NAME(%r13), %rsi
    call put_text
    movw $0x2029, (%rdi)                # ") "
    add $2, %rdi
    mov %rdi, %r12
    mov %r13, %rdi
    call process_state
    mov %r12, %rdi
    mov %al, (%rdi)
    movb $' ', 1(%rdi)
    add $2, %rdi
    xor %esi, %esi
    mov P_PARENT(%r13), %rax
    test %rax, %rax
    jz 1f
    mov P_PID(%rax), %esi
1:  call put_dec
    movb $' ', (%rdi)
    inc %rdi
    mov P_PGID(%r13), %esi
    call put_dec
    movb $' ', (%rdi)
    inc %rdi
    mov P_SID(%r13), %esi
    call put_dec
    lea stat_tty_to_faults(%rip), %rsi
    call put_text
    mov %rdi, %r12
    mov %r13, %rdi
    call process_cpu_ns
    mov %r12, %rdi
    call put_ticks                      # utime
    lea stat_stime(%rip), %rsi
    call put_text
    mov P_CHILDREN_CPU_NS(%r13), %rax
    call put_ticks                      # cutime
    lea stat_cstime_to_nice(%rip), %rsi
    call put_text
    mov P_NR_THREADS(%r13), %esi
    call put_dec
    lea stat_itreal(%rip), %rsi
    call put_text
    mov P_START_NS(%r13), %rax
    call put_ticks                      # starttime
    movb $' ', (%rdi)
    inc %rdi
    mov %rdi, %r12
    mov %r13, %rdi
    call process_vsize
    mov %r12, %rdi
    mov %rax, %rsi
    call put_dec
    lea stat_rss_to_cnswap(%rip), %rsi
    call put_text
    mov P_EXIT_SIGNAL(%r13), %esi
    call put_dec
    lea stat_processor_to_env(%rip), %rsi
    call put_text
    xor %esi, %esi
    cmpl $PS_ALIVE, P_STATE(%r13)       # exit_code: a zombie's wait status
    je 2f
    mov P_EXIT_CODE(%r13), %esi
2:  call put_dec
    movb $'\n', (%rdi)
    inc %rdi
    ret

# status: the lines procps and busybox read by name
write_pid_status:
    lea status_name(%rip), %rsi
    call put_text
    lea P_NAME(%r13), %rsi
    call put_text
    lea status_state(%rip), %rsi
    call put_text
    mov %rdi, %r12
    mov %r13, %rdi
    call process_state
    mov %r12, %rdi
    mov %al, (%rdi)
    inc %rdi
    lea state_running(%rip), %rsi
    cmp $'R', %al
    je 1f
    lea state_sleeping(%rip), %rsi
    cmp $'S', %al
    je 1f
    lea state_zombie(%rip), %rsi
1:  call put_text
    lea status_tgid(%rip), %rsi
    call put_text
    mov P_PID(%r13), %esi
    call put_dec
    lea status_pid(%rip), %rsi
    call put_text
    mov P_PID(%r13), %esi
    call put_dec
    lea status_ppid(%rip), %rsi
    call put_text
    xor %esi, %esi
    mov P_PARENT(%r13), %rax
    test %rax, %rax
    jz 2f
    mov P_PID(%rax), %esi
2:  call put_dec
    lea status_ids(%rip), %rsi
    call put_text
    mov P_NR_THREADS(%r13), %esi
    call put_dec
    movb $'\n', (%rdi)
    inc %rdi
    ret

# cmdline: its argv strings, each with its NUL, read from its memory (a zombie's: none); as much
# as one page holds
write_pid_cmdline:
    mov %rdi, %r12
    mov %rdi, %rsi
    mov %r13, %rdi
    mov P_ARG_START(%rdi), %rdx
    mov P_ARG_END(%rdi), %rcx
    sub %rdx, %rcx
    mov $PAGE_SIZE, %eax
    cmp %rax, %rcx
    cmova %rax, %rcx
    call process_read
    lea (%r12,%rax), %rdi
    ret

# comm: its name and a newline
write_pid_comm:
    lea P_NAME(%r13), %rsi
    call put_text
    movb $'\n', (%rdi)
    inc %rdi
    ret

# The generators of /proc/PID's files (and /proc/self's): each gives pid_generate its writer.
gen_pid_stat:
    lea write_pid_stat(%rip), %rax
    jmp pid_generate
gen_pid_status:
    lea write_pid_status(%rip), %rax
    jmp pid_generate
gen_pid_cmdline:
    lea write_pid_cmdline(%rip), %rax
    jmp pid_generate
gen_pid_comm:
    lea write_pid_comm(%rip), %rax
    jmp pid_generate

# pid_generate(%rdi = page, %rsi = node, %rax = the file's writer) -> %rax: the text's length, or
# -ESRCH when the process is gone. A writer takes %rdi = the cursor and %r13 = the process, may
# use %r12, and returns %rdi past its text.
pid_generate:
    PUSH_REGS rbx, r12, r13
    mov %rdi, %rbx
    mov %rax, %r12
    call pid_process
    jz 8f
    mov %rax, %r13
    mov %rbx, %rdi
    call *%r12
    mov %rdi, %rax
    sub %rbx, %rax
    jmp 9f
8:  mov $-ESRCH, %rax
9:  POP_REGS rbx, r12, r13
    ret

.section .rodata
.p2align 3
.globl proc_ops
proc_ops:
    .quad proc_read, 0, 0, tmpfs_stat, proc_lseek, 0, proc_release, 0
proc_uptime:  .asciz "/proc/uptime"
proc_meminfo: .asciz "/proc/meminfo"
proc_cpuinfo: .asciz "/proc/cpuinfo"
proc_maps:    .asciz "/proc/self/maps"
proc_self_stat:    .asciz "/proc/self/stat"
proc_self_status:  .asciz "/proc/self/status"
proc_self_cmdline: .asciz "/proc/self/cmdline"
proc_self_comm:    .asciz "/proc/self/comm"
proc_stat:    .asciz "/proc/stat"
proc_loadavg: .asciz "/proc/loadavg"
proc_mounts:  .asciz "/proc/mounts"
.p2align 3
proc_files:
    .quad proc_uptime, gen_uptime
    .quad proc_meminfo, gen_meminfo
    .quad proc_cpuinfo, gen_cpuinfo
    .quad proc_maps, gen_maps
    .quad proc_self_stat, gen_pid_stat
    .quad proc_self_status, gen_pid_status
    .quad proc_self_cmdline, gen_pid_cmdline
    .quad proc_self_comm, gen_pid_comm
    .quad proc_stat, gen_stat
    .quad proc_loadavg, gen_loadavg
    .quad proc_mounts, gen_mounts
    .quad 0
label_total:      .ascii "MemTotal:       "
label_free:       .ascii "MemFree:        "
label_available:  .ascii "MemAvailable:   "
label_buffers:    .ascii "Buffers:        "
label_cached:     .ascii "Cached:         "
label_swap_total: .ascii "SwapTotal:      "
label_swap_free:  .ascii "SwapFree:       "
label_shmem:      .ascii "Shmem:          "
label_kb:         .ascii " kB\n"
maps_fields:      .ascii " 00000000 00:00 0 "
.equ maps_fields_size, . - maps_fields
stat_cpu:         .asciz "cpu  "
stat_cpu0:        .asciz "cpu0 "
stat_nice_system: .asciz " 0 0 "
stat_cpu_tail:    .asciz " 0 0 0 0 0 0\n"
stat_ctxt:        .asciz "intr 0\nctxt "
stat_btime:       .asciz "\nbtime "
stat_processes:   .asciz "\nprocesses "
stat_running:     .asciz "\nprocs_running "
stat_tail:        .asciz "\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n"
loadavg_zeros:    .asciz "0.00 0.00 0.00 "
mounts_text:      .ascii "tmpfs / tmpfs rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
.equ mounts_text_size, . - mounts_text
name_stack:       .asciz "[stack]"
name_heap:        .asciz "[heap]"
name_vdso:        .asciz "[vdso]"
name_vvar:        .asciz "[vvar]"
cpuinfo_head:     .ascii "processor\t: 0\nvendor_id\t: "
.equ cpuinfo_head_size, . - cpuinfo_head
cpuinfo_tail:     .ascii "\ncpu cores\t: 1\n\n"
.equ cpuinfo_tail_size, . - cpuinfo_tail
.p2align 3
proc_pid_files:
    .quad pid_stat, gen_pid_stat
    .quad pid_status, gen_pid_status
    .quad pid_cmdline, gen_pid_cmdline
    .quad pid_comm, gen_pid_comm
    .quad 0
pid_stat:    .asciz "stat"
pid_status:  .asciz "status"
pid_cmdline: .asciz "cmdline"
pid_comm:    .asciz "comm"
pid_exe:     .ascii "exe"
stat_tty_to_faults:    .asciz " 0 -1 0 0 0 0 0 "
stat_stime:            .asciz " 0 "
stat_cstime_to_nice:   .asciz " 0 20 0 "
stat_itreal:           .asciz " 0 "
stat_rss_to_cnswap:    .asciz " 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 "
stat_processor_to_env: .asciz " 0 0 0 0 0 0 0 0 0 0 0 0 0 "
status_name:    .asciz "Name:\t"
status_state:   .asciz "\nState:\t"
state_running:  .asciz " (running)"
state_sleeping: .asciz " (sleeping)"
state_zombie:   .asciz " (zombie)"
status_tgid:    .asciz "\nTgid:\t"
status_pid:     .asciz "\nPid:\t"
status_ppid:    .asciz "\nPPid:\t"
status_ids:     .asciz "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t"

.section .bss
.p2align 3
.globl proc_dir
proc_dir: .skip 8                       # /proc
link_text: .skip PATH_MAX               # another process's program path (proc_link_target)
