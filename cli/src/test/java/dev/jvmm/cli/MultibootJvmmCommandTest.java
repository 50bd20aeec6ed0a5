package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.MultibootKernels;
import dev.jvmm.vmm.MultibootQemuTest;
import dev.jvmm.vmm.MultibootQemuTest.Module;
import dev.jvmm.vmm.boot.BootImages;
import dev.jvmm.vmm.boot.MultibootImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multiboot test kernels under jvmm run, as its own process (the library's MultibootJvmmTest
 * compares them with QEMU in process): modules on the command line, the protocol reported, and
 * images and modules that do not fit refused with one line.
 */
@JvmmTest
class MultibootJvmmCommandTest {
    @TempDir
    static Path dir;

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
        Path high = Files.write(dir.resolve("high.img"), MultibootKernels.kludgeAt(0x300000));
        Path low = Files.write(dir.resolve("low.img"), MultibootKernels.kludgeAt(0x7000));
        Path big = Files.write(dir.resolve("big"), new byte[3 << 20]);
        assertJvmmError(List.of("run", "--memory", "2M", high.toString()),
                "jvmm: bad image " + high + ": the a.out kludge's load range [0x300000, 0x301000) lies outside guest RAM [0, 0x200000); "
                        + "give the guest more --memory");
        assertJvmmError(List.of("run", low.toString()),
                "jvmm: bad image " + low + ": the a.out kludge's load range [0x7000, 0x8000) overlaps the multiboot information at "
                        + "[0x1000, 0x8000)");
        long imageEnd = ((MultibootImage) BootImages.read(MultibootKernels.path(MultibootKernels.ELF32))).end();
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
}
