/*
 * Threads as Linux runs them: pthreads (mutexes, condition variables, thread-local storage, many
 * threads created and joined), distinct tids, raw futex operations and their errors, signals
 * to one thread and to the process, a CPU-bound thread beside a sleeping one. Each line is the
 * same on Linux and on jvmm ("all"); other modes end the process in ways compared by status.
 *
 *   threads all          every check below (pipes and epoll between threads too), then "done"
 *   threads bomb         threads that wait for ever, until pthread_create fails: "EAGAIN after N"
 *   threads bad-stack    a raw clone whose child has an unusable stack (it dies of SIGSEGV)
 *   threads bad-tls      a raw clone whose child's FS base points at nothing (SIGSEGV)
 *   threads exit-thread  a thread ends the process with exit(7) while main sleeps
 *   threads deadlock     two threads take two mutexes in opposite orders: never ends
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h>, which musl-gcc's include path lacks */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffff
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static long futex(void *uaddr, int op, int val, const void *timeout_or_val2, void *uaddr2, int val3) {
    return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static const char *err(long r) {
    if (r >= 0) return "ok";
    switch (errno) {
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EINTR: return "EINTR";
    case ENOSYS: return "ENOSYS";
    case ESRCH: return "ESRCH";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case EPIPE: return "EPIPE";
    default: return strerror(errno);
    }
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {}
}

/* ---- mutexes ---------------------------------------------------------------------------- */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg) {
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return arg;
}

static void mutexes(void) {
    pthread_t t[8];
    for (long i = 0; i < 8; i++) pthread_create(&t[i], NULL, count_up, (void *) i);
    long sum = 0;
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long) r;
    }
    printf("mutex: 8 threads counted to %ld, returned %ld\n", counter, sum);
}

/* ---- condition variables: three threads take turns --------------------------------------- */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cond = PTHREAD_COND_INITIALIZER;
static int turn;
static char turns[64];

static void *take_turns(void *arg) {
    int id = (int) (long) arg;
    for (int r = 0; r < 20; r++) {
        pthread_mutex_lock(&turn_lock);
        while (turn % 3 != id) pthread_cond_wait(&turn_cond, &turn_lock);
        turns[turn] = (char) ('a' + id);
        turn++;
        pthread_cond_broadcast(&turn_cond);
        pthread_mutex_unlock(&turn_lock);
    }
    return NULL;
}

static void condvars(void) {
    pthread_t t[3];
    for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, take_turns, (void *) i);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    printf("condvar: %s\n", turns);
}

/* ---- thread-local storage and tids -------------------------------------------------------- */
static __thread long tls_value = 42;
static __thread char tls_buffer[100];
static pid_t main_tid;

static void *tls_thread(void *arg) {
    long id = (long) arg;
    int fresh = tls_value == 42 && tls_buffer[0] == 0;
    tls_value = 1000 + id;
    snprintf(tls_buffer, sizeof tls_buffer, "thread %ld", id);
    sched_yield();
    sleep_ms(1);
    pid_t tid = (pid_t) syscall(SYS_gettid);
    int ok = fresh && tls_value == 1000 + id && strcmp(tls_buffer + 7, "") != 0 && tid != main_tid && getpid() == main_tid;
    return (void *) (long) (ok ? tid : -1);
}

static void tls_and_tids(void) {
    main_tid = (pid_t) syscall(SYS_gettid);
    printf("main: gettid == getpid: %s\n", main_tid == getpid() ? "yes" : "no");
    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, tls_thread, (void *) i);
    long tids[4];
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        tids[i] = (long) r;
    }
    int distinct = 1;
    for (int i = 0; i < 4; i++) {
        if (tids[i] <= 0) distinct = 0;
        for (int j = 0; j < i; j++) if (tids[i] == tids[j]) distinct = 0;
    }
    printf("tls: each thread its own, tids distinct: %s; main's tls %ld\n", distinct ? "yes" : "no", tls_value);
}

/* ---- many threads, created and joined in waves ---------------------------------------------- */
static void *nothing(void *arg) {
    return arg;
}

static void many_threads(void) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    long joined = 0;
    for (int wave = 0; wave < 10; wave++) {
        pthread_t t[50];
        for (long i = 0; i < 50; i++) {
            if (pthread_create(&t[i], &attr, nothing, (void *) 1) != 0) {
                printf("many: pthread_create failed\n");
                return;
            }
        }
        for (int i = 0; i < 50; i++) {
            void *r;
            pthread_join(t[i], &r);
            joined += (long) r;
        }
    }
    printf("many: %ld threads created and joined\n", joined);
}

