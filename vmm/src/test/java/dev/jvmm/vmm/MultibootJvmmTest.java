package dev.jvmm.vmm;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.MultibootQemuTest.Case;
import dev.jvmm.vmm.MultibootQemuTest.Module;
import dev.jvmm.vmm.cli.JvmmCommandTest;
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
 * output is compared with QEMU's for the ELF32 build of the same source.
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

    @Test
    void theCommandLineTakesModulesAndSaysWhichProtocol() throws Exception {
        Module m1 = MultibootQemuTest.cases(dir).getFirst().modules().getFirst();
        Path kernel = MultibootKernels.path(MultibootKernels.AOUT);
        JvmmCommandTest.Result result = JvmmCommandTest.jvmm("run", "--verbose", "--cmdline", "p q",
                "--module", m1.file() + ",x y", kernel.toString());
        String err = result.err();
        assertEquals(0x21, result.status(), err);
        assertTrue(err.startsWith("jvmm: " + kernel + ": multiboot v1 (a.out kludge: header load addresses; header at file offset 0x0"), err);
        assertEquals(MultibootQemuTest.expected(kernel, "p q", List.of(m1), "jvmm"), result.out().lines().toList());
    }

    @Test
    void imagesAndModulesThatDoNotFitAreJvmmErrors() throws Exception {
        Path high = java.nio.file.Files.write(dir.resolve("high.img"), MultibootKernels.kludgeAt(0x300000));
        Path low = java.nio.file.Files.write(dir.resolve("low.img"), MultibootKernels.kludgeAt(0x7000));
        Path big = java.nio.file.Files.write(dir.resolve("big"), new byte[3 << 20]);
        assertJvmmError(List.of("run", "--memory", "2M", high.toString()),
                "jvmm: bad image " + high + ": the a.out kludge's load range [0x300000, 0x301000) lies outside guest RAM [0, 0x200000); "
                        + "give the guest more --memory");
        assertJvmmError(List.of("run", low.toString()),
                "jvmm: bad image " + low + ": the a.out kludge's load range [0x7000, 0x8000) overlaps the multiboot information at "
                        + "[0x1000, 0x8000)");
        long imageEnd = ((dev.jvmm.vmm.boot.MultibootImage) dev.jvmm.vmm.boot.BootImages.read(MultibootKernels.path(MultibootKernels.ELF32))).end();
        long second = ((imageEnd + 4095) & -4096) + (3 << 20);
        assertJvmmError(List.of("run", "--memory", "6M", "--module", big + ",a", "--module", big.toString(),
                        MultibootKernels.path(MultibootKernels.ELF32).toString()),
                "jvmm: module 2 (" + big + ", 3145728 bytes) does not fit in guest RAM: placed at 0x" + Long.toHexString(second)
                        + " after the image and the modules before it, it would end at 0x" + Long.toHexString(second + (3 << 20))
                        + ", beyond the end of RAM at 0x600000; give the guest more --memory");
    }

    private static void assertJvmmError(List<String> args, String message) {
        JvmmCommandTest.Result result = JvmmCommandTest.jvmm(args.toArray(String[]::new));
        assertEquals(125, result.status(), result.err());
        assertEquals("", result.out());
        assertEquals(message + "\n", result.err());
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
