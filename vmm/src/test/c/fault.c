/* Dies the way argv[1] says, to check the signal the kernel reports and the exit status. */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "";
    printf("fault: %s\n", how);
    fflush(stdout);
    if (!strcmp(how, "null"))
        return *(volatile int *) 0;
    if (!strcmp(how, "kernel-read"))
        return *(volatile int *) 0xffffffff80100000UL;
    if (!strcmp(how, "ud2"))
        __asm__ volatile("ud2");
    if (!strcmp(how, "divide")) {
        volatile int zero = 0, seven = 7;
        return seven / zero;
    }
    if (!strcmp(how, "hlt"))
        __asm__ volatile("hlt");
    if (!strcmp(how, "write-text"))
        *(volatile char *) main = 0;
    if (!strcmp(how, "write-vdso"))
        *(volatile char *) getauxval(AT_SYSINFO_EHDR) = 0;
    if (!strcmp(how, "write-vvar"))
        *(volatile char *) (getauxval(AT_SYSINFO_EHDR) - 4096) = 0;
    return 0;
}
