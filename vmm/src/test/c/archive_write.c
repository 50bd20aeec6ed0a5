/* Files of the initramfs are read where they lie in the archive and copied at their first change:
 * truncation, a write in the middle of a large one, growth; the archive's other files stay as
 * they were. Runs on FilesTest's archive (etc/fruits, data/words, bin/busybox). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    char b[64] = {0};
    int fd = open("/etc/fruits", O_RDWR | O_TRUNC);
    printf("etc/fruits after O_TRUNC: %ld bytes\n", (long) lseek(fd, 0, SEEK_END));
    write(fd, "kiwi\n", 5);
    printf("etc/fruits: %zd %s", pread(fd, b, sizeof b - 1, 0), b);
    close(fd);

    struct stat before, after;
    stat("/bin/busybox", &before);
    fd = open("/bin/busybox", O_RDWR);
    char old[4];
    pread(fd, old, 4, 1000000);
    pwrite(fd, "XY", 2, 1000001);
    memset(b, 0, sizeof b);
    pread(fd, b, 4, 1000000);
    printf("bin/busybox changed in the middle: %s\n", b[0] == old[0] && b[1] == 'X' && b[2] == 'Y' && b[3] == old[3] ? "yes" : "no");
    fstat(fd, &after);
    printf("bin/busybox size kept: %s\n", before.st_size == after.st_size ? "yes" : "no");
    pwrite(fd, "!", 1, after.st_size + 4096);
    fstat(fd, &after);
    printf("bin/busybox grew by: %ld\n", (long) (after.st_size - before.st_size));
    close(fd);

    fd = open("/data/words", O_RDONLY);
    memset(b, 0, sizeof b);
    read(fd, b, 9);
    printf("data/words untouched: %s\n", b);
    return 0;
}
