/* Waiting for signals instead of catching them (sigwait, sigwaitinfo, sigtimedwait: Linux's
 * rt_sigtimedwait), and SA_RESTART on a blocking read. Each line states what Linux does; the
 * test compares the whole output with the host's. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

static long ms_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static pid_t main_tid;
static volatile int values[8];
static volatile int recorded;

static void record_value(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) context;
    if (recorded < 8) {
        values[recorded++] = info->si_value.sival_int;
    }
}
static volatile sig_atomic_t handled;

static void handler(int sig) {
    handled = sig;
}

/* After a pause, sends a signal: to the process (kill) or to the main thread (tgkill). */
struct delayed { int sig; int to_thread; long ms; int pipe_fd; };

static void *send_later(void *arg) {
    struct delayed *d = arg;
    pause_ms(d->ms);
    if (d->to_thread) {
        syscall(SYS_tgkill, getpid(), main_tid, d->sig);
    } else {
        kill(getpid(), d->sig);
    }
    if (d->pipe_fd >= 0) {
        pause_ms(d->ms);
        if (write(d->pipe_fd, "x", 1) != 1) {
            perror("write");
        }
    }
    return NULL;
}

static pthread_t start(struct delayed *d) {
    pthread_t thread;
    pthread_create(&thread, NULL, send_later, d);
    return thread;
}

