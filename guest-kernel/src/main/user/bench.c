/*
 * jvmm-bench: the guest side of `jvmm bench`, built into the bundled image (run it with
 * `-- jvmm-bench`). Freestanding C: no libc, its own system-call stubs, the vDSO found through
 * AT_SYSINFO_EHDR. It times, in TSC cycles per call, over several rounds:
 *   - a null system call (getppid), the floor (a number past the table, which the kernel answers
 *     -ENOSYS at once: the entry and the return, no handler) and clock_gettime as a system call,
 *     entered by each of SYSCALL, SYSENTER and INT 0x80 (with the conventions of the kernel's gates);
 *   - the vDSO's clock_gettime for each clock it serves.
 * One line per round: "bench: <measurement> <round> <cycles per call>".
 * Arguments: calls per round for system calls, for the vDSO, and rounds (defaults 50 10000 5).
 *
 * With a workload's name as the first argument it runs that instead, timed by the vDSO's
 * CLOCK_MONOTONIC (in nanoseconds, so that jvmm and QEMU compare without knowing the TSC rate),
 * one line each: "bench: <workload> <round> <ns>".
 *   memory [CHURN]    memory touch: write one byte per 4 KiB of a fresh 100 MB anonymous mapping
 *                     (ns for all); memory reserve: mmap 1 GiB PROT_NONE (ns per call, the median
 *                     of 9, each unmapped untimed); memory churn: CHURN (default 2000) x (mmap
 *                     1 MiB, touch each page, munmap) (ns per iteration)
 *   sleep SECONDS     nanosleep for SECONDS (0: none) and exit; the host measures its own CPU time
 *   output BYTES      BYTES (default 1 MiB) to stdout in 64 KiB writes, lines of 64 bytes; the
 *                     time, "bench: output 1 <ns>", on stderr
 *   processes [N]     processes fork: N (default 200) x (fork, the child exits, wait4) (ns per
 *                     iteration); processes exec: N x (fork, the child execs this program, which
 *                     exits, wait4) (ns per iteration); processes fork 100 MB: fork of a process
 *                     with 100 MB touched, the child exits, wait4 (ns, the median of 5)
 *   exit              exits at once (what `processes` execs)
 *   threads [N]       threads null: getppid (ns per call, for scale); threads pingpong: N (default
 *                     2000) round trips between two threads, each waking the other through a
 *                     futex (ns per round trip); threads create: N x (clone a thread that exits,
 *                     join it through its CLONE_CHILD_CLEARTID word) (ns per thread)
 */
#include <elf.h>
#include <stdint.h>

#define NR_write 1
#define NR_mmap 9
#define NR_munmap 11
#define NR_nanosleep 35
#define NR_fork 57
#define NR_execve 59
#define NR_wait4 61
#define NR_clone 56
#define NR_exit 60
#define NR_getppid 110
#define NR_FLOOR 1000 /* no such call */
#define NR_futex 202
#define NR_clock_gettime 228
#define NR_exit_group 231
#define AT_SYSINFO_EHDR 33

struct timespec64 { long tv_sec; long tv_nsec; };
typedef long (*entry_fn)(long nr, long a, long b, long c);
typedef int (*clock_gettime_fn)(int clock, struct timespec64 *ts);

static long via_syscall(long nr, long a, long b, long c) {
    long ret;
    register long rdx __asm__("rdx") = c;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "r"(rdx) : "rcx", "r11", "memory");
    return ret;
}

static long via_int80(long nr, long a, long b, long c) {
    long ret;
    register long rdx __asm__("rdx") = c;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "r"(rdx) : "rcx", "r11", "memory");
    return ret;
}

/* jvmm's 64-bit SYSENTER convention: RDX (argument 3) pushed, RCX = RSP, RDX = return address. */
static long via_sysenter(long nr, long a, long b, long c) {
    long ret;
    register long rdx __asm__("rdx") = c;
    __asm__ volatile("push %%rdx\n\tmov %%rsp, %%rcx\n\tlea 1f(%%rip), %%rdx\n\tsysenter\n1:\n\tpop %%rdx"
                     : "=a"(ret), "+r"(rdx) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

static uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t) hi << 32 | lo;
}

