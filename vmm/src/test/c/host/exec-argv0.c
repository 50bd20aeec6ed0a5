/* Host side of the corpus: exec-argv0 PROGRAM ARGV0 [ARGS...] runs PROGRAM with exactly the argv
 * ARGV0 ARGS... and the environment this process got, as the guest kernel starts a program (a
 * shell or ProcessBuilder would make argv[0] the program's path). */
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: exec-argv0 PROGRAM ARGV0 [ARGS...]\n");
        return 125;
    }
    execve(argv[1], argv + 2, environ);
    perror(argv[1]);
    return 126;
}
