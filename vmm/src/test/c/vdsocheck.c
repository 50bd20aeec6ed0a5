/* Linux's vDSO correctness check (tools/testing/selftests/vDSO/vdso_test_correctness.c): for
 * each clock, a system call, the vDSO, a system call again, in order; the vDSO's reading must
 * lie between the two. Prints one line per clock with the violations out of the rounds. */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec ts) {
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    static const struct { clockid_t id; const char *name; } clocks[] = {
        {CLOCK_REALTIME, "realtime"}, {CLOCK_MONOTONIC, "monotonic"}, {CLOCK_BOOTTIME, "boottime"},
        {CLOCK_MONOTONIC_RAW, "monotonic_raw"}, {CLOCK_TAI, "tai"}};
    const int rounds = 100;
    for (unsigned c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
        int violations = 0;
        for (int i = 0; i < rounds; i++) {
            struct timespec before, vdso, after;
            syscall(SYS_clock_gettime, clocks[c].id, &before);
            clock_gettime(clocks[c].id, &vdso);
            syscall(SYS_clock_gettime, clocks[c].id, &after);
            violations += ns(before) > ns(vdso) || ns(vdso) > ns(after);
        }
        printf("%s: syscall <= vdso <= syscall violated %d of %d\n", clocks[c].name, violations, rounds);
    }
    struct timespec ts;
    printf("an invalid clock: %s\n", clock_gettime(12345, &ts) == -1 ? "rejected" : "accepted");
    struct timespec res;
    printf("clock_getres(CLOCK_MONOTONIC): %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 ? "ok" : "bad");
    return 0;
}
