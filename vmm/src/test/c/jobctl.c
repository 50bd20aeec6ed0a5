/* Job control as a shell sees it: a stopped child does not run, its parent is told (SIGCHLD with
 * CLD_STOPPED and CLD_CONTINUED, wait with WUNTRACED and WCONTINUED, each reported once), signals
 * sent meanwhile wait for SIGCONT (but SIGKILL), and SIGTSTP stops a job in a process group of
 * its own. Every line is the same on Linux. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int last_code;

static void on_chld(int sig, siginfo_t *info, void *uc) {
    (void)sig;
    (void)uc;
    last_code = info->si_code;
}

static const char *code_name(int code) {
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "none";
    }
}

static void nap(int ms) {
    struct timespec t = {0, ms * 1000000L};
    while (nanosleep(&t, &t) == -1 && errno == EINTR) {
    }
}

static void describe(const char *what, pid_t pid, int options) {
    int status = 0;
    pid_t got = waitpid(pid, &status, options);
    if (got == 0)
        printf("%s: nothing to report\n", what);
    else if (got != pid)
        printf("%s: %s\n", what, strerror(errno));
    else if (WIFSTOPPED(status))
        printf("%s: stopped by %s\n", what, strsignal(WSTOPSIG(status)));
    else if (WIFCONTINUED(status))
        printf("%s: continued\n", what);
    else if (WIFSIGNALED(status))
        printf("%s: killed by %s\n", what, strsignal(WTERMSIG(status)));
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
}

/* A child that counts in shared memory, 1 ms at a time, until it is killed. */
static pid_t counter(volatile long *count, int own_group) {
    pid_t pid = fork();
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        for (;;) {
            (*count)++;
            nap(1);
        }
    }
    if (own_group)
        setpgid(pid, pid);
    return pid;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    volatile long *count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    pid_t child = counter(count, 0);
    nap(50);
    kill(child, SIGSTOP);
    describe("after SIGSTOP, WUNTRACED", child, WUNTRACED);
    printf("SIGCHLD: %s\n", code_name(last_code));
    describe("again, WUNTRACED | WNOHANG", child, WUNTRACED | WNOHANG);
    long before = *count;
    nap(100);
    printf("a stopped child does not run: %s\n", *count == before ? "yes" : "no");
    kill(child, SIGTERM);
    nap(50);
    describe("SIGTERM while stopped, WNOHANG", child, WNOHANG);
    kill(child, SIGCONT);
    nap(50);
    describe("after SIGCONT, the SIGTERM", child, WCONTINUED);
    describe("then", child, 0);

    child = counter(count, 0);
    nap(50);
    kill(child, SIGSTOP);
    describe("stopped again", child, WUNTRACED);
    last_code = 0;
    kill(child, SIGCONT);
    nap(50);
    printf("SIGCHLD: %s\n", code_name(last_code));
    before = *count;
    nap(100);
    printf("a continued child runs: %s\n", *count > before ? "yes" : "no");
    describe("the continue, WCONTINUED | WNOHANG", child, WCONTINUED | WNOHANG);
    describe("the continue is reported once", child, WCONTINUED | WNOHANG);
    kill(child, SIGSTOP);
    describe("stopped", child, WUNTRACED);
    kill(child, SIGKILL);
    describe("SIGKILL while stopped", child, 0);

    child = counter(count, 1);
    nap(50);
    kill(child, SIGTSTP);
    describe("SIGTSTP to a job in its own group", child, WUNTRACED);
    kill(-child, SIGCONT);
    describe("SIGCONT to the group", child, WCONTINUED);
    kill(-child, SIGKILL);
    describe("then", child, 0);

    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    child = counter(count, 0);
    nap(50);
    last_code = 0;
    kill(child, SIGSTOP);
    describe("with SA_NOCLDSTOP", child, WUNTRACED);
    printf("SIGCHLD: %s\n", code_name(last_code));
    kill(child, SIGKILL);
    describe("then", child, 0);
    printf("SIGCHLD: %s\n", code_name(last_code));
    return 0;
}
