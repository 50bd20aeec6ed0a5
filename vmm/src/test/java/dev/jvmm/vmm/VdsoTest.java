package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unmodified static programs find the vDSO on their own and read the time through it, without
 * entering the kernel, on jvmm and under QEMU (KVM clock with -accel kvm; the TSC calibrated
 * against the PIT under TCG).
 */
@JvmmTest
class VdsoTest {
    @TempDir
    static Path dir;

    /**
     * The kernel's exit report, "syscalls N (nr xcount, ...)": did these numbers enter the kernel?
     * Not asked where the kernel said its kvmclock is not TSC-stable (a host's KVM without a master
     * clock, which MachineTest checks against KVM_GET_CLOCK): the vDSO then makes the system call.
     */
    static void assertNoSystemCalls(List<String> serial, int... numbers) {
        if (serial.stream().anyMatch(line -> line.startsWith("jvmm-kernel: clock kvm-clock (TSC not stable"))) {
            return;
        }
        String report = serial.stream().filter(line -> line.startsWith("jvmm-kernel: syscalls ")).findFirst().orElseThrow();
        for (int number : numbers) {
            assertFalse(report.matches(".*[(,] " + number + " x\\d+.*") || report.matches(".*\\(" + number + " x\\d+.*"),
                    "system call " + number + " entered the kernel: " + report);
        }
    }

    static long realtimeNanos(List<String> serial) {
        return Long.parseLong(serial.stream().filter(line -> line.startsWith("realtime_ns ")).findFirst().orElseThrow().substring(12));
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static void assertTimeFunctionsWork(List<String> serial, long reads) {
        assertTrue(serial.contains("vdso present: yes"), serial.toString());
        assertTrue(serial.contains("monotonic reads " + reads + ", backwards 0"), serial.toString());
        assertTrue(serial.contains("clocks served: 7 of 7"), serial.toString());
        assertTrue(serial.contains("gettimeofday and time agree: yes"), serial.toString());
        assertNoSystemCalls(serial, 228, 96, 201);       // clock_gettime, gettimeofday, time
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void timeFunctionsRunInUserModeAndAgreeWithTheHost(Libc libc) {
        long before = nowNanos();
        MachineTest.Run run = ProgramsTest.run("vdsotime", libc, "1000000");
        long after = nowNanos();
        assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
        assertTimeFunctionsWork(run.serial(), 1_000_000);
        long guest = realtimeNanos(run.serial());
        long slack = Duration.ofMillis(2).toNanos();
        assertTrue(before - slack <= guest && guest <= after + slack,
                "guest CLOCK_REALTIME " + guest + " outside the host's [" + before + ", " + after + "]");
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void theVdsoAgreesWithTheSystemCall(Libc libc) {
        MachineTest.Run run = ProgramsTest.run("vdsocheck", libc);
        assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
        for (String clock : List.of("realtime", "monotonic", "boottime", "monotonic_raw", "tai")) {
            assertTrue(run.serial().contains(clock + ": syscall <= vdso <= syscall violated 0 of 100"), run.serial().toString());
        }
        assertTrue(run.serial().contains("an invalid clock: rejected"), run.serial().toString());
        assertTrue(run.serial().contains("clock_getres(CLOCK_MONOTONIC): ok"), run.serial().toString());
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void underQemuTheTimeIsRightWithOrWithoutTheKvmClock(Environment environment) throws Exception {
        for (Libc libc : Libc.values()) {
            long before = nowNanos();
            Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), GuestPrograms.build("vdsotime", libc), "-- vdsotime 100000");
            long after = nowNanos();
            assertEquals(0, qemu.guestStatus(), qemu.serial().toString());
            assertTimeFunctionsWork(qemu.serial(), 100_000);
            String clock = qemu.serial().get(3);
            // Without the KVM clock the wall time comes from the CMOS RTC, which counts whole seconds.
            long slack;
            if (environment == Environment.KVM) {
                // Not TSC-stable where the host's KVM has no master clock (a nested KVM, say).
                assertTrue(clock.matches("jvmm-kernel: clock kvm-clock( \\(TSC not stable: the vDSO makes system calls\\))?; timer .+"), clock);
                slack = Duration.ofMillis(2).toNanos();
            } else {
                assertTrue(clock.matches("jvmm-kernel: clock tsc \\d+ kHz, calibrated against the PIT; timer .+"), clock);
                slack = Duration.ofMillis(1500).toNanos();
            }
            long guest = realtimeNanos(qemu.serial());
            assertTrue(before - slack <= guest && guest <= after + slack,
                    environment + ": guest CLOCK_REALTIME " + guest + " outside the host's [" + before + ", " + after + "]");
        }
    }
}
