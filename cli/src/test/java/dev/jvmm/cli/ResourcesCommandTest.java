package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.GuestPrograms.Libc;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A guest that floods its console, under jvmm run as its own process, whose peak RSS is measured. */
@JvmmTest
class ResourcesCommandTest {
    /**
     * The console streams: a guest that writes without end costs time, not host memory. jvmm's
     * peak RSS (measured by tools' peakrss) stays the same whether the flood lasts 2 or 6 seconds.
     */
    @Test
    void aFloodingGuestDoesNotExhaustHostMemory() throws Exception {
        long[] short_ = flood(2);
        long[] long_ = flood(6);
        assertTrue(long_[1] > 2 * short_[1], "the longer flood wrote more: " + short_[1] + " then " + long_[1] + " bytes");
        long growth = long_[0] - short_[0];
        assertTrue(growth < 16 * 1024, "peak RSS grew by " + growth + " KiB with three times the output");
    }

    /** Runs the flooding guest for that many seconds: {peak RSS in KiB, bytes it wrote}. */
    private static long[] flood(int seconds) throws Exception {
        Path hostile = GuestPrograms.build("hostile", Libc.MUSL);
        List<String> command = new ArrayList<>(List.of(Path.of("..", "tools", "target", "peakrss").toString()));
        command.addAll(JvmmCommandTest.jvmmCommand(List.of("-Xmx64m"), "run", "--timeout", seconds + "s", "--",
                hostile.toString(), "flood"));
        Path out = Files.createTempFile("flood", ".out");
        try {
            // Into a file: the flood is counted, not kept. The deadline is for a jvmm that does
            // not stop: one started in a loaded emulated machine took a minute to get going.
            ProcessRunner.Result result = ProcessRunner.of(command).outputTo(out).deadline(Duration.ofMinutes(3)).run();
            String err = result.err();
            assertEquals(124, result.status(), err);
            assertTrue(err.startsWith("jvmm: timed out after " + seconds + "s; the guest was stopped\n"), err);
            long peak = Long.parseLong(err.replaceAll("(?s).*peakrss: (\\d+) KiB.*", "$1"));
            return new long[]{peak, Files.size(out)};
        } finally {
            Files.delete(out);
        }
    }
}
