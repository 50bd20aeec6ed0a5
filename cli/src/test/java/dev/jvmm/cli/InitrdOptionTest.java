package dev.jvmm.cli;

import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.Qemu;
import dev.jvmm.vmm.Qemu.Environment;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * jvmm run --initrd refuses an archive the kernel could not unpack whole, before anything boots
 * (no KVM needed); jvmm initrd --initrd writes the module jvmm run would pass (argument block,
 * the program taken from the archive, the archive), which QEMU runs.
 */
class InitrdOptionTest {
    @TempDir
    static Path dir;

    static String refusal(Path archive) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Jvmm.execute("run", "--initrd", archive.toString(), "--", "/bin/busybox", "true");
            assertEquals(Jvmm.JVMM_FAILED, status, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCorruptOrTruncatedArchiveIsRefusedWithStatus125() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.cpio"), "this is not an archive at all, not even close".getBytes(StandardCharsets.UTF_8));
        assertEquals("jvmm: " + garbage + ": not a valid newc cpio archive (after 0 members): Unknown magic [this i]. "
                + "Occurred at byte: 6\n", refusal(garbage));
        Path missing = dir.resolve("missing.cpio");
        assertEquals("jvmm: initramfs " + missing + " does not exist\n", refusal(missing));
    }

    static void put(CpioArchiveOutputStream out, String name, int mode, byte[] data) throws IOException {
        CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
        entry.setMode(mode);
        out.putArchiveEntry(entry);
        out.write(data);
        out.closeArchiveEntry();
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void jvmmInitrdWritesAModuleQemuRunsWithTheArchive(Environment environment) throws IOException {
        Path archive = dir.resolve("root-" + environment + ".cpio");
        try (CpioArchiveOutputStream out = new CpioArchiveOutputStream(Files.newOutputStream(archive), CpioConstants.FORMAT_NEW)) {
            put(out, "bin", CpioConstants.C_ISDIR | 0755, new byte[0]);
            put(out, "bin/busybox", CpioConstants.C_ISREG | 0755, Files.readAllBytes(Path.of("/bin/busybox")));
            put(out, "bin/sort", CpioConstants.C_ISLNK | 0777, "busybox".getBytes(StandardCharsets.UTF_8));
            put(out, "etc", CpioConstants.C_ISDIR | 0755, new byte[0]);
            put(out, "etc/fruits", CpioConstants.C_ISREG | 0644, "banana\napple\ncherry\n".getBytes(StandardCharsets.UTF_8));
        }
        Path module = dir.resolve("module-" + environment);
        assertEquals(0, Jvmm.execute("initrd", "--initrd", archive.toString(), "-o", module.toString(), "--", "/bin/sort", "etc/fruits"));
        Qemu.Run run = Qemu.run(environment, BundledImage.file(dir), module, "");
        List<String> output = run.serial().stream().filter(line -> !line.startsWith("jvmm-kernel: ")).toList();
        assertEquals(List.of("apple", "banana", "cherry"), output, run.serial()::toString);
        assertEquals(0, run.guestStatus());
    }
}
