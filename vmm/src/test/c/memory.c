/* Memory: what a program sees of the address space. One mode per run (argv[1]):
 *   churn      2,000 x malloc(1 MiB) + touch + free (musl's free is an munmap)
 *   big        malloc(100 MB) + memset + a check of every page, realloc (mremap) down and up
 *   reuse      96 MiB of 2 MiB pages freed, then used again as 4 KiB pages, three times
 *   reserve    PROT_NONE reservations of 1 GiB and 64 GiB, then part of one made usable
 *   huge       mmap(2^46) writable: ENOMEM, and nothing kept (a large allocation follows)
 *   semantics  munmap, mprotect, mremap, madvise, mincore, msync, brk: results and errnos, one
 *              line each, independent of addresses (the same lines as on the host's Linux)
 *   hostile    bad lengths, wrapping and unaligned ranges, the kernel's addresses (idem)
 *   special    vvar and vDSO: what mprotect, munmap, mremap, MAP_FIXED and madvise get
 *   oom        touch more MAP_NORESERVE memory than the machine has: killed by SIGKILL
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MiB (1UL << 20)
#define KERNEL 0xffffffff80000000UL

/* Raw system calls: the kernel's result, -errno included, without libc in between. */
static long sys(long nr, long a, long b, long c, long d, long e) {
    long r = syscall(nr, a, b, c, d, e, 0);
    return r == -1 ? -errno : r;
}

static const char *name(long r) {
    static char buffer[32];
    switch (r) {
    case 0: return "0";
    case -EPERM: return "-EPERM";
    case -EFAULT: return "-EFAULT";
    case -EINVAL: return "-EINVAL";
    case -ENOMEM: return "-ENOMEM";
    case -EACCES: return "-EACCES";
    case -EEXIST: return "-EEXIST";
    case -EBADF: return "-EBADF";
    case -EOPNOTSUPP: return "-EOPNOTSUPP";
    }
    snprintf(buffer, sizeof buffer, r > 0 ? "address" : "%ld", r);
    return buffer;
}

static void result(const char *what, long r) {
    printf("%s: %s\n", what, name(r));
}

