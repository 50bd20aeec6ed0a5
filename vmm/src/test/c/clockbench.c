/* Nanoseconds per clock_gettime(CLOCK_MONOTONIC): through libc (the vDSO, where there is one)
 * and as a plain system call. Run in the guest and on the host, the same binary gives both
 * sides' costs. Prints:
 *   clockbench: vdso <ns> ns/call (<calls> calls)
 *   clockbench: syscall <ns> ns/call (<calls> calls)
 * argv[1], argv[2]: calls for the vDSO and for the system call (defaults 1000000 and 2000). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    long vdso_calls = argc > 1 ? atol(argv[1]) : 1000000;
    long syscall_calls = argc > 2 ? atol(argv[2]) : 2000;
    struct timespec ts;

    long long start = now_ns();
    for (long i = 0; i < vdso_calls; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    long long vdso = now_ns() - start;

    start = now_ns();
    for (long i = 0; i < syscall_calls; i++)
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    long long sys = now_ns() - start;

    printf("clockbench: vdso %.1f ns/call (%ld calls)\n", (double) vdso / vdso_calls, vdso_calls);
    printf("clockbench: syscall %.1f ns/call (%ld calls)\n", (double) sys / syscall_calls, syscall_calls);
    return 0;
}