static void block(int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int main(void) {
    main_tid = gettid();
    sigset_t usr1, both, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigemptyset(&none);
    block(SIGUSR1);
    block(SIGUSR2);
    block(SIGRTMIN);

    struct timespec zero = {0, 0};
    errno = 0;
    int r = sigtimedwait(&usr1, NULL, &zero);
    printf("nothing pending, zero timeout: %d %s\n", r, errname(errno));

    raise(SIGUSR1);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    r = sigwaitinfo(&usr1, &info);
    printf("raised SIGUSR1 taken: %d, si_code %d, si_pid ours %s\n", r, info.si_code,
           info.si_pid == getpid() ? "yes" : "no");
    sigset_t pending;
    sigpending(&pending);
    printf("no longer pending: %s\n", sigismember(&pending, SIGUSR1) ? "no" : "yes");

    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    int first = sigwaitinfo(&both, NULL);
    int second = sigwaitinfo(&both, NULL);
    printf("two pending, lowest first: %d then %d\n", first, second);

    union sigval value = {.sival_int = 42};
    sigqueue(getpid(), SIGRTMIN, value);
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    memset(&info, 0, sizeof info);
    r = sigwaitinfo(&rt, &info);
    printf("queued SIGRTMIN: %s, si_code SI_QUEUE %s, value %d\n", r == SIGRTMIN ? "taken" : "missed",
           info.si_code == SI_QUEUE ? "yes" : "no", info.si_value.sival_int);

    struct timespec start_time, fifty = {0, 50 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &start_time);
    errno = 0;
    r = sigtimedwait(&usr1, NULL, &fifty);
    long waited = ms_since(&start_time);
    printf("50 ms timeout: %d %s, waited at least 50 ms: %s\n", r, errname(errno), waited >= 50 ? "yes" : "no");

    struct delayed to_process = {SIGUSR2, 0, 30, -1};
    pthread_t thread = start(&to_process);
    int sig = 0;
    r = sigwait(&both, &sig);
    pthread_join(thread, NULL);
    printf("sigwait woken by another thread's kill: %d %d\n", r, sig);

    struct sigaction act = {0};
    act.sa_handler = handler;
    sigaction(SIGALRM, &act, NULL);
    struct delayed alarm_now = {SIGALRM, 1, 30, -1};
    thread = start(&alarm_now);
    errno = 0;
    r = syscall(SYS_rt_sigtimedwait, &usr1, NULL, NULL, 8);     /* musl's sigwaitinfo retries on EINTR */
    pthread_join(thread, NULL);
    printf("another signal with a handler: %d %s, handler ran: %s\n", r, errname(errno),
           handled == SIGALRM ? "yes" : "no");

    sigset_t kill_only;
    sigemptyset(&kill_only);
    sigaddset(&kill_only, SIGKILL);
    errno = 0;
    r = sigtimedwait(&kill_only, NULL, &zero);
    printf("a set of SIGKILL alone: %d %s\n", r, errname(errno));

    struct timespec bad = {0, 2000000000};
    errno = 0;
    r = sigtimedwait(&usr1, NULL, &bad);
    printf("nanoseconds out of range: %d %s\n", r, errname(errno));
    errno = 0;
    r = syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 4);
    printf("sigsetsize 4: %d %s\n", r, errname(errno));
    errno = 0;
    r = syscall(SYS_rt_sigtimedwait, (void *) 8, NULL, &zero, 8);
    printf("a set at address 8: %d %s\n", r, errname(errno));
    errno = 0;
    r = syscall(SYS_rt_sigtimedwait, &usr1, NULL, (void *) 8, 8);
    printf("a timeout at address 8: %d %s\n", r, errname(errno));
    raise(SIGUSR1);
    errno = 0;
    r = syscall(SYS_rt_sigtimedwait, &usr1, (void *) 8, &zero, 8);
    sigpending(&pending);
    printf("siginfo at address 8: %d %s, the signal taken all the same: %s\n", r, errname(errno),
           sigismember(&pending, SIGUSR1) ? "no" : "yes");

    /* Real-time signals queue: every instance is taken, in the order sent, the lowest signal
     * first; a standard signal sent twice while pending is one. */
    sigset_t queued;
    sigemptyset(&queued);
    sigaddset(&queued, SIGRTMIN);
    sigaddset(&queued, SIGRTMIN + 1);
    sigaddset(&queued, SIGUSR1);
    block(SIGRTMIN + 1);
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval) {.sival_int = 7});
    for (int i = 1; i <= 3; i++) {
        sigqueue(getpid(), SIGRTMIN, (union sigval) {.sival_int = i});
    }
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("taken in turn:");
    while ((r = sigtimedwait(&queued, &info, &zero)) > 0) {
        if (r == SIGUSR1) {
            printf(" USR1");
        } else {
            printf(" RTMIN+%d:%d", r - SIGRTMIN, info.si_value.sival_int);
        }
    }
    printf(", then %s\n", errname(errno));

    sigqueue(getpid(), SIGRTMIN, (union sigval) {.sival_int = 5});
    sigqueue(getpid(), SIGRTMIN, (union sigval) {.sival_int = 6});
    sigpending(&pending);
    printf("queued twice, pending: %s\n", sigismember(&pending, SIGRTMIN) ? "yes" : "no");
    struct sigaction ignore = {0};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGRTMIN, &ignore, NULL);
    ignore.sa_handler = SIG_DFL;
    sigaction(SIGRTMIN, &ignore, NULL);
    errno = 0;
    r = sigtimedwait(&rt, NULL, &zero);
    printf("ignoring it discards every instance: %d %s\n", r, errname(errno));

    struct sigaction record = {0};
    record.sa_sigaction = record_value;
    record.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &record, NULL);
    for (int i = 1; i <= 3; i++) {
        sigqueue(getpid(), SIGRTMIN, (union sigval) {.sival_int = 10 * i});
    }
    pthread_sigmask(SIG_UNBLOCK, &rt, NULL);
    printf("a handler for each instance:");
    for (int i = 0; i < recorded; i++) {
        printf(" %d", values[i]);
    }
    printf("\n");

    /* SA_RESTART: a read interrupted by a handler goes on (and returns the byte written later);
     * without it, the read fails with EINTR. */
    for (int restart = 1; restart >= 0; restart--) {
        int fds[2];
        if (pipe(fds) != 0) {
            perror("pipe");
            return 1;
        }
        act.sa_flags = restart ? SA_RESTART : 0;
        sigaction(SIGALRM, &act, NULL);
        handled = 0;
        struct delayed interrupt = {SIGALRM, 1, 30, fds[1]};
        thread = start(&interrupt);
        char byte = 0;
        errno = 0;
        ssize_t n = read(fds[0], &byte, 1);
        int error = errno;
        pthread_join(thread, NULL);
        printf("read with SA_RESTART %s: %zd %s%s, handler ran: %s\n", restart ? "on" : "off", n,
               n == 1 ? "byte " : errname(error), n == 1 ? (byte == 'x' ? "x" : "?") : "",
               handled == SIGALRM ? "yes" : "no");
        close(fds[0]);
        close(fds[1]);
    }
    return 0;
}
