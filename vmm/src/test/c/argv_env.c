/*
 * Prints what execve gave it: argc and envc, an FNV-1a checksum of every argv and envp byte
 * (NULs included, in order), whether the strings lie back to back as Linux's execve leaves
 * them (argv's, then envp's), whether AT_EXECFN names argv[0], and then each string escaped
 * (\\, \", \n, \t, and bytes outside printable ASCII as \xHH). With "--summary" as argv[1] it
 * stops before the strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

static uint64_t fnv = 14695981039346656037ULL;
static size_t bytes;
static const char *next;
static int back_to_back = 1;

static void account(const char *s) {
    size_t n = strlen(s) + 1;
    if (next != NULL && s != next)
        back_to_back = 0;
    next = s + n;
    for (size_t i = 0; i < n; i++) {
        fnv ^= (unsigned char) s[i];
        fnv *= 1099511628211ULL;
    }
    bytes += n;
}

static void put_escaped(const char *what, int i, const char *s) {
    printf("%s[%d] = \"", what, i);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '\\' || *p == '"')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    }
    puts("\"");
}

int main(int argc, char **argv, char **envp) {
    int envc = 0;
    for (int i = 0; i < argc; i++)
        account(argv[i]);
    for (; envp[envc] != NULL; envc++)
        account(envp[envc]);
    printf("argc %d envc %d bytes %zu fnv %016llx\n", argc, envc, bytes, (unsigned long long) fnv);
    printf("strings back to back: %s\n", back_to_back ? "yes" : "no");
    const char *execfn = (const char *) getauxval(AT_EXECFN);
    printf("AT_EXECFN is argv[0]: %s\n", execfn != NULL && argc > 0 && strcmp(execfn, argv[0]) == 0 ? "yes" : "no");
    if (argc > 1 && strcmp(argv[1], "--summary") == 0)
        return 0;
    for (int i = 0; i < argc; i++)
        put_escaped("argv", i, argv[i]);
    for (int i = 0; i < envc; i++)
        put_escaped("envp", i, envp[i]);
    return 0;
}
