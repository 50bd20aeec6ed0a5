/*
 * peakrss: runs a command and reports its peak resident set size, from wait4's rusage (the
 * kernel's own high-water mark, ru_maxrss), and the CPU time it used (user + system, all its
 * threads), so that jvmm bench can compare jvmm's and QEMU's.
 *
 *   peakrss COMMAND [ARGS...]
 *
 * The command's stdout and stderr pass through; peakrss then prints
 * "peakrss: <KiB> KiB, cpu <us> us" on stderr and exits with the command's status.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: peakrss COMMAND [ARGS...]\n");
        return 125;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("peakrss: fork");
        return 125;
    }
    if (child == 0) {
        execvp(argv[1], argv + 1);
        perror("peakrss: exec");
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (wait4(child, &status, 0, &usage) < 0) {
        perror("peakrss: wait4");
        return 125;
    }
    long cpu_us = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000L + usage.ru_utime.tv_usec
                  + usage.ru_stime.tv_usec;
    fprintf(stderr, "peakrss: %ld KiB, cpu %ld us\n", usage.ru_maxrss, cpu_us);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
