/* Prints its arguments; exits with the number of arguments. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("hello from %s\n", argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return argc - 1;
}
