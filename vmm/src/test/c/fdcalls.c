/* The descriptor, polling and process-information calls, with good and hostile arguments, each
 * printed as "what: result" with no address, time or host-specific value in it.
 *
 * Without arguments it prints only what Linux answers the same way for the console as for a
 * program run with stdin from /dev/null and stdout and stderr to pipes, so that the output can be
 * compared line by line with the host's. With the argument "console" it prints what is specific to
 * jvmm's console and process (one CPU, pid 1 leading its session, no groups...) instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define KERNEL ((void *) 0xffffffff80100000UL)
/* The end of user memory (Linux's TASK_SIZE_MAX), and an address mapped neither on Linux (far
 * from the heap, the mmap area and the stack) nor in jvmm. */
#define USER_END ((char *) 0x00007ffffffff000UL)
#define UNMAPPED ((char *) 0x0000100000000000UL)

static const char *errno_name(long e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "other";
    }
}

/* A raw system call's result: the kernel's answer, not the libc wrapper's. */
static void show(const char *what, long ret) {
    if (ret < 0 && ret > -4096)
        printf("%s: -%s\n", what, errno_name(-ret));
    else
        printf("%s: %ld\n", what, ret);
    fflush(stdout);
}

static long sys(long nr, long a, long b, long c, long d, long e, long f) {
    long r = syscall(nr, a, b, c, d, e, f);
    return r == -1 ? -errno : r;
}
#define S0(nr) sys(nr, 0, 0, 0, 0, 0, 0)
#define S1(nr, a) sys(nr, (long) (a), 0, 0, 0, 0, 0)
#define S2(nr, a, b) sys(nr, (long) (a), (long) (b), 0, 0, 0, 0)
#define S3(nr, a, b, c) sys(nr, (long) (a), (long) (b), (long) (c), 0, 0, 0)
#define S4(nr, a, b, c, d) sys(nr, (long) (a), (long) (b), (long) (c), (long) (d), 0, 0)
#define S5(nr, a, b, c, d, e) sys(nr, (long) (a), (long) (b), (long) (c), (long) (d), (long) (e), 0)
#define S6(nr, a, b, c, d, e, f) sys(nr, (long) (a), (long) (b), (long) (c), (long) (d), (long) (e), (long) (f))

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

#define STATUS_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK)

