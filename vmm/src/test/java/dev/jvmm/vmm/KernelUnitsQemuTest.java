package dev.jvmm.vmm;

import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kernel's own unit tests (guest-kernel/src/main/asm/kunit.s, {@code test=units}) under QEMU's
 * TCG as an Intel and as an AMD CPU; MachineTest runs them on jvmm.
 */
class KernelUnitsQemuTest {
    @TempDir
    static Path dir;

    /** Every case the kernel has, in its order: what {@code test=units} must report as passed. */
    static final List<String> UNITS = List.of(
            "jvmm-kernel: unit idle.a_wakeup_due_before_hlt_ends_it ok",
            "jvmm-kernel: unit timers.due_ones_expire_by_deadline_then_as_added ok",
            "jvmm-kernel: unit restart.goes_on_once_with_the_blocks_arguments ok",
            "jvmm-kernel: unit entry.a_frames_call_gets_its_six_arguments ok",
            "jvmm-kernel: unit frames.a_reference_outlives_one_free ok",
            "jvmm-kernel: unit cow.a_write_copies_a_shared_page ok",
            "jvmm-kernel: unit fork.shares_frames_private_read_only_shared_writable ok",
            "jvmm-kernel: unit vfork.borrows_the_parents_tables ok");

    static List<String> units(List<String> serial) {
        return serial.stream().filter(line -> line.startsWith("jvmm-kernel: unit ")).toList();
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void theKernelsUnitTestsPass(Environment environment) throws Exception {
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), null, "test=units");
        assertEquals(UNITS, units(qemu.serial()), qemu.serial().toString());
        assertEquals(0, qemu.guestStatus(), "the status is the number of failures");
    }
}
