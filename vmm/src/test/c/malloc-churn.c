/* 2,000 rounds of malloc(1 MiB), a write to every page, free: 2 GiB in all through a guest of
 * 128 MiB, which only works if freed memory is given back and reused. musl serves every block
 * with mmap and frees it with munmap; glibc does so for the first, then raises its mmap
 * threshold and serves the rest from its brk heap (mmap-churn.c makes the calls themselves). */
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 2000
#define BLOCK (1 << 20)
#define PAGE 4096

int main(void) {
    unsigned long sum = 0;
    for (int i = 0; i < ROUNDS; i++) {
        unsigned char *block = malloc(BLOCK);
        if (block == NULL) {
            printf("malloc failed in round %d\n", i);
            return 1;
        }
        for (int offset = 0; offset < BLOCK; offset += PAGE)
            block[offset] = (unsigned char) (i + offset / PAGE);
        for (int offset = 0; offset < BLOCK; offset += PAGE)
            sum += block[offset];
        free(block);
    }
    printf("%d rounds of 1 MiB: checksum %lu\n", ROUNDS, sum);
    return 0;
}
