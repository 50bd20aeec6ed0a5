/*
 * The FPU and SSE state of each thread is its own, as on Linux: three threads each hold distinct
 * values in xmm0-xmm15, st(0), the x87 control word and MXCSR across sched_yield (a switch to
 * another thread holding other values) and across a signal handler that clobbers them all; a
 * new thread starts with its creator's control words, as clone copies them. Every line is the
 * same on Linux.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 40

struct held {
    uint64_t base;          // xmm<i> = base + i
    unsigned mxcsr;
    unsigned short fcw;
    double st0;
    // read back after the rounds
    uint64_t xmm[16];
    unsigned mxcsr_out;
    unsigned short fcw_out;
    double st0_out;
};

// The handler leaves every register it can reach changed: the kernel must bring them back.
static void clobber(int sig) {
    (void) sig;
    unsigned mx = 0x7f80;           // round toward zero
    unsigned short cw = 0x007f;     // single precision, round to nearest
    __asm__ volatile("ldmxcsr %0\n fldcw %1\n fldz\n fstp %%st(0)\n"
                     "pcmpeqb %%xmm0, %%xmm0\n movdqa %%xmm0, %%xmm1\n movdqa %%xmm0, %%xmm2\n movdqa %%xmm0, %%xmm3\n"
                     "movdqa %%xmm0, %%xmm4\n movdqa %%xmm0, %%xmm5\n movdqa %%xmm0, %%xmm6\n movdqa %%xmm0, %%xmm7\n"
                     "movdqa %%xmm0, %%xmm8\n movdqa %%xmm0, %%xmm9\n movdqa %%xmm0, %%xmm10\n movdqa %%xmm0, %%xmm11\n"
                     "movdqa %%xmm0, %%xmm12\n movdqa %%xmm0, %%xmm13\n movdqa %%xmm0, %%xmm14\n movdqa %%xmm0, %%xmm15\n"
                     :: "m"(mx), "m"(cw)
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                       "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
}

// Loads the state, then ROUNDS times: sched_yield and tgkill(SIGUSR1) to itself, by SYSCALL
// and nothing else, then stores what the registers hold.
static void hold(struct held *h) {
    uint64_t v = h->base;
    long n = ROUNDS;
    long pid = getpid(), tid = syscall(SYS_gettid);
    __asm__ volatile("ldmxcsr %[mx]\n fldcw %[cw]\n fldl %[st]\n"
                     "movq %[v], %%xmm0\n inc %[v]\n movq %[v], %%xmm1\n inc %[v]\n movq %[v], %%xmm2\n inc %[v]\n"
                     "movq %[v], %%xmm3\n inc %[v]\n movq %[v], %%xmm4\n inc %[v]\n movq %[v], %%xmm5\n inc %[v]\n"
                     "movq %[v], %%xmm6\n inc %[v]\n movq %[v], %%xmm7\n inc %[v]\n movq %[v], %%xmm8\n inc %[v]\n"
                     "movq %[v], %%xmm9\n inc %[v]\n movq %[v], %%xmm10\n inc %[v]\n movq %[v], %%xmm11\n inc %[v]\n"
                     "movq %[v], %%xmm12\n inc %[v]\n movq %[v], %%xmm13\n inc %[v]\n movq %[v], %%xmm14\n inc %[v]\n"
                     "movq %[v], %%xmm15\n"
                     "1: mov $24, %%eax\n syscall\n"
                     "mov $234, %%eax\n mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov $10, %%edx\n syscall\n"
                     "dec %[n]\n jnz 1b\n"
                     "stmxcsr %[mxo]\n fnstcw %[cwo]\n fstpl %[sto]\n"
                     "movq %%xmm0, 0(%[out])\n movq %%xmm1, 8(%[out])\n movq %%xmm2, 16(%[out])\n movq %%xmm3, 24(%[out])\n"
                     "movq %%xmm4, 32(%[out])\n movq %%xmm5, 40(%[out])\n movq %%xmm6, 48(%[out])\n movq %%xmm7, 56(%[out])\n"
                     "movq %%xmm8, 64(%[out])\n movq %%xmm9, 72(%[out])\n movq %%xmm10, 80(%[out])\n movq %%xmm11, 88(%[out])\n"
                     "movq %%xmm12, 96(%[out])\n movq %%xmm13, 104(%[out])\n movq %%xmm14, 112(%[out])\n movq %%xmm15, 120(%[out])\n"
                     "movl $0x1f80, -4(%%rsp)\n ldmxcsr -4(%%rsp)\n movw $0x37f, -4(%%rsp)\n fldcw -4(%%rsp)\n"
                     : [v] "+r"(v), [n] "+r"(n), [mxo] "=m"(h->mxcsr_out), [cwo] "=m"(h->fcw_out), [sto] "=m"(h->st0_out)
                     : [mx] "m"(h->mxcsr), [cw] "m"(h->fcw), [st] "m"(h->st0), [pid] "r"(pid), [tid] "r"(tid), [out] "r"(h->xmm)
                     : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                       "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
}

static int kept(const struct held *h) {
    for (int i = 0; i < 16; i++) {
        if (h->xmm[i] != h->base + i) return 0;
    }
    return h->mxcsr_out == h->mxcsr && h->fcw_out == h->fcw && h->st0_out == h->st0;
}

static void *run(void *arg) {
    hold(arg);
    return NULL;
}

static unsigned start_mxcsr;
static unsigned short start_fcw;

static void *report_start(void *arg) {
    (void) arg;
    __asm__ volatile("stmxcsr %0\n fnstcw %1" : "=m"(start_mxcsr), "=m"(start_fcw));
    return NULL;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = clobber;
    sigaction(SIGUSR1, &sa, NULL);

    // A new thread's control words are its creator's at the clone.
    unsigned mx = 0x3f80, mx_default = 0x1f80;
    unsigned short cw = 0x027f, cw_default = 0x037f;
    pthread_t t;
    __asm__ volatile("ldmxcsr %0\n fldcw %1" :: "m"(mx), "m"(cw));
    int created = pthread_create(&t, NULL, report_start, NULL);
    __asm__ volatile("ldmxcsr %0\n fldcw %1" :: "m"(mx_default), "m"(cw_default));
    if (created == 0) pthread_join(t, NULL);
    printf("a new thread starts with its creator's MXCSR and FCW: MXCSR 0x%x FCW 0x%x\n", start_mxcsr, start_fcw);

    static struct held held[3] = {
        {.base = 0x1111111100000000, .mxcsr = 0x1f80, .fcw = 0x037f, .st0 = 1.5},
        {.base = 0x2222222200000000, .mxcsr = 0x3f80, .fcw = 0x027f, .st0 = -2.25},
        {.base = 0x3333333300000000, .mxcsr = 0x5fc0, .fcw = 0x0f7f, .st0 = 1e300},
    };
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) pthread_create(&threads[i], NULL, run, &held[i + 1]);
    hold(&held[0]);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < 3; i++) {
        printf("thread %d: xmm0-15, st(0), FCW 0x%x and MXCSR 0x%x kept across %d sched_yield and clobbering handlers: %s\n",
               i, held[i].fcw, held[i].mxcsr, ROUNDS, kept(&held[i]) ? "yes" : "no");
    }
    return 0;
}
