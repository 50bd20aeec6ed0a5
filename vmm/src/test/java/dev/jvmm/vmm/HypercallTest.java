package dev.jvmm.vmm;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.Outcome;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A guest that makes hypercalls forever (guest-kernel/src/test/hypercall/vmcall.s: VMCALL on
 * Intel, VMMCALL elsewhere). On PVM hosts such a guest keeps KVM_RUN spinning in the host until a
 * signal arrives, so only the watchdog's kick, or the signals of the JVM's exit, end it:
 * {@code --timeout} must rescue it, within a few seconds (and Ctrl-C, HypercallCommandTest in the
 * cli module); and a guest that reads unclaimed ports and MMIO for ever, which never stops
 * exiting, must be stopped as surely.
 */
@JvmmTest
class HypercallTest {
    static final Path IMAGE = Path.of("").toAbsolutePath().getParent().resolve("guest-kernel/target/hypercall/vmcall.img");
    /** The same guest reading an unclaimed port (0x1234) and unclaimed MMIO (0xe0000000) for ever instead. */
    static final Path UNCLAIMED = IMAGE.resolveSibling("unclaimed.img");

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
}
