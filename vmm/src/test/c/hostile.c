/* A program that misbehaves in the way argv[1] names, to check that the kernel answers as Linux
 * would (an errno, or the signal that kills the process) and survives to report it. Cases that
 * return print "<case>: <result>" and exit 0; the others die. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define KERNEL ((void *) 0xffffffff80100000UL)
#define UNMAPPED ((void *) 0x1000UL)

static void result(const char *name, long ret) {
    if (ret < 0)
        printf("%s: -%s\n", name, ret == -EFAULT ? "EFAULT" : ret == -EINVAL ? "EINVAL" : ret == -ENOMEM ? "ENOMEM"
               : ret == -ENOSYS ? "ENOSYS" : ret == -EPERM ? "EPERM" : ret == -EBADF ? "EBADF" : "other");
    else
        printf("%s: %ld\n", name, ret);
}

#define RAW(...) (syscall(__VA_ARGS__) < 0 ? -errno : 0)

/* Deeper than any stack limit: ends only when the stack cannot grow (depth is never negative). */
static int recurse(int depth) {
    volatile char frame[4096];
    frame[0] = (char) depth;
    return depth < 0 ? 0 : recurse(depth + 1) + frame[0];
}

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "";
    printf("hostile: %s\n", how);
    fflush(stdout);

    /* Faults: the signal Linux sends for each. */
    if (!strcmp(how, "null"))
        return *(volatile int *) 0;
    if (!strcmp(how, "ud2"))
        __asm__ volatile("ud2");
    if (!strcmp(how, "divide")) {
        volatile int zero = 0, seven = 7;
        return seven / zero;
    }
    if (!strcmp(how, "write-text"))
        *(volatile char *) main = 0;
    if (!strcmp(how, "write-vdso"))
        *(volatile char *) getauxval(AT_SYSINFO_EHDR) = 0;
    if (!strcmp(how, "write-vvar"))
        *(volatile char *) (getauxval(AT_SYSINFO_EHDR) - 4096) = 0;
    /* Memory that is not the program's. */
    if (!strcmp(how, "kernel-read"))
        return *(volatile int *) KERNEL;
    if (!strcmp(how, "kernel-write"))
        *(volatile int *) KERNEL = 1;
    if (!strcmp(how, "kernel-exec"))
        ((void (*)(void)) KERNEL)();
    if (!strcmp(how, "exec-stack")) {
        unsigned char code[16] = {0xc3};                /* ret */
        ((void (*)(void)) code)();
        puts("the stack is executable");
    }
    /* Privileged instructions: #GP in user mode. */
    if (!strcmp(how, "hlt"))
        __asm__ volatile("hlt");
    if (!strcmp(how, "cli"))
        __asm__ volatile("cli");
    if (!strcmp(how, "in"))
        __asm__ volatile("inb $0x80, %%al" ::: "eax");
    if (!strcmp(how, "out"))
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
    if (!strcmp(how, "wrmsr"))
        __asm__ volatile("wrmsr" ::"c"(0xc0000082), "a"(0), "d"(0));
    if (!strcmp(how, "mov-cr3"))
        __asm__ volatile("mov %0, %%cr3" ::"r"(0UL));
    if (!strcmp(how, "lgdt")) {
        struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdt = {0, 0};
        __asm__ volatile("lgdt %0" ::"m"(gdt));
    }
    /* System calls with bad arguments. */
    if (!strcmp(how, "bad-arguments")) {
        char buf[16] = "x";
        result("write from a kernel pointer", RAW(SYS_write, 1, KERNEL, 16));
        result("write from an unmapped pointer", RAW(SYS_write, 1, UNMAPPED, 16));
        result("write of a huge length", RAW(SYS_write, 1, buf, 1UL << 62));
        result("write of a length that wraps", RAW(SYS_write, 1, buf, -2UL));
        result("writev with a kernel iovec", RAW(SYS_writev, 1, KERNEL, 1));
        result("writev with a huge count", RAW(SYS_writev, 1, buf, 100000));
        struct iovec bad = {KERNEL, 8};
        result("writev of kernel memory", RAW(SYS_writev, 1, &bad, 1));
        result("clock_gettime into the kernel", RAW(SYS_clock_gettime, 0, KERNEL));
        result("uname into an unmapped page", RAW(SYS_uname, UNMAPPED));
        result("getrandom into the kernel", RAW(SYS_getrandom, KERNEL, 16, 0));
        result("open of an unmapped path", RAW(SYS_open, UNMAPPED, 0));
        result("mmap of 2^46 bytes", syscall(SYS_mmap, 0, 1UL << 46, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1 ? -errno : 0);
        result("mmap over the kernel", syscall(SYS_mmap, KERNEL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == -1 ? -errno : 0);
        result("munmap of the kernel", RAW(SYS_munmap, KERNEL, 4096));
        result("mprotect of the kernel", RAW(SYS_mprotect, KERNEL, 4096, PROT_READ | PROT_WRITE));
        result("system call -1", RAW(-1L));
        result("system call 0x7fffffff", RAW(0x7fffffffL));
        result("system call 600", RAW(600L));
        result("FS base in the kernel", RAW(SYS_arch_prctl, 0x1002, KERNEL));
        result("FS base non-canonical", RAW(SYS_arch_prctl, 0x1002, 0x0000800000000000UL));
        result("mmap of the last page below the canonical boundary",
               syscall(SYS_mmap, 0x7ffffffff000UL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == -1 ? -errno : 0);
        puts("the kernel survived");
        return 0;
    }
    /* A SYSCALL as the last instruction of user memory (the top of jvmm's stack, made
     * executable): it returns to the first address past user memory. */
    if (!strcmp(how, "syscall-at-the-end")) {
        unsigned char *page = (unsigned char *) 0x7fffffffe000UL;
        if (mprotect(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC)) {
            puts("cannot make the last page executable");
            return 1;
        }
        page[4094] = 0x0f;                              /* syscall */
        page[4095] = 0x05;
        __asm__ volatile("mov $39, %%eax\n\tjmp *%0" ::"r"(page + 4094) : "rax", "rcx", "r11", "memory");
    }
    if (!strcmp(how, "stack-overflow"))
        return recurse(0);
    if (!strcmp(how, "spin"))
        for (;;)
            __asm__ volatile("");
    if (!strcmp(how, "flood")) {
        static char line[4096];
        memset(line, 'x', sizeof line - 1);
        line[sizeof line - 1] = '\n';
        for (;;)
            if (write(1, line, sizeof line) < 0)
                return 2;
    }
    /* A fork bomb: every process forks until fork fails; the kernel's process limit (EAGAIN)
     * stops it, and every process exits once it has. Then zombies: children that exit and are
     * not waited for fill the process table too, until the parent reaps them. */
    if (!strcmp(how, "fork-bomb")) {
        int children = 0;
        for (;;) {
            pid_t pid = fork();
            if (pid < 0) {
                if (getpid() == 1)
                    printf("fork failed: %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno));
                break;
            }
            if (pid == 0) {
                children = 0;
                continue;
            }
            children++;
        }
        while (wait(NULL) > 0)
            ;
        if (getpid() != 1)
            _exit(0);
        printf("all reaped: %s\n", errno == ECHILD ? "yes" : "no");
        int zombies = 0;
        pid_t pid;
        while ((pid = fork()) > 0)
            zombies++;
        if (pid == 0)
            _exit(0);
        printf("zombies until fork failed: %s, %s\n", zombies > 8 ? "many" : "few", errno == EAGAIN ? "EAGAIN" : strerror(errno));
        while (wait(NULL) > 0)
            zombies--;
        printf("zombies left: %d, fork works again: %s\n", zombies, (pid = fork()) == 0 ? (_exit(0), "") : pid > 0 ? "yes" : "no");
        return 0;
    }
    return 0;
}
