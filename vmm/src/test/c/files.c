/* The file-system calls and their errnos, printed one per line: the same binary runs in the
 * guest (on the in-memory file system) and on the host (in a scratch directory), and the lines
 * must match. Everything happens under a new directory "scratch" of the working directory, by
 * relative paths; nothing printed depends on inode numbers, devices, clocks or directory sizes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static const char *ename(int e) {
    switch (e) {
    case ENOENT: return "ENOENT"; case ENOTDIR: return "ENOTDIR"; case EISDIR: return "EISDIR";
    case EEXIST: return "EEXIST"; case ELOOP: return "ELOOP"; case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY"; case EBADF: return "EBADF"; case EINVAL: return "EINVAL";
    case EACCES: return "EACCES"; case EPERM: return "EPERM"; case ERANGE: return "ERANGE";
    case EFAULT: return "EFAULT"; case ENOSPC: return "ENOSPC"; case EBUSY: return "EBUSY";
    case ESPIPE: return "ESPIPE"; case ENXIO: return "ENXIO";
    default: { static char b[32]; snprintf(b, sizeof b, "errno %d", e); return b; }
    }
}

static void r(const char *what, long ret) {
    if (ret < 0) printf("%s: -%s\n", what, ename(errno));
    else printf("%s: %ld\n", what, ret);
}

static void st(const char *what, const char *path, int follow) {
    struct stat s;
    int ret = follow ? stat(path, &s) : lstat(path, &s);
    if (ret < 0) { printf("%s: -%s\n", what, ename(errno)); return; }
    const char *type = S_ISREG(s.st_mode) ? "reg" : S_ISDIR(s.st_mode) ? "dir" : S_ISLNK(s.st_mode) ? "lnk"
        : S_ISCHR(s.st_mode) ? "chr" : "other";
    printf("%s: %s mode %o nlink %ld size %lld uid %d\n", what, type, s.st_mode & 07777, (long) s.st_nlink,
           S_ISDIR(s.st_mode) ? -1LL : (long long) s.st_size, s.st_uid);
}

static void readall(const char *what, const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s: -%s\n", what, ename(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) { printf("%s: -%s\n", what, ename(errno)); return; }
    buf[n] = 0;
    printf("%s: %zd \"%s\"\n", what, n, buf);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char **) a, *(char **) b); }

static void list(const char *what, const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("%s: -%s\n", what, ename(errno)); return; }
    char *names[64]; int n = 0; struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
        names[n] = malloc(strlen(e->d_name) + 3);
        sprintf(names[n++], "%s:%c", e->d_name, t);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("%s:", what);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

int main(void) {
    char buf[8192];
    umask(022);
    r("mkdir scratch", mkdir("scratch", 0777));
    r("chdir scratch", chdir("scratch"));
    char *cwd = getcwd(buf, sizeof buf);
    printf("getcwd ends with /scratch: %s\n", cwd && strlen(cwd) >= 8 && !strcmp(cwd + strlen(cwd) - 8, "/scratch") ? "yes" : "no");
    r("getcwd size 1", syscall(SYS_getcwd, buf, 1));

    /* open and its flags */
    int fd = open("a", O_WRONLY | O_CREAT | O_EXCL, 0666);
    r("open a O_CREAT|O_EXCL", fd >= 0 ? 0 : -1);
    r("write a", write(fd, "hello world\n", 12));
    r("lseek a SEEK_CUR", lseek(fd, 0, SEEK_CUR));
    r("read a (write-only)", read(fd, buf, 4));
    close(fd);
    r("open a O_CREAT|O_EXCL again", open("a", O_WRONLY | O_CREAT | O_EXCL, 0666));
    fd = open("a", O_RDONLY | O_CREAT, 0600);
    r("open a O_CREAT (exists)", fd >= 0 ? 0 : -1);
    close(fd);
    st("stat a", "a", 1);
    readall("read a", "a");
    fd = open("a", O_WRONLY | O_APPEND);
    r("append", write(fd, "more\n", 5));
    r("lseek after append", lseek(fd, 0, SEEK_CUR));
    close(fd);
    readall("read a after append", "a");
    fd = open("a", O_RDWR);
    r("pwrite at 6", pwrite(fd, "WORLD", 5, 6));
    r("pread at 6", pread(fd, buf, 5, 6));
    printf("pread data: %.5s\n", buf);
    r("lseek SEEK_END", lseek(fd, 0, SEEK_END));
    r("lseek -1", lseek(fd, -1, SEEK_SET));
    r("lseek past end", lseek(fd, 100, SEEK_SET));
    r("write past end", write(fd, "X", 1));
    st("stat a (hole)", "a", 1);
    r("pread in hole", pread(fd, buf, 4, 50));
    printf("hole bytes zero: %s\n", buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0 ? "yes" : "no");
    r("ftruncate 5", ftruncate(fd, 5));
    r("ftruncate -1", ftruncate(fd, -1));
    r("ftruncate 20", ftruncate(fd, 20));
    r("pread after grow", pread(fd, buf, 20, 0));
    printf("grown tail zero: %s\n", buf[5] == 0 && buf[19] == 0 ? "yes" : "no");
    close(fd);
    fd = open("a", O_RDONLY);
    r("ftruncate read-only", ftruncate(fd, 0));
    close(fd);
    r("open a O_TRUNC", (fd = open("a", O_WRONLY | O_TRUNC)) >= 0 ? 0 : -1);
    close(fd);
    st("stat a after O_TRUNC", "a", 1);
    r("open missing", open("missing", O_RDONLY));
    r("open a/ (file with slash)", open("a/", O_RDONLY));
    r("open a O_DIRECTORY", open("a", O_RDONLY | O_DIRECTORY));
    r("creat x/y (no dir)", creat("x/y", 0644));
    r("open . O_WRONLY", open(".", O_WRONLY));
    r("open . O_CREAT", open(".", O_RDONLY | O_CREAT, 0644));
    fd = open(".", O_RDONLY);
    r("read a directory", read(fd, buf, 10));
    close(fd);
    fd = open("c", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    r("O_CLOEXEC FD_CLOEXEC", fcntl(fd, F_GETFD));
    close(fd);
    st("stat c (mode 0600)", "c", 1);
    umask(077);
    close(open("d", O_WRONLY | O_CREAT, 0666));
    umask(022);
    st("stat d (umask 077)", "d", 1);

    /* directories */
    r("mkdir sub", mkdir("sub", 0755));
    r("mkdir sub again", mkdir("sub", 0755));
    r("mkdir sub/inner", mkdir("sub/inner", 0700));
    r("mkdir a/x (not a dir)", mkdir("a/x", 0755));
    r("mkdir missing/x", mkdir("missing/x", 0755));
    r("mkdir sub/inner/ trailing slash", mkdir("sub/inner2/", 0755));
    st("stat sub", "sub", 1);
    st("stat sub/inner", "sub/inner", 1);
    r("rmdir sub (not empty)", rmdir("sub"));
    r("rmdir a (file)", rmdir("a"));
    r("rmdir sub/inner2", rmdir("sub/inner2"));
    r("unlink sub (dir)", unlink("sub"));
    r("rmdir missing", rmdir("missing"));
    r("rmdir .", rmdir("."));
    list("list .", ".");
    list("list sub", "sub");
    r("opendir a", open("a", O_RDONLY | O_DIRECTORY));

    /* . and .. */
    st("stat sub/inner/../../a", "sub/inner/../../a", 1);
    st("stat sub/./inner/.", "sub/./inner/.", 1);
    st("stat a/..", "a/..", 1);
    r("chdir sub/inner", chdir("sub/inner"));
    st("stat ../../a", "../../a", 1);
    r("chdir ../..", chdir("../.."));
    st("stat ./a", "./a", 1);

    struct stat root, up;
    stat("/", &root);
    stat("/../../..", &up);
    printf("/../../.. is /: %s\n", root.st_ino == up.st_ino && root.st_dev == up.st_dev ? "yes" : "no");

    /* symlinks */
    r("symlink a -> la", symlink("a", "la"));
    r("symlink again", symlink("a", "la"));
    r("symlink empty target", symlink("", "le"));
    r("symlink dangling", symlink("nowhere", "ld"));
    r("symlink sub -> lsub", symlink("sub", "lsub"));
    r("symlink loop1 -> loop2", symlink("loop2", "loop1"));
    r("symlink loop2 -> loop1", symlink("loop1", "loop2"));
    r("symlink self", symlink("self", "self"));
    st("lstat la", "la", 0);
    st("stat la", "la", 1);
    st("stat ld", "ld", 1);
    st("lstat ld", "ld", 0);
    st("stat loop1", "loop1", 1);
    st("stat self/x", "self/x", 1);
    st("stat lsub/inner", "lsub/inner", 1);
    st("stat lsub/", "lsub/", 1);
    st("lstat lsub/", "lsub/", 0);
    st("stat la/", "la/", 1);
    ssize_t n = readlink("la", buf, sizeof buf);
    printf("readlink la: %zd %.*s\n", n, (int) (n > 0 ? n : 0), buf);
    n = readlink("la", buf, 1);
    printf("readlink la size 1: %zd %.*s\n", n, (int) (n > 0 ? n : 0), buf);
    r("readlink a (not a link)", readlink("a", buf, sizeof buf));
    r("readlink missing", readlink("missing", buf, sizeof buf));
    r("readlink size 0", syscall(SYS_readlink, "la", buf, 0));
    r("open la O_NOFOLLOW", open("la", O_RDONLY | O_NOFOLLOW));
    r("open loop1", open("loop1", O_RDONLY));
    r("open la O_CREAT|O_EXCL", open("la", O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open("la", O_WRONLY | O_APPEND);
    r("write through la", write(fd, "via link\n", 9));
    close(fd);
    readall("read a via la", "a");
    /* a chain of 40 symlinks resolves, 41 do not */
    symlink("a", "chain0");
    for (int i = 1; i <= 40; i++) {
        char from[16], to[16];
        snprintf(from, sizeof from, "chain%d", i - 1);
        snprintf(to, sizeof to, "chain%d", i);
        symlink(from, to);
    }
    st("stat chain39 (40 links)", "chain39", 1);
    st("stat chain40 (41 links)", "chain40", 1);

    /* names */
    memset(buf, 'n', 256);
    buf[256] = 0;
    r("open 256-byte name", open(buf, O_RDONLY));
    buf[255] = 0;
    r("creat 255-byte name", (fd = creat(buf, 0644)) >= 0 ? 0 : -1);
    close(fd);
    r("unlink 255-byte name", unlink(buf));
    char *longpath = malloc(PATH_MAX + 10);
    memset(longpath, 'p', PATH_MAX + 5);
    for (int i = 100; i < PATH_MAX + 5; i += 100) longpath[i] = '/';
    longpath[PATH_MAX + 5] = 0;
    r("open path of PATH_MAX+5", open(longpath, O_RDONLY));
    r("open empty path", open("", O_RDONLY));
    r("open bad pointer", syscall(SYS_open, (char *) 1, O_RDONLY));

    /* links, renames, unlink */
    r("link a b", link("a", "b"));
    st("stat a (2 links)", "a", 1);
    r("link a b again", link("a", "b"));
    r("link sub x (dir)", link("sub", "x"));
    r("link missing x", link("missing", "x"));
    r("rename b c (replace)", rename("b", "c"));
    st("stat c", "c", 1);
    r("rename c a (same file)", rename("c", "a"));
    r("renameat2 NOREPLACE", syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "a", 1));
    r("rename d e", rename("d", "e"));
    r("rename missing f", rename("missing", "f"));
    r("rename sub a (dir over file)", rename("sub", "a"));
    r("rename a sub (file over dir)", rename("a", "sub"));
    r("rename sub sub/inner/x (into itself)", rename("sub", "sub/inner/x"));
    r("mkdir empty", mkdir("empty", 0755));
    r("rename sub empty (dir over empty dir)", rename("sub", "empty"));
    st("stat empty/inner", "empty/inner", 1);
    r("mkdir full", mkdir("full", 0755));
    r("mkdir full/x", mkdir("full/x", 0755));
    r("rename empty full (not empty)", rename("empty", "full"));
    r("unlink c", unlink("c"));
    st("stat a (1 link)", "a", 1);
    r("unlink a/ (trailing slash)", unlink("a/"));
    r("unlinkat AT_REMOVEDIR full/x", unlinkat(AT_FDCWD, "full/x", AT_REMOVEDIR));
    r("unlinkat bad flag", unlinkat(AT_FDCWD, "full", 1));
    list("list . after", ".");

    /* unlinked while open */
    fd = open("e", O_RDWR);
    r("unlink e (open)", unlink("e"));
    r("write to unlinked", write(fd, "still here", 10));
    r("pread unlinked", pread(fd, buf, 10, 0));
    struct stat s;
    fstat(fd, &s);
    printf("fstat unlinked: nlink %ld size %lld\n", (long) s.st_nlink, (long long) s.st_size);
    close(fd);
    st("stat e", "e", 1);

    /* *at calls, fchdir */
    int dfd = open("empty", O_RDONLY | O_DIRECTORY);
    r("openat dfd", (fd = openat(dfd, "new", O_WRONLY | O_CREAT, 0640)) >= 0 ? 0 : -1);
    close(fd);
    struct stat s2;
    r("fstatat dfd new", fstatat(dfd, "new", &s2, 0));
    printf("fstatat mode: %o\n", s2.st_mode & 07777);
    r("mkdirat dfd d2", mkdirat(dfd, "d2", 0755));
    r("symlinkat", symlinkat("new", dfd, "ln"));
    n = readlinkat(dfd, "ln", buf, sizeof buf);
    printf("readlinkat: %zd %.*s\n", n, (int) (n > 0 ? n : 0), buf);
    r("linkat", linkat(dfd, "new", dfd, "new2", 0));
    r("renameat", renameat(dfd, "new2", AT_FDCWD, "moved"));
    r("unlinkat dfd ln", unlinkat(dfd, "ln", 0));
    r("faccessat dfd new R_OK", faccessat(dfd, "new", R_OK, 0));
    r("faccessat dfd new X_OK", faccessat(dfd, "new", X_OK, 0));
    r("fstatat AT_EMPTY_PATH", fstatat(dfd, "", &s2, AT_EMPTY_PATH));
    printf("AT_EMPTY_PATH is a dir: %s\n", S_ISDIR(s2.st_mode) ? "yes" : "no");
    r("fstatat empty path", fstatat(dfd, "", &s2, 0));
    int afd = open("moved", O_RDONLY);
    r("openat relative to a file", openat(afd, "x", O_RDONLY));
    r("openat bad dirfd", openat(999, "x", O_RDONLY));
    r("openat bad dirfd absolute", openat(999, "/", O_RDONLY) >= 0 ? 0 : -1);
    close(afd);
    r("fchdir dfd", fchdir(dfd));
    st("stat new (after fchdir)", "new", 1);
    r("chdir ..", chdir(".."));
    close(dfd);
    r("chdir a file", chdir("moved"));
    r("chdir missing", chdir("missing"));

    /* attributes */
    r("chmod moved 0751", chmod("moved", 0751));
    st("stat moved", "moved", 1);
    r("access moved X_OK", access("moved", X_OK));
    r("chmod moved 0644", chmod("moved", 0644));
    r("access moved X_OK (no x)", access("moved", X_OK));
    r("access moved W_OK", access("moved", W_OK));
    r("access missing", access("missing", F_OK));
    fd = open("moved", O_RDONLY);
    r("fchmod 04755", fchmod(fd, 04755));
    close(fd);
    st("stat moved (04755)", "moved", 1);
    r("chown moved 0 0", chown("moved", 0, 0));
    st("stat moved after chown", "moved", 1);
    r("fchmod 02755 again", chmod("moved", 06755));
    r("truncate moved 4", truncate("moved", 4));
    st("stat moved after truncate", "moved", 1);
    r("lchown la", lchown("la", 0, 0));
    struct timespec times[2] = {{1000000000, 5}, {1234567890, 123456789}};
    r("utimensat", utimensat(AT_FDCWD, "moved", times, 0));
    stat("moved", &s);
    printf("times: atime %ld.%09ld mtime %ld.%09ld\n", (long) s.st_atim.tv_sec, s.st_atim.tv_nsec,
           (long) s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {42, 0}};
    r("utimensat UTIME_OMIT", utimensat(AT_FDCWD, "moved", omit, 0));
    stat("moved", &s);
    printf("times: atime %ld mtime %ld\n", (long) s.st_atim.tv_sec, (long) s.st_mtim.tv_sec);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    r("utimensat bad nsec", utimensat(AT_FDCWD, "moved", bad, 0));
    r("utimensat missing", utimensat(AT_FDCWD, "missing", NULL, 0));
    r("truncate moved 3", truncate("moved", 3));
    st("stat moved (3)", "moved", 1);
    r("truncate empty (dir)", truncate("empty", 0));

    /* devices */
    readall("read /dev/null", "/dev/null");
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 8);
    r("read /dev/zero", read(fd, buf, 8));
    printf("zeros: %s\n", !buf[0] && !buf[7] ? "yes" : "no");
    close(fd);
    fd = open("/dev/null", O_WRONLY);
    r("write /dev/null", write(fd, "gone", 4));
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    r("read /dev/urandom", read(fd, buf, 16));
    close(fd);
    st("stat /dev/null", "/dev/null", 1);
    r("readlink /proc/self/exe ok", readlink("/proc/self/exe", buf, sizeof buf) > 0 ? 0 : -1);

    /* the tree at the end, and cleaning it up */
    list("list . at the end", ".");
    r("unlink moved", unlink("moved"));

    /* a removed directory: its ".." still leads to its (removed) parent; it takes no new names */
    int home = open(".", O_RDONLY | O_DIRECTORY);
    r("mkdir p/c", mkdir("p", 0755) | mkdir("p/c", 0755));
    int cfd = open("p/c", O_RDONLY | O_DIRECTORY);
    r("chdir p/c", chdir("p/c"));
    r("rmdir ../c (the working directory)", rmdir("../c"));
    r("rmdir ../../p (its parent)", rmdir("../../p"));
    r("stat .. of a removed directory", stat("..", &s));
    printf("nlink of a removed directory: %ld\n", (long) s.st_nlink);
    fd = openat(cfd, "..", O_RDONLY);
    r("openat removed/..", fd >= 0 ? 0 : -1);
    close(fd);
    r("getcwd of a removed directory", getcwd(buf, sizeof buf) ? 0 : -1);
    r("creat in a removed directory", creat("x", 0644));
    r("mkdir in a removed directory", mkdir("y", 0755));
    r("symlink in a removed directory", symlink("t", "z"));
    list("list a removed directory", ".");
    r("fchdir back", fchdir(home));
    close(cfd);
    close(home);
    r("chdir ..", chdir(".."));
    return 0;
}
