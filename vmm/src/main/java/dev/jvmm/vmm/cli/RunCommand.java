package dev.jvmm.vmm.cli;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.RunResult;
import dev.jvmm.vmm.boot.ElfImage;
import dev.jvmm.vmm.boot.PvhBoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run",
        description = {"Boot a PVH guest image on KVM and run it until it exits.",
                "The guest's COM1 output goes to standard output as it is written; "
                        + "jvmm's own messages go to standard error."},
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    static final String BUNDLED_IMAGE = "/dev/jvmm/guest/guest.img";

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "128M", converter = Sizes.class,
            description = "Guest RAM, e.g. 64M, 1G (default: ${DEFAULT-VALUE}).")
    long memory;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Stop the guest after this long, e.g. 500ms, 10s, 2m; exit status 124.")
    Duration timeout;

    @Option(names = "--cmdline", paramLabel = "STRING", defaultValue = "",
            description = "The guest kernel's command line (at most " + PvhBoot.CMDLINE_MAX + " bytes).")
    String cmdline;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PVH ELF image (default: the bundled guest kernel).")
    Path image;

    @Override
    public Integer call() {
        ElfImage elf = image == null ? bundledImage() : readImage(image);
        PrintStream err = System.err;
        RunResult result = Machine.run(new Machine.Config(elf, memory, cmdline, timeout,
                new FileOutputStream(FileDescriptor.out)));
        switch (result.outcome()) {
            case RunResult.Exited _ -> { }
            case RunResult.TimedOut(Duration after) ->
                    err.println("jvmm: timed out after " + Durations.format(after) + "; the guest was stopped");
            case RunResult.GuestDied(String reason, String registers) -> {
                err.println("jvmm: guest died: " + reason);
                err.print(registers);
            }
        }
        reportUnclaimed(err, result);
        return result.outcome().exitStatus();
    }

    private static void reportUnclaimed(PrintStream err, RunResult result) {
        if (!result.unclaimedPorts().isEmpty()) {
            StringBuilder ports = new StringBuilder();
            for (Map.Entry<Integer, Long> entry : result.unclaimedPorts().entrySet()) {
                ports.append(ports.isEmpty() ? "" : ", ").append(String.format("0x%x (%d)", entry.getKey(), entry.getValue()));
            }
            err.println("jvmm: accesses to I/O ports no device claims: " + ports);
        }
        if (result.unclaimedMmio() > 0) {
            err.println("jvmm: MMIO accesses (no MMIO devices): " + result.unclaimedMmio());
        }
    }

    static ElfImage readImage(Path path) {
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 8) {
                throw new JvmmException("image " + path + " is " + size + " bytes; jvmm loads images up to 2 GiB");
            }
            return ElfImage.parse(path.toString(), Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new JvmmException("image " + path + " does not exist");
        } catch (IOException e) {
            throw new JvmmException("cannot read image " + path + ": " + e.getMessage());
        }
    }

    static ElfImage bundledImage() {
        try (InputStream in = RunCommand.class.getResourceAsStream(BUNDLED_IMAGE)) {
            if (in == null) {
                throw new JvmmException("the bundled guest image is missing from the class path (build guest-kernel)");
            }
            return ElfImage.parse("(bundled guest.img)", in.readAllBytes());
        } catch (IOException e) {
            throw new JvmmException("cannot read the bundled guest image: " + e.getMessage());
        }
    }
}
