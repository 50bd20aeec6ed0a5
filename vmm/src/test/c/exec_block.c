/*
 * The host side of the argument tests: reads a jvmm argument block (docs/boot-protocol.md) from
 * the file argv[1] and executes argv[2] with exactly the argv and envp it holds, as the guest
 * kernel starts a program with them. Status 120 when the block cannot be used.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t u32(const unsigned char *p) {
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exec_block BLOCK PROGRAM\n");
        return 120;
    }
    FILE *file = fopen(argv[1], "rb");
    static unsigned char block[4 << 20];
    size_t size = file == NULL ? 0 : fread(block, 1, sizeof block, file);
    if (size < 32 || memcmp(block, "JVMMARGS", 8) != 0 || u32(block + 8) != 1) {
        fprintf(stderr, "exec_block: %s is not an argument block\n", argv[1]);
        return 120;
    }
    uint32_t count = u32(block + 12) + u32(block + 16);
    uint32_t strings = u32(block + 20);
    const unsigned char *offsets = block + 32;
    const char *area = (const char *) offsets + 4 * (size_t) count;
    if ((const unsigned char *) area + strings > block + size) {
        fprintf(stderr, "exec_block: truncated block\n");
        return 120;
    }
    char **vector = calloc(count + 2, sizeof *vector);
    uint32_t argc_block = u32(block + 12);
    for (uint32_t i = 0, j = 0; i < count; i++, j++) {
        if (i == argc_block)
            vector[j++] = NULL;             /* argv's terminator; envp follows */
        vector[j] = (char *) area + u32(offsets + 4 * i);
    }
    char **envp = vector + argc_block + 1;
    execve(argv[2], vector, envp);
    perror("exec_block: execve");
    return 120;
}