static char *map(size_t length, int prot) {
    return (char *) sys(SYS_mmap, 0, length, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

static int reads_zero(const char *p, size_t length) {
    for (size_t i = 0; i < length; i += PAGE) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static int churn(void) {
    for (int i = 0; i < 2000; i++) {
        char *p = malloc(MiB);
        if (p == NULL) {
            printf("churn: malloc failed at iteration %d\n", i);
            return 1;
        }
        for (size_t j = 0; j < MiB; j += PAGE) {
            if (p[j] != 0 && i == 0) {
                printf("churn: not zero\n");
                return 1;
            }
            p[j] = (char) i;
        }
        free(p);
    }
    printf("churn: 2000 x 1 MiB ok\n");
    return 0;
}

/* Frames of one size reused as the other: 2 MiB pages freed, then 4 KiB pages from them. */
static int reuse(void) {
    for (int round = 0; round < 3; round++) {
        size_t length = 96 * MiB;
        char *p = map(length, PROT_READ | PROT_WRITE);
        if ((long) p < 0) {
            printf("reuse: mmap failed in round %d\n", round);
            return 1;
        }
        memset(p, round + 1, length);
        sys(SYS_munmap, (long) p, length, 0, 0, 0);
        static char *smalls[1500];
        for (int i = 0; i < 1500; i++) {
            char *small = smalls[i] = map(64 * 1024, PROT_READ | PROT_WRITE);
            if ((long) small < 0 || !reads_zero(small, 64 * 1024)) {
                printf("reuse: small mapping %d in round %d: %s\n", i, round, (long) small < 0 ? "failed" : "not zero");
                return 1;
            }
            memset(small, 7, 64 * 1024);
        }
        for (int i = 0; i < 1500; i++) {
            sys(SYS_munmap, (long) smalls[i], 64 * 1024, 0, 0, 0);
        }
    }
    printf("reuse: 3 x (96 MiB of large pages, then 1500 x 64 KiB) ok\n");
    return 0;
}

static int big(void) {
    size_t length = 100 * 1000 * 1000;
    char *p = malloc(length);
    if (p == NULL) {
        printf("big: malloc failed\n");
        return 1;
    }
    memset(p, 0x5a, length);
    for (size_t i = 0; i < length; i += PAGE) {
        if (p[i] != 0x5a) {
            printf("big: byte %zu lost\n", i);
            return 1;
        }
    }
    char *q = realloc(p, length / 2);
    char *r = realloc(q, length - length / 10);
    if (q == NULL || r == NULL || r[0] != 0x5a || r[length / 2 - 1] != 0x5a) {
        printf("big: realloc lost the bytes\n");
        return 1;
    }
    free(r);
    printf("big: 100 MB ok\n");
    return 0;
}

static int reserve(void) {
    char *gib = map(1UL << 30, PROT_NONE);
    char *huge = map(64UL << 30, PROT_NONE);
    result("reserve 1 GiB PROT_NONE", (long) gib < 0 ? (long) gib : 0);
    result("reserve 64 GiB PROT_NONE", (long) huge < 0 ? (long) huge : 0);
    result("mprotect 8 MiB of it read-write", sys(SYS_mprotect, (long) (huge + (32UL << 30)), 8 * MiB, PROT_READ | PROT_WRITE, 0, 0));
    memset(huge + (32UL << 30), 1, 8 * MiB);
    result("mprotect all 64 GiB read-write (more than RAM)", sys(SYS_mprotect, (long) huge, 64UL << 30, PROT_READ | PROT_WRITE, 0, 0));
    result("munmap 64 GiB", sys(SYS_munmap, (long) huge, 64UL << 30, 0, 0, 0));
    result("munmap 1 GiB", sys(SYS_munmap, (long) gib, 1UL << 30, 0, 0, 0));
    return 0;
}

static int huge(void) {
    result("mmap 2^46 read-write", (long) map(1UL << 46, PROT_READ | PROT_WRITE));
    result("mmap 2^46 read-only", (long) map(1UL << 46, PROT_READ) < 0 ? -1 : 0);
    size_t length = 64 * MiB;
    char *p = map(length, PROT_READ | PROT_WRITE);
    result("then mmap 64 MiB read-write", (long) p < 0 ? (long) p : 0);
    if ((long) p > 0) {
        memset(p, 1, length);
        printf("and touch it: ok\n");
    }
    return 0;
}

static void semantics(void) {
    char *p = map(16 * PAGE, PROT_READ | PROT_WRITE);
    unsigned char vec[16];
    memset(p, 1, 16 * PAGE);
    result("munmap of the middle", sys(SYS_munmap, (long) (p + 4 * PAGE), 4 * PAGE, 0, 0, 0));
    result("mincore over the hole", sys(SYS_mincore, (long) p, 16 * PAGE, (long) vec, 0, 0));
    result("mincore of the first part", sys(SYS_mincore, (long) p, 4 * PAGE, (long) vec, 0, 0));
    printf("resident: %d %d %d %d\n", vec[0], vec[1], vec[2], vec[3]);
    result("mprotect over the hole", sys(SYS_mprotect, (long) p, 16 * PAGE, PROT_READ, 0, 0));
    result("mprotect of the last part read-only", sys(SYS_mprotect, (long) (p + 8 * PAGE), 8 * PAGE, PROT_READ, 0, 0));
    printf("read after mprotect: %d\n", p[8 * PAGE]);
    result("mprotect with PROT_SEM", sys(SYS_mprotect, (long) p, PAGE, PROT_READ | PROT_WRITE | 0x8, 0, 0));
    result("mprotect with a bad bit", sys(SYS_mprotect, (long) p, PAGE, 0x10, 0, 0));
    result("mprotect of length 0, unaligned", sys(SYS_mprotect, (long) p + 1, 0, PROT_READ, 0, 0));
    result("mprotect of length 0", sys(SYS_mprotect, (long) p, 0, PROT_READ, 0, 0));
    result("madvise DONTNEED", sys(SYS_madvise, (long) p, 4 * PAGE, MADV_DONTNEED, 0, 0));
    printf("reads zero after DONTNEED: %d\n", reads_zero(p, 4 * PAGE));
    result("mincore after DONTNEED", sys(SYS_mincore, (long) p, 4 * PAGE, (long) vec, 0, 0));
    printf("resident: %d %d %d %d\n", vec[0], vec[1], vec[2], vec[3]);
    p[0] = 7;
    result("madvise FREE", sys(SYS_madvise, (long) p, 4 * PAGE, MADV_FREE, 0, 0));
    result("madvise over the hole", sys(SYS_madvise, (long) p, 16 * PAGE, MADV_DONTNEED, 0, 0));
    for (int advice = 0; advice <= 26; advice++) {
        char what[40];
        snprintf(what, sizeof what, "madvise advice %d", advice);
        result(what, sys(SYS_madvise, (long) p, PAGE, advice, 0, 0));
    }
    result("madvise unaligned", sys(SYS_madvise, (long) p + 1, PAGE, MADV_DONTNEED, 0, 0));
    result("madvise of length 0", sys(SYS_madvise, (long) p, 0, MADV_DONTNEED, 0, 0));
    result("msync", sys(SYS_msync, (long) p, 4 * PAGE, MS_SYNC, 0, 0));
    result("msync over the hole", sys(SYS_msync, (long) p, 16 * PAGE, MS_ASYNC, 0, 0));
    result("msync ASYNC|SYNC", sys(SYS_msync, (long) p, PAGE, MS_ASYNC | MS_SYNC, 0, 0));
    result("msync bad flags", sys(SYS_msync, (long) p, PAGE, 8, 0, 0));
    result("msync unaligned", sys(SYS_msync, (long) p + 1, PAGE, MS_SYNC, 0, 0));

    /* mremap: shrink, grow in place, move, fixed. */
    char *q = map(8 * PAGE, PROT_READ | PROT_WRITE);
    for (int i = 0; i < 8; i++) {
        q[i * PAGE] = (char) (i + 1);
    }
    sys(SYS_munmap, (long) (q + 8 * PAGE), 8 * PAGE, 0, 0, 0);
    result("mremap shrink", sys(SYS_mremap, (long) q, 8 * PAGE, 4 * PAGE, 0, 0) == (long) q ? 0 : -1);
    result("mremap grow in place", sys(SYS_mremap, (long) q, 4 * PAGE, 8 * PAGE, 0, 0) == (long) q ? 0 : -1);
    printf("kept: %d %d, new: %d\n", q[0], q[3 * PAGE], q[5 * PAGE]);
    char *blocker = (char *) sys(SYS_mmap, (long) (q + 8 * PAGE), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1);
    result("a page right after", blocker == q + 8 * PAGE ? 0 : (long) blocker);
    result("mremap grow without MAYMOVE", sys(SYS_mremap, (long) q, 8 * PAGE, 16 * PAGE, 0, 0));
    char *moved = (char *) sys(SYS_mremap, (long) q, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE, 0);
    result("mremap grow MAYMOVE", (long) moved < 0 ? (long) moved : 0);
    printf("moved: %d %d %d, new: %d\n", moved[0], moved[1 * PAGE], moved[3 * PAGE], moved[12 * PAGE]);
    result("old place unmapped", sys(SYS_mincore, (long) q, PAGE, (long) vec, 0, 0));
    char *target = map(4 * PAGE, PROT_NONE);
    char *fixed = (char *) sys(SYS_mremap, (long) moved, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (long) target);
    result("mremap FIXED onto a reservation", fixed == target ? 0 : (long) fixed);
    printf("fixed: %d %d\n", target[0], target[3 * PAGE]);
    result("mremap FIXED without MAYMOVE", sys(SYS_mremap, (long) target, PAGE, PAGE, MREMAP_FIXED, (long) q));
    result("mremap FIXED overlapping", sys(SYS_mremap, (long) target, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (long) target + PAGE));
    result("mremap bad flags", sys(SYS_mremap, (long) target, PAGE, PAGE, 8, 0));
    result("mremap unaligned", sys(SYS_mremap, (long) target + 1, PAGE, PAGE, 0, 0));
    result("mremap to length 0", sys(SYS_mremap, (long) target, PAGE, 0, 0, 0));
    result("mremap of an unmapped range", sys(SYS_mremap, (long) q, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0));
    char *ending = map(8 * PAGE, PROT_READ | PROT_WRITE);
    sys(SYS_munmap, (long) (ending + 4 * PAGE), 4 * PAGE, 0, 0, 0);
    result("mremap growing across the end of a mapping", sys(SYS_mremap, (long) ending, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE, 0));
    char *dontunmap = (char *) sys(SYS_mremap, (long) target, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
    result("mremap DONTUNMAP", (long) dontunmap < 0 ? (long) dontunmap : 0);
    printf("after DONTUNMAP: new %d %d, old %d\n", dontunmap[0], dontunmap[3 * PAGE], target[0]);

    /* Large pages: moved by less than their size, split by mprotect and munmap. */
    char *large = map(8 * MiB, PROT_READ | PROT_WRITE);
    memset(large, 9, 8 * MiB);
    char *room = map(12 * MiB, PROT_NONE);
    char *shifted = (char *) sys(SYS_mremap, (long) large, 8 * MiB, 8 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, (long) room + (long) PAGE);
    result("mremap of large pages by one page", shifted == room + PAGE ? 0 : (long) shifted);
    printf("moved bytes: %d %d %d\n", shifted[0], shifted[4 * MiB + 5], shifted[8 * MiB - 1]);
    result("mprotect one page inside them", sys(SYS_mprotect, (long) (shifted + 3 * MiB), PAGE, PROT_READ, 0, 0));
    result("munmap one page inside them", sys(SYS_munmap, (long) (shifted + 5 * MiB), PAGE, 0, 0, 0));
    result("mincore there", sys(SYS_mincore, (long) (shifted + 5 * MiB), PAGE, (long) vec, 0, 0));
    printf("neighbours kept: %d %d %d\n", shifted[3 * MiB], shifted[5 * MiB - 1], shifted[5 * MiB + PAGE]);
    result("munmap all", sys(SYS_munmap, (long) room, 12 * MiB, 0, 0, 0));

    /* mmap itself */
    result("mmap length 0", sys(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1));
    result("mmap without a type", sys(SYS_mmap, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1));
    long r = syscall(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1);
    result("mmap unaligned offset", r == -1 ? -errno : r);
    result("mmap FIXED unaligned", sys(SYS_mmap, (long) p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
    result("mmap FIXED_NOREPLACE over a mapping", sys(SYS_mmap, (long) p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1));
    char *over = (char *) sys(SYS_mmap, (long) (p + 8 * PAGE), 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1);
    result("mmap FIXED over a mapping", over == p + 8 * PAGE ? 0 : (long) over);
    printf("replaced reads zero: %d, neighbour kept: %d\n", reads_zero(over, 2 * PAGE), p[10 * PAGE]);
    result("mmap a file descriptor that is not open", sys(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, 77));

    /* brk */
    long start = sys(SYS_brk, 0, 0, 0, 0, 0);
    long grown = sys(SYS_brk, start + 3 * (long) PAGE + 10, 0, 0, 0, 0);
    printf("brk grows: %d\n", grown == start + 3 * (long) PAGE + 10);
    memset((char *) start, 3, 3 * PAGE + 10);
    long shrunk = sys(SYS_brk, start + (long) PAGE, 0, 0, 0, 0);
    printf("brk shrinks: %d\n", shrunk == start + (long) PAGE);
    result("mincore beyond the break", sys(SYS_mincore, start + 2 * (long) PAGE, PAGE, (long) vec, 0, 0));
    long regrown = sys(SYS_brk, start + 3 * (long) PAGE, 0, 0, 0, 0);
    printf("brk regrows zeroed: %d\n", regrown == start + 3 * (long) PAGE && reads_zero((char *) start + 2 * PAGE, PAGE));
    long now = sys(SYS_brk, 0, 0, 0, 0, 0);
    printf("brk far away stays: %d\n", sys(SYS_brk, now + (1L << 44), 0, 0, 0, 0) == now);
    printf("brk to 1 stays: %d\n", sys(SYS_brk, 1, 0, 0, 0, 0) == now);
}

static void hostile(void) {
    char *p = map(4 * PAGE, PROT_READ | PROT_WRITE);
    result("munmap unaligned", sys(SYS_munmap, (long) p + 1, PAGE, 0, 0, 0));
    result("munmap length 0", sys(SYS_munmap, (long) p, 0, 0, 0, 0));
    result("munmap length -1", sys(SYS_munmap, (long) p, -1, 0, 0, 0));
    result("munmap wrapping", sys(SYS_munmap, (long) p, -(long) p, 0, 0, 0));
    result("munmap of the kernel", sys(SYS_munmap, KERNEL, PAGE, 0, 0, 0));
    result("munmap up to the kernel", sys(SYS_munmap, 0x7ffffffff000L, 2 * PAGE, 0, 0, 0));
    result("munmap of nothing", sys(SYS_munmap, 0x100000000L, PAGE, 0, 0, 0));
    result("mprotect wrapping", sys(SYS_mprotect, (long) p, -(long) p, PROT_READ, 0, 0));
    result("mprotect length -1", sys(SYS_mprotect, (long) p, -1, PROT_READ, 0, 0));
    result("mprotect of the kernel", sys(SYS_mprotect, KERNEL, PAGE, PROT_READ, 0, 0));
    result("mprotect unaligned", sys(SYS_mprotect, (long) p + 8, PAGE, PROT_READ, 0, 0));
    result("mmap over the kernel", sys(SYS_mmap, KERNEL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
    result("mmap hint in the kernel", sys(SYS_mmap, KERNEL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1) > 0 ? 0 : -1);
    result("mmap length -1", sys(SYS_mmap, 0, -1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1));
    result("mmap FIXED wrapping", sys(SYS_mmap, 0x7fffffff0000L, 0x20000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
    result("mremap of the kernel", sys(SYS_mremap, KERNEL, PAGE, PAGE, 0, 0));
    result("mremap FIXED into the kernel", sys(SYS_mremap, (long) p, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, KERNEL));
    result("mremap to length -1", sys(SYS_mremap, (long) p, PAGE, -1, MREMAP_MAYMOVE, 0));
    result("madvise of the kernel", sys(SYS_madvise, KERNEL, PAGE, MADV_DONTNEED, 0, 0));
    result("madvise wrapping", sys(SYS_madvise, (long) p, -(long) p, MADV_DONTNEED, 0, 0));
    result("madvise length -1", sys(SYS_madvise, (long) p, -1, MADV_DONTNEED, 0, 0));
    result("madvise bad advice", sys(SYS_madvise, (long) p, PAGE, 1000, 0, 0));
    result("mincore of the kernel", sys(SYS_mincore, KERNEL, PAGE, (long) p, 0, 0));
    result("mincore into the kernel", sys(SYS_mincore, (long) p, PAGE, KERNEL, 0, 0));
    result("mincore into read-only memory", sys(SYS_mincore, (long) p, PAGE, (long) map(PAGE, PROT_READ), 0, 0));
    result("mincore unaligned", sys(SYS_mincore, (long) p + 1, PAGE, (long) p, 0, 0));
    result("msync of the kernel", sys(SYS_msync, KERNEL, PAGE, MS_SYNC, 0, 0));
    result("write from a PROT_NONE page", sys(SYS_write, 1, (long) map(PAGE, PROT_NONE), 1, 0, 0));
    char *untouched = map(64 * PAGE, PROT_READ | PROT_WRITE);
    result("uname into untouched memory", sys(SYS_uname, (long) (untouched + 60 * PAGE), 0, 0, 0, 0));
    printf("the kernel survived\n");
}

/* vvar is the page below the vDSO on jvmm and on Linux (Linux has more vvar pages below). */
static void special(void) {
    long vdso = (long) getauxval(AT_SYSINFO_EHDR);
    long vvar = vdso - (long) PAGE;
    result("mprotect vvar read-write", sys(SYS_mprotect, vvar, PAGE, PROT_READ | PROT_WRITE, 0, 0));
    result("mprotect vvar read-exec", sys(SYS_mprotect, vvar, PAGE, PROT_READ | PROT_EXEC, 0, 0));
    result("mprotect vvar none", sys(SYS_mprotect, vvar, PAGE, PROT_NONE, 0, 0));
    result("mprotect vvar read", sys(SYS_mprotect, vvar, PAGE, PROT_READ, 0, 0));
    result("mprotect vdso read-write", sys(SYS_mprotect, vdso, PAGE, PROT_READ | PROT_WRITE, 0, 0));
    result("mprotect vdso read-exec", sys(SYS_mprotect, vdso, PAGE, PROT_READ | PROT_EXEC, 0, 0));
    result("munmap vdso", sys(SYS_munmap, vdso, PAGE, 0, 0, 0));
    result("munmap vvar", sys(SYS_munmap, vvar, PAGE, 0, 0, 0));
    result("mmap FIXED over vvar", sys(SYS_mmap, vvar, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
    result("mmap FIXED over vdso", sys(SYS_mmap, vdso, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1));
    result("mremap vvar larger", sys(SYS_mremap, vvar, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0));
    result("mremap vdso larger", sys(SYS_mremap, vdso, PAGE, 1 << 20, MREMAP_MAYMOVE, 0));
    result("mremap vvar elsewhere", sys(SYS_mremap, vvar, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x100000000L));
    result("madvise vvar DONTNEED", sys(SYS_madvise, vvar, PAGE, MADV_DONTNEED, 0, 0));
    result("madvise vdso DONTNEED", sys(SYS_madvise, vdso, PAGE, MADV_DONTNEED, 0, 0));
    result("madvise vdso FREE", sys(SYS_madvise, vdso, PAGE, MADV_FREE, 0, 0));
    result("msync vvar", sys(SYS_msync, vvar, PAGE, MS_SYNC, 0, 0));
    struct timespec t;
    result("clock_gettime after all that", clock_gettime(CLOCK_MONOTONIC, &t) == 0 && t.tv_sec >= 0 ? 0 : -1);
}

static int oom(void) {
    size_t length = 1UL << 30;
    char *p = (char *) sys(SYS_mmap, 0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    result("mmap 1 GiB MAP_NORESERVE", (long) p < 0 ? (long) p : 0);
    fflush(stdout);
    for (size_t i = 0; i < length; i += PAGE) {
        p[i] = 1;
    }
    printf("touched 1 GiB: not killed\n");
    return 1;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "churn") == 0) return churn();
    if (strcmp(mode, "big") == 0) return big();
    if (strcmp(mode, "reuse") == 0) return reuse();
    if (strcmp(mode, "reserve") == 0) return reserve();
    if (strcmp(mode, "huge") == 0) return huge();
    if (strcmp(mode, "oom") == 0) return oom();
    if (strcmp(mode, "semantics") == 0) { semantics(); return 0; }
    if (strcmp(mode, "hostile") == 0) { hostile(); return 0; }
    if (strcmp(mode, "special") == 0) { special(); return 0; }
    printf("usage: memory churn|big|reserve|huge|semantics|hostile|special|oom\n");
    return 2;
}
