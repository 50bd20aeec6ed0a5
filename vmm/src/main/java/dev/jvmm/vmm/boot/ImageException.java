package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

/** A guest image jvmm cannot boot; the message names the image, the field and the value. */
public final class ImageException extends JvmmException {
    ImageException(String image, String problem) {
        super("bad image " + image + ": " + problem);
    }
}
