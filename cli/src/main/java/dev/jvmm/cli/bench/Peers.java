package dev.jvmm.cli.bench;

import dev.jvmm.process.ProcessRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands the process-level benchmarks run: jvmm itself (through its launcher when it was
 * started by one), QEMU's microvm with KVM, and the C tools built in tools/ (the reference VMM,
 * the peak-RSS probe).
 */
public record Peers(List<String> jvmm, Path refvmm, Path peakrss, boolean qemu) {
    static final String QEMU = "qemu-system-x86_64";

    /** The launcher sets jvmm.launcher (its own path) and jvmm.home (the repository). */
    public static Peers find() {
        List<String> jvmm = new ArrayList<>();
        String launcher = System.getProperty("jvmm.launcher");
        if (launcher != null) {
            jvmm.add(launcher);
        } else {
            jvmm.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.jvmm.cli.Jvmm"));
        }
        Path tools = Path.of(System.getProperty("jvmm.home", "."), "tools", "target");
        return new Peers(jvmm, tools.resolve("refvmm"), tools.resolve("peakrss"), ProcessRunner.available(QEMU));
    }

    /** Whether this host has KVM: jvmm needs it; without it the rows that run jvmm are skipped. */
    public static boolean hasKvm() {
        return Files.isReadable(Path.of("/dev/kvm")) && Files.isWritable(Path.of("/dev/kvm"));
    }

    /** Why a row that runs jvmm is skipped on this host, or null when it can run. */
    public static String noKvm() {
        return hasKvm() ? null : "skipped: no /dev/kvm on this host (jvmm needs KVM)";
    }

    /** The workload rows' QEMU: with KVM where the host has it, else TCG as an Intel CPU. */
    public String qemuName() {
        return hasKvm() ? "QEMU microvm (KVM)" : "QEMU microvm (TCG)";
    }

    /** {@link #qemuCommand} with the workload rows' accelerator (see {@link #qemuName}). */
    List<String> qemuAnyAccel(Path image, String append) {
        return qemuAnyAccel(image, null, append);
    }

    /** The same with a module as the initrd. */
    List<String> qemuAnyAccel(Path image, Path initrd, String append) {
        return hasKvm() ? qemuCommand("kvm", HOST_CPU, image, initrd, append) : qemuCommand("tcg", "Skylake-Client", image, initrd, append);
    }

    public boolean hasRefvmm() {
        return ProcessRunner.available(refvmm.toString());
    }

    boolean hasPeakrss() {
        return ProcessRunner.available(peakrss.toString());
    }

    List<String> qemu(Path image, String append) {
        return qemuCommand("kvm", HOST_CPU, image, null, append);
    }

    /** On a PVM host, -cpu host needs -arch-capabilities (KVM refuses QEMU's write of MSR 0x10a). */
    private static final String HOST_CPU = "host,-arch-capabilities";

    /**
     * QEMU's microvm booting a PVH image as jvmm does: COM1 on stdio, isa-debug-exit at 0x501,
     * 128 MiB, a program as the initrd (or none).
     */
    private static List<String> qemuCommand(String accel, String cpu, Path image, Path initrd, String append) {
        List<String> command = new ArrayList<>(List.of(QEMU, "-M", "microvm", "-accel", accel, "-cpu", cpu, "-m", "128M",
                "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0x501,iosize=1", "-kernel", image.toString(), "-append", append));
        if (initrd != null) {
            command.addAll(List.of("-initrd", initrd.toString()));
        }
        return command;
    }

    List<String> jvmmRun(String... args) {
        List<String> command = new ArrayList<>(jvmm);
        command.add("run");
        command.addAll(List.of(args));
        return command;
    }
}
