/* Prints a digest of its argv and its environment (count, bytes, FNV-1a hash of every string with
 * its NUL), so that large or odd argument lists can be compared byte for byte in one short line. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern char **environ;

static void digest(const char *name, char **strings) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    unsigned long count = 0, bytes = 0;
    for (; strings[count] != NULL; count++) {
        size_t length = strlen(strings[count]) + 1;
        for (size_t i = 0; i < length; i++)
            hash = (hash ^ (unsigned char) strings[count][i]) * 0x100000001b3ULL;
        bytes += length;
    }
    printf("%s: %lu strings, %lu bytes, fnv1a %016llx\n", name, count, bytes, (unsigned long long) hash);
}

int main(int argc, char **argv) {
    (void) argc;
    digest("argv", argv);
    digest("envp", environ);
    return 0;
}