/* ---- a CPU-bound thread beside a sleeping one ---------------------------------------------- */
static volatile int spin_stop;
static volatile long spins;

static void *spinner(void *arg) {
    while (!spin_stop) spins++;
    return arg;
}

static void *sleeper(void *arg) {
    sleep_ms(30);
    spin_stop = 1;
    return arg;
}

static void spinning_and_sleeping(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, spinner, NULL);
    pthread_create(&b, NULL, sleeper, NULL);
    pthread_join(b, NULL);
    pthread_join(a, NULL);
    printf("spin: the sleeper woke and stopped the spinner: %s\n", spins > 0 ? "yes" : "no");
}

/* ---- futex: errors, timeouts, wake, requeue, wake_op --------------------------------------------- */
static int word, word2;
static volatile int waiting;

static void *futex_waiter(void *arg) {
    int *w = arg;
    __atomic_add_fetch(&waiting, 1, __ATOMIC_SEQ_CST);
    long r;
    do {
        r = futex(w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    } while (r != 0 && errno == EINTR);
    return (void *) r;
}

static void wait_for_waiters(int n) {
    while (__atomic_load_n(&waiting, __ATOMIC_SEQ_CST) < n) sched_yield();
    sleep_ms(50); /* they are in FUTEX_WAIT by now */
}

static void futexes(void) {
    struct timespec ten_ms = {0, 10000000};
    long r = futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
    printf("futex wait, value differs: %s\n", err(r));
    r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &ten_ms, NULL, 0);
    printf("futex wait 10 ms: %s\n", err(r));
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 10000000;
    if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &now, NULL, FUTEX_BITSET_MATCH_ANY);
    printf("futex wait_bitset until 10 ms ahead: %s\n", err(r));
    clock_gettime(CLOCK_REALTIME, &now);
    r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &now, NULL, FUTEX_BITSET_MATCH_ANY);
    printf("futex wait_bitset realtime, now: %s\n", err(r));
    struct timespec bad = {0, 1000000000};
    r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0);
    printf("futex wait, tv_nsec 1e9: %s\n", err(r));
    r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0);
    printf("futex wait_bitset, empty bitset: %s\n", err(r));
    r = futex((char *) &word + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("futex wait, misaligned: %s\n", err(r));
    r = futex((void *) 0xffffffff80000000UL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("futex wait, kernel address: %s\n", err(r));
    r = futex((void *) 0xffffffff80000000UL, FUTEX_WAKE, 1, NULL, NULL, 0);
    printf("futex wake, kernel address: %s\n", err(r));
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page, 4096);
    r = futex(page, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("futex wait, unmapped: %s\n", err(r));
    r = futex(page, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    printf("futex wake private, unmapped: %ld\n", r);
    r = futex(page, FUTEX_WAKE, 1, NULL, NULL, 0);
    printf("futex wake shared, unmapped: %s\n", err(r));
    r = futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *) 1, page, FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0));
    printf("futex wake_op, unmapped uaddr2: %s\n", err(r));
    r = futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *) 1, &word2, 5);
    printf("futex cmp_requeue, value differs: %s\n", err(r));
    r = futex(&word, 99, 0, NULL, NULL, 0);
    printf("futex op 99: %s\n", err(r));

    /* Three waiters on word: wake one, requeue one to word2 and wake one more, then wake_op. */
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, futex_waiter, &word);
    wait_for_waiters(3);
    r = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    printf("futex wake 1 of 3: %ld\n", r);
    r = futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *) 1, &word2, 0);
    printf("futex cmp_requeue: woke or moved %ld\n", r);
    r = futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
    printf("futex wake on word after requeue: %ld\n", r);
    word2 = 0;
    r = futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *) 1, &word2, FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0));
    printf("futex wake_op: %ld, word2 now %d\n", r, word2);
    for (int i = 0; i < 3; i++) {
        void *rv;
        pthread_join(t[i], &rv);
    }
    printf("futex waiters all returned\n");
}

/* ---- signals to one thread and to the process ------------------------------------------------ */
static volatile pid_t handled_by;
static volatile int handled_signal;

static void on_signal(int sig) {
    handled_by = (pid_t) syscall(SYS_gettid);
    handled_signal = sig;
}

static volatile pid_t target_tid;
static volatile int paused_result;

static void *pauser(void *arg) {
    target_tid = (pid_t) syscall(SYS_gettid);
    int r = pause();
    paused_result = r == -1 && errno == EINTR;
    return arg;
}

