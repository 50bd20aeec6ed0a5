/* Sleeps every way a program can and checks each sleep against the clock it reads through
 * libc (the vDSO): never shorter than asked, and not much longer. Then the errors, through the
 * raw system call (libc wrappers answer some cases themselves). Prints one line per check,
 * the same on Linux as in a guest. argv[1]: the length of the last sleep in ms (default
 * 1000), announced by a "sleeping" line and followed by a "slept" line, so that a test can
 * measure what the sleep costs the host between the two. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL
#define LATE_NS (1000 * MS) /* generous: the machines running the tests are shared and slow */

static const char *result(int err) {
    static char buf[16];
    switch (err) {
    case 0: return "0";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EINTR: return "EINTR";
    }
    snprintf(buf, sizeof buf, "errno %d", err);
    return buf;
}

static long long ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct timespec timespec_of(long long ns) {
    return (struct timespec){ns / 1000000000LL, ns % 1000000000LL};
}

/* Linux's verdict on a sleep that asked for `asked` ns and took `took`. */
static const char *verdict(long long asked, long long took) {
    static char buf[64];
    if (took < asked)
        snprintf(buf, sizeof buf, "early by %lld ns", asked - took);
    else if (took > asked + LATE_NS)
        snprintf(buf, sizeof buf, "late by %lld ms", (took - asked) / MS);
    else
        return "ok";
    return buf;
}

static void relative(const char *name, clockid_t clock, int use_nanosleep, long long asked) {
    struct timespec req = timespec_of(asked);
    long long start = ns(clock);
    int r = use_nanosleep ? nanosleep(&req, NULL) : clock_nanosleep(clock, 0, &req, NULL);
    long long took = ns(clock) - start;
    printf("%s %lld ms: %s, %s\n", name, asked / MS, result(use_nanosleep && r ? errno : r),
           verdict(asked, took));
}

static void absolute(const char *name, clockid_t clock, long long ahead) {
    long long deadline = ns(clock) + ahead;
    struct timespec req = timespec_of(deadline);
    int r = clock_nanosleep(clock, TIMER_ABSTIME, &req, NULL);
    long long now = ns(clock);
    printf("%s: %s, %s\n", name, result(r),
           now < deadline ? "woke before the deadline" : now > deadline + LATE_NS ? "late" : "ok");
}

static void error(const char *name, long clock, long flags, const void *req) {
    long r = syscall(SYS_clock_nanosleep, clock, flags, req, NULL);
    printf("%s: %s\n", name, result(r ? errno : 0));
}

int main(int argc, char **argv) {
    long long last = (argc > 1 ? atoll(argv[1]) : 1000) * MS;
    setvbuf(stdout, NULL, _IOLBF, 0);

    relative("nanosleep", CLOCK_MONOTONIC, 1, 50 * MS);
    relative("clock_nanosleep monotonic", CLOCK_MONOTONIC, 0, 50 * MS);
    relative("clock_nanosleep realtime", CLOCK_REALTIME, 0, 30 * MS);
    relative("clock_nanosleep boottime", CLOCK_BOOTTIME, 0, 30 * MS);
    relative("clock_nanosleep tai", CLOCK_TAI, 0, 30 * MS);
    relative("nanosleep", CLOCK_MONOTONIC, 1, 0);
    absolute("clock_nanosleep monotonic until 50 ms ahead", CLOCK_MONOTONIC, 50 * MS);
    absolute("clock_nanosleep realtime until 50 ms ahead", CLOCK_REALTIME, 50 * MS);
    absolute("clock_nanosleep tai until 30 ms ahead", CLOCK_TAI, 30 * MS);
    absolute("clock_nanosleep monotonic until 50 ms ago", CLOCK_MONOTONIC, -50 * MS);

    struct timespec ok = {0, 1000}, nsec_big = {0, 1000000000}, nsec_negative = {0, -1}, sec_negative = {-1, 0};
    error("tv_nsec 1000000000", CLOCK_MONOTONIC, 0, &nsec_big);
    error("tv_nsec -1", CLOCK_MONOTONIC, 0, &nsec_negative);
    error("tv_sec -1, absolute", CLOCK_REALTIME, TIMER_ABSTIME, &sec_negative);
    error("clock 10", 10, 0, &ok);
    error("clock 99", 99, 0, &ok);
    error("clock -1", -1, 0, &ok);
    error("CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW, 0, &ok);
    error("CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE, 0, &ok);
    error("CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID, 0, &ok);
    error("req in the kernel", CLOCK_MONOTONIC, 0, (void *)0xffffffff80000000UL);
    error("req NULL", CLOCK_MONOTONIC, 0, NULL);
    error("unknown flags", CLOCK_MONOTONIC, 2, &ok);
    long r = syscall(SYS_nanosleep, &sec_negative, NULL);
    printf("nanosleep tv_sec -1: %s\n", result(r ? errno : 0));

    printf("sleeping %lld ms\n", last / MS);
    struct timespec req = timespec_of(last);
    long long start = ns(CLOCK_MONOTONIC);
    r = nanosleep(&req, NULL);
    long long took = ns(CLOCK_MONOTONIC) - start;
    printf("slept %lld ms: %s, %s\n", last / MS, result(r ? errno : 0), verdict(last, took));
    fflush(stdout);
    /* The host reads QEMU's CPU time when it sees the line above: QEMU must still be running. */
    struct timespec linger = timespec_of(500 * MS);
    nanosleep(&linger, NULL);
    return 0;
}
