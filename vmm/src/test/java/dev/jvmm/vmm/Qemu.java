package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Debian's qemu-system-x86_64 running an image on -M microvm, the peer of the differential tests. */
public final class Qemu {
    /** The CPUs the kernel is tested as under QEMU's TCG: an Intel and an AMD. */
    static final List<Environment> TCG = List.of(Environment.TCG_INTEL, Environment.TCG_AMD);

    /** A parameterized test's arguments (environment, value): each TCG CPU with each value. */
    static Stream<Arguments> tcgWith(List<?> values) {
        return TCG.stream().flatMap(environment -> values.stream().map(value -> Arguments.of(environment, value)));
    }

    /** Each TCG CPU with each libc, for {@code @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")}. */
    static Stream<Arguments> tcgAndLibc() {
        return tcgWith(List.of(GuestPrograms.Libc.values()));
    }

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

    /**
     * QEMU's microvm booting a PVH image as jvmm does: COM1 on stdio, isa-debug-exit at 0x501,
     * 128 MiB, a program as the initrd (or none).
     */
    public static List<String> command(String accel, String cpu, Path image, Path initrd, String append) {
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-M", "microvm", "-accel", accel, "-cpu", cpu,
                "-m", "128M", "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0x501,iosize=1", "-kernel", image.toString(), "-append", append));
        if (initrd != null) {
            command.addAll(List.of("-initrd", initrd.toString()));
        }
        return command;
    }

    public static Run run(Environment environment, Path image, Path initrd, String append) {
        return run(environment, image, initrd, append, Duration.ofSeconds(120));
    }

    /** As {@link #run(Environment, Path, Path, String)}, killed at the deadline ({@link ProcessRunner.TimedOut}). */
    public static Run run(Environment environment, Path image, Path initrd, String append, Duration deadline) {
        List<String> command = command(environment.accel, environment.cpu, image, initrd, append);
        ProcessRunner.Result qemu = ProcessRunner.of(command).deadline(deadline).run();
        return new Run(qemu.status(), qemu.out().replace("\r", "").lines().toList());
    }
}
