package dev.jvmm.vmm;

import dev.jvmm.vmm.kvm.Kvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jvmm.kvm.kvm_h.KVM_CAP_TSC_DEADLINE_TIMER;

/**
 * What this host's CPU and KVM are, from /proc/cpuinfo, and what the guest kernel's entry probe
 * should therefore find under KVM (README, "Host notes"): with VT-x or SVM, SYSCALL and INT 0x80 enter
 * the kernel natively, SYSENTER too on Intel (AMD raises #UD for it in long mode, which the
 * kernel serves); on a PVM host (no vmx/svm flag) none enters natively and all are emulated.
 */
public final class HostCpu {
    private HostCpu() {}

    public static String vendor() {
        return cpuinfo("vendor_id");
    }

    /** VT-x or SVM in the CPU flags means a hardware KVM; without them, a software one such as PVM. */
    public static boolean hardwareVirtualization() {
        List<String> flags = List.of(cpuinfo("flags").split(" "));
        return flags.contains("vmx") || flags.contains("svm");
    }

    /** A field of the first CPU in /proc/cpuinfo ("" when there is none). */
    private static String cpuinfo(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith(field))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether this host's KVM offers the local APIC's TSC-deadline mode, which jvmm then sets in CPUID. */
    public static boolean tscDeadlineTimer() {
        try (Kvm kvm = Kvm.open()) {
            return kvm.checkExtension(KVM_CAP_TSC_DEADLINE_TIMER) > 0;
        }
    }

    /** The probe results the kernel should report under KVM on this host: syscall, sysenter, int80. */
    public static String kvmEntryPaths() {
        if (!hardwareVirtualization()) {
            return "syscall=emulated sysenter=emulated int80=emulated";
        }
        String sysenter = vendor().equals("GenuineIntel") ? "native" : "emulated";
        return "syscall=native sysenter=" + sysenter + " int80=native";
    }
}
