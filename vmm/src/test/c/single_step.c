// Single-stepping through every way into the kernel, after Linux's selftests
// x86/single_step_syscall.c: with TF set, each instruction traps into a SIGTRAP handler (which
// must run with TF clear), and TF is still set when the program clears it itself.
//
//   single_step linux   nop and SYSCALL (the same lines as on Linux)
//   single_step jvmm    also INT 0x80 and the vDSO gate (SYSENTER with entry=sysenter)
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "entryflags.h"

static volatile long traps;

static void sigtrap(int sig, siginfo_t *info, void *ctx) {
    if (get_eflags() & X86_EFLAGS_TF) {
        set_eflags(get_eflags() & ~X86_EFLAGS_TF);
        printf("[WARN]\tSIGTRAP handler had TF set\n");
        _exit(1);
    }
    traps++;
}

static void check_result(const char *what) {
    unsigned long flags = get_eflags();
    set_eflags(flags & ~X86_EFLAGS_TF);
    if (!traps) {
        printf("[FAIL]\t%s: no SIGTRAP\n", what);
        exit(1);
    }
    if (!(flags & X86_EFLAGS_TF)) {
        printf("[FAIL]\t%s: TF was cleared\n", what);
        exit(1);
    }
    printf("[OK]\t%s: survived with TF set\n", what);
    traps = 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {0};
    sa.sa_sigaction = sigtrap;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTRAP, &sa, NULL);
    long pid = getpid();

    set_eflags(get_eflags() | X86_EFLAGS_TF);
    __asm__ volatile("nop");
    check_result("nop");

    set_eflags(get_eflags() | X86_EFLAGS_TF);
    long r = getpid_syscall();
    check_result(r == pid ? "syscall" : "syscall (wrong result)");

    if (argc > 1 && argv[1][0] == 'j') {
        set_eflags(get_eflags() | X86_EFLAGS_TF);
        r = getpid_int80();
        check_result(r == pid ? "int $0x80" : "int $0x80 (wrong result)");
        uintptr_t gate = vdso_symbol("__kernel_vsyscall");
        if (gate == 0) {
            puts("[FAIL]\tno __kernel_vsyscall");
            return 1;
        }
        set_eflags(get_eflags() | X86_EFLAGS_TF);
        r = getpid_gate(gate);
        check_result(r == pid ? "vDSO gate" : "vDSO gate (wrong result)");
    }
    return 0;
}
