/* Futexes between processes: a shared futex in MAP_SHARED memory wakes a waiter in another
 * process (what process-shared mutexes, condition variables and semaphores are made of), and
 * one in private memory does not (after fork each process has its own word). Every wait has a
 * timeout, so a wake that never comes is a "no", not a hang. Every line is the same on Linux. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* linux/futex.h's values (musl-gcc has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static long futex(int *word, int op, int val, const struct timespec *timeout) {
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

static void nap(int ms) {
    struct timespec t = {0, ms * 1000000L};
    while (nanosleep(&t, &t) == -1 && errno == EINTR) {
    }
}

static int child_status(pid_t pid) {
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The child waits on *word while it is 0, for up to two seconds: status 0 when woken, 1 when
 * the wait timed out. The parent wakes it after 100 ms. */
static void wait_and_wake(const char *what, int *word, int op) {
    *word = 0;
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec two = {2, 0};
        long ret = futex(word, op, 0, &two);
        _exit(ret == 0 ? 0 : errno == ETIMEDOUT ? 1 : 2);
    }
    nap(100);
    *word = 1;
    long woken = futex(word, op == FUTEX_WAIT ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, 1, NULL);
    int status = child_status(pid);
    printf("%s: woke %ld, the child %s\n", what, woken,
           status == 0 ? "was woken" : status == 1 ? "timed out" : "failed");
}

struct shared {
    int word;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int ready;
    sem_t sem;
};

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    wait_and_wake("shared futex in MAP_SHARED memory", &s->word, FUTEX_WAIT);

    static int private_word;
    wait_and_wake("shared futex in private memory", &private_word, FUTEX_WAIT);
    wait_and_wake("private futex in MAP_SHARED memory", &s->word, FUTEX_WAIT_PRIVATE);

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->mutex, &ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&s->cond, &ca);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 2;
        pthread_mutex_lock(&s->mutex);
        int ret = 0;
        while (!s->ready && ret == 0)
            ret = pthread_cond_timedwait(&s->cond, &s->mutex, &deadline);
        pthread_mutex_unlock(&s->mutex);
        _exit(ret == 0 ? 0 : 1);
    }
    nap(100);
    pthread_mutex_lock(&s->mutex);
    s->ready = 1;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mutex);
    printf("process-shared condition variable: %s\n", child_status(pid) == 0 ? "signalled" : "timed out");

    sem_init(&s->sem, 1, 0);
    pid = fork();
    if (pid == 0) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 2;
        _exit(sem_timedwait(&s->sem, &deadline) == 0 ? 0 : 1);
    }
    nap(100);
    sem_post(&s->sem);
    printf("process-shared semaphore: %s\n", child_status(pid) == 0 ? "posted" : "timed out");
    return 0;
}
