/* Cycles per write(1, "", 0) through each system-call entry instruction, called the way jvmm's
 * kernel gates call it (see guest-kernel/src/main/asm/user.s). Prints one line per path:
 *   entrybench: <path> <cycles per call> cycles/call (<calls> calls)
 * argv[1] is the number of calls per path (default 1000). */
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

static long via_syscall(long nr, long a, long b, long c) {
    long ret;
    register long rdx __asm__("rdx") = c;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "r"(rdx) : "rcx", "r11", "memory");
    return ret;
}

static long via_int80(long nr, long a, long b, long c) {
    long ret;
    register long rdx __asm__("rdx") = c;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "r"(rdx) : "rcx", "r11", "memory");
    return ret;
}

static long via_sysenter(long nr, long a, long b, long c) {
    long ret;
    register long rdx __asm__("rdx") = c;
    __asm__ volatile("push %%rdx\n\t"
                     "mov %%rsp, %%rcx\n\t"
                     "lea 1f(%%rip), %%rdx\n\t"
                     "sysenter\n"
                     "1:\n\t"
                     "pop %%rdx"
                     : "=a"(ret), "+r"(rdx) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

static void measure(const char *name, long (*call)(long, long, long, long), long calls) {
    call(1, 1, (long) "", 0);
    unsigned long long start = __rdtsc();
    for (long i = 0; i < calls; i++)
        if (call(1, 1, (long) "", 0) != 0)
            abort();
    unsigned long long cycles = __rdtsc() - start;
    printf("entrybench: %s %llu cycles/call (%ld calls)\n", name, cycles / calls, calls);
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 1000;
    measure("syscall", via_syscall, calls);
    measure("sysenter", via_sysenter, calls);
    measure("int80", via_int80, calls);
    return 0;
}
