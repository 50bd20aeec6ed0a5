/* The real-time interval timer: alarm, setitimer and getitimer (ITIMER_REAL), SIGALRM's
 * delivery, its default action, and the errors. Each line states what Linux does; the test
 * compares the whole output with the host's. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

static volatile sig_atomic_t alarms;
static volatile int last_code;

static void on_alarm(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) context;
    alarms++;
    last_code = info->si_code;
}

static long ms_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* The raw system call: the libc wrappers of some versions check arguments themselves. */
static const char *set(int which, const void *value, void *old) {
    return syscall(SYS_setitimer, which, value, old) == 0 ? "0" : errname(errno);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGALRM, &sa, NULL);

    printf("alarm with none set: %u\n", alarm(0));
    alarm(5);
    printf("alarm(0) after alarm(5): %u\n", alarm(0));
    alarm(3);
    printf("alarm(1) after alarm(3): %u\n", alarm(1));
    struct itimerval now;
    getitimer(ITIMER_REAL, &now);
    printf("getitimer: value within (0, 1] s: %s, interval %ld.%06ld\n",
           (now.it_value.tv_sec == 0 && now.it_value.tv_usec > 0) || (now.it_value.tv_sec == 1 && now.it_value.tv_usec == 0)
               ? "yes" : "no",
           (long) now.it_interval.tv_sec, (long) now.it_interval.tv_usec);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pause();
    long waited = ms_since(&start);
    printf("pause ended by SIGALRM: alarms %d, si_code SI_KERNEL: %s, after 0.5-3 s: %s\n", alarms,
           last_code == SI_KERNEL ? "yes" : "no", waited >= 500 && waited < 3000 ? "yes" : "no");
    getitimer(ITIMER_REAL, &now);
    printf("after it fired: value %ld.%06ld\n", (long) now.it_value.tv_sec, (long) now.it_value.tv_usec);

    /* A blocking read that SIGALRM interrupts (no SA_RESTART). */
    int fds[2];
    pipe(fds);
    char c;
    alarm(1);
    ssize_t n = read(fds[0], &c, 1);
    printf("read interrupted: %zd %s\n", n, errname(n < 0 ? errno : 0));

    /* Every 20 ms: five expiries, then disarmed by a zero value. */
    alarms = 0;
    struct itimerval every = {{0, 20000}, {0, 20000}};
    struct itimerval old;
    printf("setitimer every 20 ms: %s\n", set(ITIMER_REAL, &every, &old));
    while (alarms < 5) {
        pause();
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    const char *result = set(ITIMER_REAL, &off, &old);
    printf("disarm: %s, old interval %ld.%06ld\n", result, (long) old.it_interval.tv_sec, (long) old.it_interval.tv_usec);
    printf("five expiries, then no more: %s\n", alarms == 5 ? "yes" : "no");
    getitimer(ITIMER_REAL, &now);
    printf("disarmed: value %ld.%06ld, interval %ld.%06ld\n", (long) now.it_value.tv_sec, (long) now.it_value.tv_usec,
           (long) now.it_interval.tv_sec, (long) now.it_interval.tv_usec);

    /* A child does not inherit the timer; SIGALRM's default action ends a process. */
    struct itimerval later = {{0, 0}, {30, 0}};
    set(ITIMER_REAL, &later, NULL);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        struct itimerval mine;
        getitimer(ITIMER_REAL, &mine);
        printf("the child's timer: %ld.%06ld\n", (long) mine.it_value.tv_sec, (long) mine.it_value.tv_usec);
        fflush(stdout);
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        pause();
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("the child: killed by SIGALRM: %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? "yes" : "no");
    printf("the parent's timer still armed: %s\n", alarm(0) > 25 ? "yes" : "no");

    /* A NULL new value disarms; the errors, in Linux's order. */
    alarm(10);
    result = set(ITIMER_REAL, NULL, &old);
    printf("setitimer NULL new: %s, old value set: %s\n", result, old.it_value.tv_sec > 0 ? "yes" : "no");
    printf("after it: alarm(0) %u\n", alarm(0));
    struct itimerval bad_usec = {{0, 0}, {0, 1000000}};
    struct itimerval negative = {{0, 0}, {-1, 0}};
    struct itimerval bad_interval = {{0, -1}, {1, 0}};
    printf("tv_usec 1000000: %s\n", set(ITIMER_REAL, &bad_usec, NULL));
    printf("tv_sec -1: %s\n", set(ITIMER_REAL, &negative, NULL));
    printf("interval tv_usec -1: %s\n", set(ITIMER_REAL, &bad_interval, NULL));
    printf("which 3: %s\n", set(3, &off, NULL));
    printf("new at address 8: %s\n", set(ITIMER_REAL, (void *) 8, NULL));
    result = set(ITIMER_REAL, &later, (void *) 8);
    printf("old at address 8: %s, and the timer set all the same: %s\n", result, alarm(0) > 25 ? "yes" : "no");
    printf("getitimer into address 8: %s\n",
           syscall(SYS_getitimer, ITIMER_REAL, (void *) 8) == 0 ? "0" : errname(errno));
    printf("getitimer which 3: %s\n", syscall(SYS_getitimer, 3, &now) == 0 ? "0" : errname(errno));
    return 0;
}
