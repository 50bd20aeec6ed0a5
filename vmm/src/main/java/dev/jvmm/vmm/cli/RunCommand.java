package dev.jvmm.vmm.cli;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.RunResult;
import dev.jvmm.vmm.boot.ElfImage;
import dev.jvmm.vmm.boot.KernelCommandLine;
import dev.jvmm.vmm.boot.PvhBoot;
import dev.jvmm.vmm.memory.GuestMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run",
        customSynopsis = "jvmm run [-hvV] [--memory=SIZE] [--timeout=DURATION] [--cmdline=STRING] "
                + "[--entry-path=PATH] [IMAGE] [-- PROGRAM [ARGS...]]",
        description = {"Boot a PVH guest image on KVM and run it until it exits.",
                "With a PROGRAM (a static x86-64 Linux executable), the guest kernel runs it with ARGS "
                        + "and jvmm exits with its status; without one, the bundled kernel runs its demo. "
                        + "The bundled kernel's own programs, demo and jvmm-bench, run by name.",
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

    @Option(names = "--entry-path", paramLabel = "PATH", defaultValue = "auto",
            description = "The system-call entry the kernel's gate uses: ${COMPLETION-CANDIDATES} "
                    + "(default: ${DEFAULT-VALUE}, the first native path).")
    KernelCommandLine.EntryPath entryPath;

    @Option(names = {"-v", "--verbose"},
            description = "Report on standard error what the host's KVM clock offers, and a summary of the run.")
    boolean verbose;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PVH ELF image (default: the bundled guest kernel).")
    Path image;

    @ParentCommand
    Jvmm jvmm;

    @Override
    public Integer call() {
        ElfImage elf = image == null ? bundledImage() : readImage(image);
        List<String> argv = jvmm.programArgv();
        byte[] program = argv.isEmpty() || isBuiltIn(argv.getFirst()) ? null : readProgram(Path.of(argv.getFirst()));
        String kernelCmdline = KernelCommandLine.of(cmdline, entryPath, argv);
        PrintStream err = System.err;
        RunResult result = Machine.run(new Machine.Config(elf, memory, kernelCmdline, program, timeout,
                new FileOutputStream(FileDescriptor.out), clock -> {
                    if (verbose) {
                        err.println("jvmm: " + clock.describe());
                    }
                }));
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
        if (verbose) {
            err.println("jvmm: summary: exit status " + result.outcome().exitStatus() + ", " + result.elapsed().toMillis()
                    + " ms, " + result.exits() + " VM exits; " + result.clock().describe());
        }
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

    /** The bundled kernel's own programs, run by name when no file of that name exists. */
    static final List<String> BUILT_IN_PROGRAMS = List.of("demo", "jvmm-bench");

    private static boolean isBuiltIn(String program) {
        return BUILT_IN_PROGRAMS.contains(program) && !Files.exists(Path.of(program));
    }

    static byte[] readProgram(Path path) {
        try {
            if (Files.size(path) > GuestMemory.MAX_SIZE) {
                throw new JvmmException("program " + path + " is larger than any guest memory");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new JvmmException("program " + path + " does not exist");
        } catch (IOException e) {
            throw new JvmmException("cannot read program " + path + ": " + e.getMessage());
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
