package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many VMs in one JVM, one after another and at once (a guest that floods its console: ResourcesCommandTest, in the cli module). */
@JvmmTest
class ResourcesTest {

    /** Enough to show a leak of one descriptor or a few pages per VM; 1,000 proved no more and cost 20 s. */
    private static final int SEQUENTIAL_VMS = 200;

    @Test
    void manyVmsOneAfterAnotherLeaveFileDescriptorsAndRssFlat() throws IOException {
        for (int i = 0; i < 100; i++) {                 // warm-up: JIT, heap, first mappings
            assertEquals(new RunResult.Exited(i), MachineTest.boot("exit=" + i).result().outcome());
        }
        long fds = MachineTest.openFileDescriptors();
        long rss = residentKiB();
        for (int i = 0; i < SEQUENTIAL_VMS; i++) {
            RunResult result = Machine.run(new Machine.Config(MachineTest.IMAGE, 32L << 20, "exit=" + (i & 0xff), null,
                    Duration.ofSeconds(30), OutputStream.nullOutputStream()));
            assertEquals(new RunResult.Exited(i & 0xff), result.outcome());
        }
        assertEquals(fds, MachineTest.openFileDescriptors(), "file descriptors after " + SEQUENTIAL_VMS + " VMs");
        long growth = residentKiB() - rss;
        System.out.printf("%d VMs: RSS %d KiB before, grew by %d KiB%n", SEQUENTIAL_VMS, rss, growth);
        assertTrue(growth < 32 * 1024, "RSS grew by " + growth + " KiB over " + SEQUENTIAL_VMS + " VMs");
    }

    @Test
    void eightVmsAtOnceAllFinishCorrectly() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<MachineTest.Run>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String cmdline = "-- demo vm" + i;
                runs.add(threads.submit(() -> MachineTest.boot(cmdline, 64L << 20, Duration.ofSeconds(60), null)));
            }
            for (int i = 0; i < 8; i++) {
                MachineTest.Run run = runs.get(i).get(120, TimeUnit.SECONDS);
                assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
                assertTrue(run.serial().contains("jvmm-demo: argv[1] = vm" + i), run.serial().toString());
            }
        }
    }

    /** The process's resident memory, after a full GC so that the heap's garbage does not count. */
    private static long residentKiB() throws IOException {
        System.gc();
        System.gc();
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }
}
