/*
 * refvmm: the C reference VMM for jvmm's exit-path benchmark. It does what jvmm does for a PVH
 * image and nothing more: one VM, one vCPU, RAM at 0, the PT_LOAD segments, an hvm_start_info
 * with the command line, the 32-bit PVH entry state, and a KVM_RUN loop that answers port I/O
 * (port 0x501 ends the run). It is the floor for any VMM's exit cost on this host.
 *
 *   refvmm IMAGE [CMDLINE]
 *
 * Prints "refvmm: <exits> exits in <seconds> s, <rate> exits/s, status <n>" for the run loop
 * alone, and exits with the status the guest wrote.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE (128UL << 20)
#define START_INFO 0x1040UL
#define CMDLINE 0x2000UL
#define EXIT_PORT 0x501

static void die(const char *what) {
    fprintf(stderr, "refvmm: %s: %s\n", what, strerror(errno));
    exit(125);
}

static void fail(const char *what) {
    fprintf(stderr, "refvmm: %s\n", what);
    exit(125);
}

/* Loads the PT_LOAD segments at their physical addresses; returns the PVH entry point. */
static uint64_t load_pvh_elf(const char *path, uint8_t *ram) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat");
    uint8_t *file = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (file == MAP_FAILED)
        die("mmap image");
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *) file;
    if ((size_t) st.st_size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64)
        fail("not an ELF64 image");
    uint64_t entry = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *) (file + eh->e_phoff + (size_t) i * eh->e_phentsize);
        if (ph->p_type == PT_LOAD) {
            if (ph->p_paddr + ph->p_memsz > RAM_SIZE || ph->p_offset + ph->p_filesz > (uint64_t) st.st_size)
                fail("a segment does not fit");
            memcpy(ram + ph->p_paddr, file + ph->p_offset, ph->p_filesz);
        } else if (ph->p_type == PT_NOTE) {
            const uint8_t *note = file + ph->p_offset, *end = note + ph->p_filesz;
            while (note + 12 <= end) {
                const Elf64_Nhdr *nh = (const Elf64_Nhdr *) note;
                const uint8_t *desc = note + 12 + ((nh->n_namesz + 3) & ~3u);
                if (nh->n_type == 18 /* XEN_ELFNOTE_PHYS32_ENTRY */ && nh->n_namesz == 4 && !memcmp(note + 12, "Xen", 4))
                    entry = nh->n_descsz == 8 ? *(const uint64_t *) desc : *(const uint32_t *) desc;
                note = desc + ((nh->n_descsz + 3) & ~3u);
            }
        }
    }
    if (!entry)
        fail("no PVH entry note");
    munmap(file, st.st_size);
    close(fd);
    return entry;
}

static void flat_segment(struct kvm_segment *s, uint16_t selector, uint8_t type) {
    memset(s, 0, sizeof *s);
    s->limit = 0xffffffff;
    s->selector = selector;
    s->type = type;
    s->present = 1;
    s->db = 1;
    s->s = 1;
    s->g = 1;
}

int main(int argc, char **argv) {
    if (argc < 2)
        fail("usage: refvmm IMAGE [CMDLINE]");
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        die("KVM_CREATE_VM");
    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap RAM");
    struct kvm_userspace_memory_region region = {.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
                                                 .userspace_addr = (uint64_t) ram};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        die("KVM_SET_USER_MEMORY_REGION");
    uint64_t entry = load_pvh_elf(argv[1], ram);

    const char *cmdline = argc > 2 ? argv[2] : "";
    strncpy((char *) ram + CMDLINE, cmdline, 4095);
    uint32_t *start_info = (uint32_t *) (ram + START_INFO);
    start_info[0] = 0x336ec578;                     /* magic */
    start_info[1] = 1;                              /* version */
    *(uint64_t *) (ram + START_INFO + 24) = CMDLINE;

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0)
        die("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("mmap kvm_run");

    struct { struct kvm_cpuid2 header; struct kvm_cpuid_entry2 entries[256]; } cpuid = {.header.nent = 256};
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0 || ioctl(vcpu, KVM_SET_CPUID2, &cpuid) < 0)
        die("CPUID");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        die("KVM_GET_SREGS");
    flat_segment(&sregs.cs, 0x08, 0xb);
    flat_segment(&sregs.ds, 0x10, 0x3);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    sregs.cr0 = 0x11;
    sregs.cr4 = 0;
    sregs.efer = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        die("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = entry, .rbx = START_INFO, .rflags = 2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        die("KVM_SET_REGS");

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    uint64_t exits = 0;
    int status = -1;
    while (status < 0) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            die("KVM_RUN");
        }
        exits++;
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == EXIT_PORT)
                status = *((uint8_t *) run + run->io.data_offset);
            else if (run->io.direction == KVM_EXIT_IO_IN)
                memset((uint8_t *) run + run->io.data_offset, 0xff, run->io.size * run->io.count);
            break;
        case KVM_EXIT_MMIO:
            break;
        default:
            fprintf(stderr, "refvmm: unexpected exit reason %u\n", run->exit_reason);
            return 126;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("refvmm: %llu exits in %.6f s, %.0f exits/s, status %d\n", (unsigned long long) exits, seconds,
           exits / seconds, status);
    return status;
}
