/* Installs a SIGSEGV handler (SA_SIGINFO), dereferences NULL, and recovers with siglongjmp, as
 * runtimes that catch faults on purpose do. Twice: siglongjmp must restore the signal mask that
 * the first delivery blocked, or the second fault cannot be delivered. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf recover;
static volatile sig_atomic_t code;
static void *volatile address;

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void) context;
    code = info->si_signo == sig ? info->si_code : -1;
    address = info->si_addr;
    siglongjmp(recover, 1);
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_segv;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, NULL) != 0) {
        perror("sigaction");
        return 1;
    }
    for (int round = 1; round <= 2; round++) {
        if (sigsetjmp(recover, 1) == 0) {
            volatile int *null = NULL;
            printf("round %d: read %d\n", round, *null);
            return 2;
        }
        sigset_t mask;
        sigprocmask(SIG_BLOCK, NULL, &mask);
        printf("round %d: recovered from SIGSEGV, si_code %s, si_addr %s, SIGSEGV blocked %s\n", round,
               code == SEGV_MAPERR ? "SEGV_MAPERR" : "other", address == NULL ? "NULL" : "other",
               sigismember(&mask, SIGSEGV) ? "yes" : "no");
    }
    return 0;
}
