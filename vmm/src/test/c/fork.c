/* Processes as a program sees them: fork with copy-on-write memory, exit statuses through wait4,
 * waitpid and waitid, SIGCHLD (a handler, SIG_IGN, SA_NOCLDWAIT), getppid and orphans, kill,
 * process groups and sessions, descriptors and offsets shared across fork, a child with
 * children of its own, vfork's shared memory and posix_spawn's error. Single-threaded. Every line names a relation, never a pid, an address or
 * a time, so the output is the same on Linux (any pid) and on jvmm (where this program is pid 1),
 * with musl and with glibc. stdout is flushed before every fork, so nothing buffered is printed
 * twice; a child's lines come out before the parent goes on (the parent waits for it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

#define MIB (1024 * 1024)

static volatile int global = 1;
static volatile sig_atomic_t chld_count;
static volatile int chld_pid, chld_code, chld_status;

static const char *yes(int ok) { return ok ? "yes" : "no"; }


/* A call's result, and errno's name when it failed (errno is read after the call has returned). */
static void show_call(const char *what, long ret) {
    int e = errno;
    printf("%s: %ld%s%s\n", what, ret, ret < 0 ? " " : "", ret < 0 ? errname(e) : "");
}

static pid_t spawn(void) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        printf("fork failed: %s\n", errname(errno));
        exit(1);
    }
    return pid;
}

/* The status of one child, as the W* macros read it (WCOREDUMP depends on the host's core settings). */
static void show_status(const char *what, pid_t pid) {
    int status = 0;
    pid_t got = waitpid(pid, &status, 0);
    if (got != pid) {
        printf("%s: waitpid failed: %s\n", what, errname(errno));
        return;
    }
    if (WIFEXITED(status))
        printf("%s: WIFEXITED=1 WEXITSTATUS=%d WIFSIGNALED=0\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: WIFEXITED=0 WIFSIGNALED=1 WTERMSIG=%d\n", what, WTERMSIG(status));
    else
        printf("%s: neither exited nor signaled\n", what);
}

static int all(const char *buf, size_t n, char c) {
    for (size_t i = 0; i < n; i++)
        if (buf[i] != c)
            return 0;
    return 1;
}

static char pattern(size_t i) { return (char) ((i * 7 + (i >> 12)) % 251); }

static int pattern_ok(const char *buf, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (buf[i] != pattern(i))
            return 0;
    return 1;
}

/* Reads until end of file; returns the byte count. */
static long drain(int fd, char *out, long max) {
    long total = 0;
    char buf[4096];
    for (ssize_t n; (n = read(fd, out ? out + total : buf, out ? max - total : (long) sizeof buf)) > 0;)
        total += n;
    return total;
}

static void on_chld(int sig, siginfo_t *info, void *uc) {
    (void) sig, (void) uc;
    chld_count++;
    chld_pid = info->si_pid;
    chld_code = info->si_code;
    chld_status = info->si_status;
}

