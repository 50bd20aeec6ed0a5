// Hostile signal frames, after Linux's selftests x86/sigreturn.c: a SIGUSR1 handler rewrites
// its ucontext and returns; what comes back must be harmless, and the kernel must live.
//
//   sigreturn linux     cases whose every printed line is the same on Linux
//   sigreturn segments  CS and SS in the frame set to kernel selectors (jvmm forces the user's;
//                       Linux lets the IRET fault and sends SIGSEGV)
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

enum change { NONE, FLAGS, RIP_NONCANONICAL, RIP_KERNEL, MXCSR, NO_FPSTATE, MISALIGNED_FPSTATE, MASK, SEGMENTS };
static volatile enum change change;
static sigjmp_buf recover;
static volatile int segv_code, segv_trapno;
static volatile uintptr_t segv_addr, segv_rip, bad_rip;

static void usr1(int sig, siginfo_t *info, void *ucv) {
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    switch (change) {
    case FLAGS:
        g[REG_EFL] |= 0x3000 | 0x4000 | 0x20000 | 0x80000 | 0x100000 | 0x40000;   // IOPL 3, NT, VM, VIF, VIP, AC
        g[REG_EFL] &= ~0x200;                                                        // IF
        break;
    case RIP_NONCANONICAL:
        bad_rip = 0x0000800000000000;
        g[REG_RIP] = (greg_t) bad_rip;
        break;
    case RIP_KERNEL:
        bad_rip = 0xffffffff81000000;
        g[REG_RIP] = (greg_t) bad_rip;
        break;
    case MXCSR:
        uc->uc_mcontext.fpregs->mxcsr = 0xffffffff;
        break;
    case NO_FPSTATE:
        uc->uc_mcontext.fpregs = NULL;
        break;
    case MISALIGNED_FPSTATE: {
        static char image[8192] __attribute__((aligned(64)));
        memcpy(image + 8, uc->uc_mcontext.fpregs, 464);   // the FXSAVE part, no XSAVE extension
        uc->uc_mcontext.fpregs = (void *) (image + 8);
        break;
    }
    case MASK:
        sigfillset(&uc->uc_sigmask);
        break;
    case SEGMENTS:
        g[REG_CSGSFS] = 0x0018000000000010;  // cs 0x10, ss 0x18: the kernel's
        break;
    case NONE:
        break;
    }
}

static void segv(int sig, siginfo_t *info, void *ucv) {
    ucontext_t *uc = ucv;
    segv_code = info->si_code;
    segv_addr = (uintptr_t) info->si_addr;
    segv_rip = uc->uc_mcontext.gregs[REG_RIP];
    segv_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    siglongjmp(recover, 1);
}

// kill(getpid(), SIGUSR1) by SYSCALL, with the FPU state given and read right after it, before
// any library code can touch it.
static void signal_self(unsigned mxcsr_in, unsigned *mxcsr_out, uint64_t xmm_in, uint64_t *xmm_out) {
    uint64_t pid = getpid();
    __asm__ volatile("ldmxcsr %2\n movq %3, %%xmm7\n"
                     "mov $62, %%eax\n mov %4, %%rdi\n mov $10, %%esi\n syscall\n"
                     "stmxcsr %0\n movq %%xmm7, %1\n"
                     "movl $0x1f80, -4(%%rsp)\n ldmxcsr -4(%%rsp)\n"
                     : "=m"(*mxcsr_out), "=r"(*xmm_out)
                     : "m"(mxcsr_in), "r"(xmm_in), "r"(pid)
                     : "rax", "rcx", "r11", "rdi", "rsi", "xmm7", "memory");
}

