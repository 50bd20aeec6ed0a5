package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where images come from: a file, or the guest-kernel jar's bundled files. */
public final class BootImages {
    private static final String RESOURCES = "dev/jvmm/guest/";

    private BootImages() {}

    /** Reads and parses the image at {@code path}; a missing or unreadable file is a {@link JvmmException}. */
    public static BootImage read(Path path) {
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 8) {
                throw new JvmmException("image " + path + " is " + size + " bytes; jvmm loads images up to 2 GiB");
            }
            return BootImage.parse(path.toString(), Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new JvmmException("image " + path + " does not exist");
        } catch (IOException e) {
            throw new JvmmException("cannot read image " + path + ": " + e.getMessage());
        }
    }

    /** The bundled kernel, from the guest-kernel jar. */
    public static ElfImage bundled() {
        return ElfImage.parse("(bundled guest.img)", bundledFile("guest.img"));
    }

    /**
     * A file the guest-kernel jar bundles: guest.img, exitloop.img, vdso.so. Looked up through the
     * class loader, not this class: on the module path the jar is a module of its own, whose
     * resources {@code Class.getResourceAsStream} would not search.
     */
    public static byte[] bundledFile(String name) {
        try (InputStream in = BootImages.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new JvmmException("the bundled " + name + " is missing from the class path (build guest-kernel)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new JvmmException("cannot read the bundled " + name + ": " + e.getMessage());
        }
    }
}