static void *unblocking_pauser(void *arg) {
    sigset_t s, cur;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    int inherited = sigismember(&cur, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    target_tid = (pid_t) syscall(SYS_gettid);
    int r = pause();
    paused_result = r == -1 && errno == EINTR && inherited;
    return arg;
}

static void *signal_main_later(void *arg) {
    sleep_ms(30);
    syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
    return arg;
}

static volatile int holder_step;
static volatile int pending_before, pending_after;

/* blocks SIGUSR1 (inherited): says whether it is pending before and after main ignores it */
static void *holder(void *arg) {
    sigset_t p;
    target_tid = (pid_t) syscall(SYS_gettid);
    while (holder_step != 1) sched_yield();
    sigpending(&p);
    pending_before = sigismember(&p, SIGUSR1);
    holder_step = 2;
    while (holder_step != 3) sched_yield();
    sigpending(&p);
    pending_after = sigismember(&p, SIGUSR1);
    return arg;
}

static void signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);

    pthread_t t;
    pthread_create(&t, NULL, pauser, NULL);
    while (target_tid == 0) sched_yield();
    sleep_ms(50);
    syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
    pthread_join(t, NULL);
    printf("tgkill: SIGUSR1 handled by the target thread: %s, its pause returned EINTR: %s\n",
           handled_by == target_tid && handled_signal == SIGUSR1 ? "yes" : "no", paused_result ? "yes" : "no");

    /* The process gets SIGUSR2 while main blocks it: the thread that does not block it takes it. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    target_tid = 0;
    handled_by = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    /* the new thread inherits the mask: it unblocks SIGUSR2 itself */
    pthread_create(&t, &attr, unblocking_pauser, NULL);
    while (target_tid == 0) sched_yield();
    sleep_ms(50);
    kill(getpid(), SIGUSR2);
    pthread_join(t, NULL);
    printf("kill: SIGUSR2 blocked in main taken by the thread: %s, mask inherited and pause EINTR: %s\n",
           handled_by == target_tid && handled_signal == SIGUSR2 ? "yes" : "no", paused_result ? "yes" : "no");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    /* Linux wakes pthread_join (CLONE_CHILD_CLEARTID) before it releases the thread's id, so the
       id can answer tgkill for a moment after the join: wait up to a second for it to go. */
    long gone = 0;
    for (int i = 0; i < 1000 && (gone = syscall(SYS_tgkill, getpid(), target_tid, 0)) == 0; i++) sleep_ms(1);
    printf("tgkill to a thread that is gone: %s\n", err(gone));

    /* ppoll's mask: SIGUSR1 blocked but for the wait, sent by another thread during it */
    sigset_t usr1, during;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, &old);
    pthread_sigmask(SIG_BLOCK, NULL, &during);
    sigdelset(&during, SIGUSR1);
    int fds[2];
    pipe(fds);
    handled_by = 0;
    target_tid = (pid_t) syscall(SYS_gettid);
    pthread_create(&t, NULL, signal_main_later, NULL);
    struct pollfd p = {fds[0], POLLIN, 0};
    int r = ppoll(&p, 1, NULL, &during);
    int saved = errno;
    pthread_join(t, NULL);
    sigset_t after;
    pthread_sigmask(SIG_BLOCK, NULL, &after);
    errno = saved;
    printf("ppoll with SIGUSR1 unblocked for the wait: %s, handled by main: %s, blocked again after: %s\n", err(r),
           handled_by == target_tid ? "yes" : "no", sigismember(&after, SIGUSR1) ? "yes" : "no");
    close(fds[0]);
    close(fds[1]);

    /* SIG_IGN discards the signal where it is pending on any thread, not only on the caller
       (Linux's sigaction); SIGUSR1 is still blocked here, and the new thread inherits that */
    target_tid = 0;
    pthread_create(&t, NULL, holder, NULL);
    while (target_tid == 0) sched_yield();
    syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
    holder_step = 1;
    while (holder_step != 2) sched_yield();
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    holder_step = 3;
    pthread_join(t, NULL);
    printf("SIGUSR1 pending on another thread: %s, after SIG_IGN: %s\n", pending_before ? "yes" : "no",
           pending_after ? "still pending" : "discarded");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- pipes and epoll between threads ------------------------------------------------------------ */
static int pipe_fds[2];

static void *pipe_writer(void *arg) {
    static char chunk[1000];
    for (int i = 0; i < 20; i++) {
        memset(chunk, 'a' + i, sizeof chunk);
        if (write(pipe_fds[1], chunk, sizeof chunk) != sizeof chunk) return (void *) 1;
    }
    close(pipe_fds[1]);
    return arg;
}

static void *late_writer(void *arg) {
    sleep_ms(30);
    if (write(*(int *) arg, "x", 1) != 1) return (void *) 1;
    return NULL;
}