static unsigned long length(const char *s) {
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static int out_fd = 1;

static void print(const char *s) {
    via_syscall(NR_write, out_fd, (long) s, (long) length(s));
}

static void print_number(unsigned long value) {
    char digits[24];
    int i = sizeof digits;
    digits[--i] = 0;
    do {
        digits[--i] = '0' + value % 10;
        value /= 10;
    } while (value);
    print(digits + i);
}

static long parse(const char *s, long fallback) {
    if (!s)
        return fallback;
    long value = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        value = value * 10 + (*s - '0');
    return value > 0 ? value : fallback;
}

static int equal(const char *a, const char *b) {
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The address of a symbol the vDSO defines, through its DT_HASH symbol count and symbol table. */
static void *vdso_symbol(uintptr_t base, const char *name) {
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *) base;
    const Elf64_Phdr *ph = (const Elf64_Phdr *) (base + eh->e_phoff);
    const Elf64_Dyn *dyn = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const Elf64_Dyn *) (base + ph[i].p_vaddr);
    const uint32_t *hash = 0;
    const Elf64_Sym *symbols = 0;
    const char *strings = 0;
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_HASH)
            hash = (const uint32_t *) (base + dyn->d_un.d_ptr);
        else if (dyn->d_tag == DT_SYMTAB)
            symbols = (const Elf64_Sym *) (base + dyn->d_un.d_ptr);
        else if (dyn->d_tag == DT_STRTAB)
            strings = (const char *) (base + dyn->d_un.d_ptr);
    }
    if (!hash || !symbols || !strings)
        return 0;
    for (uint32_t i = 1; i < hash[1]; i++)
        if (symbols[i].st_shndx != SHN_UNDEF && equal(strings + symbols[i].st_name, name))
            return (void *) (base + symbols[i].st_value);
    return 0;
}

static void report(const char *what, long round, uint64_t cycles, long calls) {
    print("bench: ");
    print(what);
    print(" ");
    print_number(round);
    print(" ");
    print_number(cycles / calls);
    print("\n");
}

