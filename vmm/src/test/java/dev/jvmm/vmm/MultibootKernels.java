package dev.jvmm.vmm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The multiboot test kernels the guest-kernel build makes from guest-kernel/src/test/multiboot
 * (mbinfo.s): {@code mbinfo-elf32.img}, {@code mbinfo-elf64.img}, {@code mbinfo-aout.img}, and
 * {@code fwcfg-pvh.img}; and (smp.s) {@code smp.img}.
 */
public final class MultibootKernels {
    public static final String ELF32 = "mbinfo-elf32.img";
    public static final String ELF64 = "mbinfo-elf64.img";
    public static final String AOUT = "mbinfo-aout.img";
    /** The same source as a PVH image that prints only fw_cfg's answers (they include the command line for PVH). */
    public static final String FWCFG_PVH = "fwcfg-pvh.img";
    /** Starts the application processors and reports their APIC IDs. */
    public static final String SMP = "smp.img";
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

    /**
     * A minimal a.out-kludge image for placement tests: its header is its first bytes, loaded at
     * {@code address}, a page of text (zeros: it is never run) with the entry just after the header.
     */
    public static byte[] kludgeAt(long address) {
        byte[] file = new byte[4096];
        int magic = 0x1BADB002;
        int flags = 0x10003;
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(0, magic).putInt(4, flags).putInt(8, -(magic + flags))
                .putInt(12, (int) address).putInt(16, (int) address).putInt(20, 0).putInt(24, 0).putInt(28, (int) address + 32);
        return file;
    }
}
