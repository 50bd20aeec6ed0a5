/* fcntl record locks between processes, as Linux keeps them: F_GETLK reports the lock in the
 * way (merged and split as the owner changed it), F_SETLK refuses, F_SETLKW waits, a circle of
 * waiters gets EDEADLK, closing any descriptor of the file releases a process's locks, and open
 * file description locks belong to the open file. Every line is the same on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char path[64];
static pid_t parent;

static void nap(int ms) {
    struct timespec t = {0, ms * 1000000L};
    while (nanosleep(&t, &t) == -1 && errno == EINTR) {
    }
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static int lock(int fd, int cmd, short type, short whence, off_t start, off_t len) {
    struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

static const char *result(int ret) {
    return ret == 0 ? "ok" : errno == EAGAIN ? "EAGAIN" : strerror(errno);
}

static const char *type_name(short type) {
    return type == F_RDLCK ? "F_RDLCK" : type == F_WRLCK ? "F_WRLCK" : type == F_UNLCK ? "F_UNLCK" : "?";
}

static void test(const char *what, int fd, int cmd, short type, off_t start, off_t len) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &fl) != 0) {
        printf("%s: %s\n", what, strerror(errno));
        return;
    }
    if (fl.l_type == F_UNLCK)
        printf("%s: F_UNLCK\n", what);
    else
        printf("%s: %s from %ld, %ld bytes, %s\n", what, type_name(fl.l_type), (long)fl.l_start, (long)fl.l_len,
               fl.l_pid == parent ? "the parent's" : fl.l_pid == -1 ? "pid -1" : "another pid");
}

/* Forks a child that runs body on its own descriptor of the file, and waits for it. */
static void child(void (*body)(int)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        body(open(path, O_RDWR));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
}

static void probe_first(int fd) {
    test("F_GETLK 50+10 for writing", fd, F_GETLK, F_WRLCK, 50, 10);
    printf("F_SETLK read 50+10: %s\n", result(lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 50, 10)));
    printf("F_SETLK write 100+100: %s\n", result(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 100, 100)));
}

static void probe_split(int fd) {
    test("F_GETLK 40+20 after the split", fd, F_GETLK, F_WRLCK, 40, 20);
    test("F_GETLK 45+30", fd, F_GETLK, F_WRLCK, 45, 30);
    test("F_GETLK 0+0", fd, F_GETLK, F_RDLCK, 0, 0);
}

static void probe_merge(int fd) {
    test("F_GETLK 15+1 after two adjacent locks", fd, F_GETLK, F_WRLCK, 15, 1);
    test("F_GETLK 95+1 of a SEEK_END lock", fd, F_GETLK, F_WRLCK, 95, 1);
    test("F_GETLK 500+1 for reading, read-locked", fd, F_GETLK, F_RDLCK, 500, 1);
    test("F_GETLK 500+1 for writing, read-locked", fd, F_GETLK, F_WRLCK, 500, 1);
}

static void probe_released(int fd) {
    printf("F_SETLK write 0+0 after the parent closed another descriptor: %s\n",
           result(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)));
}

static void probe_ofd(int fd) {
    test("F_OFD_GETLK from another open file", fd, F_OFD_GETLK, F_WRLCK, 0, 1);
    test("F_GETLK (a process's) from another open file", fd, F_GETLK, F_WRLCK, 0, 1);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    parent = getpid();
    snprintf(path, sizeof path, "/tmp/reclock-test.%d", (int)parent);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char bytes[100] = {0};
    write(fd, bytes, sizeof bytes);

    printf("F_SETLK write 0+100: %s\n", result(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100)));
    child(probe_first);
    printf("F_SETLK unlock 40+20: %s\n", result(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20)));
    child(probe_split);

    lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
    lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10);
    printf("F_SETLK write SEEK_END-10+10: %s\n", result(lock(fd, F_SETLK, F_WRLCK, SEEK_END, -10, 10)));
    lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 500, 1);
    child(probe_merge);

    /* A waiting F_SETLKW gets the lock when the holder lets it go, 150 ms after the start
     * (which the child's lock cannot beat however late the child starts on a loaded host). */
    fflush(stdout);
    long start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        int own = open(path, O_RDWR);
        int ret = lock(own, F_SETLKW, F_WRLCK, SEEK_SET, 5, 1);
        printf("F_SETLKW write 5+1: %s, after the unlock: %s\n", result(ret), now_ms() - start >= 150 ? "yes" : "no");
        fflush(stdout);
        _exit(0);
    }
    nap(150);
    lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    waitpid(pid, NULL, 0);

    /* Two processes each wait for the other's lock: the second one's wait would close the circle. */
    lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    int go[2];
    pipe(go);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int own = open(path, O_RDWR);
        lock(own, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
        write(go[1], "x", 1);
        int ret = lock(own, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        printf("the child's F_SETLKW on the parent's byte: %s\n", result(ret));
        fflush(stdout);
        _exit(0);
    }
    char x;
    read(go[0], &x, 1);
    nap(100);
    printf("the parent's F_SETLKW on the child's byte: %s\n", result(lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1)));
    lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    waitpid(pid, NULL, 0);

    /* Closing any descriptor of the file releases the process's locks on it. */
    lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
    close(open(path, O_RDONLY));
    child(probe_released);

    /* Open file description locks: the open file's, shared with a child through fork. */
    printf("F_OFD_SETLK write 0+1: %s\n", result(lock(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
    child(probe_ofd);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        test("F_OFD_GETLK from the same open file", fd, F_OFD_GETLK, F_WRLCK, 0, 1);
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);

    int readonly = open(path, O_RDONLY);
    printf("a write lock on a read-only descriptor: %s\n", result(lock(readonly, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
    printf("whence 7: %s\n", result(lock(fd, F_SETLK, F_WRLCK, 7, 0, 1)));
    printf("a start before the file: %s\n", result(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, -5, 1)));
    printf("F_GETLK of F_UNLCK: %s\n", result(lock(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1)));
    close(readonly);
    close(fd);
    unlink(path);
    return 0;
}
