package dev.jvmm.vmm;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.Outcome;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.cli.JvmmCommandTest;
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
 * A guest that makes hypercalls forever (guest-kernel/src/test/hypercall/vmcall.s: VMCALL on
 * Intel, VMMCALL elsewhere). On PVM hosts such a guest keeps KVM_RUN spinning in the host until a
 * signal arrives, so only the watchdog's kick, or the signals of the JVM's exit, end it:
 * {@code --timeout} and Ctrl-C must both rescue it, within a few seconds; and a guest that reads
 * unclaimed ports and MMIO for ever, which never stops exiting, must be stopped as surely.
 */
@JvmmTest
class HypercallTest {
    static final Path IMAGE = Path.of("").toAbsolutePath().getParent().resolve("guest-kernel/target/hypercall/vmcall.img");
    /** The same guest reading an unclaimed port (0x1234) and unclaimed MMIO (0xe0000000) for ever instead. */
    static final Path UNCLAIMED = IMAGE.resolveSibling("unclaimed.img");

    @TempDir
    Path dir;

    @Test
    void theTimeoutEndsAGuestInAHypercallLoop() {
        Duration timeout = Duration.ofSeconds(2);
        // The same run once before, untimed: a JVM's first boot loads and links the whole path,
        // which in an emulated machine took longer than the timeout itself (10 s in all).
        MicroVm.builder().image(IMAGE).timeout(timeout).build().run();
        long started = System.nanoTime();
        VmResult result = MicroVm.builder().image(IMAGE).timeout(timeout).build().run();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(new Outcome.TimedOut(timeout), result.outcome(), result.serial());
        assertEquals(124, result.exitStatus());
        assertEquals(List.of("vmcall"), result.serialLines(), "the guest got as far as its hypercalls");
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "stopped within 3 s of the deadline: " + took);
    }

    /**
     * A guest that never stops exiting, each exit an access no device claims, is stopped at the
     * deadline all the same: the watchdog's kick stays pending while the VMM answers an exit and
     * makes the next KVM_RUN return at once.
     */
    @Test
    void theTimeoutEndsAGuestReadingUnclaimedPortsAndMmio() {
        Duration timeout = Duration.ofSeconds(2);
        VmResult result = MicroVm.builder().image(UNCLAIMED).timeout(timeout).build().run();
        assertEquals(new Outcome.TimedOut(timeout), result.outcome(), result.serial());
        assertEquals(124, result.exitStatus());
        assertEquals(List.of("unclaimed"), result.serialLines());
        long reads = result.exits().unclaimedPorts().getOrDefault(0x1234, 0L);
        assertTrue(reads > 100, "the loop ran: " + result.exits());
        assertTrue(Math.abs(result.exits().unclaimedMmio() - reads) <= 1, "one MMIO read per port read: " + result.exits());
        assertTrue(result.elapsed().compareTo(Duration.ofSeconds(10)) < 0, "stopped near the deadline: " + result.elapsed());
    }

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
            ProcessRunner.of("kill", "-INT", Long.toString(process.pid())).deadline(Duration.ofSeconds(10)).run();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("SIGINT did not stop jvmm");
            }
            assertEquals(130, process.exitValue(), Files.readString(dir.resolve("err")));
        } finally {
            process.destroyForcibly();
        }
    }
}
