package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.SignalsTest.Outcome;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.nio.file.Path;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each thread's FPU and SSE state is its own (src/test/c/fpu.c): xmm0-15, st(0), the x87 control
 * word and MXCSR of three threads survive sched_yield between them and signal handlers that
 * clobber them all, and a new thread starts with its creator's control words. The kernel never
 * saves or loads that state itself (the vDSO's stubs do, in user mode: docs/kernel.md, "Signals"
 * and "Threads and scheduling"). The output is compared with the same binary run on this host;
 * the jvmm tests need /dev/kvm, the QEMU ones run anywhere.
 */
class FpuStateTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> qemuEnvironments() {
        return SignalsTest.qemuEnvironments();
    }

    static Outcome underQemu(Environment environment, String entry, Libc libc) throws Exception {
        String append = (entry.isEmpty() ? "" : entry + " ") + "-- fpu";
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), GuestPrograms.build("fpu", libc), append);
        SignalsTest.assertKernelReported(qemu.serial());
        return new Outcome(qemu.guestStatus(), ProgramsTest.programOutput(qemu.serial()));
    }

    static Outcome hostOutcome(Libc libc) throws Exception {
        Outcome host = SignalsTest.onHost("fpu", libc);
        assertEquals(4, host.output().size(), host.output().toString());
        assertTrue(host.status() == 0 && host.output().stream().allMatch(line -> !line.endsWith(": no")), host.output().toString());
        return host;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("qemuEnvironments")
    void underQemuEachThreadKeepsItsFpuStateAsOnLinux(Environment environment, String entry, Libc libc) throws Exception {
        assertEquals(hostOutcome(libc), underQemu(environment, entry, libc));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void onJvmmEachThreadKeepsItsFpuStateAsOnLinux(Libc libc) throws Exception {
        assertEquals(hostOutcome(libc), SignalsTest.onJvmm("fpu", libc));
    }
}
