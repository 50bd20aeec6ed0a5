package dev.jvmm.vmm;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.Outcome;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several vCPUs ({@code --cpus}): the SMP test kernel starts its application processors on jvmm
 * as on QEMU -smp (SmpQemuTest), each with its own APIC ID; a run ends for every vCPU when one
 * ends it, when none can run again, or at the deadline; and no vCPU thread outlives its run.
 * jvmm run --cpus: SmpJvmmCommandTest, in the cli module.
 */
@JvmmTest
class SmpJvmmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path SMP = MultibootKernels.path(MultibootKernels.SMP);

    @ParameterizedTest(name = "--cpus {0}")
    @ValueSource(ints = {1, 2, 4})
    void applicationProcessorsStartAsOnQemu(int cpus) {
        VmResult jvmm = MicroVm.builder().image(SMP).cpus(cpus).timeout(TIMEOUT).build().run();
        Qemu.Run qemu = SmpQemuTest.qemu("pc", cpus);
        assertEquals(SmpQemuTest.status(cpus), jvmm.exitStatus(), jvmm.serial());
        assertEquals(qemu.serial(), jvmm.serialLines());
        assertEquals(SmpQemuTest.expected(cpus), jvmm.serialLines());
        assertNoVcpuThreadLeft();
    }

    /** The bundled kernel halts with interrupts off; the application processor never got its start-up IPI. */
    @Test
    void aRunEndsWhenNoVcpuCanRunAgain() {
        VmResult result = MicroVm.builder().cpus(2).cmdline("test=halt").timeout(TIMEOUT).build().run();
        Outcome.GuestDied died = assertInstanceOf(Outcome.GuestDied.class, result.outcome(), result.serial());
        assertEquals(126, result.exitStatus());
        assertTrue(died.reason().startsWith("every vCPU is halted with interrupts disabled (IF=0) and no NMI pending, "
                + "or waits for a start-up IPI: nothing can wake them"), died.reason());
        assertTrue(died.registers().contains("rip"), died.registers());
        assertTrue(result.elapsed().compareTo(Duration.ofSeconds(10)) < 0, "the probes found it: " + result.elapsed());
        assertNoVcpuThreadLeft();
    }

    @Test
    void theTimeoutStopsEveryVcpu() {
        Duration timeout = Duration.ofSeconds(2);
        VmResult result = MicroVm.builder().cpus(4).cmdline("test=spin").timeout(timeout).build().run();
        assertEquals(new Outcome.TimedOut(timeout), result.outcome(), result.serial());
        assertEquals(124, result.exitStatus());
        assertNoVcpuThreadLeft();
    }

    /** Application processors the bundled kernel never starts change nothing for its program. */
    @Test
    void theBundledKernelRunsItsProgramBesideWaitingVcpus() {
        Path hello = GuestPrograms.build("hello", GuestPrograms.Libc.MUSL);
        VmResult one = MicroVm.builder().program(hello, "smp").timeout(TIMEOUT).build().run();
        VmResult four = MicroVm.builder().program(hello, "smp").cpus(4).timeout(TIMEOUT).build().run();
        assertEquals(1, four.exitStatus(), four.serial());     // hello exits with its argument count
        assertEquals(one.exitStatus(), four.exitStatus());
        assertArrayEquals(one.stdout(), four.stdout());
        assertNoVcpuThreadLeft();
    }

    private static void assertNoVcpuThreadLeft() {
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName).filter(name -> name.startsWith("jvmm-vcpu-")).toList();
        assertEquals(List.of(), left, "vCPU threads alive after the run");
    }
}
