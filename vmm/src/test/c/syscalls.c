/* Exercises the system calls jvmm's kernel serves and prints what each returned, in a form that
 * does not depend on the machine (no addresses, no times), so runs can be compared. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_ADDRESS ((void *) 0xffffffff80100000UL)

static const char *errno_name(long e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case ENOSYS: return "ENOSYS";
    default: return "other";
    }
}

static void result(const char *what, long ret) {
    if (ret < 0)
        printf("%s: -%s\n", what, errno_name(-ret));
    else
        printf("%s: %ld\n", what, ret);
}

/* The raw system call, so that libc wrappers do not hide the kernel's answer. */
#define RAW(...) syscall(__VA_ARGS__) < 0 ? -errno : 0

int main(void) {
    struct utsname u;
    uname(&u);
    printf("uname: %s %s %s\n", u.sysname, u.machine, u.release);
    printf("ids: pid %d ppid %d uid %d gid %d euid %d egid %d\n", getpid(), getppid(), getuid(), getgid(), geteuid(), getegid());

    /* Memory: the heap, anonymous mappings, protection changes. */
    char *small = malloc(100);
    char *big = malloc(8 << 20);
    memset(big, 0x5a, 8 << 20);
    printf("malloc: %s %s\n", small ? "ok" : "null", big && big[(8 << 20) - 1] == 0x5a ? "ok" : "bad");
    char *page = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[0] = 1;
    page[3 * 4096 - 1] = 2;
    printf("mmap: %s zero-filled %s\n", page != MAP_FAILED ? "ok" : "failed", page[4096] == 0 ? "yes" : "no");
    result("mprotect read-only", mprotect(page, 4096, PROT_READ) ? -errno : 0);
    result("munmap", munmap(page, 3 * 4096) ? -errno : 0);
    result("mmap of stdin", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED ? -errno : 0);
    result("mmap of write-only stdout", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 1, 0) == MAP_FAILED ? -errno : 0);
    result("mprotect of unmapped memory", mprotect(page, 4096, PROT_READ) ? -errno : 0);

    /* The console and files. */
    result("write to stdout", write(1, "", 0));
    result("write to fd 7", write(7, "x", 1) < 0 ? -errno : 0);
    result("write from kernel memory", write(1, KERNEL_ADDRESS, 16) < 0 ? -errno : 0);
    result("read into kernel memory", read(0, KERNEL_ADDRESS, 16) < 0 ? -errno : 0);
    result("read from stdin", read(0, small, 10));
    result("open", open("/etc/passwd", O_RDONLY) < 0 ? -errno : 0);
    result("open with a kernel pointer", RAW(SYS_open, KERNEL_ADDRESS, O_RDONLY));
    struct stat st;
    result("fstat stdout", fstat(1, &st) ? -errno : 0);
    printf("stdout is a %s\n", S_ISCHR(st.st_mode) ? "character device" : "something else");
    result("fstat into kernel memory", RAW(SYS_fstat, 1, KERNEL_ADDRESS));
    result("isatty", isatty(1) ? 1 : -errno);
    result("lseek stdout", lseek(1, 0, SEEK_SET) < 0 ? -errno : 0);
    char link[64];
    result("readlink", readlink("/proc/self/exe", link, sizeof link) < 0 ? -errno : 0);

    /* Time. */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    result("nanosleep", nanosleep(&ten_ms, NULL) ? -errno : 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long slept = (b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec;
    printf("monotonic clock advanced across the sleep: %s\n", slept >= 10 * 1000 * 1000 ? "yes" : "no");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("realtime after 2020: %s\n", time(NULL) > 1577836800 && tv.tv_sec > 1577836800 ? "yes" : "no");
    result("clock_gettime of a bad clock", RAW(SYS_clock_gettime, 99, &a));

    /* Process state. */
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    printf("stack limit: %ld MiB\n", (long) rl.rlim_cur >> 20);
    unsigned char random[32] = {0};
    result("getrandom", getrandom(random, sizeof random, 0));
    int nonzero = 0;
    for (int i = 0; i < 32; i++)
        nonzero |= random[i];
    printf("random bytes are not all zero: %s\n", nonzero ? "yes" : "no");
    result("an unknown system call", RAW(1000));
    result("arch_prctl with a kernel address", RAW(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, KERNEL_ADDRESS));
    result("rt_sigaction", RAW(SYS_rt_sigaction, 10, NULL, NULL, 8));
    result("rt_sigaction of SIGKILL", RAW(SYS_rt_sigaction, 9, &rl, NULL, 8));

    /* A deep stack: the kernel grows it on demand. */
    volatile char deep[256 * 1024];
    deep[0] = 1;
    printf("a 256 KiB stack array: %s\n", deep[0] == 1 ? "ok" : "bad");
    return 0;
}
