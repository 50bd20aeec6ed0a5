/* The program's side of the console tests: byte-exact streams through whatever the kernel's
 * console is.
 *   console cat [LIMIT]     copies stdin to stdout until end of file (or LIMIT bytes), then
 *                           reports the byte count on stderr
 *   console emit N SEED     writes N pseudo-random bytes (xorshift64 from SEED, any byte value,
 *                           no final newline) to stdout in one write, then "emit N ns T" on
 *                           stderr, T being the guest time the write took
 *   console chunks N SIZE SEED  the same bytes in writes of SIZE bytes
 *   console streams         alternates lines on stdout and stderr, with writev too
 *   console epipe           writes a line to stderr every 20 ms until a write fails, then says
 *                           how on stdout (SIGPIPE ignored, so that the write returns EPIPE) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static unsigned char buffer[1 << 16];

static void fill(unsigned char *out, size_t n, unsigned long long seed) {
    unsigned long long x = seed | 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (unsigned char) (x >> 32);
    }
}

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "cat") == 0) {
        unsigned long long total = 0;
        unsigned long long limit = argc >= 3 ? strtoull(argv[2], NULL, 0) : ~0ULL;
        while (total < limit) {
            size_t want = limit - total < sizeof buffer ? (size_t) (limit - total) : sizeof buffer;
            ssize_t n = read(0, buffer, want);
            if (n < 0) {
                dprintf(2, "read failed: %s\n", strerror(errno));
                return 1;
            }
            if (n == 0) {
                break;
            }
            if (write_all(1, buffer, (size_t) n) != 0) {
                dprintf(2, "write failed: %s\n", strerror(errno));
                return 1;
            }
            total += (unsigned long long) n;
        }
        dprintf(2, "cat %llu\n", total);
        return 0;
    }
    if (argc >= 4 && (strcmp(argv[1], "emit") == 0 || strcmp(argv[1], "chunks") == 0)) {
        int chunks = strcmp(argv[1], "chunks") == 0;
        size_t n = strtoul(argv[2], NULL, 0);
        size_t size = chunks ? strtoul(argv[3], NULL, 0) : n;
        unsigned long long seed = strtoull(argv[chunks ? 4 : 3], NULL, 0);
        unsigned char *data = malloc(n ? n : 1);
        if (data == NULL || size == 0) {
            return 2;
        }
        fill(data, n, seed);
        long long start = now_ns();
        for (size_t done = 0; done < n; done += size) {
            if (write_all(1, data + done, n - done < size ? n - done : size) != 0) {
                dprintf(2, "write failed: %s\n", strerror(errno));
                return 1;
            }
        }
        long long elapsed = now_ns() - start;
        dprintf(2, "emit %zu ns %lld\n", n, elapsed);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "streams") == 0) {
        for (int i = 0; i < 3; i++) {
            printf("out %d\n", i);
            fflush(stdout);
            fprintf(stderr, "err %d\n", i);
        }
        struct iovec iov[3] = {{"out ", 4}, {"writev", 6}, {"\n", 1}};
        writev(1, iov, 3);
        iov[0].iov_base = "err ";
        writev(2, iov, 3);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "epipe") == 0) {
        signal(SIGPIPE, SIG_IGN);
        for (int i = 0; i < 3000; i++) {
            if (write(2, "tick\n", 5) < 0) {
                printf("stderr: %s\n", errno == EPIPE ? "EPIPE" : strerror(errno));
                return 0;
            }
            struct timespec pause = {0, 20000000};
            nanosleep(&pause, NULL);
        }
        printf("stderr never failed\n");
        return 1;
    }
    fprintf(stderr, "usage: console cat [LIMIT] | emit N SEED | chunks N SIZE SEED | streams | epipe\n");
    return 2;
}
