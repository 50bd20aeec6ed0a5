package dev.jvmm.vmm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The multiboot test kernels the guest-kernel build makes from guest-kernel/src/test/multiboot
 * (mbinfo.s): {@code mbinfo-elf32.img}, {@code mbinfo-elf64.img}, {@code mbinfo-aout.img}.
 */
public final class MultibootKernels {
    public static final String ELF32 = "mbinfo-elf32.img";
    public static final String ELF64 = "mbinfo-elf64.img";
    public static final String AOUT = "mbinfo-aout.img";
    private static final Path DIR = Path.of("").toAbsolutePath().getParent().resolve("guest-kernel/target/multiboot");

    private MultibootKernels() {}

    public static Path path(String name) {
        Path path = DIR.resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing; build guest-kernel (mvn -pl vmm -am test builds it)");
        }
        return path;
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
