/* A reservation as language runtimes make them: 1 GiB of PROT_NONE address space, then a part
 * of it made readable and writable with mprotect and used; the rest stays inaccessible. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define RESERVED (1UL << 30)
#define PART_OFFSET (256UL << 20)
#define PART (16UL << 20)

int main(void) {
    unsigned char *base = mmap(NULL, RESERVED, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        printf("mmap of 1 GiB PROT_NONE: %s\n", strerror(errno));
        return 1;
    }
    printf("mmap of 1 GiB PROT_NONE: ok\n");
    unsigned char *part = base + PART_OFFSET;
    printf("mprotect of 16 MiB inside it: %d\n", mprotect(part, PART, PROT_READ | PROT_WRITE));
    unsigned long sum = 0, zero = 0;
    for (unsigned long offset = 0; offset < PART; offset += 4096) {
        zero |= part[offset];
        part[offset] = (unsigned char) (offset >> 12);
    }
    for (unsigned long offset = 0; offset < PART; offset += 4096)
        sum += part[offset];
    printf("the part read zero before use: %s; checksum %lu\n", zero == 0 ? "yes" : "no", sum);
    printf("munmap of the reservation: %d\n", munmap(base, RESERVED));
    return 0;
}
