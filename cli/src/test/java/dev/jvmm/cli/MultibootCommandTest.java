package dev.jvmm.cli;

import dev.jvmm.vmm.MultibootKernels;
import dev.jvmm.cli.JvmmCommandTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jvmm.cli.JvmmCommandTest.jvmm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the command line says about multiboot images before any VM exists (these need no KVM). */
class MultibootCommandTest {
    @TempDir
    Path dir;

    @Test
    void infoSaysWhichProtocolAnImageBootsBy() throws Exception {
        Path kernel = MultibootKernels.path(MultibootKernels.ELF64);
        Result result = jvmm("info", kernel.toString());
        assertEquals(result.out().contains("jvmm run: works") ? 0 : 1, result.status(), "0 where jvmm run works here, else 1: " + result.out());
        assertTrue(result.out().startsWith("image: " + kernel + "\nboot protocol: multiboot v1 (ELF64; header at file offset 0x"),
                result.out());
    }

    @Test
    void aBadHeaderIsAJvmmErrorWithItsField() throws Exception {
        byte[] file = MultibootKernels.bytes(MultibootKernels.AOUT);
        ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(8, header.getInt(8) ^ 1);
        Path bad = Files.write(dir.resolve("bad.img"), file);
        Result run = jvmm("run", bad.toString());
        assertEquals(125, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("jvmm: bad image " + bad + ": the multiboot header at file offset 0x0 has a bad checksum: "),
                run.err());
        assertEquals(1, run.err().lines().count(), run.err());

        header.putInt(8, -(0x1BADB002 + 0x10007)).putInt(4, 0x10007);
        Files.write(bad, file);
        Result video = jvmm("info", bad.toString());
        assertEquals(125, video.status());
        assertTrue(video.err().contains("require a video mode (bit 2), and jvmm has no display"), video.err());
    }

    @Test
    void aModuleThatCannotBeReadIsAJvmmError() throws Exception {
        Path missing = dir.resolve("nope");
        Result result = jvmm("run", "--module", missing + ",a b", MultibootKernels.path(MultibootKernels.ELF32).toString());
        assertEquals(125, result.status());
        assertEquals("jvmm: module " + missing + " does not exist\n", result.err());
    }
}
