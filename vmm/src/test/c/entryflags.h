// Shared by single_step.c and syscall_nt.c: RFLAGS access, and the ways into the kernel a
// program can take (SYSCALL inline, INT 0x80, the vDSO's __kernel_vsyscall gate).
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#define X86_EFLAGS_FIXED 0x2UL
#define X86_EFLAGS_TF 0x100UL
#define X86_EFLAGS_IF 0x200UL
#define X86_EFLAGS_NT 0x4000UL
#define X86_EFLAGS_AC 0x40000UL

static inline unsigned long get_eflags(void) {
    unsigned long flags;
    __asm__ volatile("pushf\n pop %0" : "=r"(flags));
    return flags;
}

static inline void set_eflags(unsigned long flags) {
    __asm__ volatile("push %0\n popf" :: "r"(flags) : "cc", "memory");
}

// getpid by SYSCALL, leaving RFLAGS as they are
static inline long getpid_syscall(void) {
    long ret = 39;
    __asm__ volatile("syscall" : "+a"(ret) :: "rcx", "r11", "memory");
    return ret;
}

// jvmm's INT 0x80 takes the x86-64 numbers (on Linux it is the i386 ABI: jvmm only)
static inline long getpid_int80(void) {
    long ret = 39;
    __asm__ volatile("int $0x80" : "+a"(ret) :: "rcx", "r11", "memory");
    return ret;
}

// __kernel_vsyscall from the vDSO's dynamic symbols (jvmm's vDSO exports it; Linux's 64-bit
// vDSO does not), or 0
static uintptr_t vdso_symbol(const char *name) {
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    if (base == 0) {
        return 0;
    }
    const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *) base;
    const Elf64_Shdr *sections = (const Elf64_Shdr *) (base + ehdr->e_shoff);
    for (int i = 0; i < ehdr->e_shnum; i++) {
        if (sections[i].sh_type != SHT_DYNSYM) {
            continue;
        }
        const Elf64_Sym *symbols = (const Elf64_Sym *) (base + sections[i].sh_offset);
        const char *names = (const char *) (base + sections[sections[i].sh_link].sh_offset);
        for (size_t s = 0; s < sections[i].sh_size / sizeof(Elf64_Sym); s++) {
            if (strcmp(names + symbols[s].st_name, name) == 0) {
                return base + symbols[s].st_value;
            }
        }
    }
    return 0;
}

// getpid through the vDSO gate, below the red zone the compiler may be using
static inline long getpid_gate(uintptr_t gate) {
    long ret = 39;
    __asm__ volatile("sub $128, %%rsp\n call *%1\n add $128, %%rsp" : "+a"(ret) : "r"(gate) : "rcx", "r11", "memory");
    return ret;
}
