package dev.jvmm.vmm;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boots the same image, unchanged, under QEMU's microvm (Debian's qemu-system-x86) and under jvmm,
 * and expects the same serial output. QEMU's isa-debug-exit turns status s into (s << 1) | 1.
 */
class QemuDifferentialTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -cpu {1}, exit={2}")
    // On this PVM-backed KVM, QEMU aborts when KVM refuses its write of IA32_ARCH_CAPABILITIES
    // (MSR 0x10a); leaving that feature out of -cpu host is enough.
    @CsvSource({"kvm, 'host,-arch-capabilities', 0", "kvm, 'host,-arch-capabilities', 42", "tcg, max, 0", "tcg, Skylake-Client, 5"})
    void qemuAndJvmmPrintTheSameAndAgreeOnTheStatus(String accel, String cpu, int status) throws Exception {
        String cmdline = "differential exit=" + status;
        Path image = BundledImage.file(dir);
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-M", "microvm", "-accel", accel, "-cpu", cpu, "-m", "128M",
                "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0x501,iosize=1",
                "-kernel", image.toString(), "-append", cmdline)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String qemuOutput = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(qemu.waitFor(60, TimeUnit.SECONDS), "QEMU did not exit");
        assertEquals((status << 1) | 1, qemu.exitValue(), "QEMU's isa-debug-exit status; output:\n" + qemuOutput);

        MachineTest.Run jvmm = MachineTest.boot(cmdline);
        assertEquals(new RunResult.Exited(status), jvmm.result().outcome());

        List<String> expected = qemuOutput.replace("\r", "").lines().toList();
        List<String> actual = jvmm.serial();
        if (accel.equals("tcg")) {
            // TCG shows the vendor of the CPU model QEMU emulates, jvmm the host's: compare the rest.
            expected = withoutVendor(expected);
            actual = withoutVendor(actual);
        }
        assertEquals(expected, actual);
    }

    private static List<String> withoutVendor(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.replaceFirst("^jvmm-kernel: cpu \\S+,", "jvmm-kernel: cpu (vendor),"));
        }
        return out;
    }
}
