package dev.jvmm.vmm;

import dev.jvmm.kvm.kvm_dtable;
import dev.jvmm.kvm.kvm_regs;
import dev.jvmm.kvm.kvm_segment;
import dev.jvmm.kvm.kvm_sregs;
import dev.jvmm.vmm.kvm.Vcpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A vCPU's registers as text, for the report of a guest that died. */
final class RegisterDump {
    private RegisterDump() {}

    static String of(Vcpu vcpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment regs = arena.allocate(kvm_regs.layout());
            MemorySegment sregs = arena.allocate(kvm_sregs.layout());
            vcpu.getRegs(regs);
            vcpu.getSregs(sregs);
            StringBuilder out = new StringBuilder();
            row(out, "rip", kvm_regs.rip(regs), "rsp", kvm_regs.rsp(regs), "rflags", kvm_regs.rflags(regs));
            row(out, "rax", kvm_regs.rax(regs), "rbx", kvm_regs.rbx(regs), "rcx", kvm_regs.rcx(regs));
            row(out, "rdx", kvm_regs.rdx(regs), "rsi", kvm_regs.rsi(regs), "rdi", kvm_regs.rdi(regs));
            row(out, "rbp", kvm_regs.rbp(regs), "r8", kvm_regs.r8(regs), "r9", kvm_regs.r9(regs));
            row(out, "r10", kvm_regs.r10(regs), "r11", kvm_regs.r11(regs), "r12", kvm_regs.r12(regs));
            row(out, "r13", kvm_regs.r13(regs), "r14", kvm_regs.r14(regs), "r15", kvm_regs.r15(regs));
            row(out, "cr0", kvm_sregs.cr0(sregs), "cr2", kvm_sregs.cr2(sregs), "cr3", kvm_sregs.cr3(sregs));
            row(out, "cr4", kvm_sregs.cr4(sregs), "efer", kvm_sregs.efer(sregs), "apic", kvm_sregs.apic_base(sregs));
            segment(out, "cs", kvm_sregs.cs(sregs));
            segment(out, "ss", kvm_sregs.ss(sregs));
            segment(out, "ds", kvm_sregs.ds(sregs));
            segment(out, "tr", kvm_sregs.tr(sregs));
            out.append(String.format("gdt base=%016x limit=%04x  idt base=%016x limit=%04x%n",
                    kvm_dtable.base(kvm_sregs.gdt(sregs)), kvm_dtable.limit(kvm_sregs.gdt(sregs)) & 0xffff,
                    kvm_dtable.base(kvm_sregs.idt(sregs)), kvm_dtable.limit(kvm_sregs.idt(sregs)) & 0xffff));
            return out.toString();
        }
    }

    /** Whether the vCPU is in the state INIT gives it (SDM Vol. 3A 10.1.1: CS base 0xffff0000, RIP 0xfff0). */
    static boolean reset(Vcpu vcpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment regs = arena.allocate(kvm_regs.layout());
            MemorySegment sregs = arena.allocate(kvm_sregs.layout());
            vcpu.getRegs(regs);
            vcpu.getSregs(sregs);
            return kvm_regs.rip(regs) == 0xfff0 && kvm_segment.base(kvm_sregs.cs(sregs)) == 0xffff0000L;
        }
    }

    private static void row(StringBuilder out, String n1, long v1, String n2, long v2, String n3, long v3) {
        out.append(String.format("%-6s %016x  %-6s %016x  %-6s %016x%n", n1, v1, n2, v2, n3, v3));
    }

    private static void segment(StringBuilder out, String name, MemorySegment s) {
        out.append(String.format("%-3s sel=%04x base=%016x limit=%08x type=%x dpl=%d l=%d db=%d%n", name,
                kvm_segment.selector(s) & 0xffff, kvm_segment.base(s), kvm_segment.limit(s),
                kvm_segment.type(s), kvm_segment.dpl(s), kvm_segment.l(s), kvm_segment.db(s)));
    }
}
