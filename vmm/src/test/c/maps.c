/* /proc/self/maps as a program reads it: which line holds its code, its stack, its heap, the
 * vDSO; glibc's pthread_getattr_np, which finds the main thread's stack there. Every line printed
 * names a relation, not an address, so the output is the host's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static int found(uintptr_t address, const char *perms, const char *name) {
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        return 0;
    char line[512];
    int ok = 0;
    while (fgets(line, sizeof line, maps)) {
        uintptr_t start, end;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &start, &end, p) != 3)
            continue;
        if (address >= start && address < end) {
            ok = strncmp(p, perms, strlen(perms)) == 0 && (!name || strstr(line, name) != NULL);
            break;
        }
    }
    fclose(maps);
    return ok;
}

int main(void) {
    int local = 0;
    void *heap = sbrk(0);
    sbrk(4096);
    printf("code: %s\n", found((uintptr_t) main, "r-x", NULL) ? "in an r-x line" : "not found");
    printf("stack: %s\n", found((uintptr_t) &local, "rw-p", "[stack]") ? "in the [stack] line" : "not found");
    printf("heap: %s\n", found((uintptr_t) heap, "rw-p", "[heap]") ? "in the [heap] line" : "not found");
    printf("vdso: %s\n", found(getauxval(AT_SYSINFO_EHDR), "r-x", "[vdso]") ? "in the [vdso] line" : "not found");
    pthread_attr_t attr;
    void *stack;
    size_t size;
    int got = pthread_getattr_np(pthread_self(), &attr) == 0 && pthread_attr_getstack(&attr, &stack, &size) == 0;
    printf("main thread's stack from pthread_getattr_np: %s\n",
           got && (uintptr_t) &local >= (uintptr_t) stack && (uintptr_t) &local < (uintptr_t) stack + size
               ? "holds a local" : "wrong");
    return 0;
}
