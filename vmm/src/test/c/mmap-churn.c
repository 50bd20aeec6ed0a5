/* 2,000 rounds of mmap(1 MiB), a write to every page, munmap: 2 GiB in all through a guest of
 * 128 MiB, which only works if the frames munmap gives back are reused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define ROUNDS 2000
#define BLOCK (1UL << 20)
#define PAGE 4096

int main(void) {
    unsigned long sum = 0;
    for (int i = 0; i < ROUNDS; i++) {
        unsigned char *block = mmap(NULL, BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (block == MAP_FAILED) {
            printf("mmap failed in round %d: %s\n", i, strerror(errno));
            return 1;
        }
        for (unsigned long offset = 0; offset < BLOCK; offset += PAGE) {
            sum += block[offset];
            block[offset] = (unsigned char) (i + offset / PAGE);
        }
        for (unsigned long offset = 0; offset < BLOCK; offset += PAGE)
            sum += block[offset];
        if (munmap(block, BLOCK) != 0) {
            printf("munmap failed in round %d: %s\n", i, strerror(errno));
            return 1;
        }
    }
    printf("%d rounds of mmap, touch, munmap of 1 MiB: checksum %lu\n", ROUNDS, sum);
    return 0;
}
