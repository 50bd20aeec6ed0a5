package dev.jvmm.api;

import dev.jvmm.vmm.boot.BootImage;
import dev.jvmm.vmm.boot.BootImages;

import java.nio.file.Path;

/**
 * A kernel image, read and checked: a PVH ELF64 image or a multiboot v1 kernel
 * (docs/boot-protocol.md). Reading it first tells which protocol it boots by before anything
 * runs; {@link MicroVm.Builder#image(GuestImage)} boots it.
 */
public final class GuestImage {
    private final BootImage image;

    private GuestImage(BootImage image) {
        this.image = image;
    }

    /** Reads and checks the image at {@code path}; a bad image is a {@link JvmmException} saying why. */
    public static GuestImage read(Path path) {
        return new GuestImage(BootImages.read(path));
    }

    /** An image given as bytes; {@code name} stands for its path (a multiboot kernel's command line starts with it). */
    public static GuestImage of(String name, byte[] file) {
        return new GuestImage(BootImage.parse(name, file));
    }

    /** jvmm's bundled kernel. */
    public static GuestImage bundled() {
        return new GuestImage(BootImages.bundled());
    }

    /** The path or name it was read from. */
    public String name() {
        return image.name();
    }

    /** The boot protocol and its details, as {@code jvmm run -v} and {@code jvmm info IMAGE} report them. */
    public String protocol() {
        return image.protocol();
    }

    BootImage bootImage() {
        return image;
    }
}
