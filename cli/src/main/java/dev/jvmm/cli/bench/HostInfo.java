package dev.jvmm.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the report's header says about the machine: the CPU, and what kind of KVM it has. */
public final class HostInfo {
    private HostInfo() {}

    public static String cpu() {
        return cpuinfo("model name").orElse("unknown") + " (" + cpuinfo("vendor_id").orElse("?") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs)";
    }

    /** VT-x or SVM in the CPU flags means a hardware KVM; without them, a software one such as PVM. */
    public static boolean hardwareVirtualization() {
        List<String> flags = List.of(cpuinfo("flags").orElse("").split(" "));
        return flags.contains("vmx") || flags.contains("svm");
    }

    public static String hypervisor() {
        if (hardwareVirtualization()) {
            return cpuinfo("flags").orElse("").contains("vmx") ? "KVM on Intel VT-x" : "KVM on AMD SVM";
        }
        boolean pvm = Files.isDirectory(Path.of("/sys/module/kvm_pvm"));
        return pvm ? "KVM on kvm_pvm (software: guest kernel code emulated, no VT-x/SVM)"
                : "KVM without VT-x/SVM in the CPU flags (a software hypervisor)";
    }

    private static Optional<String> cpuinfo(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith(field))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