static long via_syscall6(long nr, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#define PROT_NONE 0
#define PROT_RW 3
#define MAP_PRIVATE_ANONYMOUS 0x22
#define PAGE 4096

static clock_gettime_fn vdso_clock_gettime;

static uint64_t now_ns(void) {
    struct timespec64 ts;
    if (vdso_clock_gettime)
        vdso_clock_gettime(1, &ts);
    else
        via_syscall(NR_clock_gettime, 1, (long) &ts, 0);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static char *map(unsigned long bytes, int prot) {
    long address = via_syscall6(NR_mmap, 0, (long) bytes, prot, MAP_PRIVATE_ANONYMOUS, -1, 0);
    if (address < 0 && address > -4096) {
        print("bench: failed: mmap returned ");
        print_number((unsigned long) -address);
        print(" (-errno)\n");
        via_syscall(NR_exit_group, 1, 0, 0);
    }
    return (char *) address;
}

static void touch(char *p, unsigned long bytes) {
    for (unsigned long off = 0; off < bytes; off += PAGE)
        ((volatile char *) p)[off] = 1;
}

static void memory(long churn) {
    const unsigned long touched = 100000000ul;
    uint64_t start = now_ns();
    char *p = map(touched, PROT_RW);
    touch(p, touched);
    report("memory touch", 1, now_ns() - start, 1);
    via_syscall(NR_munmap, (long) p, (long) touched, 0);

    uint64_t reserve[9];
    for (int i = 0; i < 9; i++) {
        start = now_ns();
        p = map(1ul << 30, PROT_NONE);
        reserve[i] = now_ns() - start;
        via_syscall(NR_munmap, (long) p, 1l << 30, 0);
    }
    for (int i = 1; i < 9; i++)                     /* insertion sort, for the median */
        for (int j = i; j > 0 && reserve[j - 1] > reserve[j]; j--) {
            uint64_t t = reserve[j];
            reserve[j] = reserve[j - 1];
            reserve[j - 1] = t;
        }
    report("memory reserve", 1, reserve[4], 1);

    start = now_ns();
    for (long i = 0; i < churn; i++) {
        p = map(1ul << 20, PROT_RW);
        touch(p, 1ul << 20);
        via_syscall(NR_munmap, (long) p, 1l << 20, 0);
    }
    report("memory churn", 1, now_ns() - start, churn);
}

static void output(long bytes) {
    static char chunk[65536];
    for (unsigned i = 0; i < sizeof chunk; i++)
        chunk[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
    uint64_t start = now_ns();
    for (long left = bytes; left > 0;) {
        long n = left < (long) sizeof chunk ? left : (long) sizeof chunk;
        long written = via_syscall(NR_write, 1, (long) chunk, n);
        if (written <= 0) {
            out_fd = 2;
            print("bench: failed: write to stdout\n");
            via_syscall(NR_exit_group, 1, 0, 0);
        }
        left -= written;
    }
    uint64_t ns = now_ns() - start;
    out_fd = 2;
    report("output", 1, ns, 1);
}

/* fork; the child runs child(arg) and exits with its status; the parent waits for it. */
static void fork_wait(void (*child)(void *), void *arg) {
    long pid = via_syscall(NR_fork, 0, 0, 0);
    if (pid == 0) {
        child(arg);
        via_syscall(NR_exit_group, 0, 0, 0);
    }
    int status = -1;
    if (pid < 0 || via_syscall6(NR_wait4, pid, (long) &status, 0, 0, 0, 0) != pid || status != 0) {
        print("bench: failed: fork, or the child's end\n");
        via_syscall(NR_exit_group, 1, 0, 0);
    }
}

static void nothing(void *arg) { (void) arg; }

static void exec_self(void *arg) {
    char *argv[] = {"jvmm-bench", "exit", 0};
    char *envp[] = {0};
    (void) arg;
    via_syscall(NR_execve, (long) "/proc/self/exe", (long) argv, (long) envp);
    via_syscall(NR_exit_group, 127, 0, 0);
}

static void processes(long n) {
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++)
        fork_wait(nothing, 0);
    report("processes fork", 1, now_ns() - start, n);
    start = now_ns();
    for (long i = 0; i < n; i++)
        fork_wait(exec_self, 0);
    report("processes exec", 1, now_ns() - start, n);

    char *p = map(100000000ul, PROT_RW);
    touch(p, 100000000ul);
    uint64_t forks[5];
    for (int i = 0; i < 5; i++) {
        start = now_ns();
        fork_wait(nothing, 0);
        forks[i] = now_ns() - start;
    }
    for (int i = 1; i < 5; i++)                     /* insertion sort, for the median */
        for (int j = i; j > 0 && forks[j - 1] > forks[j]; j--) {
            uint64_t t = forks[j];
            forks[j] = forks[j - 1];
            forks[j - 1] = t;
        }
    report("processes fork 100 MB", 1, forks[2], 1);
}

/* ---- threads: raw clone and futex, as a thread library does them ---- */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define CLONE_THREAD_FLAGS 0x350f00     /* VM FS FILES SIGHAND THREAD SYSVSEM PARENT_SETTID CHILD_CLEARTID */

static char thread_stack[65536] __attribute__((aligned(16)));
static int turn;                        /* ping-pong: 1 the thread's turn, 0 the main thread's */
static long round_trips;

static void futex_wait(int *word, int value) {
    via_syscall6(NR_futex, (long) word, FUTEX_WAIT_PRIVATE, value, 0, 0, 0);
}

static void futex_wake(int *word) {
    via_syscall6(NR_futex, (long) word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

/* A thread running fn on thread_stack; *tid is its id until it exits, then 0 (and woken). */
static long thread_start(void (*fn)(void), int *tid) {
    long ret;
    long *top = (long *) (thread_stack + sizeof thread_stack);
    top[-1] = (long) fn;
    register long rdx __asm__("rdx") = (long) tid;  /* parent_tid */
    register long r10 __asm__("r10") = (long) tid;  /* child_tid */
    register long r8 __asm__("r8") = 0;             /* tls */
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "pop %%rax\n\t"              /* the new thread: fn, with RSP 16-byte aligned */
                     "call *%%rax\n\t"
                     "mov $60, %%eax\n\t"         /* exit: this thread only */
                     "xor %%edi, %%edi\n\t"
                     "syscall\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(NR_clone), "D"(CLONE_THREAD_FLAGS), "S"(top - 1), "r"(rdx), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

static void thread_join(int *tid) {
    int t;
    while ((t = __atomic_load_n(tid, __ATOMIC_ACQUIRE)) != 0)
        futex_wait(tid, t);
}

static void pong(void) {
    for (long i = 0; i < round_trips; i++) {
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 0)
            futex_wait(&turn, 0);
        __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
        futex_wake(&turn);
    }
}

static void no_work(void) {}

static void threads(long n) {
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++)
        via_syscall(NR_getppid, 0, 0, 0);
    report("threads null", 1, now_ns() - start, n);

    int tid = 0;
    round_trips = n;
    if (thread_start(pong, &tid) <= 0) {
        print("bench: failed: clone\n");
        via_syscall(NR_exit_group, 1, 0, 0);
    }
    start = now_ns();
    for (long i = 0; i < n; i++) {
        __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
        futex_wake(&turn);
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 1)
            futex_wait(&turn, 1);
    }
    report("threads pingpong", 1, now_ns() - start, n);
    thread_join(&tid);

    start = now_ns();
    for (long i = 0; i < n; i++) {
        if (thread_start(no_work, &tid) <= 0) {
            print("bench: failed: clone\n");
            via_syscall(NR_exit_group, 1, 0, 0);
        }
        thread_join(&tid);
    }
    report("threads create", 1, now_ns() - start, n);
}

__attribute__((used)) void bench(long *stack) {
    long argc = stack[0];
    char **argv = (char **) (stack + 1);
    const char *workload = argc > 1 ? argv[1] : "";
    long syscalls = parse(argc > 1 ? argv[1] : 0, 50);
    long vdso_calls = parse(argc > 2 ? argv[2] : 0, 10000);
    long rounds = parse(argc > 3 ? argv[3] : 0, 5);

    long *auxv = stack + argc + 2;
    while (*auxv++)
        ;                                           /* skip envp */
    uintptr_t vdso = 0;
    for (; auxv[0]; auxv += 2)
        if (auxv[0] == AT_SYSINFO_EHDR)
            vdso = auxv[1];
    vdso_clock_gettime = vdso ? (clock_gettime_fn) vdso_symbol(vdso, "__vdso_clock_gettime") : 0;

    if (equal(workload, "memory")) {
        memory(parse(argc > 2 ? argv[2] : 0, 2000));
        via_syscall(NR_exit_group, 0, 0, 0);
    }
    if (equal(workload, "sleep")) {
        struct timespec64 duration = {parse(argc > 2 ? argv[2] : 0, 0), 0};
        via_syscall(NR_nanosleep, (long) &duration, 0, 0);
        via_syscall(NR_exit_group, 0, 0, 0);
    }
    if (equal(workload, "processes")) {
        processes(parse(argc > 2 ? argv[2] : 0, 200));
        via_syscall(NR_exit_group, 0, 0, 0);
    }
    if (equal(workload, "threads")) {
        threads(parse(argc > 2 ? argv[2] : 0, 2000));
        via_syscall(NR_exit_group, 0, 0, 0);
    }
    if (equal(workload, "exit"))
        via_syscall(NR_exit_group, 0, 0, 0);
    if (equal(workload, "output")) {
        output(parse(argc > 2 ? argv[2] : 0, 1 << 20));
        via_syscall(NR_exit_group, 0, 0, 0);
    }

    static const struct { const char *name; entry_fn enter; } paths[] = {
        {"syscall", via_syscall}, {"sysenter", via_sysenter}, {"int80", via_int80}};
    struct timespec64 ts;
    for (long round = 1; round <= rounds; round++) {
        for (unsigned p = 0; p < sizeof paths / sizeof paths[0]; p++) {
            char name[48];
            unsigned n = 0;
            for (const char *s = paths[p].name; *s; s++)
                name[n++] = *s;
            const char *suffix = " null";
            for (unsigned i = 0; suffix[i]; i++)
                name[n + i] = suffix[i];
            name[n + 5] = 0;
            uint64_t start = rdtsc();
            for (long i = 0; i < syscalls; i++)
                paths[p].enter(NR_getppid, 0, 0, 0);
            report(name, round, rdtsc() - start, syscalls);

            const char *floor = " floor";
            for (unsigned i = 0; i <= length(floor); i++)
                name[n + i] = floor[i];
            start = rdtsc();
            for (long i = 0; i < syscalls; i++)
                paths[p].enter(NR_FLOOR, 0, 0, 0);
            report(name, round, rdtsc() - start, syscalls);

            suffix = " clock_gettime";
            for (unsigned i = 0; i <= length(suffix); i++)
                name[n + i] = suffix[i];
            start = rdtsc();
            for (long i = 0; i < syscalls; i++)
                paths[p].enter(NR_clock_gettime, 1, (long) &ts, 0);
            report(name, round, rdtsc() - start, syscalls);
        }
    }

    static const struct { int id; const char *name; } clocks[] = {
        {0, "vdso realtime"}, {1, "vdso monotonic"}, {4, "vdso monotonic_raw"}, {5, "vdso realtime_coarse"},
        {6, "vdso monotonic_coarse"}, {7, "vdso boottime"}, {11, "vdso tai"}};
    for (long round = 1; vdso_clock_gettime && round <= rounds; round++) {
        for (unsigned c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
            uint64_t start = rdtsc();
            for (long i = 0; i < vdso_calls; i++)
                vdso_clock_gettime(clocks[c].id, &ts);
            report(clocks[c].name, round, rdtsc() - start, vdso_calls);
        }
    }
    via_syscall(NR_exit_group, 0, 0, 0);
}

/* The process entry: RSP points at argc (System V x86-64 ABI, 3.4.1). */
__asm__(".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call bench\n"
        "    ud2\n");
