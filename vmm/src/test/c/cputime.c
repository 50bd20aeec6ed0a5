/* CPU time as a program sees it: work costs CPU time, sleeping costs none, a thread's clock is
 * its own, and a child's time reaches its parent when it is waited for (wait4's rusage,
 * RUSAGE_CHILDREN, times' tms_cutime). Every line is "ok" on Linux. A unit of work runs until
 * its thread's clock shows 100 ms (a busy host may take longer to give them), so the clocks
 * that add it up must show at least that much; 200 ms of sleep may show at most 100 ms. */
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long ms(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static long tv_ms(struct timeval tv) { return tv.tv_sec * 1000L + tv.tv_usec / 1000; }

/* Runs on the CPU until the thread's clock has advanced 100 ms; gives up after 10 s of the
 * monotonic clock (a clock that never moves), and says so. */
static void work(void) {
    long end = ms(CLOCK_THREAD_CPUTIME_ID) + 100;
    long give_up = ms(CLOCK_MONOTONIC) + 10000;
    volatile unsigned long sink = 0;
    while (ms(CLOCK_THREAD_CPUTIME_ID) < end) {
        if (ms(CLOCK_MONOTONIC) > give_up) {
            printf("the thread's clock did not reach 100 ms in 10 s\n");
            return;
        }
        for (int i = 0; i < 1000; i++)
            sink += i;
    }
}

static void check(const char *what, int ok, long value) {
    printf("%s: %s\n", what, ok ? "ok" : "no");
    if (!ok)
        fprintf(stderr, "%s: %ld ms\n", what, value);
}

static long thread_ms;

static void *worker(void *arg) {
    (void)arg;
    work();
    thread_ms = ms(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

int main(void) {
    long before = ms(CLOCK_PROCESS_CPUTIME_ID);
    work();
    long worked = ms(CLOCK_PROCESS_CPUTIME_ID) - before;
    check("work shows on the process clock", worked >= 95, worked);

    before = ms(CLOCK_PROCESS_CPUTIME_ID);
    struct timespec nap = {0, 200 * 1000000};
    nanosleep(&nap, NULL);
    long slept = ms(CLOCK_PROCESS_CPUTIME_ID) - before;
    check("sleep costs no CPU time", slept <= 100, slept);

    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    long used = tv_ms(self.ru_utime) + tv_ms(self.ru_stime);
    check("getrusage counts the work", used >= 95, used);

    long main_before = ms(CLOCK_THREAD_CPUTIME_ID);
    before = ms(CLOCK_PROCESS_CPUTIME_ID);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    pthread_join(thread, NULL);
    long main_used = ms(CLOCK_THREAD_CPUTIME_ID) - main_before;
    long process_used = ms(CLOCK_PROCESS_CPUTIME_ID) - before;
    check("a thread's clock counts its work", thread_ms >= 100, thread_ms);
    check("the joining thread's clock does not", main_used <= 40, main_used);
    check("the process clock counts its threads", process_used >= 95, process_used);

    struct rusage children;
    pid_t pid = fork();
    if (pid == 0) {
        work();
        _exit(0);
    }
    struct rusage child;
    int status;
    getrusage(RUSAGE_CHILDREN, &children);
    long before_wait = tv_ms(children.ru_utime) + tv_ms(children.ru_stime);
    wait4(pid, &status, 0, &child);
    long child_used = tv_ms(child.ru_utime) + tv_ms(child.ru_stime);
    check("wait4 reports the child's time", child_used >= 95, child_used);
    getrusage(RUSAGE_CHILDREN, &children);
    long after_wait = tv_ms(children.ru_utime) + tv_ms(children.ru_stime) - before_wait;
    check("RUSAGE_CHILDREN gains it once waited for", after_wait >= 95, after_wait);
    struct tms tms;
    times(&tms);
    long ticks = sysconf(_SC_CLK_TCK);
    long cutime = (tms.tms_cutime + tms.tms_cstime) * 1000 / ticks;
    long utime = (tms.tms_utime + tms.tms_stime) * 1000 / ticks;
    check("times: the children's", cutime >= 90, cutime);
    check("times: the process's own", utime >= 190, utime);
    return 0;
}