int main(void) {
    int p[2], q[2];
    char byte = 'x';
    pid_t pid, me = getpid();

    /* --- Copy-on-write memory --- */
    volatile int local = 2;
    char *small = malloc(4 * MIB), *big = malloc(64 * MIB);
    memset(small, 'p', 4 * MIB);
    for (size_t i = 0; i < 64 * MIB; i++)
        big[i] = pattern(i);
    if (pipe(p) || pipe(q))
        return 1;
    if ((pid = spawn()) == 0) {
        close(p[0]), close(q[1]);
        printf("child: 64 MiB buffer intact after fork: %s\n", yes(pattern_ok(big, 64 * MIB)));
        global = 10, local = 20;
        memset(small, 'c', 4 * MIB);
        write(p[1], &byte, 1);
        drain(q[0], NULL, 0); /* the parent has written its own values */
        printf("child: parent's writes invisible: global %s, stack %s, 4 MiB buffer %s\n",
               yes(global == 10), yes(local == 20), yes(all(small, 4 * MIB, 'c')));
        exit(0);
    }
    close(p[1]), close(q[0]);
    read(p[0], &byte, 1); /* the child has written its values */
    int g = global == 1, l = local == 2, s = all(small, 4 * MIB, 'p');
    global = 100, local = 200;
    memset(small, 'P', 4 * MIB);
    close(q[1]);
    show_status("copy-on-write child", pid);
    close(p[0]);
    printf("parent: child's writes invisible: global %s, stack %s, 4 MiB buffer %s\n", yes(g), yes(l), yes(s));
    printf("parent: 64 MiB buffer intact after the child: %s\n", yes(pattern_ok(big, 64 * MIB)));
    free(big);
    free(small);

    /* --- Exit statuses --- */
    if ((pid = spawn()) == 0) exit(0);
    show_status("exit(0)", pid);
    if ((pid = spawn()) == 0) exit(3);
    show_status("exit(3)", pid);
    if ((pid = spawn()) == 0) exit(255);
    show_status("exit(255)", pid);
    if ((pid = spawn()) == 0) {
        printf("this buffered line is lost by _exit\n");
        _exit(7);
    }
    show_status("_exit(7)", pid);
    if ((pid = spawn()) == 0) for (;;) pause();
    kill(pid, SIGKILL);
    show_status("kill SIGKILL", pid);
    if ((pid = spawn()) == 0) { raise(SIGTERM); exit(1); }
    show_status("raise(SIGTERM)", pid);
    if ((pid = spawn()) == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none); /* no core file on the host */
        abort();
    }
    show_status("abort()", pid);

    /* --- waitpid and waitid --- */
    int status;
    if ((pid = spawn()) == 0) exit(5);
    printf("waitpid(-1) returns the child: %s", yes(waitpid(-1, &status, 0) == pid));
    printf(", status %d\n", WEXITSTATUS(status));
    pid_t a = spawn();
    if (a == 0) exit(1);
    pid_t b = spawn();
    if (b == 0) exit(2);
    printf("waitpid(second) returns it: %s", yes(waitpid(b, &status, 0) == b));
    printf(", status %d", WEXITSTATUS(status));
    printf("; waitpid(first): %s", yes(waitpid(a, &status, 0) == a));
    printf(", status %d\n", WEXITSTATUS(status));
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) { close(p[1]); drain(p[0], NULL, 0); exit(0); }
    close(p[0]);
    printf("WNOHANG with a running child returns 0: %s\n", yes(waitpid(pid, &status, WNOHANG) == 0));
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    printf("waitid WNOHANG with a running child: returns 0 %s", yes(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0));
    printf(", si_pid 0 %s\n", yes(si.si_pid == 0));
    close(p[1]);
    show_status("the child after its pipe closed", pid);
    show_call("waitpid(-1) without children", waitpid(-1, &status, 0));
    show_call("waitpid(-1, WNOHANG) without children", waitpid(-1, &status, WNOHANG));
    if ((pid = spawn()) == 0) exit(4);
    memset(&si, 0, sizeof si);
    printf("waitid(P_PID): %s", yes(waitid(P_PID, pid, &si, WEXITED) == 0));
    printf(" si_signo SIGCHLD %s, si_pid is the child %s, si_code CLD_EXITED %s, si_status %d\n",
           yes(si.si_signo == SIGCHLD), yes(si.si_pid == pid), yes(si.si_code == CLD_EXITED), si.si_status);
    if ((pid = spawn()) == 0) for (;;) pause();
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof si);
    printf("waitid(P_ALL): %s", yes(waitid(P_ALL, 0, &si, WEXITED) == 0));
    printf(" si_pid is the child %s, si_code CLD_KILLED %s, si_status %d\n",
           yes(si.si_pid == pid), yes(si.si_code == CLD_KILLED), si.si_status);
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) exit(6);
    close(p[1]);
    drain(p[0], NULL, 0); /* the child has exited; let it stay a zombie a while */
    close(p[0]);
    usleep(100000);
    printf("kill(zombie, 0) succeeds: %s\n", yes(kill(pid, 0) == 0));
    show_status("a zombie waited for later", pid);

    /* --- SIGCHLD --- */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    if ((pid = spawn()) == 0) exit(9);
    show_status("with a SIGCHLD handler", pid);
    printf("SIGCHLD handler ran: %s, si_pid is the child %s, si_code CLD_EXITED %s, si_status %d\n",
           yes(chld_count >= 1), yes(chld_pid == pid), yes(chld_code == CLD_EXITED), chld_status);
    chld_count = 0;
    sa.sa_flags |= SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, NULL);
    if ((pid = spawn()) == 0) exit(0);
    show_call("SA_NOCLDWAIT: wait", wait(&status));
    printf("SA_NOCLDWAIT: handler ran %s\n", yes(chld_count >= 1));
    signal(SIGCHLD, SIG_IGN);
    if ((pid = spawn()) == 0) exit(0);
    show_call("SIG_IGN: wait", wait(&status));
    signal(SIGCHLD, SIG_DFL);

    /* --- getppid, orphans --- */
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) {
        close(p[0]);
        pid_t self = getpid();
        write(p[1], &self, sizeof self);
        printf("getppid in child == parent's getpid: %s\n", yes(getppid() == me));
        printf("getpid in child != parent's getpid: %s\n", yes(self != me));
        exit(0);
    }
    close(p[1]);
    pid_t reported = 0;
    read(p[0], &reported, sizeof reported);
    close(p[0]);
    show_status("getppid child", pid);
    printf("fork's return in parent == child's getpid: %s\n", yes(reported == pid));
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) {
        pid_t dying = getpid();
        close(p[0]);
        if (fork() == 0) { /* the grandchild: its parent exits at once */
            int i;
            for (i = 0; i < 5000 && getppid() == dying; i++)
                usleep(1000);
            printf("orphan: getppid changed from the dead parent's pid: %s\n", yes(getppid() != dying));
            exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    show_status("the orphan's parent", pid);
    drain(p[0], NULL, 0); /* the grandchild has exited */
    close(p[0]);
    while (waitpid(-1, NULL, 0) > 0) /* where this is pid 1 (jvmm), the orphan was its child */
        ;

    /* --- kill --- */
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) { write(p[1], &byte, 1); for (;;) pause(); }
    read(p[0], &byte, 1);
    close(p[0]), close(p[1]);
    printf("kill(child in pause, SIGTERM) succeeds: %s\n", yes(kill(pid, SIGTERM) == 0));
    show_status("the paused child", pid);
    show_call("kill(reaped child, 0)", kill(pid, 0));
    show_call("kill(0, 0)", kill(0, 0));
    show_call("kill(INT_MAX, 0)", kill(INT_MAX, 0));

    /* --- Process groups and sessions --- */
    pid_t pgrp = getpgrp(), sid = getsid(0);
    printf("getpgrp == getpgid(0): %s, getsid(0) == getsid(getpid()): %s\n",
           yes(pgrp == getpgid(0)), yes(sid == getsid(me)));
    if (pipe(p) || pipe(q)) return 1;
    if ((pid = spawn()) == 0) {
        close(p[0]), close(q[1]);
        printf("child: setpgid(0, 0) succeeds: %s\n", yes(setpgid(0, 0) == 0));
        printf("child: getpgid(0) == getpid: %s, getpgrp == getpid: %s\n",
               yes(getpgid(0) == getpid()), yes(getpgrp() == getpid()));
        printf("child: parent's group unchanged: %s, same session: %s\n",
               yes(getpgid(getppid()) == pgrp), yes(getsid(0) == sid));
        show_call("child: setsid as a group leader", setsid());
        write(p[1], &byte, 1);
        drain(q[0], NULL, 0);
        exit(0);
    }
    close(p[1]), close(q[0]);
    read(p[0], &byte, 1);
    int leader = getpgid(pid) == pid;
    close(q[1]), close(p[0]);
    show_status("setpgid child", pid);
    printf("parent: getpgid(child) == child: %s\n", yes(leader));
    if ((pid = spawn()) == 0) {
        pid_t s = setsid();
        printf("child: setsid makes a session: %s, getsid(0) == getpid: %s, getpgrp == getpid: %s\n",
               yes(s == getpid()), yes(getsid(0) == getpid()), yes(getpgrp() == getpid()));
        exit(0);
    }
    show_status("setsid child", pid);
    if (pipe(p)) return 1;
    a = spawn();
    if (a == 0) { setpgid(0, 0); write(p[1], &byte, 1); for (;;) pause(); }
    setpgid(a, a);
    b = spawn();
    if (b == 0) { setpgid(0, a); write(p[1], &byte, 1); for (;;) pause(); }
    setpgid(b, a);
    read(p[0], &byte, 1), read(p[0], &byte, 1);
    close(p[0]), close(p[1]);
    printf("second child in the first's group: %s\n", yes(getpgid(b) == a));
    printf("kill(-pgid, SIGUSR1) succeeds: %s\n", yes(kill(-a, SIGUSR1) == 0));
    show_status("group leader", a);
    show_status("group member", b);
    show_call("kill(-pgid, 0) of the empty group", kill(-a, 0));

    /* --- Descriptors across fork --- */
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) {
        close(p[0]);
        char buf[10000];
        for (int i = 0; i < 10; i++) {
            for (int k = 0; k < 10000; k++)
                buf[k] = pattern(i * 10000 + k);
            write(p[1], buf, sizeof buf);
        }
        exit(0);
    }
    close(p[1]);
    static char received[100001]; /* one more: a longer stream would show */
    long n = drain(p[0], received, sizeof received);
    close(p[0]);
    printf("pipe: read %ld bytes until end of file, content ok: %s\n", n, yes(n == 100000 && pattern_ok(received, n)));
    show_status("pipe writer", pid);
    char got[5] = {0};
    if (pipe(p)) return 1;
    if ((pid = spawn()) == 0) { write(p[1], "ab", 2); exit(0); }
    show_status("pipe \"ab\" writer", pid);
    write(p[1], "cd", 2);
    read(p[0], got, 4);
    close(p[0]), close(p[1]);
    printf("pipe: child's then parent's writes: %s\n", got);
    char name[] = "/tmp/jvmm-fork-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) return 1;
    unlink(name);
    if ((pid = spawn()) == 0) { write(fd, "ab", 2); close(fd); exit(0); }
    show_status("file \"ab\" writer", pid);
    printf("file: offset after the child's write: %ld\n", (long) lseek(fd, 0, SEEK_CUR));
    write(fd, "cd", 2);
    memset(got, 0, sizeof got);
    printf("file: offset after the parent's write: %ld", (long) lseek(fd, 0, SEEK_CUR));
    printf(", content %s\n", pread(fd, got, 4, 0) == 4 ? got : "(short)");
    close(fd);

    /* --- A child with 20 children --- */
    if ((pid = spawn()) == 0) {
        int count = 0, sum = 0;
        for (int i = 1; i <= 20; i++)
            if (fork() == 0)
                _exit(i);
        while (wait(&status) > 0)
            count++, sum += WEXITSTATUS(status);
        printf("child: reaped %d children, sum of exit codes %d, then %s\n", count, sum, errname(errno));
        exit(count);
    }
    show_status("the child of 20 children", pid);

    /* --- MAP_SHARED memory stays shared across fork; MAP_PRIVATE is copied --- */
    volatile int *shared = mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED || private == MAP_FAILED) return 1;
    shared[0] = 1, shared[MIB / 4] = 1, private[0] = 1;
    if ((pid = spawn()) == 0) {
        shared[0] = 42, shared[MIB / 4] = 43, private[0] = 44;
        exit(0);
    }
    show_status("shared-memory writer", pid);
    printf("MAP_SHARED after the child's writes: %d %d, MAP_PRIVATE: %d\n", shared[0], shared[MIB / 4], private[0]);
    mprotect((void *) shared, 2 * MIB, PROT_READ);
    mprotect((void *) shared, 2 * MIB, PROT_READ | PROT_WRITE);
    if ((pid = spawn()) == 0) {
        shared[1] = 45;
        exit(0);
    }
    show_status("shared-memory writer after mprotect", pid);
    printf("MAP_SHARED after mprotect and a write: %d\n", shared[1]);

    /* --- vfork: the child runs in the parent's memory until it execs or exits --- */
    static volatile int vforked;
    fflush(stdout);
    if ((pid = vfork()) == 0) {
        vforked = 7;
        _exit(5);
    }
    show_status("vfork child", pid);
    printf("vfork: the child's write is the parent's: %s\n", yes(vforked == 7));
    /* posix_spawn of a program that is not there: the error reaches the caller (glibc's child
     * writes it in the parent's memory, musl's sends it through a pipe) */
    char *spawn_argv[] = {"missing", NULL};
    int spawned = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, spawn_argv, environ);
    printf("posix_spawn of a missing program: %s\n", errname(spawned));
    if (spawned == 0)
        show_status("posix_spawn's child", pid);

    printf("done\n");
    return 0;
}
