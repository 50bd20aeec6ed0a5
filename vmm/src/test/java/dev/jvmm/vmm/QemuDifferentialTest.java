package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same image and programs, unchanged, under QEMU's microvm (Debian's qemu-system-x86): with
 * KVM on this host, and with TCG as an Intel (Skylake-Client) and an AMD (EPYC) CPU. Outputs must
 * match jvmm's, but for the lines that name the CPU; statuses must correspond (QEMU's
 * isa-debug-exit reports s as (s << 1) | 1).
 */
@JvmmTest
class QemuDifferentialTest {
    @TempDir
    static Path dir;

    /** What the entry probe must find in each environment (README, "Host notes"; docs/kernel.md). */
    static String expectedEntryPaths(Environment environment) {
        return switch (environment) {
            case KVM -> HostCpu.kvmEntryPaths();
            case TCG_INTEL -> "syscall=native sysenter=native int80=native";
            case TCG_AMD -> "syscall=native sysenter=emulated int80=native";
        };
    }

    static String vendor(Environment environment) {
        return switch (environment) {
            case KVM -> HostCpu.vendor();
            case TCG_INTEL -> "GenuineIntel";
            case TCG_AMD -> "AuthenticAMD";
        };
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theProbeFindsWhatTheCpuDoes(Environment environment) throws Exception {
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), null, "exit=5");
        assertEquals(5, qemu.guestStatus());
        assertEquals(MachineTest.entryLine(vendor(environment), expectedEntryPaths(environment), "syscall"), qemu.serial().get(4));
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void everyPathCanBeForcedAsTheGate(Environment environment) throws Exception {
        for (String path : List.of("syscall", "sysenter", "int80")) {
            Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), null, "entry=" + path + " -- demo");
            assertEquals(0, qemu.guestStatus(), qemu.serial().toString());
            assertEquals(MachineTest.entryLine(vendor(environment), expectedEntryPaths(environment), path), qemu.serial().get(4));
        }
    }

    static Stream<Arguments> programs() {
        List<Arguments> runs = new ArrayList<>();
        for (Environment environment : Environment.values()) {
            for (Libc libc : Libc.values()) {
                runs.add(Arguments.of(environment, libc, "hello", List.of("one", "two words")));
                runs.add(Arguments.of(environment, libc, "syscalls", List.of()));
                runs.add(Arguments.of(environment, libc, "hostile", List.of("null")));
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("programs")
    void programsBehaveAsOnJvmm(Environment environment, Libc libc, String program, List<String> args) throws Exception {
        MachineTest.Run jvmm = ProgramsTest.run(program, libc, args.toArray(String[]::new));
        Path initrd = Files.write(dir.resolve(program + "-" + libc), ProgramsTest.module(program, libc, args.toArray(String[]::new)));
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), initrd, "");
        int status = ((RunResult.Exited) jvmm.result().outcome()).status();
        assertEquals(((status << 1) | 1) & 0xff, qemu.status(), "QEMU reports (status << 1) | 1, truncated to 8 bits");
        assertEquals(withoutCpu(jvmm.serial()), withoutCpu(qemu.serial()));
    }

    /**
     * The output without the lines that name the CPU and its clock (vendor, probe results, KVM clock
     * or calibrated TSC) or time the boot: those differ between environments by design.
     */
    static List<String> withoutCpu(List<String> lines) {
        return lines.stream().filter(line -> !line.startsWith("jvmm-kernel: cpu ") && !line.startsWith("jvmm-kernel: entry ")
                && !line.startsWith("jvmm-kernel: clock ") && !line.startsWith("jvmm-kernel: phases ")).toList();
    }
}
