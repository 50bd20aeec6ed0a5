/* Seeded random arguments for the descriptor, polling and process calls: zero, small and huge
 * numbers, -1, AT_FDCWD, kernel, unmapped, non-canonical and wrapping pointers, and pointers
 * into a buffer of such values (iovec, pollfd, fd_set, flock and timespec arrays the kernel then
 * reads). The kernel must answer every call and live: the program ends with status 0.
 *
 * Usage: fdfuzz SEED COUNT. Calls that could wait get a zero timeout (poll, select, their p-
 * forms, futex); standard output and error are closed first, so that no random write floods the
 * console (only read-only stdin can be duplicated back onto them). Meant for jvmm's kernel: on
 * Linux, random fcntl and ioctl calls can arm SIGIO with any signal. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The generator's state before the buffer, and a guard after it: the kernel writes at most
 * 8 KiB (poll's revents for RLIMIT_NOFILE descriptors) from a pointer into the buffer. */
static struct {
    uint64_t state;
    uint64_t buffer[8192];
    uint64_t guard[2048];
} area;
#define state area.state
#define buffer area.buffer

static uint64_t next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static const uint64_t values[] = {
    0, 1, 2, 3, 4, 5, 7, 8, 10, 16, 42, 64, 100, 1023, 1024, 4095, 4096, 65536,
    (uint64_t) -1, (uint64_t) -2, (uint64_t) -100, 0x7fffffff, 0x80000000, 0xffffffff,
    1UL << 31, 1UL << 62, 0x7ffff000,
    0xffffffff80100000UL,   /* the kernel */
    0xffff888000000000UL,   /* the direct map */
    0x0000100000000000UL,   /* unmapped user memory */
    0x00007ffffffff000UL - 8, /* the last bytes below the end of user memory */
    0x0000800000000000UL,   /* non-canonical */
};
#define VALUES (sizeof values / sizeof values[0])

/* An argument: a value from the list, a pointer into the buffer, or NULL. */
static uint64_t argument(void) {
    uint64_t r = next();
    switch (r % 4) {
    case 0:
        return (uint64_t) &buffer[(r >> 8) % 8192];
    case 1:
        return (uint64_t) &buffer[8192 - 1 - (r >> 8) % 4];   /* near the buffer's end */
    default:
        return values[(r >> 8) % VALUES];
    }
}

static const long calls[] = {
    SYS_read, SYS_write, SYS_open, SYS_close, SYS_fstat, SYS_poll, SYS_lseek, SYS_ioctl, SYS_pread64,
    SYS_pwrite64, SYS_readv, SYS_writev, SYS_select, SYS_dup, SYS_dup2, SYS_sendfile, SYS_fcntl, SYS_flock,
    SYS_fsync, SYS_fdatasync, SYS_ftruncate, SYS_getcwd, SYS_umask, SYS_getrlimit, SYS_getrusage, SYS_sysinfo,
    SYS_times, SYS_setpgid, SYS_getpgrp, SYS_setsid, SYS_getgroups, SYS_setgroups, SYS_getpgid, SYS_getsid,
    SYS_getpriority, SYS_setpriority, SYS_sched_getparam, SYS_sched_getscheduler, SYS_sched_get_priority_max,
    SYS_sched_get_priority_min, SYS_sync, SYS_futex, SYS_sched_setaffinity, SYS_sched_getaffinity,
    SYS_openat, SYS_newfstatat, SYS_readlinkat, SYS_pselect6, SYS_ppoll, SYS_dup3, SYS_preadv, SYS_pwritev,
    SYS_prlimit64, SYS_syncfs, SYS_getcpu, SYS_statx, 436 /* close_range */, 439 /* faccessat2 */,
};
#define CALLS (sizeof calls / sizeof calls[0])

int main(int argc, char **argv) {
    if (argc != 3)
        return 2;
    state = strtoull(argv[1], NULL, 0) | 1;
    long count = strtol(argv[2], NULL, 0);
    close(1);
    close(2);
    static const uint64_t zero_time[2] = {0, 0};
    for (long i = 0; i < count; i++) {
        for (int w = 0; w < 8192; w += 512)     /* fresh structures for the kernel to read */
            buffer[w + next() % 512] = argument();
        long nr = calls[next() % CALLS];
        uint64_t a[6];
        for (int j = 0; j < 6; j++)
            a[j] = argument();
        switch (nr) {
        case SYS_poll:
            a[2] = 0;
            break;
        case SYS_select:
            a[4] = (uint64_t) zero_time;
            break;
        case SYS_pselect6:
        case SYS_ppoll:
            if (nr == SYS_pselect6)
                a[4] = (uint64_t) zero_time;
            else
                a[2] = (uint64_t) zero_time;
            break;
        case SYS_futex:
            a[3] = (uint64_t) zero_time;
            a[1] &= ~256UL;                     /* FUTEX_CLOCK_REALTIME would make 0 a past time anyway */
            break;
        }
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    return 0;
}
