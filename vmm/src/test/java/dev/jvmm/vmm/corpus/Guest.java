package dev.jvmm.vmm.corpus;

import dev.jvmm.api.KernelReport;
import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.Qemu;
import dev.jvmm.vmm.boot.ArgumentBlock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The guest side: a case's binary as the user process of jvmm's bundled kernel, under QEMU or
 * jvmm, and the {@link Outcome} a user would read from it. How argv reaches the guest and how
 * the program's output is told from the kernel's are each decided here, once.
 */
final class Guest {
    /** Guest RAM: jvmm's default, and what {@link Qemu} gives its microvm. */
    static final long MEMORY = 128L << 20;
    /**
     * A hang guard, not a speed limit: 2,000 rounds of 1 MiB freed and touched again take about
     * two minutes on a KVM that is itself emulated (tools/kvm-in-qemu), a second on hardware.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(6);

    /**
     * A kernel line: it starts with the prefix wherever the program left the console (a program
     * whose output does not end with a newline is followed, on the same line, by the kernel's
     * exit report) and runs to the end of the line.
     */
    private static final Pattern KERNEL_LINE = Pattern.compile("jvmm-kernel: [^\n]*(\n|$)");

    /**
     * One guest run: where it ran, what the user sees, the console, and how the VMM saw the run
     * end (to explain a failure).
     */
    record Run(String where, Outcome outcome, List<String> serial, String ending) {
        /** How the run ended, and the kernel's closing lines: how the program ended, which calls it lacked. */
        String explanation() {
            List<String> kernel = kernelLines(serial);
            List<String> last = kernel.subList(Math.max(0, kernel.size() - 3), kernel.size());
            return ending + "; the kernel's last lines:\n  " + String.join("\n  ", last);
        }
    }

    private Guest() {}

    /**
     * The program's own output where it shares COM1 with the kernel (QEMU has no virtio console): the serial text
     * with every kernel line taken out, the boot report before it and the exit report after it.
     */
    static String programOutput(List<String> serial) {
        return KERNEL_LINE.matcher(String.join("\n", serial) + "\n").replaceAll("");
    }

    /** The kernel's lines, each from its prefix on (the exit report may share a line with the program's output). */
    static List<String> kernelLines(List<String> serial) {
        return KERNEL_LINE.matcher(String.join("\n", serial)).results()
                .map(m -> m.group().replaceFirst("\n$", "")).toList();
    }

    /**
     * The status a user of jvmm sees, from the kernel's exit report: the program's exit status,
     * or 128 + the signal that killed it; null if the kernel reported neither.
     */
    static Integer reportedStatus(List<String> serial) {
        KernelReport report = KernelReport.parse(kernelLines(serial));
        if (report.exitStatus() != null) {
            return report.exitStatus();
        }
        return report.killedBySignal() != null ? 128 + report.killedBySignal() : null;
    }

    /** The module jvmm gives the kernel for the case: its argv and the environment, then the program. */
    static byte[] module(Case c) {
        return ArgumentBlock.of(c.argv(), Corpus.ENVIRONMENT).module(c.program().bytes());
    }

    /**
     * Under QEMU's microvm with the bundled image (written to {@code dir}). QEMU's own status is
     * (status << 1) | 1 in 8 bits, which cannot tell 134 from 6, so the full status comes from
     * the kernel's report and only has to agree with QEMU's.
     */
    static Run qemu(Qemu.Environment environment, Path dir, Case c) throws Exception {
        Path initrd = Files.write(dir.resolve("initrd-" + Integer.toHexString(c.hashCode())), module(c));
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), initrd, "");
        Integer reported = reportedStatus(qemu.serial());
        int status = reported != null ? reported : qemu.guestStatus();
        if ((((status << 1) | 1) & 0xff) != qemu.status()) {
            throw new AssertionError("QEMU exited with " + qemu.status() + ", the kernel reported status " + status
                    + ": " + qemu.serial());
        }
        return new Run("QEMU " + environment, new Outcome(status, programOutput(qemu.serial())), qemu.serial(),
                "QEMU exited with " + qemu.status());
    }

    /** On jvmm, through the API a user would call. */
    static Run jvmm(Case c) {
        VmResult result = MicroVm.builder()
                .memory(MEMORY)
                .timeout(TIMEOUT)
                .program(c.program().bytes(), c.argv())
                .build()
                .run();
        // The virtio console carries stdout and stderr apart; the serial line only the kernel's report.
        return new Run("jvmm", new Outcome(result.exitStatus(), result.stdoutText(), result.stderrText()), result.serialLines(),
                "jvmm: " + result.outcome());
    }
}
