package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest that makes hypercalls forever (the library's HypercallTest) under jvmm run, as its own
 * process: {@code --timeout} and Ctrl-C must both end it, within a few seconds.
 */
@JvmmTest
class HypercallCommandTest {
    private static final Path IMAGE = Path.of("").toAbsolutePath().getParent().resolve("guest-kernel/target/hypercall/vmcall.img");

    @TempDir
    Path dir;

    /**
     * A jvmm process with a 2 s timeout ends within 5 s more than three times what a JVM's start
     * takes on this machine (jvmm's run path loads more than --version; on an emulated KVM, with
     * other emulated machines beside it, the difference is seconds and varies: 26.5 s against a
     * 10.6 s --version was seen there). A guest the timeout did not stop is killed 30 s after that.
     */
    @Test
    void jvmmRunWithATimeoutExitsWith124() {
        long versionStarted = System.nanoTime();
        ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of(), "--version")).deadline(Duration.ofSeconds(60)).run();
        Duration jvmStart = Duration.ofNanos(System.nanoTime() - versionStarted);
        Duration allowed = jvmStart.multipliedBy(3).plusSeconds(5);
        long started = System.nanoTime();
        // Killed only well past what the check below allows, so that a slow stop fails that check.
        ProcessRunner.Result result = ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of(), "run", "--timeout", "2s",
                IMAGE.toString())).deadline(allowed.plusSeconds(30)).run();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(124, result.status(), result.err());
        assertEquals("vmcall\n", result.out());
        assertEquals("jvmm: timed out after 2s; the guest was stopped\n", result.err());
        assertTrue(took.compareTo(allowed) < 0, "three times a JVM's start (" + jvmStart + "), 2 s, and the stop: " + took);
    }

    /** Ctrl-C ends jvmm while its guest makes hypercalls, as it ends any JVM: status 130. */
    @Test
    void ctrlCEndsAGuestInAHypercallLoop() throws Exception {
        Path out = dir.resolve("out");
        Process process = new ProcessBuilder(JvmmCommandTest.jvmmCommand(List.of(), "run", IMAGE.toString()))
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("err").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);     // a JVM's start, even emulated
            while (!Files.readString(out).equals("vmcall\n") && System.nanoTime() < deadline) {
                Thread.sleep(50);     // booted, and in its hypercall loop
            }
            Thread.sleep(500);
            assertTrue(process.isAlive(), Files.readString(dir.resolve("err")));
            assertEquals("vmcall\n", Files.readString(out));
            assertEquals(130, JvmmCommandTest.interrupt(process), Files.readString(dir.resolve("err")));
        } finally {
            process.destroyForcibly();
        }
    }
}
