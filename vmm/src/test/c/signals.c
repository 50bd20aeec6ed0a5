// Signals as a program sees them: handlers with siginfo and ucontext, masks, pending signals,
// sigsuspend, SA_NODEFER/SA_RESETHAND, sigaltstack, raise/kill/tgkill/sigqueue, faults caught
// and recovered, default actions. Every line it prints is the same on Linux and on jvmm.
//
//   signals all              the catalogue of checks that end in exit(0)
//   signals die-CASE         a case that ends the process (see the table in main)
//   signals wait-forever     pause() with nothing that could ever send a signal
//   signals stop             SIGSTOP, which nothing could ever continue on jvmm
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_errno_ok;
static volatile uintptr_t last_addr, last_rip, last_rsp_mod16, last_uc_rip;
static volatile int last_mask_has_self, last_on_altstack, last_uc_stack_flags;
static volatile long last_trapno, last_err, last_cr2;
static volatile int last_value;
static char *altstack;
static sigjmp_buf recover;

static void say(const char *what, int ok) {
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
}

static void record(int sig, siginfo_t *info, void *ucv) {
    ucontext_t *uc = ucv;
    hits++;
    last_signo = info->si_signo == sig ? sig : -1;
    last_code = info->si_code;
    last_addr = (uintptr_t) info->si_addr;
    last_value = info->si_value.sival_int;
    last_uc_rip = uc->uc_mcontext.gregs[REG_RIP];
    last_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    last_err = uc->uc_mcontext.gregs[REG_ERR];
    last_cr2 = uc->uc_mcontext.gregs[REG_CR2];
    last_uc_stack_flags = uc->uc_stack.ss_flags;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    last_mask_has_self = sigismember(&now, sig);
    char here;
    last_on_altstack = altstack && &here >= altstack && &here < altstack + SIGSTKSZ * 4;
}

// The handler's entry: RSP as the kernel left it, before any prologue.
extern void entry_probe(int, siginfo_t *, void *);
__asm__(".text\n.globl entry_probe\nentry_probe:\n"
        "    mov %rsp, %rax\n"
        "    mov %rax, entry_rsp(%rip)\n"
        "    jmp record\n");
uintptr_t entry_rsp;

static void on(int sig, void (*handler)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) {
        printf("sigaction %d failed: %s\n", sig, strerror(errno));
        exit(2);
    }
}

static void recovering(int sig, siginfo_t *info, void *ucv) {
    record(sig, info, ucv);
    siglongjmp(recover, 1);
}

static void skip_ud2(int sig, siginfo_t *info, void *ucv) {
    record(sig, info, ucv);
    ((ucontext_t *) ucv)->uc_mcontext.gregs[REG_RIP] += 2;
}

static void handlers(void) {
    on(SIGUSR1, entry_probe, 0);
    hits = 0;
    raise(SIGUSR1);
    say("raise runs the handler once", hits == 1 && last_signo == SIGUSR1);
    say("raise: si_code SI_TKILL", last_code == SI_TKILL);
    say("the handler's stack is aligned as after a call", (entry_rsp + 8) % 16 == 0);
    say("the signal is blocked in its handler", last_mask_has_self == 1);

    kill(getpid(), SIGUSR1);
    say("kill: si_code SI_USER", hits == 2 && last_code == SI_USER);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    say("tgkill: si_code SI_TKILL", hits == 3 && last_code == SI_TKILL);
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42});
    say("sigqueue: si_code SI_QUEUE and the value", hits == 4 && last_code == SI_QUEUE && last_value == 42);
    siginfo_t forged = {0};
    forged.si_code = SI_KERNEL;
    say("rt_sigqueueinfo posing as the kernel to another pid: EPERM",
        syscall(SYS_rt_sigqueueinfo, getpid() + 1, SIGUSR1, &forged) == -1 && errno == EPERM);
    say("rt_sigqueueinfo posing as the kernel to itself is allowed",
        syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &forged) == 0 && hits == 5 && last_code == SI_KERNEL);
    say("kill with signal 0: the process exists", kill(getpid(), 0) == 0);
    say("kill of a process that does not exist: ESRCH", kill(0x3fffffff, 0) == -1 && errno == ESRCH);
    say("kill with signal 65: EINVAL", kill(getpid(), 65) == -1 && errno == EINVAL);
    say("tgkill of another thread group: ESRCH", syscall(SYS_tgkill, 0x3fffffff, 1, SIGUSR1) == -1 && errno == ESRCH);
    say("tgkill with tid 0: EINVAL", syscall(SYS_tgkill, getpid(), 0, SIGUSR1) == -1 && errno == EINVAL);
    say("tkill with tid -1: EINVAL", syscall(SYS_tkill, -1, SIGUSR1) == -1 && errno == EINVAL);
    say("five deliveries, no more", hits == 5);
}

