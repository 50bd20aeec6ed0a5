package dev.jvmm.api;

/**
 * Where the program's standard streams go (docs/api.md, "Streams").
 */
public enum Console {
    /** {@link #VIRTIO} for the bundled kernel, {@link #SERIAL} for other images. */
    AUTO,
    /**
     * A virtio console: the program's stdout, stderr and stdin on their own ports, byte for byte;
     * COM1 carries only the kernel's report. For PVH images: jvmm adds the device's
     * {@code virtio_mmio.device=} word to the kernel command line.
     */
    VIRTIO,
    /** COM1 alone: the kernel's report and the program's output share it; stdin is empty. */
    SERIAL
}
