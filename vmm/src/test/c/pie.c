/* A static-pie program: it relocates itself, wherever the kernel put it. It prints its own
 * address (different at every boot: the base is random) and strings reached through a table of
 * pointers (right only if the relocations were applied). */
#include <stdio.h>

static const char *words[] = {"relocated", "pointers"};

int main(void) {
    printf("main at %p\n", (void *) main);
    printf("%s %s\n", words[0], words[1]);
    return 0;
}