static void masks(void) {
    on(SIGUSR2, record, 0);
    sigset_t block, old, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGKILL);
    sigprocmask(SIG_BLOCK, &block, &old);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    say("SIGKILL cannot be blocked", !sigismember(&now, SIGKILL) && sigismember(&now, SIGUSR2));
    hits = 0;
    raise(SIGUSR2);
    raise(SIGUSR2);
    say("a blocked signal waits", hits == 0);
    sigpending(&pending);
    say("sigpending shows it", sigismember(&pending, SIGUSR2) && !sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("unblocked, it runs once (standard signals do not queue)", hits == 1 && last_signo == SIGUSR2);
    sigpending(&pending);
    say("nothing pending after", !sigismember(&pending, SIGUSR2));
    say("sigprocmask with a bad how: EINVAL", sigprocmask(7, &block, NULL) == -1 && errno == EINVAL);
    say("rt_sigprocmask with a bad size: EINVAL", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &block, NULL, 4) == -1 && errno == EINVAL);

    // Setting SIG_IGN discards a pending instance.
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pending);
    say("SIG_IGN discards the pending signal", !sigismember(&pending, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    raise(SIGCHLD);
    raise(SIGURG);
    raise(SIGWINCH);
    raise(SIGCONT);
    say("SIGCHLD, SIGURG, SIGWINCH and SIGCONT by default: nothing happens", 1);

    // sigsuspend with a signal already pending: the handler runs, then -EINTR, mask restored.
    on(SIGUSR2, record, 0);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR2);
    hits = 0;
    sigset_t wait;
    sigemptyset(&wait);
    int r = sigsuspend(&wait);
    say("sigsuspend returns -1 EINTR after the handler", r == -1 && errno == EINTR && hits == 1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    say("sigsuspend puts the mask back", sigismember(&now, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static char order[8];
static volatile int order_len;
static void remember(int sig) {
    order[order_len++] = sig == SIGUSR1 ? '1' : '2';
}

// Two signals unblocked at once: both delivered before the program runs again, the second's
// frame on top of the first's, so the higher number's handler runs first.
static void nested(void) {
    signal(SIGUSR1, remember);
    signal(SIGUSR2, remember);
    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigprocmask(SIG_BLOCK, &both, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    order_len = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    order[order_len] = 0;
    printf("two pending signals unblocked together run in the order %s\n", order);
}

static void flags(void) {
    on(SIGUSR1, record, SA_NODEFER);
    raise(SIGUSR1);
    say("SA_NODEFER: the signal is not blocked in its handler", last_mask_has_self == 0);
    on(SIGUSR1, record, SA_RESETHAND);
    hits = 0;
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    say("SA_RESETHAND: the handler ran, then SIG_DFL", hits == 1 && now.sa_handler == SIG_DFL);

    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    say("sigaction of SIGKILL: EINVAL", sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
    say("sigaction of SIGSTOP: EINVAL", sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
    say("sigaction of 65: EINVAL", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8) == -1 && errno == EINVAL);
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGKILL);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR1, NULL, &now);
    say("sa_mask keeps no SIGKILL", !sigismember(&now.sa_mask, SIGKILL) && sigismember(&now.sa_mask, SIGUSR2));
}

static void altstacks(void) {
    stack_t ss = {0}, old;
    sigaltstack(NULL, &old);
    say("no alternate stack at first: SS_DISABLE", old.ss_flags == SS_DISABLE);
    ss.ss_sp = malloc(1024);
    ss.ss_size = 1024;
    say("sigaltstack below MINSIGSTKSZ: ENOMEM", sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
    ss.ss_flags = 4;
    ss.ss_size = SIGSTKSZ * 4;
    say("sigaltstack with bad flags: EINVAL", sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
    altstack = malloc(SIGSTKSZ * 4);
    ss.ss_sp = altstack;
    ss.ss_flags = 0;
    say("sigaltstack", sigaltstack(&ss, NULL) == 0);
    on(SIGUSR1, record, SA_ONSTACK);
    raise(SIGUSR1);
    say("SA_ONSTACK: the handler runs on the alternate stack", last_on_altstack == 1);
    say("uc_stack describes it", last_uc_stack_flags == 0);
    on(SIGUSR1, record, 0);
    raise(SIGUSR1);
    say("without SA_ONSTACK: on the normal stack", last_on_altstack == 0);
    sigaltstack(NULL, &old);
    say("sigaltstack reads back", old.ss_sp == altstack && old.ss_size == SIGSTKSZ * 4 && old.ss_flags == 0);
    ss.ss_flags = SS_DISABLE;
    say("SS_DISABLE", sigaltstack(&ss, NULL) == 0 && sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
    say("sigaltstack from an unmapped pointer: EFAULT", syscall(SYS_sigaltstack, (void *) 8, NULL) == -1 && errno == EFAULT);
}

static volatile int in_handler_result;
static void change_altstack_inside(int sig) {
    stack_t ss = {.ss_sp = altstack, .ss_size = SIGSTKSZ * 4};
    in_handler_result = sigaltstack(&ss, NULL) == -1 && errno == EPERM;
    stack_t now;
    sigaltstack(NULL, &now);
    in_handler_result &= now.ss_flags == SS_ONSTACK;
}

static void altstack_busy(void) {
    stack_t ss = {.ss_sp = altstack, .ss_size = SIGSTKSZ * 4};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {0};
    sa.sa_handler = change_altstack_inside;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    say("on the alternate stack: SS_ONSTACK, and changing it is EPERM", in_handler_result);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
}

static void faults(void) {
    on(SIGSEGV, recovering, 0);
    if (sigsetjmp(recover, 1) == 0) {
        *(volatile int *) 0 = 1;
    }
    say("SIGSEGV caught: SEGV_MAPERR at 0", last_signo == SIGSEGV && last_code == SEGV_MAPERR && last_addr == 0);
    say("uc_mcontext: trapno 14, cr2 0, a user write to a missing page", last_trapno == 14 && last_cr2 == 0 && last_err == 6);
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    (void) *(volatile char *) page;     // present, so the write is a protection fault
    if (sigsetjmp(recover, 1) == 0) {
        *(volatile char *) (page + 8) = 1;
    }
    say("SIGSEGV caught: SEGV_ACCERR at the address", last_code == SEGV_ACCERR && last_addr == (uintptr_t) page + 8);
    say("uc_mcontext: error code of a write to a present page", last_err == 7 && last_cr2 == (long) page + 8);
    if (sigsetjmp(recover, 1) == 0) {
        __asm__ volatile("mov $0xffffffff81000000, %%rax\n mov (%%rax), %%rax" ::: "rax");
    }
    say("SIGSEGV at a kernel address, reported as a protection fault", last_addr == 0xffffffff81000000 && (last_err & 1) == 1);
    if (sigsetjmp(recover, 1) == 0) {
        __asm__ volatile("mov $0x800000000000, %%rax\n mov (%%rax), %%rax" ::: "rax");
    }
    say("SIGSEGV at a non-canonical address: #GP, SI_KERNEL, address 0",
        last_signo == SIGSEGV && last_code == SI_KERNEL && last_addr == 0 && last_trapno == 13);

    on(SIGFPE, recovering, 0);
    extern char divide_by_zero[];
    uintptr_t div_rip = (uintptr_t) divide_by_zero;
    if (sigsetjmp(recover, 1) == 0) {
        __asm__ volatile("xor %%ecx, %%ecx\n mov $1, %%eax\n cltd\n .globl divide_by_zero\n divide_by_zero: idiv %%ecx"
                         ::: "rax", "rcx", "rdx");
    }
    say("SIGFPE caught: FPE_INTDIV at the instruction", last_signo == SIGFPE && last_code == FPE_INTDIV
        && last_addr == div_rip && last_uc_rip == div_rip && last_trapno == 0);

    on(SIGILL, skip_ud2, 0);
    uintptr_t ud2_rip = 0;
    long r12 = 0;
    hits = 0;
    __asm__ volatile("mov $0x1234567, %%r12\n lea 1f(%%rip), %0\n 1: ud2\n mov %%r12, %1"
                     : "=&r"(ud2_rip), "=r"(r12) :: "r12");
    say("SIGILL: ILL_ILLOPN at the instruction, the handler skips it and returns",
        hits == 1 && last_code == ILL_ILLOPN && last_addr == ud2_rip && last_trapno == 6 && r12 == 0x1234567);

    on(SIGTRAP, record, 0);
    uintptr_t after_int3 = 0;
    __asm__ volatile("int3\n 1: lea 1b(%%rip), %0" : "=r"(after_int3));
    say("SIGTRAP from int3: SI_KERNEL, RIP after it", last_signo == SIGTRAP && last_code == SI_KERNEL
        && last_addr == 0 && last_uc_rip == after_int3 && last_trapno == 3);

    // An unmasked x87 exception: #MF at the next waiting instruction (QEMU's TCG raises no #XM
    // for SSE, so the x87 stands for both).
    on(SIGFPE, recovering, 0);
    extern char x87_wait[];
    if (sigsetjmp(recover, 1) == 0) {
        unsigned short cw = 0x37f & ~4;     // divide-by-zero unmasked
        double zero = 0, one = 1;
        __asm__ volatile("fldcw %0\n fldl %2\n fdivl %1\n .globl x87_wait\n x87_wait: fwait\n fstp %%st(0)"
                         :: "m"(cw), "m"(zero), "m"(one));
    }
    unsigned short default_cw = 0x37f;
    __asm__ volatile("fninit\n fldcw %0" :: "m"(default_cw));
    say("SIGFPE from the x87: FPE_FLTDIV at the waiting instruction, trapno 16", last_signo == SIGFPE
        && last_code == FPE_FLTDIV && last_addr == (uintptr_t) x87_wait && last_trapno == 16);

    // SSE state: the handler starts clean, and the interrupted code gets its registers back.
    on(SIGUSR1, record, 0);
    double kept = 0;
    __asm__ volatile("mov $0x4045000000000000, %%rax\n movq %%rax, %%xmm7\n"
                     "mov $62, %%eax\n mov %2, %%edi\n mov %3, %%esi\n syscall\n"
                     "movq %%xmm7, %0"
                     : "=x"(kept) : "0"(0.0), "r"(getpid()), "r"(SIGUSR1) : "rax", "rcx", "r11", "rdi", "rsi", "xmm7", "memory");
    say("xmm7 survives a handler", kept == 42.0);
}

static volatile int xmm_in_handler_clean;
static void check_fpu_clean(int sig, siginfo_t *info, void *ucv) {
    unsigned mxcsr;
    double x;
    __asm__ volatile("stmxcsr %0\n movq %%xmm7, %1" : "=m"(mxcsr), "=x"(x));
    xmm_in_handler_clean = mxcsr == 0x1f80 && x == 0;
    ucontext_t *uc = ucv;
    xmm_in_handler_clean &= uc->uc_mcontext.fpregs != NULL && uc->uc_mcontext.fpregs->mxcsr == 0x1fc0
        && ((uintptr_t) uc->uc_mcontext.fpregs % 16) == 0;
}

static void fpu_state(void) {
    on(SIGUSR1, check_fpu_clean, 0);
    unsigned mxcsr = 0x1fc0, back;   // the default with DAZ on
    __asm__ volatile("ldmxcsr %1\n mov $0x4045000000000000, %%rax\n movq %%rax, %%xmm7\n"
                     "mov $62, %%eax\n mov %2, %%edi\n mov %3, %%esi\n syscall\n stmxcsr %0"
                     : "=m"(back) : "m"(mxcsr), "r"(getpid()), "r"(SIGUSR1) : "rax", "rcx", "r11", "rdi", "rsi", "xmm7", "memory");
    say("the handler starts with a clean FPU; the frame keeps the program's MXCSR", xmm_in_handler_clean);
    say("MXCSR comes back", back == 0x1fc0);
    unsigned def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" :: "m"(def));
}

static void die_rt(void) {
    raise(SIGRTMIN + 5);
}

static void die_handler_faults(int sig) {
    *(volatile int *) 0 = 1;
}

static void die_fault_in_handler(void) {
    signal(SIGUSR1, die_handler_faults);
    raise(SIGUSR1);
}

static void die_bad_handler(void) {
    signal(SIGUSR1, (void (*)(int)) 0x10);
    raise(SIGUSR1);
}

static void die_bad_altstack(void) {
    stack_t ss = {.ss_sp = (void *) 0x10000, .ss_size = 65536};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {0};
    sa.sa_handler = die_handler_faults;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
}

static void overflow(int sig) {
    raise(SIGUSR1);
}

static void die_altstack_overflow(void) {
    // Handlers nest on a MINSIGSTKSZ alternate stack until a frame would overflow it.
    altstack = malloc(MINSIGSTKSZ);
    stack_t ss = {.ss_sp = altstack, .ss_size = MINSIGSTKSZ};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {0};
    sa.sa_handler = overflow;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    puts("survived");
}

static void die_blocked_fault(void) {
    on(SIGSEGV, record, 0);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGSEGV);
    sigprocmask(SIG_BLOCK, &block, NULL);
    *(volatile int *) 0 = 1;
}

static void die_ignored_fault(void) {
    signal(SIGILL, SIG_IGN);
    __asm__ volatile("ud2");
}

static void die_no_restorer(void) {
    struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } sa = {(void *) record, SA_SIGINFO, 0, 0};
    syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 8);
    raise(SIGUSR1);
}

static void die_kill9(void) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    kill(getpid(), SIGKILL);
}

static void stop(void) {
    raise(SIGSTOP);
}

static void die_after_handler(int sig) {
    printf("handled %d\n", sig);
}

static void die_term(void) {
    signal(SIGUSR1, die_after_handler);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_DFL);
    raise(SIGUSR1);
}

static void wait_forever(void) {
    on(SIGUSR1, record, 0);
    pause();
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *how = argc > 1 ? argv[1] : "all";
    if (strcmp(how, "all") == 0) {
        handlers();
        masks();
        nested();
        flags();
        altstacks();
        altstack_busy();
        faults();
        fpu_state();
        puts("done");
        return 0;
    }
    static const struct { const char *name; void (*run)(void); } cases[] = {
        {"die-abort", abort},
        {"die-kill9", die_kill9},
        {"die-term", die_term},
        {"die-rt", die_rt},
        {"die-fault-in-handler", die_fault_in_handler},
        {"die-bad-handler", die_bad_handler},
        {"die-bad-altstack", die_bad_altstack},
        {"die-altstack-overflow", die_altstack_overflow},
        {"die-blocked-fault", die_blocked_fault},
        {"die-ignored-fault", die_ignored_fault},
        {"die-no-restorer", die_no_restorer},
        {"wait-forever", wait_forever},
        {"stop", stop},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(how, cases[i].name) == 0) {
            cases[i].run();
            puts("still alive");
            return 1;
        }
    }
    printf("unknown case %s\n", how);
    return 2;
}
