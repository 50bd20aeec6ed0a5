package dev.jvmm.vmm.boot;

/**
 * An image jvmm can boot, and the one place that decides by which protocol: a Multiboot v1 header
 * (magic, flags and a checksum that adds up, in the first 8 KiB) makes it a {@link MultibootImage};
 * otherwise it must be an ELF64 with a Xen PVH entry note, an {@link ElfImage}. QEMU's -kernel
 * looks in the same order (after the Linux bzImage magic, which jvmm does not boot), so an image
 * with both boots the same way on both.
 */
public sealed interface BootImage permits ElfImage, MultibootImage {
    /** The name the image was given by (its path), used in messages and, for multiboot, the command line. */
    String name();

    /** The boot protocol and what it found in the image, for {@code jvmm run --verbose} and {@code jvmm info IMAGE}. */
    String protocol();

    static BootImage parse(String name, byte[] file) {
        int header = MultibootImage.findHeader(file);
        if (header >= 0) {
            return MultibootImage.parse(name, file, header);
        }
        try {
            return ElfImage.parse(name, file);
        } catch (ImageException notPvh) {
            String badHeader = MultibootImage.badChecksum(file);
            if (badHeader != null) {
                throw new ImageException(name, badHeader);
            }
            throw notPvh;
        }
    }
}
