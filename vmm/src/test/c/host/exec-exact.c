/* Host side of the corpus: exec-exact PROGRAM [NAME=VALUE...] -- ARGV0 [ARGS...] runs PROGRAM with
 * exactly this environment, in this order, and exactly this argv, as the guest kernel starts a
 * program (a shell or ProcessBuilder would make argv[0] the program's path, and ProcessBuilder
 * orders the environment as it likes). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int separator = 2;
    while (separator < argc && strcmp(argv[separator], "--") != 0) {
        if (strchr(argv[separator], '=') == NULL)
            break;
        separator++;
    }
    if (argc < 2 || separator + 1 >= argc || strcmp(argv[separator], "--") != 0) {
        fprintf(stderr, "usage: exec-exact PROGRAM [NAME=VALUE...] -- ARGV0 [ARGS...]\n");
        return 125;
    }
    argv[separator] = NULL;
    execve(argv[1], argv + separator + 1, argv + 2);
    perror(argv[1]);
    return 126;
}
