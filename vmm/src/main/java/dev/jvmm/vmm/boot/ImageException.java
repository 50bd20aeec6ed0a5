package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

/** A guest image jvmm cannot boot; the message names the image, the field and the value. */
public final class ImageException extends JvmmException {
    private final boolean linuxProgram;

    ImageException(String image, String problem) {
        this(image, problem, false);
    }

    ImageException(String image, String problem, boolean linuxProgram) {
        super("bad image " + image + ": " + problem);
        this.linuxProgram = linuxProgram;
    }

    /**
     * Whether the file is an x86-64 Linux executable (no PVH entry note, or position-independent):
     * a program for the kernel to run, given as an image by mistake.
     */
    public boolean linuxProgram() {
        return linuxProgram;
    }
}
