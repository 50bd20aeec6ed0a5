/* malloc(100 MB) and memset of all of it: the pages are touched by user code, once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE 100000000UL

int main(void) {
    unsigned char *block = malloc(SIZE);
    if (block == NULL) {
        printf("malloc(100 MB) failed\n");
        return 1;
    }
    memset(block, 0x5a, SIZE);
    unsigned long sum = 0;
    for (unsigned long offset = 0; offset < SIZE; offset += 4096)
        sum += block[offset];
    sum += block[SIZE - 1];
    printf("100 MB set: checksum %lu\n", sum);
    free(block);
    return 0;
}
