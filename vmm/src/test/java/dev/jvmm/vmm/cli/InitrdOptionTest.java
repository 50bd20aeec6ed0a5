package dev.jvmm.vmm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** jvmm run --initrd refuses an archive the kernel could not unpack whole, before anything boots (no KVM needed). */
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
}