static void descriptors(void) {
    struct rlimit nofile = {1024, 4096};
    show("setrlimit NOFILE 1024 4096", setrlimit(RLIMIT_NOFILE, &nofile) ? -errno : 0);

    show("dup stdout", S1(SYS_dup, 1));
    show("write through the duplicate", S3(SYS_write, 3, "through fd 3\n", 13));
    show("close it", S1(SYS_close, 3));
    show("close it again", S1(SYS_close, 3));
    show("close -1", S1(SYS_close, -1));
    show("dup of a closed fd", S1(SYS_dup, 42));
    show("dup2 1 10", S2(SYS_dup2, 1, 10));
    show("dup2 10 10", S2(SYS_dup2, 10, 10));
    show("dup2 42 42 (closed)", S2(SYS_dup2, 42, 42));
    show("dup2 from a closed fd", S2(SYS_dup2, 42, 5));
    show("dup2 to -1", S2(SYS_dup2, 1, -1));
    show("dup2 to the limit", S2(SYS_dup2, 1, 1024));
    show("dup2 to the limit - 1", S2(SYS_dup2, 1, 1023));
    show("close 1023", S1(SYS_close, 1023));
    show("dup3 1 11 O_CLOEXEC", S3(SYS_dup3, 1, 11, O_CLOEXEC));
    show("F_GETFD 11", S2(SYS_fcntl, 11, F_GETFD));
    show("F_GETFD 10", S2(SYS_fcntl, 10, F_GETFD));
    show("dup3 to itself", S3(SYS_dup3, 1, 1, 0));
    show("dup3 with a bad flag", S3(SYS_dup3, 1, 12, 1));
    show("dup2 over an open fd", S2(SYS_dup2, 2, 10));
    show("write to fd 10 (now stderr)", S3(SYS_write, 10, "", 0));
    show("F_DUPFD 20", S3(SYS_fcntl, 1, F_DUPFD, 20));
    show("F_DUPFD 20 again", S3(SYS_fcntl, 1, F_DUPFD, 20));
    show("F_DUPFD_CLOEXEC 30", S3(SYS_fcntl, 1, F_DUPFD_CLOEXEC, 30));
    show("F_GETFD 30", S2(SYS_fcntl, 30, F_GETFD));
    show("F_SETFD 30 0", S3(SYS_fcntl, 30, F_SETFD, 0));
    show("F_GETFD 30 after", S2(SYS_fcntl, 30, F_GETFD));
    show("F_SETFD 30 all bits", S3(SYS_fcntl, 30, F_SETFD, -1));
    show("F_GETFD 30 after all bits", S2(SYS_fcntl, 30, F_GETFD));
    show("F_DUPFD at the limit", S3(SYS_fcntl, 1, F_DUPFD, 1024));
    show("F_DUPFD -1", S3(SYS_fcntl, 1, F_DUPFD, -1));
    show("F_DUPFD 1023", S3(SYS_fcntl, 1, F_DUPFD, 1023));
    show("F_DUPFD 1023 again", S3(SYS_fcntl, 1, F_DUPFD, 1023));
    show("close 1023 again", S1(SYS_close, 1023));
    show("fcntl of a closed fd", S2(SYS_fcntl, 42, F_GETFD));
    show("fcntl with an unknown command", S2(SYS_fcntl, 1, 9999));
    show("F_GETFL stdin", S2(SYS_fcntl, 0, F_GETFL) & STATUS_FLAGS);
    show("F_GETFL stdout", S2(SYS_fcntl, 1, F_GETFL) & STATUS_FLAGS);
    show("F_GETFL stderr", S2(SYS_fcntl, 2, F_GETFL) & STATUS_FLAGS);
    show("F_SETFL stdout O_APPEND|O_NONBLOCK|O_RDWR", S3(SYS_fcntl, 1, F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR));
    show("F_GETFL stdout after", S2(SYS_fcntl, 1, F_GETFL) & STATUS_FLAGS);
    show("F_GETFL of its duplicate 20", S2(SYS_fcntl, 20, F_GETFL) & STATUS_FLAGS);
    show("F_GETFL stderr unchanged", S2(SYS_fcntl, 2, F_GETFL) & STATUS_FLAGS);
    show("F_SETFL stdout 0", S3(SYS_fcntl, 1, F_SETFL, 0));
    show("F_GETFL stdout restored", S2(SYS_fcntl, 1, F_GETFL) & STATUS_FLAGS);
    show("F_SETFL stdin O_DIRECT", S3(SYS_fcntl, 0, F_SETFL, O_DIRECT));
    show("F_GETPIPE_SZ stdin", S2(SYS_fcntl, 0, F_GETPIPE_SZ));
    show("F_GETOWN stdout", S2(SYS_fcntl, 1, F_GETOWN));
    show("F_SETOWN a missing pid", S3(SYS_fcntl, 1, F_SETOWN, 12345678));
    show("F_SETSIG 65", S3(SYS_fcntl, 1, F_SETSIG, 65));
    show("F_SETSIG SIGUSR1", S3(SYS_fcntl, 1, F_SETSIG, SIGUSR1));
    show("F_GETSIG", S2(SYS_fcntl, 1, F_GETSIG));
    show("F_SETSIG 0", S3(SYS_fcntl, 1, F_SETSIG, 0));
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    show("F_GETLK a write lock on stdout", S3(SYS_fcntl, 1, F_GETLK, &lock));
    show("l_type after F_GETLK is F_UNLCK", lock.l_type == F_UNLCK);
    lock.l_type = F_UNLCK;
    show("F_GETLK F_UNLCK", S3(SYS_fcntl, 1, F_GETLK, &lock));
    show("F_GETLK into kernel memory", S3(SYS_fcntl, 1, F_GETLK, KERNEL));
    lock.l_type = F_WRLCK;
    show("F_SETLK a write lock on stdout", S3(SYS_fcntl, 1, F_SETLK, &lock));
    show("F_SETLKW a write lock on stdout", S3(SYS_fcntl, 1, F_SETLKW, &lock));
    lock.l_type = F_RDLCK;
    show("F_SETLK a read lock on stdout", S3(SYS_fcntl, 1, F_SETLK, &lock));
    show("F_SETLK a read lock on stdin", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_type = F_UNLCK;
    show("F_SETLK F_UNLCK", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_type = 5;
    show("F_SETLK type 5", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_type = F_RDLCK;
    lock.l_whence = 3;
    show("F_SETLK whence 3", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_whence = SEEK_SET;
    lock.l_start = -1;
    show("F_SETLK start -1", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_start = 10;
    lock.l_len = -20;
    show("F_SETLK length -20 from 10", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_len = -10;
    show("F_SETLK length -10 from 10", S3(SYS_fcntl, 0, F_SETLK, &lock));
    lock.l_pid = 1;
    show("F_OFD_SETLK with a pid", S3(SYS_fcntl, 0, F_OFD_SETLK, &lock));
    lock.l_pid = 0;
    show("F_OFD_SETLK", S3(SYS_fcntl, 0, F_OFD_SETLK, &lock));
    show("faccessat2 stdin rw AT_EMPTY_PATH", S4(SYS_faccessat2, 0, "", R_OK | W_OK, AT_EMPTY_PATH));
    show("faccessat2 stdin x AT_EMPTY_PATH", S4(SYS_faccessat2, 0, "", X_OK, AT_EMPTY_PATH));
    show("faccessat2 mode 8", S4(SYS_faccessat2, 0, "", 8, AT_EMPTY_PATH));
    show("faccessat2 flags 1", S4(SYS_faccessat2, 0, "", R_OK, 1));
    show("faccessat2 a missing path", S4(SYS_faccessat2, AT_FDCWD, "/no/such/file", R_OK, 0));
    show("faccessat2 a closed fd", S4(SYS_faccessat2, 42, "", R_OK, AT_EMPTY_PATH));
    int on = 1, off = 0;
    show("FIONBIO on", S3(SYS_ioctl, 20, FIONBIO, &on));
    show("F_GETFL stdout after FIONBIO", S2(SYS_fcntl, 1, F_GETFL) & STATUS_FLAGS);
    show("FIONBIO off", S3(SYS_ioctl, 20, FIONBIO, &off));
    show("FIONBIO from kernel memory", S3(SYS_ioctl, 20, FIONBIO, KERNEL));
    show("FIOCLEX 20", S2(SYS_ioctl, 20, FIOCLEX));
    show("F_GETFD 20 after FIOCLEX", S2(SYS_fcntl, 20, F_GETFD));
    show("FIONCLEX 20", S2(SYS_ioctl, 20, FIONCLEX));
    show("F_GETFD 20 after FIONCLEX", S2(SYS_fcntl, 20, F_GETFD));
    struct termios t;
    show("TCGETS stdin", S3(SYS_ioctl, 0, TCGETS, &t));
    show("TCGETS stdout", S3(SYS_ioctl, 1, TCGETS, &t));
    show("TIOCGWINSZ stdout", S3(SYS_ioctl, 1, TIOCGWINSZ, &t));
    show("ioctl of a closed fd", S3(SYS_ioctl, 42, TCGETS, &t));

    /* RLIMIT_NOFILE: EMFILE past the soft limit, EBADF for dup2 to it. */
    long opened = 0, last = 0;
    for (;;) {
        long fd = S1(SYS_dup, 0);
        if (fd < 0) {
            last = fd;
            break;
        }
        opened++;
    }
    show("dup until it fails", last);
    show("the highest descriptor is 1023", S2(SYS_fcntl, 1023, F_GETFD) >= 0);
    show("F_DUPFD when full", S3(SYS_fcntl, 0, F_DUPFD, 0));
    show("close_range 40 ~0", S3(SYS_close_range, 40, ~0U, 0));
    show("fd 39 still open", S2(SYS_fcntl, 39, F_GETFD) >= 0);
    show("fd 40 closed", S2(SYS_fcntl, 40, F_GETFD));
    show("close_range CLOEXEC 31 39", S3(SYS_close_range, 31, 39, 4 /* CLOSE_RANGE_CLOEXEC */));
    show("F_GETFD 35", S2(SYS_fcntl, 35, F_GETFD));
    show("close_range first > last", S3(SYS_close_range, 5, 4, 0));
    show("close_range bad flags", S3(SYS_close_range, 5, 6, 1));
    show("close_range 3 ~0", S3(SYS_close_range, 3, ~0U, 0));
    struct rlimit ten = {10, 4096};
    show("setrlimit NOFILE 10", setrlimit(RLIMIT_NOFILE, &ten) ? -errno : 0);
    for (int i = 3; i < 10; i++)
        S1(SYS_dup, 0);
    show("dup at a limit of 10", S1(SYS_dup, 0));
    show("dup2 to 10 at a limit of 10", S2(SYS_dup2, 0, 10));
    show("close_range 3 ~0 again", S3(SYS_close_range, 3, ~0U, 0));
    show("setrlimit NOFILE 1024 4096 again", setrlimit(RLIMIT_NOFILE, &nofile) ? -errno : 0);
    (void) opened;
}

static void reading_and_writing(void) {
    char buf[64];
    char *unmapped = UNMAPPED;
    show("read stdin", S3(SYS_read, 0, buf, sizeof buf));
    show("read stdin 0 bytes", S3(SYS_read, 0, NULL, 0));
    show("read stdin into kernel memory", S3(SYS_read, 0, KERNEL, 16));
    show("read stdin count -1", S3(SYS_read, 0, buf, -1));
    show("read stdout", S3(SYS_read, 1, buf, 1));
    show("read a closed fd", S3(SYS_read, 42, buf, 1));
    show("write stdin", S3(SYS_write, 0, "x", 1));
    show("write stdout 0 bytes", S3(SYS_write, 1, buf, 0));
    show("write stdout from kernel memory", S3(SYS_write, 1, KERNEL, 1));
    show("write stdout from unmapped memory", S3(SYS_write, 1, unmapped, 16));
    show("write stdout count 2^62", S3(SYS_write, 1, buf, 1L << 62));
    show("write stdout count -1", S3(SYS_write, 1, buf, -1));
    show("write a closed fd", S3(SYS_write, 42, "x", 1));

    struct iovec iov[3] = {{"one ", 4}, {"", 0}, {"two\n", 4}};
    show("writev 3 vectors", S3(SYS_writev, 1, iov, 3));
    show("writev 0 vectors", S3(SYS_writev, 1, iov, 0));
    show("writev NULL 0", S3(SYS_writev, 1, NULL, 0));
    show("writev 1025 vectors", S3(SYS_writev, 1, iov, 1025));
    show("writev -1 vectors", S3(SYS_writev, 1, iov, -1));
    show("writev vectors in kernel memory", S3(SYS_writev, 1, KERNEL, 1));
    show("writev vectors up to the end of user memory", S3(SYS_writev, 1, USER_END - 16, 2));
    show("writev vectors wrapping around", S3(SYS_writev, 1, (void *) -16L, 2));
    struct iovec negative[2] = {{"x", 1}, {"y", -1}};
    show("writev a negative length", S3(SYS_writev, 1, negative, 2));
    struct iovec wrapping[2] = {{"x", 1}, {(void *) -8L, 16}};
    show("writev a vector that wraps", S3(SYS_writev, 1, wrapping, 2));
    struct iovec kernel[2] = {{"x", 1}, {KERNEL, 1}};
    show("writev a kernel vector", S3(SYS_writev, 1, kernel, 2));
    struct iovec partial[2] = {{"partial\n", 8}, {unmapped, 1}};
    show("writev whose second vector is unmapped", S3(SYS_writev, 1, partial, 2));
    struct iovec in[2] = {{buf, 10}, {buf + 10, 10}};
    show("readv stdin", S3(SYS_readv, 0, in, 2));
    show("readv stdout", S3(SYS_readv, 1, in, 2));
    show("writev stdin", S3(SYS_writev, 0, iov, 1));

    show("pread64 stdout", S4(SYS_pread64, 1, buf, 1, 0));
    show("pwrite64 stdout", S4(SYS_pwrite64, 1, "x", 1, 0));
    show("pwrite64 stderr", S4(SYS_pwrite64, 2, "x", 1, 0));
    show("pwrite64 at -1", S4(SYS_pwrite64, 1, "x", 1, -1));
    show("pwrite64 a closed fd", S4(SYS_pwrite64, 42, "x", 1, 0));
    show("preadv stdout", S5(SYS_preadv, 1, in, 2, 0, 0));
    show("pwritev stdout", S5(SYS_pwritev, 1, iov, 1, 0, 0));
    show("pwritev at -1", S5(SYS_pwritev, 1, iov, 1, -1, 0));
    long offset = 0;
    show("sendfile stdin to stdout, count -1", S4(SYS_sendfile, 1, 0, NULL, -1));
    show("sendfile from stdout", S4(SYS_sendfile, 2, 1, NULL, 1));
    show("sendfile to stdin", S4(SYS_sendfile, 0, 0, NULL, 1));
    show("sendfile from a closed fd", S4(SYS_sendfile, 1, 42, NULL, 1));
    show("sendfile to a closed fd", S4(SYS_sendfile, 42, 0, NULL, 1));
    show("sendfile an offset in kernel memory", S4(SYS_sendfile, 1, 0, KERNEL, 1));
    show("sendfile from stdout at an offset", S4(SYS_sendfile, 2, 1, &offset, 1));
    S3(SYS_fcntl, 1, F_SETFL, O_APPEND);
    show("sendfile to an appending stdout", S4(SYS_sendfile, 1, 0, NULL, 1));
    S3(SYS_fcntl, 1, F_SETFL, 0);
    show("fsync stdout", S1(SYS_fsync, 1));
    show("fdatasync stdin", S1(SYS_fdatasync, 0));
    show("fsync a closed fd", S1(SYS_fsync, 42));
    show("sync", S0(SYS_sync));
    show("syncfs stdout", S1(SYS_syncfs, 1));
    show("syncfs a closed fd", S1(SYS_syncfs, 42));
    show("ftruncate stdout", S2(SYS_ftruncate, 1, 0));
    show("ftruncate stdout to -1", S2(SYS_ftruncate, 1, -1));
    show("ftruncate a closed fd", S2(SYS_ftruncate, 42, 0));
    show("flock LOCK_EX stdout", S2(SYS_flock, 1, LOCK_EX));
    show("flock LOCK_SH|LOCK_NB stdin", S2(SYS_flock, 0, LOCK_SH | LOCK_NB));
    show("flock LOCK_UN stdout", S2(SYS_flock, 1, LOCK_UN));
    show("flock operation 3", S2(SYS_flock, 1, 3));
    show("flock a closed fd", S2(SYS_flock, 42, LOCK_EX));
    show("lseek stdout", S3(SYS_lseek, 1, 0, SEEK_CUR));
    show("lseek stdout whence 7", S3(SYS_lseek, 1, 0, 7));
    show("lseek a closed fd", S3(SYS_lseek, 42, 0, SEEK_SET));
}

static void status(void) {
    struct stat st;
    show("fstat stdin", S2(SYS_fstat, 0, &st));
    show("stdin is a character device", S_ISCHR(st.st_mode));
    show("fstat stdout", S2(SYS_fstat, 1, &st));
    show("fstat into kernel memory", S2(SYS_fstat, 1, KERNEL));
    show("fstat a closed fd", S2(SYS_fstat, 42, &st));
    show("newfstatat stdout AT_EMPTY_PATH", S4(SYS_newfstatat, 1, "", &st, AT_EMPTY_PATH));
    show("newfstatat stdout empty without AT_EMPTY_PATH", S4(SYS_newfstatat, 1, "", &st, 0));
    show("newfstatat a closed fd AT_EMPTY_PATH", S4(SYS_newfstatat, 42, "", &st, AT_EMPTY_PATH));
    show("newfstatat a missing path", S4(SYS_newfstatat, AT_FDCWD, "/no/such/file", &st, 0));
    show("newfstatat relative to a closed fd", S4(SYS_newfstatat, 42, "x", &st, 0));
    show("newfstatat relative to stdout", S4(SYS_newfstatat, 1, "x", &st, 0));
    show("newfstatat a kernel path", S4(SYS_newfstatat, AT_FDCWD, KERNEL, &st, 0));
    show("newfstatat bad flags", S4(SYS_newfstatat, AT_FDCWD, "/no/such/file", &st, 0x10000));
    static char long_path[5000];
    memset(long_path, 'a', sizeof long_path - 1);
    show("newfstatat a path of 4999 bytes", S4(SYS_newfstatat, AT_FDCWD, long_path, &st, 0));
    show("open a path of 4999 bytes", S2(SYS_open, long_path, O_RDONLY));
    show("openat relative to stdout", S3(SYS_openat, 1, "x", O_RDONLY));
    show("openat relative to a closed fd", S3(SYS_openat, 42, "x", O_RDONLY));
    show("openat an absolute path, closed dirfd", S3(SYS_openat, 42, "/x", O_RDONLY));
    show("open an empty path", S2(SYS_open, "", O_RDONLY));
    /* struct statx, which musl's headers lack: the mask first, 256 bytes in all */
    struct { uint32_t stx_mask; uint32_t stx_blksize; uint64_t rest[31]; } stx;
    memset(&stx, 0, sizeof stx);
    show("statx stdout AT_EMPTY_PATH", S5(SYS_statx, 1, "", AT_EMPTY_PATH, 0x7ff /* STATX_BASIC_STATS */, &stx));
    show("statx gives the basic stats", (stx.stx_mask & 0x7ff) == 0x7ff);
    show("statx NULL path and buffer", S5(SYS_statx, 0, NULL, 0, 0xfff /* STATX_ALL */, NULL));
    show("statx both sync flags", S5(SYS_statx, 1, "", AT_EMPTY_PATH | 0x6000, 0x7ff /* STATX_BASIC_STATS */, &stx));
    show("statx a reserved mask bit", S5(SYS_statx, 1, "", AT_EMPTY_PATH, 0x80000000U, &stx));
    show("statx into kernel memory", S5(SYS_statx, 1, "", AT_EMPTY_PATH, 0x7ff /* STATX_BASIC_STATS */, KERNEL));
    show("statx a missing path", S5(SYS_statx, AT_FDCWD, "/no/such/file", 0, 0x7ff /* STATX_BASIC_STATS */, &stx));
    show("statx a closed fd", S5(SYS_statx, 42, "", AT_EMPTY_PATH, 0x7ff /* STATX_BASIC_STATS */, &stx));
    /* struct statfs of the file systems that are the same everywhere: pipes, anonymous inodes, /proc */
    struct statfs sfs;
    int pipe_fds[2];
    if (pipe(pipe_fds) == 0) {
        memset(&sfs, 0, sizeof sfs);
        show("fstatfs a pipe", S2(SYS_fstatfs, pipe_fds[0], &sfs));
        printf("  type %lx, block size %ld, blocks %ld, name length %ld, flags %lx\n", (long) sfs.f_type,
               (long) sfs.f_bsize, (long) sfs.f_blocks, (long) sfs.f_namelen, (long) sfs.f_flags);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
    }
    int epoll = (int) S1(SYS_epoll_create1, 0);
    memset(&sfs, 0, sizeof sfs);
    show("fstatfs an epoll file", S2(SYS_fstatfs, epoll, &sfs));
    printf("  type %lx, flags %lx\n", (long) sfs.f_type, (long) sfs.f_flags);
    close(epoll);
    memset(&sfs, 0, sizeof sfs);
    show("statfs /proc/self", S2(SYS_statfs, "/proc/self", &sfs));
    printf("  type %lx, blocks %ld\n", (long) sfs.f_type, (long) sfs.f_blocks);
    show("statfs a missing path", S2(SYS_statfs, "/no/such/file", &sfs));
    show("statfs into kernel memory", S2(SYS_statfs, "/proc", KERNEL));
    show("statfs a kernel path", S2(SYS_statfs, KERNEL, &sfs));
    show("fstatfs a closed fd", S2(SYS_fstatfs, 42, &sfs));
}

static void polling(void) {
    struct pollfd p[4] = {{0, POLLIN, -1}, {1, POLLOUT, -1}, {-1, POLLIN, -1}, {42, POLLIN, -1}};
    show("poll stdin, stdout, -1, a closed fd", S3(SYS_poll, p, 4, 0));
    printf("revents: %#x %#x %#x %#x\n", p[0].revents, p[1].revents, p[2].revents, p[3].revents);
    struct pollfd none[3] = {{0, 0, -1}, {1, 0, -1}, {2, 0, -1}};
    show("poll with no events", S3(SYS_poll, none, 3, 0));
    printf("revents: %#x %#x %#x\n", none[0].revents, none[1].revents, none[2].revents);
    long start = now_ns();
    show("poll nothing for 20 ms", S3(SYS_poll, NULL, 0, 20));
    show("it waited 20 ms", now_ns() - start >= 20000000);
    start = now_ns();
    show("poll a ready fd, timeout -1", S3(SYS_poll, p, 1, -1));
    show("poll 1025 fds", S3(SYS_poll, p, 1025, 0));
    show("poll -1 fds", S3(SYS_poll, p, -1, 0));
    show("poll fds in kernel memory", S3(SYS_poll, KERNEL, 1, 0));
    show("poll NULL fds", S3(SYS_poll, NULL, 1, 0));
    show("poll fds up to the end of user memory", S3(SYS_poll, USER_END - 8, 2, 0));

    struct timespec zero = {0, 0}, bad = {0, 1000000000}, negative = {-1, 0}, wait = {0, 20000000};
    uint64_t mask = 0;
    show("ppoll timeout 0", S5(SYS_ppoll, p, 4, &zero, NULL, 8));
    show("ppoll timeout 1e9 ns", S5(SYS_ppoll, p, 4, &bad, NULL, 8));
    show("ppoll timeout -1 s", S5(SYS_ppoll, p, 4, &negative, NULL, 8));
    show("ppoll timeout in kernel memory", S5(SYS_ppoll, p, 4, KERNEL, NULL, 8));
    show("ppoll sigsetsize 4", S5(SYS_ppoll, p, 4, &zero, &mask, 4));
    show("ppoll sigmask in kernel memory", S5(SYS_ppoll, p, 4, &zero, KERNEL, 8));
    show("ppoll with a sigmask", S5(SYS_ppoll, p, 4, &zero, &mask, 8));
    start = now_ns();
    show("ppoll nothing for 20 ms", S5(SYS_ppoll, none, 3, &wait, NULL, 8));
    show("it waited 20 ms", now_ns() - start >= 20000000);
    show("the time left is written back", wait.tv_sec == 0 && wait.tv_nsec < 20000000);

    fd_set r, w, e;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(0, &r);
    FD_SET(1, &w);
    FD_SET(2, &w);
    FD_SET(0, &e);
    struct timeval tv = {0, 0};
    show("select stdin, stdout, stderr", S5(SYS_select, 3, &r, &w, &e, &tv));
    printf("ready: %d %d %d %d %d\n", FD_ISSET(0, &r), FD_ISSET(1, &w), FD_ISSET(2, &w), FD_ISSET(1, &r), FD_ISSET(0, &e));
    FD_ZERO(&r);
    FD_SET(0, &r);
    FD_SET(1, &r);
    show("select stdin, stdout for reading, nfds 1", S5(SYS_select, 1, &r, NULL, NULL, &tv));
    printf("ready: %d %d\n", FD_ISSET(0, &r), FD_ISSET(1, &r));
    FD_ZERO(&r);
    FD_SET(42, &r);
    show("select a closed fd", S5(SYS_select, 43, &r, NULL, NULL, &tv));
    show("select nfds -1", S5(SYS_select, -1, NULL, NULL, NULL, &tv));
    static uint64_t big[128];
    big[0] = 2;
    show("select nfds 1000000 (clamped to the table), stdout", S5(SYS_select, 1000000, NULL, big, NULL, &tv));
    show("select sets in kernel memory", S5(SYS_select, 3, KERNEL, NULL, NULL, &tv));
    struct timeval usec_negative = {0, -1}, sec_negative = {-1, 0}, carry = {0, 1000000};
    show("select usec -1", S5(SYS_select, 0, NULL, NULL, NULL, &usec_negative));
    show("select sec -1", S5(SYS_select, 0, NULL, NULL, NULL, &sec_negative));
    FD_ZERO(&w);
    FD_SET(1, &w);
    show("select usec 1e6 (one second), stdout ready", S5(SYS_select, 2, NULL, &w, NULL, &carry));
    show("select timeout in kernel memory", S5(SYS_select, 0, NULL, NULL, NULL, KERNEL));
    struct timeval tv20 = {0, 20000};
    start = now_ns();
    show("select nothing for 20 ms", S5(SYS_select, 0, NULL, NULL, NULL, &tv20));
    show("it waited 20 ms", now_ns() - start >= 20000000);
    show("the time left is written back", tv20.tv_sec == 0 && tv20.tv_usec < 20000);
    FD_ZERO(&w);
    FD_SET(1, &w);
    struct { const uint64_t *set; size_t size; } pack = {&mask, 8}, small = {&mask, 4}, kernel = {KERNEL, 8};
    show("pselect6 with a sigmask", S6(SYS_pselect6, 2, NULL, &w, NULL, &zero, &pack));
    show("pselect6 sigset size 4", S6(SYS_pselect6, 2, NULL, &w, NULL, &zero, &small));
    show("pselect6 sigset in kernel memory", S6(SYS_pselect6, 2, NULL, &w, NULL, &zero, &kernel));
    show("pselect6 argument pack in kernel memory", S6(SYS_pselect6, 2, NULL, &w, NULL, &zero, KERNEL));
    show("pselect6 timeout 1e9 ns", S6(SYS_pselect6, 2, NULL, &w, NULL, &bad, NULL));
}

/* linux/futex.h, which musl does not install */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE 1
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_REQUEUE_PRIVATE 131
#define FUTEX_CMP_REQUEUE_PRIVATE 132
#define FUTEX_WAIT_BITSET_PRIVATE 137
#define FUTEX_WAKE_BITSET_PRIVATE 138
#define FUTEX_CLOCK_REALTIME 256

/* One thread: a wake finds nobody, a wait lasts until its timeout. */
static void futexes(void) {
    static uint32_t word = 7;
    struct timespec ten_ms = {0, 10000000}, bad = {0, -1}, past = {1, 0};
    show("FUTEX_WAKE_PRIVATE", S3(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1));
    show("FUTEX_WAKE shared", S3(SYS_futex, &word, FUTEX_WAKE, 1));
    show("FUTEX_WAKE unaligned", S3(SYS_futex, (char *) &word + 1, FUTEX_WAKE_PRIVATE, 1));
    show("FUTEX_WAKE kernel address", S3(SYS_futex, KERNEL, FUTEX_WAKE_PRIVATE, 1));
    show("FUTEX_WAKE shared, unmapped", S3(SYS_futex, UNMAPPED, FUTEX_WAKE, 1));
    show("FUTEX_WAKE_BITSET 0", S6(SYS_futex, &word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
    show("FUTEX_WAIT another value", S4(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 8, NULL));
    long start = now_ns();
    show("FUTEX_WAIT 10 ms", S4(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &ten_ms));
    show("it waited 10 ms", now_ns() - start >= 10000000);
    show("FUTEX_WAIT bad timeout", S4(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &bad));
    show("FUTEX_WAIT timeout in kernel memory", S4(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, KERNEL));
    show("FUTEX_WAIT_BITSET realtime, in 1970", S6(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &past, NULL, -1));
    show("FUTEX_WAIT_BITSET monotonic, at 1 s", S6(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 7, &past, NULL, -1));
    show("FUTEX_WAIT_BITSET 0", S6(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 7, &past, NULL, 0));
    show("FUTEX_WAIT with FUTEX_CLOCK_REALTIME", S4(SYS_futex, &word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &ten_ms));
    show("FUTEX_CMP_REQUEUE another value", S6(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word, 8));
    show("FUTEX_CMP_REQUEUE", S6(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word, 7));
    show("FUTEX_REQUEUE negative count", S6(SYS_futex, &word, FUTEX_REQUEUE_PRIVATE, -1, 1, &word, 0));
    show("futex op 99", S3(SYS_futex, &word, 99, 0));
}

static void process(void) {
    unsigned cpu, node;
    show("getcpu into kernel memory", S3(SYS_getcpu, KERNEL, &node, NULL));
    show("getcpu NULL NULL", S3(SYS_getcpu, NULL, NULL, NULL));
    struct sysinfo si;
    show("sysinfo", S1(SYS_sysinfo, &si));
    show("sysinfo: mem_unit 1, RAM free below total, a process", si.mem_unit == 1 && si.freeram < si.totalram && si.procs >= 1);
    show("sysinfo into kernel memory", S1(SYS_sysinfo, KERNEL));
    uint64_t set[2] = {0, 0};
    show("sched_getaffinity len 4", S3(SYS_sched_getaffinity, 0, 4, set));
    show("sched_getaffinity len 0", S3(SYS_sched_getaffinity, 0, 0, set));
    show("sched_getaffinity len 12", S3(SYS_sched_getaffinity, 0, 12, set));
    show("sched_getaffinity of a missing pid", S3(SYS_sched_getaffinity, 12345678, 8, set));
    show("sched_getaffinity into kernel memory", S3(SYS_sched_getaffinity, 0, 8, KERNEL));
    uint64_t empty = 0;
    show("sched_setaffinity to no CPU", S3(SYS_sched_setaffinity, 0, 8, &empty));
    show("sched_setaffinity len 0", S3(SYS_sched_setaffinity, 0, 0, &empty));
    show("sched_setaffinity from kernel memory", S3(SYS_sched_setaffinity, 0, 8, KERNEL));
    show("sched_setaffinity of a missing pid", S3(SYS_sched_setaffinity, 12345678, 8, &empty));
    struct sched_param param = {42};
    show("sched_getparam", S2(SYS_sched_getparam, 0, &param));
    show("sched_priority", param.sched_priority);
    show("sched_getparam NULL", S2(SYS_sched_getparam, 0, NULL));
    show("sched_getparam pid -1", S2(SYS_sched_getparam, -1, &param));
    show("sched_getparam into kernel memory", S2(SYS_sched_getparam, 0, KERNEL));
    show("sched_getscheduler", S1(SYS_sched_getscheduler, 0));
    show("sched_getscheduler pid -1", S1(SYS_sched_getscheduler, -1));
    show("sched_getscheduler of a missing pid", S1(SYS_sched_getscheduler, 12345678));
    for (int policy = -1; policy <= 6; policy++) {
        char what[64];
        snprintf(what, sizeof what, "priority range of policy %d", policy);
        long max = S1(SYS_sched_get_priority_max, policy), min = S1(SYS_sched_get_priority_min, policy);
        printf("%s: %ld %ld\n", what, min, max);
    }
    struct rusage ru;
    show("getrusage self", S2(SYS_getrusage, RUSAGE_SELF, &ru));
    show("getrusage children", S2(SYS_getrusage, RUSAGE_CHILDREN, &ru));
    show("children used no time", ru.ru_utime.tv_sec == 0 && ru.ru_utime.tv_usec == 0 && ru.ru_stime.tv_sec == 0);
    show("getrusage thread", S2(SYS_getrusage, RUSAGE_THREAD, &ru));
    show("getrusage 2", S2(SYS_getrusage, 2, &ru));
    show("getrusage -2", S2(SYS_getrusage, -2, &ru));
    show("getrusage into kernel memory", S2(SYS_getrusage, RUSAGE_SELF, KERNEL));
    struct tms tms;
    show("times counts up", S1(SYS_times, &tms) > 0);
    show("times NULL counts up", S1(SYS_times, NULL) > 0);
    show("times into kernel memory", S1(SYS_times, KERNEL));
    show("umask 077", (S1(SYS_umask, 077), S1(SYS_umask, 022)));
    show("umask keeps 0777 only", (S1(SYS_umask, 07777), S1(SYS_umask, 022)));
    show("getgroups -1", S2(SYS_getgroups, -1, NULL));
    show("getpgid of a missing pid", S1(SYS_getpgid, 12345678));
    show("getsid of a missing pid", S1(SYS_getsid, 12345678));
    show("setpgid pgid -1", S2(SYS_setpgid, 0, -1));
    show("setpgid of a missing pid", S2(SYS_setpgid, 12345678, 0));
    show("getpriority which 7", S2(SYS_getpriority, 7, 0));
    show("getpriority of a missing pid", S2(SYS_getpriority, PRIO_PROCESS, 12345678));
    show("setpriority nice 5", S3(SYS_setpriority, PRIO_PROCESS, 0, 5));
    show("getpriority after nice 5", S2(SYS_getpriority, PRIO_PROCESS, 0));
    show("setpriority nice 100", S3(SYS_setpriority, PRIO_PROCESS, 0, 100));
    show("getpriority after nice 100", S2(SYS_getpriority, PRIO_PROCESS, 0));
    show("setpriority which -1", S3(SYS_setpriority, -1, 0, 0));
    (void) cpu;
}

/* What only jvmm's console and process answer this way (a host's stdin, CPU, groups, session
 * and limits differ from run to run). */
static void console(void) {
    struct stat st;
    show("fstat stdout", S2(SYS_fstat, 1, &st));
    printf("stdout: mode %o rdev %#lx\n", st.st_mode, (unsigned long) st.st_rdev);
    show("F_GETFL stdin", S2(SYS_fcntl, 0, F_GETFL));
    show("F_GETFL stdout", S2(SYS_fcntl, 1, F_GETFL));
    show("F_GETFL stderr", S2(SYS_fcntl, 2, F_GETFL));
    int on = 1;
    show("FIOASYNC on", S3(SYS_ioctl, 1, FIOASYNC, &on));
    show("FIONREAD stdin", S3(SYS_ioctl, 0, FIONREAD, &on));
    char buf[8];
    show("read stdin from unmapped memory", S3(SYS_read, 0, UNMAPPED, 8));
    show("pread64 stdin", S4(SYS_pread64, 0, buf, 1, 0));
    show("lseek stdin", S3(SYS_lseek, 0, 0, SEEK_SET));
    long offset = 0;
    show("sendfile stdin at an offset", S4(SYS_sendfile, 1, 0, &offset, 1));
    show("sendfile stdin to stdout", S4(SYS_sendfile, 1, 0, NULL, 100));
    struct pollfd p[3] = {{0, POLLIN | POLLOUT, 0}, {1, POLLIN | POLLOUT, 0}, {2, POLLIN | POLLOUT, 0}};
    show("poll the console for everything", S3(SYS_poll, p, 3, 0));
    printf("revents: %#x %#x %#x\n", p[0].revents, p[1].revents, p[2].revents);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(100, &r);
    struct timeval tv = {0, 0};
    show("select fd 100 (beyond the table's 64)", S5(SYS_select, 101, &r, NULL, NULL, &tv));
    show("dup2 1 100", S2(SYS_dup2, 1, 100));
    show("select fd 100 now", S5(SYS_select, 101, &r, NULL, NULL, &tv));
    show("close 100", S1(SYS_close, 100));

    unsigned cpu = 7, node = 7;
    show("getcpu", S3(SYS_getcpu, &cpu, &node, NULL));
    printf("cpu %u node %u, the vDSO's cpu %d\n", cpu, node, sched_getcpu());
    uint64_t set[2] = {0, 0};
    show("sched_getaffinity len 16", S3(SYS_sched_getaffinity, 0, 16, set));
    printf("mask %#lx %#lx\n", (unsigned long) set[0], (unsigned long) set[1]);
    show("sched_getaffinity pid 1", S3(SYS_sched_getaffinity, 1, 8, set));
    uint64_t one = 1, three = 3;
    show("sched_setaffinity CPU 0", S3(SYS_sched_setaffinity, 0, 8, &one));
    show("sched_setaffinity CPUs 0 and 1", S3(SYS_sched_setaffinity, 0, 8, &three));
    show("sched_setaffinity len 1", S3(SYS_sched_setaffinity, 0, 1, &one));
    struct sysinfo si;
    S1(SYS_sysinfo, &si);
    printf("sysinfo: uptime > 0 %d, procs %d, loads %lu, swap %lu, RAM above 64 MiB %d\n", si.uptime > 0, si.procs,
           si.loads[0], si.totalswap, si.totalram > (64UL << 20));
    show("umask at start", S1(SYS_umask, 022));
    show("getgroups", S2(SYS_getgroups, 0, NULL));
    gid_t groups[4] = {30, 10, 20, 10}, back[4] = {0};
    show("setgroups 4", S2(SYS_setgroups, 4, groups));
    show("getgroups 2", S2(SYS_getgroups, 2, back));
    show("getgroups 4", S2(SYS_getgroups, 4, back));
    printf("groups: %u %u %u %u\n", back[0], back[1], back[2], back[3]);
    show("getgroups into kernel memory", S2(SYS_getgroups, 4, KERNEL));
    show("setgroups from kernel memory", S2(SYS_setgroups, 1, KERNEL));
    show("setgroups 65537", S2(SYS_setgroups, 65537, groups));
    show("setgroups 0", S2(SYS_setgroups, 0, NULL));
    show("getgroups after 0", S2(SYS_getgroups, 0, NULL));
    show("getpgrp", S0(SYS_getpgrp));
    show("getpgid 0", S1(SYS_getpgid, 0));
    show("getpgid 1", S1(SYS_getpgid, 1));
    show("getsid 0", S1(SYS_getsid, 0));
    show("setsid", S0(SYS_setsid));
    show("setpgid 0 0", S2(SYS_setpgid, 0, 0));
    show("getpriority", S2(SYS_getpriority, PRIO_PROCESS, 0));
    show("getpriority PRIO_PGRP 1", S2(SYS_getpriority, PRIO_PGRP, 1));
    show("getpriority PRIO_USER 0", S2(SYS_getpriority, PRIO_USER, 0));
    show("getpriority PRIO_USER 1000", S2(SYS_getpriority, PRIO_USER, 1000));
    show("setpriority nice -20", S3(SYS_setpriority, PRIO_PROCESS, 0, -20));
    show("getpriority after nice -20", S2(SYS_getpriority, PRIO_PROCESS, 0));
    struct rlimit big = {4096, 4097};
    show("setrlimit NOFILE above 4096", setrlimit(RLIMIT_NOFILE, &big) ? -errno : 0);
    struct rlimit all = {4096, 4096};
    show("setrlimit NOFILE 4096", setrlimit(RLIMIT_NOFILE, &all) ? -errno : 0);
    show("dup2 1 4095", S2(SYS_dup2, 1, 4095));
    show("dup2 1 4096", S2(SYS_dup2, 1, 4096));
    show("poll 4097 fds", S3(SYS_poll, NULL, 4097, 0));
    /* Calls the kernel does not serve, for its exit report: one Linux names, one it does not. */
    show("init_module", S3(SYS_init_module, NULL, 0, ""));
    show("system call 335", S0(335));
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "console") == 0) {
        console();
        return 0;
    }
    descriptors();
    reading_and_writing();
    status();
    polling();
    futexes();
    process();
    return 0;
}