static void pipes(void) {
    pipe(pipe_fds);
    pthread_t t;
    pthread_create(&t, NULL, pipe_writer, NULL);
    long total = 0, sum = 0;
    char buf[777];
    for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) {
        for (ssize_t i = 0; i < n; i++) sum += buf[i];
        total += n;
    }
    pthread_join(t, NULL);
    close(pipe_fds[0]);
    printf("pipe: %ld bytes through a pipe between threads, sum %ld\n", total, sum);

    int fds[2];
    const char *first;
    pipe2(fds, O_NONBLOCK | O_CLOEXEC);
    first = err(read(fds[0], buf, 1));
    printf("pipe2 nonblocking read of an empty pipe: %s, close-on-exec: %s\n", first,
           (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
    struct pollfd p = {fds[0], POLLIN, 0};
    pthread_create(&t, NULL, late_writer, &fds[1]);
    int r = poll(&p, 1, 5000);
    pthread_join(t, NULL);
    printf("poll woken by another thread's write: %d, revents %#x\n", r, p.revents);
    read(fds[0], buf, 1);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234567890};
    first = err(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev));
    printf("epoll_ctl add: %s, again: %s\n", first, err(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev)));
    struct epoll_event out[4];
    printf("epoll_wait 10 ms on an empty pipe: %d\n", epoll_wait(ep, out, 4, 10));
    pthread_create(&t, NULL, late_writer, &fds[1]);
    r = epoll_wait(ep, out, 4, 5000);
    pthread_join(t, NULL);
    printf("epoll_wait woken by another thread's write: %d, events %#x, data %#llx\n", r, out[0].events,
           (unsigned long long) out[0].data.u64);
    close(fds[1]);
    r = epoll_wait(ep, out, 4, 0);
    printf("after the writer closed: %d, events %#x\n", r, out[0].events);
    first = err(epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL));
    printf("epoll_ctl del: %s, again: %s\n", first, err(epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL)));
    close(fds[0]);
    close(ep);

    signal(SIGPIPE, SIG_IGN);
    pipe(fds);
    close(fds[0]);
    printf("write without a reader: %s\n", err(write(fds[1], "x", 1)));
    close(fds[1]);
    signal(SIGPIPE, SIG_DFL);
}

/* ---- robust mutexes: the owner exits holding it --------------------------------------------------- */
static pthread_mutex_t robust;
static volatile int robust_taken;

static void *die_holding(void *arg) {
    pthread_mutex_lock(&robust);
    robust_taken = 1;
    sleep_ms(30);
    return arg; /* exits holding it: the kernel marks it FUTEX_OWNER_DIED and wakes the waiter */
}

static void robust_mutexes(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &attr);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    while (!robust_taken) sched_yield();
    int r = pthread_mutex_lock(&robust); /* waits for the owner's death */
    printf("robust mutex, its owner exited while we waited: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
    if (r == EOWNERDEAD) pthread_mutex_consistent(&robust);
    pthread_mutex_unlock(&robust);
    pthread_join(t, NULL);
    r = pthread_mutex_lock(&robust);
    printf("robust mutex, made consistent: %s\n", r == 0 ? "ok" : strerror(r));
    pthread_mutex_unlock(&robust);
}

/* ---- modes that end the process -------------------------------------------------------------- */
static void *wait_forever(void *arg) {
    static int never;
    for (;;) futex(&never, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return arg;
}

static int bomb(void) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16 * 1024);
    for (long n = 0; n < 100000; n++) {
        pthread_t t;
        int r = pthread_create(&t, &attr, wait_forever, NULL);
        if (r != 0) {
            printf("%s after %ld threads\n", r == EAGAIN ? "EAGAIN" : strerror(r), n);
            return 0;
        }
    }
    printf("no limit below 100000 threads\n");
    return 0;
}

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

/* clone whose child runs only the instructions after the system call: a push (bad-stack) or a
 * read through FS (bad-tls), then exit(0). The parent goes on. */
