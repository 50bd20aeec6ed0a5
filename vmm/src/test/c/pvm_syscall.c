/* System calls as a PVM host delivers them (docs/kernel.md, "Entry paths and the probe"): there
 * SYSCALL's jump to LSTAR happens in user mode and faults on the kernel's page, RIP = CR2 = LSTAR,
 * and the kernel serves the call from that #PF. This program makes the jump itself, to the
 * address of the kernel's syscall_entry (the image's symbol, its argument), with RCX and R11 as
 * SYSCALL sets them, so that path runs on any CPU.
 *
 *   pvm_syscall ADDRESS
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X86_EFLAGS_AC (1UL << 18)

static uintptr_t lstar;

/* SYSCALL as a PVM host runs it: RCX = the return address, R11 = RFLAGS, then a jump to LSTAR */
static long pvm_call(long nr, long a1, long a2, long a3, long a4, long a5, long a6, unsigned long extra_flags,
                     unsigned long *flags_after) {
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long ret;
    unsigned long after;
    __asm__ volatile("pushfq\n\t"
                     "orq %[extra], (%%rsp)\n\t"
                     "popfq\n\t"
                     "lea 1f(%%rip), %%rcx\n\t"
                     "pushfq\n\t"
                     "pop %%r11\n\t"
                     "jmp *%[lstar]\n"
                     "1:\n\t"
                     "pushfq\n\t"
                     "pop %[after]\n\t"
                     "pushfq\n\t"
                     "andq %[keep], (%%rsp)\n\t"
                     "popfq"
                     : "=a"(ret), [after] "=&r"(after), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), [lstar] "r"(lstar), [extra] "r"(extra_flags),
                       [keep] "r"(~extra_flags)
                     : "rcx", "r11", "memory", "cc");
    if (flags_after)
        *flags_after = after;
    return ret;
}

static long pvm(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    return pvm_call(nr, a1, a2, a3, a4, a5, a6, 0, NULL);
}

static sigjmp_buf recover;
static volatile int caught;

static void on_segv(int sig) {
    caught = sig;
    siglongjmp(recover, 1);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: pvm_syscall ADDRESS\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    lstar = strtoull(argv[1], NULL, 16);

    printf("getppid: %s\n", pvm(SYS_getppid, 0, 0, 0, 0, 0, 0) == getppid() ? "as through SYSCALL" : "different");
    static const char text[] = "write: these bytes\n";
    long n = pvm(SYS_write, 1, (long) text, sizeof text - 1, 0, 0, 0);
    printf("write returned the length: %s\n", n == (long) sizeof text - 1 ? "yes" : "no");
    void *want = (void *) 0x200000000UL;
    long got = pvm(SYS_mmap, (long) want, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("mmap with all six arguments (MAP_FIXED in R10): %s\n", got == (long) want ? "where asked" : "elsewhere");
    ((volatile char *) want)[0] = 1;
    printf("munmap: %ld\n", pvm(SYS_munmap, (long) want, 4096, 0, 0, 0, 0));
    printf("an unknown number: %s\n", pvm(600, 0, 0, 0, 0, 0, 0) == -ENOSYS ? "ENOSYS" : "not ENOSYS");
    unsigned long flags;
    pvm_call(SYS_getppid, 0, 0, 0, 0, 0, 0, X86_EFLAGS_AC, &flags);
    printf("AC set before the call is set after it: %s\n", flags & X86_EFLAGS_AC ? "yes" : "no");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(recover, 1) == 0) {
        lstar += 1; /* any other kernel address: the jump is a fault like any other */
        pvm(SYS_getppid, 0, 0, 0, 0, 0, 0);
    }
    printf("a jump to the byte after it: %s\n", caught == SIGSEGV ? "SIGSEGV" : "no signal");
    return 0;
}
