package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.MultibootKernels;
import dev.jvmm.vmm.SmpQemuTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** jvmm run --cpus, as its own process: the SMP test kernel starts its application processors as on QEMU -smp. */
@JvmmTest
class SmpJvmmCommandTest {
    private static final Path SMP = MultibootKernels.path(MultibootKernels.SMP);

    @Test
    void jvmmRunTakesTheCount() {
        JvmmCommandTest.Result result = JvmmCommandTest.jvmm("run", "--cpus", "4", SMP.toString());
        assertEquals(SmpQemuTest.status(4), result.status(), result.err());
        assertEquals(SmpQemuTest.expected(4), result.out().lines().toList());
    }
}
