package dev.jvmm.cli;

import dev.jvmm.api.MicroVm;
import dev.jvmm.vmm.JvmmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "initrd",
        customSynopsis = "jvmm initrd [-hV] [--initrd=ARCHIVE] [--clear-env] [-e=NAME=VALUE]... -o=FILE -- PROGRAM [ARGS...]",
        description = {"Write the PVH module that `jvmm run -- PROGRAM ARGS...` gives the bundled kernel "
                + "(an argument block with argv and the environment, byte for byte, then the program, then the "
                + "initramfs if one is given), "
                + "so that QEMU runs the program the same way: "
                + "qemu-system-x86_64 -M microvm -kernel guest.img -initrd FILE ..."},
        mixinStandardHelpOptions = true)
final class InitrdCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The file to write.")
    Path output;

    @Option(names = "--initrd", paramLabel = "ARCHIVE", description = "An initramfs (newc cpio) to put after the program.")
    Path initramfs;

    @Mixin
    EnvironmentOptions environment;

    @ParentCommand
    Jvmm jvmm;

    @Override
    public Integer call() {
        if (jvmm.programArgv().isEmpty()) {
            throw new JvmmException("jvmm initrd needs a program: jvmm initrd -o FILE -- PROGRAM [ARGS...]");
        }
        MicroVm.Builder builder = MicroVm.builder();
        jvmm.applyProgram(builder, initramfs != null);
        environment.applyTo(builder, jvmm);
        if (initramfs != null) {
            builder.initrd(initramfs);
        }
        byte[] initrd = builder.build().initrd();
        try {
            Files.write(output, initrd);
        } catch (IOException e) {
            throw new JvmmException("cannot write " + output + ": " + e.getMessage());
        }
        return 0;
    }
}
