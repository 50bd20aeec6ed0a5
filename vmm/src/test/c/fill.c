/* Files that fill the guest's memory: writes stop with ENOSPC (after a short write), as on a
 * full tmpfs; the program and the kernel go on, and the memory comes back when the file goes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long fill(const char *path) {
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { printf("open %s: errno %d\n", path, errno); exit(1); }
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            printf("write: %s\n", errno == ENOSPC ? "ENOSPC" : strerror(errno));
            break;
        }
        total += n;
    }
    close(fd);
    return total;
}

int main(void) {
    long first = fill("/tmp/big");
    printf("filled: %s\n", first > (16 << 20) ? "more than 16 MiB" : "less than 16 MiB");
    char *p = malloc(4 << 20);                    /* the process still gets memory */
    memset(p, 1, 4 << 20);
    printf("malloc after fill: ok\n");
    free(p);
    printf("mkdir when full: %s\n", mkdir("/tmp/d", 0755) == 0 ? "ok" : strerror(errno));
    printf("unlink: %d\n", unlink("/tmp/big"));
    long second = fill("/tmp/big2");
    printf("refilled the same: %s\n", second == first ? "yes" : "no");
    unlink("/tmp/big2");
    int fd = open("/tmp/small", O_WRONLY | O_CREAT, 0644);
    printf("small write after: %zd\n", write(fd, "ok", 2));
    return 0;
}
