/* flock(2) between processes: a lock belongs to the open file (shared by fork), another open
 * file of the same file is refused (LOCK_NB) or waits, shared locks coexist, close and LOCK_UN
 * release, and a signal ends a wait. Every line is the same on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char path[64];

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

static const char *result(int ret) {
    return ret == 0 ? "ok" : errno == EWOULDBLOCK ? "EWOULDBLOCK" : strerror(errno);
}

/* Runs what in a child and prints its line there; the parent waits for it. */
static void in_child(const char *what, int (*body)(int), int fd) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("%s: %s\n", what, result(body(fd)));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
}

static int own_exclusive(int fd) {
    (void)fd;
    return flock(open(path, O_RDONLY), LOCK_EX | LOCK_NB);
}

static int own_shared(int fd) {
    (void)fd;
    return flock(open(path, O_RDONLY), LOCK_SH | LOCK_NB);
}

static int inherited_exclusive(int fd) {
    return flock(fd, LOCK_EX | LOCK_NB);
}

static void on_usr1(int sig) { (void)sig; }

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(path, sizeof path, "/tmp/flock-test.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    printf("LOCK_EX: %s\n", result(flock(fd, LOCK_EX)));
    in_child("another open file, LOCK_EX | LOCK_NB", own_exclusive, fd);
    in_child("another open file, LOCK_SH | LOCK_NB", own_shared, fd);
    in_child("the same open file after fork, LOCK_EX | LOCK_NB", inherited_exclusive, fd);

    /* The child reports through its status, printed after the parent's line: on a loaded host
     * it could print first. The parent unlocks 150 ms after the start, which the child's lock
     * cannot beat however late it starts. */
    fflush(stdout);
    long start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        int ret = flock(open(path, O_RDONLY), LOCK_EX);
        _exit((ret == 0 ? 0 : 1) | (now_ms() - start >= 150 ? 0 : 2));
    }
    nap(150);
    printf("LOCK_UN: %s\n", result(flock(fd, LOCK_UN)));
    int status;
    waitpid(pid, &status, 0);
    printf("a waiting LOCK_EX: %s, after the unlock: %s\n", WEXITSTATUS(status) & 1 ? "failed" : "ok",
           WEXITSTATUS(status) & 2 ? "no" : "yes");

    printf("LOCK_SH: %s\n", result(flock(fd, LOCK_SH)));
    in_child("another open file, LOCK_SH | LOCK_NB", own_shared, fd);
    in_child("another open file, LOCK_EX | LOCK_NB", own_exclusive, fd);
    printf("LOCK_SH to LOCK_EX: %s\n", result(flock(fd, LOCK_EX | LOCK_NB)));
    in_child("another open file, LOCK_SH | LOCK_NB", own_shared, fd);

    int other = open(path, O_RDONLY);
    printf("a second open file of it, LOCK_EX | LOCK_NB: %s\n", result(flock(other, LOCK_EX | LOCK_NB)));
    close(fd);
    printf("after close of the holder: %s\n", result(flock(other, LOCK_EX | LOCK_NB)));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int ret = flock(open(path, O_RDONLY), LOCK_SH);
        printf("a waiting LOCK_SH and a signal: %s\n", result(ret));
        _exit(0);
    }
    nap(100);
    kill(pid, SIGUSR1);
    waitpid(pid, NULL, 0);
    printf("an unknown operation: %s\n", result(flock(other, 3)));
    close(other);
    unlink(path);
    return 0;
}
