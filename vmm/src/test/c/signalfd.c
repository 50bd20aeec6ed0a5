/* signalfd: blocked signals read as struct signalfd_siginfo from a file, as a program with an
 * event loop takes them (poll, epoll, a blocking read). Each line states what Linux does; the
 * test compares the whole output with the host's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void *kill_later(void *arg) {
    pause_ms(30);
    kill(getpid(), *(int *) arg);
    return NULL;
}

static int readable(int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, 0);
    return r == 1 && (p.revents & POLLIN);
}

int main(void) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGRTMIN);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);

    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    printf("signalfd: %s, close-on-exec: %s\n", fd >= 0 ? "a descriptor" : errname(errno),
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
    struct stat st;
    fstat(fd, &st);
    printf("fstat: type bits 0%o\n", st.st_mode & S_IFMT);

    struct signalfd_siginfo si;
    errno = 0;
    ssize_t n = read(fd, &si, sizeof si);
    printf("nothing pending, O_NONBLOCK: %zd %s; readable: %s\n", n, errname(errno), readable(fd) ? "yes" : "no");

    kill(getpid(), SIGUSR1);
    printf("after kill: readable %s\n", readable(fd) ? "yes" : "no");
    errno = 0;
    n = read(fd, &si, sizeof si - 1);
    printf("a buffer one byte short: %zd %s\n", n, errname(errno));
    memset(&si, 0xa5, sizeof si);
    n = read(fd, &si, sizeof si);
    printf("read: %zd, signo %u, code %d, pid ours %s, uid %u, int %d, ptr %llu, status %d\n", n, si.ssi_signo,
           si.ssi_code, si.ssi_pid == (unsigned) getpid() ? "yes" : "no", si.ssi_uid, si.ssi_int,
           (unsigned long long) si.ssi_ptr, si.ssi_status);
    sigset_t pending;
    sigpending(&pending);
    printf("taken, no longer pending: %s\n", sigismember(&pending, SIGUSR1) ? "no" : "yes");

    sigqueue(getpid(), SIGRTMIN, (union sigval) {.sival_int = 77});
    sigqueue(getpid(), SIGRTMIN, (union sigval) {.sival_int = 78});
    kill(getpid(), SIGUSR2);
    struct signalfd_siginfo three[3];
    n = read(fd, three, sizeof three);
    printf("three at once: %zd bytes:", n);
    for (ssize_t i = 0; i < n / (ssize_t) sizeof three[0]; i++) {
        if (three[i].ssi_signo == (unsigned) SIGUSR2) {
            printf(" USR2");
        } else {
            printf(" RTMIN+%d code %d int %d", (int) three[i].ssi_signo - SIGRTMIN, three[i].ssi_code, three[i].ssi_int);
        }
    }
    printf("\n");

    pid_t child = fork();
    if (child == 0) {
        _exit(42);
    }
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, 5000);
    n = read(fd, &si, sizeof si);
    printf("a child's exit: poll %d, read %zd, SIGCHLD %s, code CLD_EXITED %s, pid the child's %s, status %d\n",
           r, n, si.ssi_signo == SIGCHLD ? "yes" : "no", si.ssi_code == CLD_EXITED ? "yes" : "no",
           si.ssi_pid == (unsigned) child ? "yes" : "no", si.ssi_status);
    waitpid(child, NULL, 0);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 5};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    struct epoll_event got;
    r = epoll_wait(ep, &got, 1, 0);
    printf("epoll with nothing pending: %d\n", r);
    int sig = SIGUSR2;
    pthread_t thread;
    pthread_create(&thread, NULL, kill_later, &sig);
    r = epoll_wait(ep, &got, 1, 5000);
    pthread_join(thread, NULL);
    printf("epoll, another thread's kill: %d, data %u, EPOLLIN %s\n", r, got.data.u32, (got.events & EPOLLIN) ? "yes" : "no");
    if (read(fd, &si, sizeof si) != sizeof si) {
        printf("the signal was not there to read\n");
    }
    close(ep);

    /* A blocking signalfd waits for the signal. */
    int blocking = signalfd(-1, &mask, 0);
    sig = SIGUSR1;
    pthread_create(&thread, NULL, kill_later, &sig);
    n = read(blocking, &si, sizeof si);
    pthread_join(thread, NULL);
    printf("a blocking read woken by another thread's kill: %zd, signo %u\n", n, si.ssi_signo);

    /* A new mask for the same file; SIGKILL and SIGSTOP are never in it. */
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigaddset(&usr2, SIGKILL);
    r = signalfd(fd, &usr2, 0);
    printf("a new mask: %s\n", r == fd ? "the same descriptor" : errname(errno));
    kill(getpid(), SIGUSR1);
    errno = 0;
    n = read(fd, &si, sizeof si);
    printf("SIGUSR1 pending, not in the mask: %zd %s\n", n, errname(errno));
    int taken = 0;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigwait(&usr1, &taken);

    errno = 0;
    r = signalfd(-1, &mask, 0x1);
    printf("unknown flags: %d %s\n", r, errname(errno));
    errno = 0;
    r = syscall(SYS_signalfd4, -1, &mask, 4, 0);
    printf("sizemask 4: %d %s\n", r, errname(errno));
    errno = 0;
    r = syscall(SYS_signalfd4, -1, (void *) 8, 8, 0);
    printf("a mask at address 8: %d %s\n", r, errname(errno));
    errno = 0;
    r = signalfd(0, &mask, 0);
    printf("a descriptor that is no signalfd: %d %s\n", r, errname(errno));
    errno = 0;
    r = signalfd(999, &mask, 0);
    printf("a descriptor that is not open: %d %s\n", r, errname(errno));
    errno = 0;
    n = syscall(SYS_read, fd, (void *) 8, sizeof si);
    printf("a read into address 8: %zd %s\n", n, errname(errno));
    return 0;
}
