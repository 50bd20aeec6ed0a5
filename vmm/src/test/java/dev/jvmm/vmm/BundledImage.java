package dev.jvmm.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled guest image (from the guest-kernel module), for tests. */
public final class BundledImage {
    private BundledImage() {}

    public static byte[] bytes() {
        try (InputStream in = BundledImage.class.getResourceAsStream("/dev/jvmm/guest/guest.img")) {
            if (in == null) {
                throw new IllegalStateException("guest.img is not on the test class path; build guest-kernel first");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image written to a file in {@code dir}, for programs that take a path (QEMU, the CLI). */
    public static Path file(Path dir) throws IOException {
        return Files.write(dir.resolve("guest.img"), bytes());
    }
}
