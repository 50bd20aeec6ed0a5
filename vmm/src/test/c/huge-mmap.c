/* mmap of 2^46 bytes (64 TiB) of private writable memory: more than Linux's heuristic overcommit
 * grants on any machine, so it fails with ENOMEM; and the failure must leave nothing behind:
 * 64 MiB can still be allocated and used afterwards (in a guest of 128 MiB). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE (1UL << 46)
#define AFTER (64UL << 20)

int main(void) {
    void *huge = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap of 2^46 bytes: %s\n", huge != MAP_FAILED ? "mapped" : errno == ENOMEM ? "ENOMEM" : strerror(errno));
    unsigned char *block = malloc(AFTER);
    if (block == NULL) {
        printf("malloc(64 MiB) afterwards failed\n");
        return 1;
    }
    memset(block, 0xa5, AFTER);
    unsigned long sum = 0;
    for (unsigned long offset = 0; offset < AFTER; offset += 4096)
        sum += block[offset];
    printf("64 MiB afterwards: checksum %lu\n", sum);
    return 0;
}
