package dev.jvmm.vmm;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.MultibootQemuTest.Case;
import dev.jvmm.vmm.MultibootQemuTest.Module;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multiboot test kernels on jvmm, compared line by line with the same kernel, arguments and
 * modules under QEMU -M pc and -M microvm (MultibootQemuTest), but for the loader-name line,
 * which differs by design. QEMU 7.2 refuses ELF64 multiboot images, so the ELF64 kernel's jvmm
 * output is compared with QEMU's for the ELF32 build of the same source. jvmm run with these
 * kernels: MultibootJvmmCommandTest, in the cli module.
 */
@JvmmTest
class MultibootJvmmTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> runs() throws IOException {
        List<Arguments> runs = new ArrayList<>();
        for (String machine : List.of("pc", "microvm")) {
            for (Case c : MultibootQemuTest.cases(dir)) {
                runs.add(Arguments.of(machine, c));
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void jvmmGivesTheKernelWhatQemuGivesIt(String machine, Case c) throws Exception {
        Path kernel = MultibootKernels.path(c.kernel());
        VmResult jvmm = run(kernel, c.append(), c.modules());
        Qemu.Run qemu = MultibootQemuTest.qemu(machine, kernel, c.append(), c.modules());
        assertEquals(0x20 + c.modules().size(), jvmm.exitStatus(), jvmm.serial());
        assertEquals((jvmm.exitStatus() << 1) | 1, qemu.status(), "QEMU reports (status << 1) | 1");
        assertEquals(withoutLoader(qemu.serial()), withoutLoader(jvmm.serialLines()));
        assertTrue(jvmm.serial().contains("\nmb: loader \"jvmm\"\n"), jvmm.serial());
    }

    @Test
    void elf64IsLoadedAsTheElf32BuildIsOnQemu() throws Exception {
        List<Module> modules = MultibootQemuTest.cases(dir).getFirst().modules();
        Path elf64 = MultibootKernels.path(MultibootKernels.ELF64);
        Path elf32 = MultibootKernels.path(MultibootKernels.ELF32);
        VmResult jvmm = run(elf64, "64", modules);
        Qemu.Run qemu = MultibootQemuTest.qemu("pc", elf32, "64", modules);
        assertEquals(0x22, jvmm.exitStatus(), jvmm.serial());
        List<String> expected = withoutLoader(qemu.serial()).stream()
                .map(line -> line.replace("mb: cmdline \"" + elf32, "mb: cmdline \"" + elf64)).toList();
        assertEquals(expected, withoutLoader(jvmm.serialLines()));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"pc", "microvm"})
    void fwCfgAnswersAsQemusDoes(String machine) throws Exception {
        Path kernel = MultibootKernels.path(MultibootKernels.FWCFG_PVH);
        VmResult jvmm = run(kernel, "a b  c", List.of());
        Qemu.Run qemu = MultibootQemuTest.qemu(machine, kernel, "a b  c", List.of());
        assertEquals(0x20, jvmm.exitStatus(), jvmm.serial());
        assertEquals((jvmm.exitStatus() << 1) | 1, qemu.status());
        assertEquals(qemu.serial(), jvmm.serialLines());
        assertEquals(MultibootQemuTest.expectedPvh("a b  c"), jvmm.serialLines());
    }

    private static VmResult run(Path kernel, String append, List<Module> modules) {
        MicroVm.Builder builder = MicroVm.builder().image(kernel).cmdline(append).timeout(Duration.ofSeconds(30));
        for (Module module : modules) {
            builder.module(module.file(), module.args());
        }
        return builder.build().run();
    }

    private static List<String> withoutLoader(List<String> lines) {
        return lines.stream().filter(line -> !line.startsWith("mb: loader ")).toList();
    }
}
