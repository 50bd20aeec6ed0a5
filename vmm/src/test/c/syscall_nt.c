// RFLAGS a program sets survive a system call, after Linux's selftests x86/syscall_nt.c: NT, AC
// and TF (with a SIGTRAP handler), alone and together, through SYSCALL, and on jvmm through
// INT 0x80 and the vDSO gate too; and a SYSENTER with NT set and a non-canonical RCX (the
// stack SYSEXIT would return to) costs the process a signal, never the kernel.
//
// (Linux keeps NT across SYSCALL, as the selftest checks; a Linux that is itself a PVM guest
// clears it, so this program is not compared with such a host.)
//
//   syscall_nt linux    SYSCALL (the same lines as on Linux)
//   syscall_nt jvmm     also INT 0x80 and the vDSO gate
//   syscall_nt sysenter-nt-bad-rcx
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "entryflags.h"

static int nerrs;
static volatile long traps;
static sigjmp_buf recover;
static volatile int fatal_signal;

static void sigtrap(int sig, siginfo_t *info, void *ctx) {
    traps++;
}

static void fatal(int sig, siginfo_t *info, void *ctx) {
    fatal_signal = sig;
    siglongjmp(recover, 1);
}

static void do_it(const char *path, long (*call)(uintptr_t), uintptr_t gate, unsigned long extraflags, const char *names) {
    set_eflags(get_eflags() | extraflags);
    call(gate);
    unsigned long flags = get_eflags();
    set_eflags(X86_EFLAGS_IF | X86_EFLAGS_FIXED);
    if ((flags & extraflags) == extraflags) {
        printf("[OK]\t%s with %s: the flags are still set\n", path, names);
    } else {
        printf("[FAIL]\t%s with %s: flags 0x%lx\n", path, names, flags);
        nerrs++;
    }
}

static long via_syscall(uintptr_t unused) { return getpid_syscall(); }
static long via_int80(uintptr_t unused) { return getpid_int80(); }
static long via_gate(uintptr_t gate) { return getpid_gate(gate); }

static void each_flag(const char *path, long (*call)(uintptr_t), uintptr_t gate) {
    do_it(path, call, gate, X86_EFLAGS_NT, "NT");
    do_it(path, call, gate, X86_EFLAGS_AC, "AC");
    do_it(path, call, gate, X86_EFLAGS_NT | X86_EFLAGS_AC, "NT|AC");
    do_it(path, call, gate, X86_EFLAGS_TF, "TF");
    do_it(path, call, gate, X86_EFLAGS_NT | X86_EFLAGS_TF, "NT|TF");
    do_it(path, call, gate, X86_EFLAGS_AC | X86_EFLAGS_TF, "AC|TF");
    do_it(path, call, gate, X86_EFLAGS_NT | X86_EFLAGS_AC | X86_EFLAGS_TF, "NT|AC|TF");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *how = argc > 1 ? argv[1] : "linux";
    struct sigaction sa = {0};
    sa.sa_sigaction = sigtrap;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTRAP, &sa, NULL);

    if (strcmp(how, "sysenter-nt-bad-rcx") == 0) {
        static char stack[65536];
        stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
        sigaltstack(&ss, NULL);
        sa.sa_sigaction = fatal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigaction(SIGSEGV, &sa, NULL);
        sigaction(SIGBUS, &sa, NULL);
        sigaction(SIGILL, &sa, NULL);
        if (sigsetjmp(recover, 1) == 0) {
            // SYSENTER's return stack is RCX: a non-canonical one, with NT set in RFLAGS.
            __asm__ volatile("pushf\n orq $0x4000, (%%rsp)\n popf\n"
                             "mov $39, %%eax\n mov $0x0000800000000000, %%rcx\n lea 1f(%%rip), %%rdx\n"
                             "sysenter\n 1: ud2" ::: "rax", "rcx", "rdx", "memory");
        }
        set_eflags(X86_EFLAGS_IF | X86_EFLAGS_FIXED);
        // Where the process notices its stack is the CPU's business (at the UD2 under QEMU).
        printf("SYSENTER with NT and a non-canonical RCX: %s\n", fatal_signal ? "a signal" : "no signal");
        puts("the kernel survived");
        return 0;
    }

    each_flag("syscall", via_syscall, 0);
    if (strcmp(how, "jvmm") == 0) {
        each_flag("int $0x80", via_int80, 0);
        uintptr_t gate = vdso_symbol("__kernel_vsyscall");
        if (gate == 0) {
            puts("[FAIL]\tno __kernel_vsyscall");
            return 1;
        }
        each_flag("vDSO gate", via_gate, gate);
    }
    return nerrs ? 1 : 0;
}
