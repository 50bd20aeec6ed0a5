package dev.jvmm.cli;

import dev.jvmm.api.MicroVm;
import dev.jvmm.vmm.JvmmException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jvmm initrd}: the module {@code jvmm run} gives the bundled kernel, as a file for QEMU. */
final class InitrdCommand implements Callable<Integer> {
    static final Jvmm.Subcommand SUBCOMMAND = new Jvmm.Subcommand("initrd", new String[] {
            "Write the PVH module that `jvmm run -- PROGRAM ARGS...` gives the bundled kernel "
                    + "(an argument block with argv and the environment, byte for byte, then the program, then the "
                    + "initramfs if one is given), "
                    + "so that QEMU runs the program the same way: "
                    + "qemu-system-x86_64 -M microvm -kernel guest.img -initrd FILE ..."},
            jvmm -> new InitrdCommand(jvmm).spec);

    private static final String SYNOPSIS =
            "jvmm initrd [-hV] [--initrd=ARCHIVE] [--clear-env] [-e=NAME=VALUE]... -o=FILE -- PROGRAM [ARGS...]";

    private final OptionSpec output = Specs.option(Path.class, "-o", "--output").paramLabel("FILE").required(true)
            .description("The file to write.").build();

    private final OptionSpec initramfs = Specs.option(Path.class, "--initrd").paramLabel("ARCHIVE")
            .description("An initramfs (newc cpio) to put after the program.").build();

    private final EnvironmentOptions environment = new EnvironmentOptions();

    private final Jvmm jvmm;

    /** initrd's whole model. */
    final CommandSpec spec;

    InitrdCommand(Jvmm jvmm) {
        this.jvmm = jvmm;
        spec = Specs.standardHelpOptions(Specs.command(this, SUBCOMMAND)).addOption(output).addOption(initramfs);
        environment.addTo(spec);
        spec.usageMessage().customSynopsis(SYNOPSIS);
    }

    @Override
    public Integer call() {
        Path output = this.output.getValue();
        Path initramfs = this.initramfs.getValue();
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