static void on(int sig, void (*handler)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void linux_cases(void) {
    unsigned mxcsr;
    uint64_t xmm;

    change = FLAGS;
    unsigned long flags;
    __asm__ volatile("mov $62, %%eax\n mov %1, %%rdi\n mov $10, %%esi\n syscall\n pushf\n pop %0\n"
                     "pushf\n andq $~0x40000, (%%rsp)\n popf"
                     : "=r"(flags) : "r"((uint64_t) getpid()) : "rax", "rcx", "r11", "rdi", "rsi", "memory");
    printf("RFLAGS after a frame asking IOPL 3, NT, VM, VIF, VIP, AC, no IF: IF %d IOPL %lu NT %d VM %d VIF %d VIP %d AC %d\n",
           !!(flags & 0x200), (flags >> 12) & 3, !!(flags & 0x4000), !!(flags & 0x20000), !!(flags & 0x80000),
           !!(flags & 0x100000), !!(flags & 0x40000));

    // Reserved MXCSR bits would make FXRSTOR fault; Linux refuses the frame (SIGSEGV), after it
    // has restored the registers. So does a misaligned FXSAVE image.
    change = MXCSR;
    if (sigsetjmp(recover, 1) == 0) {
        signal_self(0x1f80, &mxcsr, 1, &xmm);
        printf("MXCSR 0xffffffff in the frame: accepted, MXCSR 0x%x\n", mxcsr);
    } else {
        printf("MXCSR 0xffffffff in the frame: SIGSEGV si_code %d addr 0x%lx\n", segv_code, (unsigned long) segv_addr);
    }
    change = MISALIGNED_FPSTATE;
    if (sigsetjmp(recover, 1) == 0) {
        signal_self(0x1fc0, &mxcsr, 0x4045000000000000, &xmm);
        printf("a misaligned FPU state: accepted, MXCSR 0x%x xmm7 %s\n", mxcsr, xmm == 0x4045000000000000 ? "kept" : "lost");
    } else {
        printf("a misaligned FPU state: SIGSEGV si_code %d addr 0x%lx\n", segv_code, (unsigned long) segv_addr);
    }

    change = NO_FPSTATE;
    signal_self(0x1fc0, &mxcsr, 0x4045000000000000, &xmm);
    printf("no FPU state in the frame: MXCSR 0x%x, xmm7 %s\n", mxcsr, xmm == 0 ? "cleared" : "kept");

    change = NONE;
    signal_self(0x1fc0, &mxcsr, 0x4045000000000000, &xmm);
    printf("an untouched frame: MXCSR 0x%x, xmm7 %s\n", mxcsr, xmm == 0x4045000000000000 ? "kept" : "lost");

    change = MASK;
    raise(SIGUSR1);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("a frame blocking everything: SIGKILL %d SIGSTOP %d SIGUSR2 %d\n",
           sigismember(&now, SIGKILL), sigismember(&now, SIGSTOP), sigismember(&now, SIGUSR2));
    sigemptyset(&now);
    sigprocmask(SIG_SETMASK, &now, NULL);

    change = RIP_NONCANONICAL;
    if (sigsetjmp(recover, 1) == 0) {
        raise(SIGUSR1);
        puts("returned to the non-canonical RIP?");
    } else {
        printf("non-canonical RIP: SIGSEGV si_code %d addr 0x%lx trapno %d, the frame's RIP %s\n", segv_code,
               (unsigned long) segv_addr, segv_trapno, segv_rip == bad_rip ? "kept" : "changed");
    }

    change = RIP_KERNEL;
    if (sigsetjmp(recover, 1) == 0) {
        raise(SIGUSR1);
        puts("ran kernel code?");
    } else {
        printf("kernel RIP: SIGSEGV at it %s\n", segv_addr == bad_rip && segv_rip == bad_rip ? "yes" : "no");
    }

    // rt_sigreturn with RSP at memory the program cannot read: SIGSEGV on the alternate stack.
    static const uintptr_t bad_stacks[] = {0x1000, 0xffffffff81000000, 0x0000800000000000};
    for (int i = 0; i < 3; i++) {
        if (sigsetjmp(recover, 1) == 0) {
            __asm__ volatile("mov %0, %%rsp\n mov $15, %%eax\n syscall\n ud2" :: "r"(bad_stacks[i]) : "rax", "memory");
        } else {
            printf("rt_sigreturn with RSP 0x%lx: SIGSEGV si_code %d addr 0x%lx\n", (unsigned long) bad_stacks[i], segv_code,
                   (unsigned long) segv_addr);
        }
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536};
    sigaltstack(&ss, NULL);
    on(SIGUSR1, usr1, 0);
    on(SIGSEGV, segv, SA_ONSTACK | SA_NODEFER);
    const char *how = argc > 1 ? argv[1] : "linux";
    if (strcmp(how, "linux") == 0) {
        linux_cases();
    } else if (strcmp(how, "segments") == 0) {
        change = SEGMENTS;
        if (sigsetjmp(recover, 1) == 0) {
            raise(SIGUSR1);
            unsigned short cs, ss_now;
            __asm__ volatile("mov %%cs, %0\n mov %%ss, %1" : "=r"(cs), "=r"(ss_now));
            printf("kernel selectors in the frame: back with CS 0x%x SS 0x%x\n", cs, ss_now);
        } else {
            printf("kernel selectors in the frame: SIGSEGV si_code %d trapno %d\n", segv_code, segv_trapno);
        }
    }
    puts("the kernel survived");
    return 0;
}
