/* System calls a signal interrupts, ended or made again as Linux decides (its signal.c and
 * restart_block). Stopped and continued, where no handler runs: a sleep, a futex wait and a poll
 * with a timeout go on to their first deadline (restart_syscall; an absolute sleep is simply made
 * again), and a futex wait without one waits on. Interrupted by a handler with SA_RESTART: the
 * calls with a timeout end with EINTR, and the futex wait without one is made again. Every line
 * is the same on Linux. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

#define FUTEX_WAIT 0 /* linux/futex.h, which musl's headers lack */
#define FUTEX_WAKE 1
#define DEADLINE_MS 1000
#define LATE_MS 300 /* later than this past the deadline: it waited its whole timeout again */

enum call { SLEEP, SLEEP_ABSOLUTE, FUTEX_TIMED, POLL, FUTEX_FOREVER, CALLS };
static const char *const names[CALLS] = {
    "clock_nanosleep", "clock_nanosleep TIMER_ABSTIME", "futex wait with a timeout",
    "poll with a timeout", "futex wait without a timeout",
};

static int *word; /* a MAP_SHARED futex word: the parent wakes the child's wait without a timeout */
static int rem_plausible; /* an interrupted relative sleep wrote a time left below its timeout */

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void nap(int ms) {
    struct timespec t = {0, ms * 1000000L};
    while (nanosleep(&t, &t) == -1 && errno == EINTR) {
    }
}

static void on_usr1(int sig) {
    (void)sig;
}

/* the call's outcome: 0 or its errno */
static int make(enum call c) {
    struct timespec timeout = {DEADLINE_MS / 1000, (DEADLINE_MS % 1000) * 1000000L}, until;
    switch (c) {
    case SLEEP: {
        struct timespec rem = {0, 0};
        int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &timeout, &rem);
        rem_plausible = rem.tv_sec * 1000 + rem.tv_nsec / 1000000 < DEADLINE_MS && rem.tv_nsec > 0;
        return r;
    }
    case SLEEP_ABSOLUTE:
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += timeout.tv_sec;
        until.tv_nsec += timeout.tv_nsec;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    case FUTEX_TIMED:
        return syscall(SYS_futex, word, FUTEX_WAIT, 0, &timeout, NULL, 0) == 0 ? 0 : errno;
    case POLL:
        return poll(NULL, 0, DEADLINE_MS) == 0 ? 0 : errno;
    default:
        return syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : errno;
    }
}

/* One child makes the call; the parent interrupts it with a stop and SIGCONT, or with SIGUSR1
 * caught by a handler with SA_RESTART. The child says what came back. */
static void interrupt(enum call c, int with_handler) {
    int ready[2];
    if (pipe(ready) != 0)
        return;
    *word = 0;
    pid_t child = fork();
    if (child == 0) {
        if (with_handler) {
            struct sigaction usr1;
            memset(&usr1, 0, sizeof usr1);
            usr1.sa_handler = on_usr1;
            usr1.sa_flags = SA_RESTART;
            sigaction(SIGUSR1, &usr1, NULL);
        }
        close(ready[0]);
        close(ready[1]); /* the handler is in place once the pipe is closed */
        long start = now_ms();
        int outcome = make(c);
        long waited = now_ms() - start;
        printf("%s, %s: %s", names[c], with_handler ? "a handler with SA_RESTART" : "stopped and continued",
               errname(outcome));
        if (c == FUTEX_FOREVER)
            printf(", woken by the parent: %s\n", *word ? "yes" : "no");
        else if (outcome == 0 || outcome == ETIMEDOUT)
            printf(", at its first deadline: %s\n", waited >= DEADLINE_MS - 1 && waited < DEADLINE_MS + LATE_MS ? "yes" : "no");
        else
            printf(", before its deadline: %s%s\n", waited < DEADLINE_MS ? "yes" : "no",
                   c != SLEEP ? "" : rem_plausible ? ", the time left in rem" : ", rem not written");
        _exit(0);
    }
    close(ready[1]);
    char byte;
    if (read(ready[0], &byte, 1) < 0)
        return;
    close(ready[0]);
    nap(50);
    if (with_handler) {
        kill(child, SIGUSR1);
    } else {
        kill(child, SIGSTOP);
        int status;
        waitpid(child, &status, WUNTRACED);
        nap(400); /* stopped this long: the whole timeout again would end far past the deadline */
        kill(child, SIGCONT);
    }
    if (c == FUTEX_FOREVER) {
        nap(100);
        *word = 1;
        syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
    waitpid(child, NULL, 0);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (word == MAP_FAILED)
        return 1;
    for (int with_handler = 0; with_handler <= 1; with_handler++)
        for (enum call c = 0; c < CALLS; c++)
            interrupt(c, with_handler);
    return 0;
}
