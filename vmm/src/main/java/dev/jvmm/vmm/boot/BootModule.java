package dev.jvmm.vmm.boot;

import java.util.Objects;

/**
 * A multiboot module: a file's contents and the string the kernel sees beside it, the file name
 * and its arguments separated by a space, as QEMU's {@code -initrd "FILE ARGS,FILE2"} and GRUB's
 * {@code module FILE ARGS} pass them.
 */
public record BootModule(String name, byte[] contents, String args) {
    public BootModule {
        Objects.requireNonNull(name);
        Objects.requireNonNull(contents);
    }

    /** The module's string: "NAME" or "NAME ARGS". */
    public String string() {
        return args == null ? name : name + " " + args;
    }
}
