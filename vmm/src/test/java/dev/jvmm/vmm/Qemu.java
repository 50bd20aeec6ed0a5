package dev.jvmm.vmm;

import dev.jvmm.vmm.bench.Peers;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's qemu-system-x86_64 running an image on -M microvm, the peer of the differential tests. */
public final class Qemu {
    /** A QEMU accelerator and CPU model; on this PVM host, -cpu host needs -arch-capabilities (see README). */
    public enum Environment {
        KVM("kvm", "host,-arch-capabilities"),
        TCG_INTEL("tcg", "Skylake-Client"),
        TCG_AMD("tcg", "EPYC");

        final String accel;
        final String cpu;

        Environment(String accel, String cpu) {
            this.accel = accel;
            this.cpu = cpu;
        }
    }

    /** QEMU's exit status, and the serial output as lines. */
    public record Run(int status, List<String> serial) {
        /** The status the guest wrote: isa-debug-exit makes QEMU exit with (status << 1) | 1. */
        public int guestStatus() {
            if ((status & 1) == 0) {
                throw new AssertionError("QEMU did not exit through isa-debug-exit: status " + status + ", output " + serial);
            }
            return status >> 1;
        }
    }

    private Qemu() {}

    public static Run run(Environment environment, Path image, Path initrd, String append) throws IOException, InterruptedException {
        List<String> command = Peers.qemuCommand(environment.accel, environment.cpu, image, initrd, append);
        Process qemu = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String output = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!qemu.waitFor(120, TimeUnit.SECONDS)) {
            qemu.destroyForcibly();
            throw new AssertionError("QEMU did not exit: " + String.join(" ", command));
        }
        return new Run(qemu.exitValue(), output.replace("\r", "").lines().toList());
    }
}