static long raw_clone(unsigned long flags, void *stack, void *tls, int use_tls) {
    long ret;
    register long r10 __asm__("r10") = 0;
    register long r8 __asm__("r8") = (long) tls;
    if (use_tls) {
        __asm__ volatile("syscall\n\t"
                         "test %%rax, %%rax\n\t"
                         "jnz 1f\n\t"
                         "mov %%fs:0, %%rax\n\t"
                         "mov $60, %%eax\n\t"
                         "xor %%edi, %%edi\n\t"
                         "syscall\n"
                         "1:"
                         : "=a"(ret)
                         : "a"(SYS_clone), "D"(flags), "S"(stack), "d"(0), "r"(r10), "r"(r8)
                         : "rcx", "r11", "memory");
    } else {
        __asm__ volatile("syscall\n\t"
                         "test %%rax, %%rax\n\t"
                         "jnz 1f\n\t"
                         "push $0\n\t"
                         "mov $60, %%eax\n\t"
                         "xor %%edi, %%edi\n\t"
                         "syscall\n"
                         "1:"
                         : "=a"(ret)
                         : "a"(SYS_clone), "D"(flags), "S"(stack), "d"(0), "r"(r10), "r"(r8)
                         : "rcx", "r11", "memory");
    }
    return ret;
}

static int bad_child(int use_tls) {
    long r = use_tls ? raw_clone(THREAD_FLAGS | CLONE_SETTLS, NULL, (void *) 0x10000, 1)
                     : raw_clone(THREAD_FLAGS, (void *) 0x1000, NULL, 0);
    printf("clone: %s\n", r > 0 ? "a child" : err(r));
    fflush(stdout);
    sleep_ms(200);
    printf("the parent outlived its child\n");
    return 0;
}

static void *exit_seven(void *arg) {
    sleep_ms(10);
    exit(7);
    return arg;
}

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;

static void *opposite(void *arg) {
    pthread_mutex_lock(&second);
    sleep_ms(20);
    pthread_mutex_lock(&first);
    return arg;
}

/* A fork by one thread while another sleeps in wait4 makes the page of the waiter's status
 * word copy-on-write: the kernel's write of the status, after the sleep, copies it. */
static void *fork_meanwhile(void *arg) {
    (void) arg;
    sleep_ms(20);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return NULL;
}

static void fork_while_another_waits(void) {
    fflush(stdout);
    pid_t slow = fork();
    if (slow == 0) {
        sleep_ms(100);
        _exit(7);
    }
    pthread_t t;
    pthread_create(&t, NULL, fork_meanwhile, NULL);
    int status = 0;
    pid_t got = waitpid(slow, &status, 0);
    pthread_join(t, NULL);
    printf("fork: wait4 into a page a fork made copy-on-write meanwhile: %s, status %d\n",
           got == slow ? "yes" : "no", WEXITSTATUS(status));
}

/* execve by a thread that is not the first, while the first waits in pthread_join and another
 * sleeps: the others leave (Linux's de_thread) and the new program is the process, its pid kept
 * and its one thread's tid the pid. */
extern char **environ;

static void *sleep_long(void *arg) {
    sleep_ms(10000);
    printf("exec from a thread: the sleeper woke\n");
    return arg;
}

static void *exec_self(void *arg) {
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int) getpid());
    char *argv[] = {"threads", "exec-child", pid, NULL};
    sleep_ms(20);
    execve("/proc/self/exe", argv, environ);
    printf("exec from a thread: %s\n", strerror(errno));
    return arg;
}

static int exec_child(const char *pid) {
    printf("exec from a thread: same pid: %s, tid == pid: %s\n", atoi(pid) == getpid() ? "yes" : "no",
           syscall(SYS_gettid) == getpid() ? "yes" : "no");
    return 5;
}

static void exec_from_a_thread(void) {
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        pthread_t sleeper, execer;
        pthread_create(&sleeper, NULL, sleep_long, NULL);
        pthread_create(&execer, NULL, exec_self, NULL);
        pthread_join(execer, NULL);
        printf("exec from a thread: the first thread came back from the join\n");
        _exit(1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("exec from a thread: status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "all";
    if (strcmp(mode, "bomb") == 0) return bomb();
    if (strcmp(mode, "bad-stack") == 0) return bad_child(0);
    if (strcmp(mode, "bad-tls") == 0) return bad_child(1);
    if (strcmp(mode, "exec-child") == 0 && argc > 2) return exec_child(argv[2]);
    if (strcmp(mode, "exit-thread") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, exit_seven, NULL);
        sleep_ms(2000);
        printf("main outlived exit\n");
        return 0;
    }
    if (strcmp(mode, "deadlock") == 0) {
        pthread_t t;
        pthread_mutex_lock(&first);
        pthread_create(&t, NULL, opposite, NULL);
        sleep_ms(20);
        printf("deadlocking\n");
        pthread_mutex_lock(&second);
        printf("not deadlocked\n");
        return 1;
    }
    mutexes();
    condvars();
    tls_and_tids();
    many_threads();
    spinning_and_sleeping();
    futexes();
    signals();
    pipes();
    robust_mutexes();
    fork_while_another_waits();
    exec_from_a_thread();
    printf("done\n");
    return 0;
}
