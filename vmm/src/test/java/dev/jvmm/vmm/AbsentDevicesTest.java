package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel never waits without bound on hardware that is absent: a machine without the CMOS
 * RTC or without a UART (QEMU microvm's rtc=off and isa-serial=off; an unclaimed port reads all
 * ones) still runs the program to its end. Without an RTC the wall clock starts at the epoch, as
 * Linux's does; the kernel used to wait for ever for the RTC's update-in-progress flag to clear.
 */
class AbsentDevicesTest {
    @TempDir
    static Path dir;

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @Test
    void theWallClockComesFromTheRtcAndStartsAtTheEpochWithoutOne() throws IOException {
        long host = System.currentTimeMillis() / 1000;
        long withRtc = Long.parseLong(lastLine(microvm("microvm", "-- busybox date +%s")));
        assertTrue(Math.abs(withRtc - host) < 120, "the RTC's time " + withRtc + ", the host's " + host);
        long withoutRtc = Long.parseLong(lastLine(microvm("microvm,rtc=off", "-- busybox date +%s")));
        assertTrue(withoutRtc >= 0 && withoutRtc < 60, "seconds since the epoch without an RTC: " + withoutRtc);
    }

    @Test
    void withoutAUartTheProgramStillRunsAndItsStatusComesBack() throws IOException {
        ProcessRunner.Result qemu = run("microvm,isa-serial=off", "-- busybox sh -c \"echo unseen; exit 7\"");
        assertEquals("", qemu.out(), "no UART, no output");
        assertEquals((7 << 1) | 1, qemu.status(), qemu.err());
    }

    private static List<String> microvm(String machine, String append) throws IOException {
        ProcessRunner.Result qemu = run(machine, append);
        List<String> serial = qemu.out().replace("\r", "").lines().toList();
        assertEquals(1, qemu.status(), "exit 0 through isa-debug-exit: " + serial);
        return serial;
    }

    private static ProcessRunner.Result run(String machine, String append) throws IOException {
        List<String> command = new ArrayList<>(Qemu.command("tcg", "EPYC", BundledImage.file(dir), BUSYBOX, append));
        command.set(command.indexOf("microvm"), machine);
        return ProcessRunner.of(command).deadline(Duration.ofSeconds(60)).run();
    }

    /** The program's one line (the kernel's lines left out). */
    private static String lastLine(List<String> serial) {
        List<String> program = ProgramsTest.programOutput(serial);
        assertEquals(1, program.size(), serial.toString());
        return program.getFirst();
    }
}
