/* Prints a line, then calls abort(): the process dies of SIGABRT (status 134 as a shell sees it),
 * with what it printed before flushed by abort's own handling of stdio. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("about to abort\n");
    fflush(stdout);
    abort();
}
