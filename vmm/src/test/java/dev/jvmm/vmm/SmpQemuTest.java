package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The SMP test kernel (guest-kernel/src/test/multiboot/smp.s) under QEMU's -kernel with -smp N,
 * TCG: it reads the vCPU count from fw_cfg, starts every application processor with INIT and
 * start-up IPIs, and lists their APIC IDs. SmpJvmmTest runs it on jvmm with --cpus N and compares.
 */
public class SmpQemuTest {
    static final List<Integer> COUNTS = List.of(1, 2, 4);

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (String machine : List.of("pc", "microvm")) {
            for (int cpus : COUNTS) {
                runs.add(Arguments.of(machine, cpus));
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "-M {0} -smp {1}")
    @MethodSource("runs")
    void everyApplicationProcessorStartsAndReportsItsApicId(String machine, int cpus) {
        Qemu.Run run = qemu(machine, cpus);
        assertEquals(status(cpus), run.guestStatus(), run.serial().toString());
        assertEquals(expected(cpus), run.serial());
    }

    /** What smp.s exits with: 0x30 + the number of vCPUs that came up. */
    public static int status(int cpus) {
        return 0x30 + cpus;
    }

    /** What smp.s prints when all {@code cpus} come up: APIC IDs 0 to cpus - 1, the BSP's first. */
    public static List<String> expected(int cpus) {
        List<String> lines = new ArrayList<>(List.of("smp: cpus " + cpus, "smp: bsp apic 0"));
        for (int id = 1; id < cpus; id++) {
            lines.add("smp: ap apic " + id);
        }
        lines.add("smp: " + cpus + " cpus up");
        return lines;
    }

    static Qemu.Run qemu(String machine, int cpus) {
        Path kernel = MultibootKernels.path(MultibootKernels.SMP);
        List<String> command = new ArrayList<>(MultibootQemuTest.command(machine, kernel, "", List.of()));
        command.addAll(List.of("-smp", Integer.toString(cpus)));
        ProcessRunner.Result qemu = ProcessRunner.of(command).deadline(Duration.ofSeconds(60)).run();
        return new Qemu.Run(qemu.status(), qemu.out().replace("\r", "").lines().toList());
    }
}
