/* Reads the time the way programs do, through libc (which finds the vDSO on its own), and
 * prints what the tests check. The kernel's exit report then shows whether any of these calls
 * entered the kernel. argv[1]: monotonic reads to check for going backwards (default 1000000). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv) {
    long reads = argc > 1 ? atol(argv[1]) : 1000000;
    printf("vdso present: %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");

    struct timespec realtime;
    clock_gettime(CLOCK_REALTIME, &realtime);
    printf("realtime_ns %lld\n", realtime.tv_sec * 1000000000LL + realtime.tv_nsec);

    struct timespec previous, now;
    long backwards = 0;
    clock_gettime(CLOCK_MONOTONIC, &previous);
    for (long i = 0; i < reads; i++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec < previous.tv_sec || (now.tv_sec == previous.tv_sec && now.tv_nsec < previous.tv_nsec))
            backwards++;
        previous = now;
    }
    printf("monotonic reads %ld, backwards %ld\n", reads, backwards);

    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                                       CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI};
    int served = 0;
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec ts = {-1, -1};
        served += clock_gettime(clocks[i], &ts) == 0 && ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000;
    }
    printf("clocks served: %d of 7\n", served);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("gettimeofday and time agree: %s\n", tv.tv_sec - t <= 1 && t - tv.tv_sec <= 1 ? "yes" : "no");
    return 0;
}
