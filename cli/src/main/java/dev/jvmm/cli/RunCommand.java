package dev.jvmm.cli;

import dev.jvmm.api.Console;
import dev.jvmm.api.CopiedDirectory;
import dev.jvmm.api.EntryPath;
import dev.jvmm.api.ExitStatistics;
import dev.jvmm.api.GuestImage;
import dev.jvmm.api.MicroVm;
import dev.jvmm.api.Outcome;
import dev.jvmm.api.VmResult;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.boot.ImageException;
import dev.jvmm.vmm.boot.PvhBoot;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jvmm run}: boots a guest image, runs it until it exits, and exits with its status. */
final class RunCommand implements Callable<Integer> {
    static final Jvmm.Subcommand SUBCOMMAND = new Jvmm.Subcommand("run", new String[] {
            "Boot a PVH or multiboot v1 guest image on KVM and run it until it exits.",
            "With a PROGRAM (a static x86-64 Linux executable), the guest kernel runs it with ARGS "
                    + "and jvmm exits with its status; without one, the bundled kernel runs its demo. "
                    + "The bundled kernel's own programs, demo and jvmm-bench, run by name "
                    + "(unless the current directory holds a file of that name, or --initrd is given: then PROGRAM is that file). "
                    + "The program's arguments and environment reach it byte for byte (up to Linux's execve "
                    + "limits); its environment is PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "
                    + "and HOME=/root, with --env's settings over them.",
            "Streams, as docker run gives them: with the virtio console (the bundled kernel's default) "
                    + "standard output carries exactly the program's stdout, byte for byte, standard error its "
                    + "stderr, and standard input is the program's stdin (end of file when it closes); the kernel's "
                    + "report (COM1) goes to standard error with --verbose, and into --json. With the serial "
                    + "console (other images' default) COM1, the kernel's report and the program's output "
                    + "together, goes to standard output. jvmm's own messages go to standard error."},
            jvmm -> new RunCommand(jvmm).spec);

    private static final String SYNOPSIS = "jvmm run [-hvV] [--json] [--trace-exits] [--timings] [--memory=SIZE] [--cpus=N] "
            + "[--timeout=DURATION] [--cmdline=STRING] [--console=KIND] [--entry-path=PATH] [--initrd=ARCHIVE] "
            + "[--copy-out=GUEST_DIR:HOST_DIR]... [--module=FILE[,ARGS]]... [--clear-env] [-e=NAME=VALUE]... "
            + "[IMAGE] [-- PROGRAM [ARGS...]]";

    private final OptionSpec memory = Specs.option(long.class, "--memory").paramLabel("SIZE").defaultValue("128M")
            .converters(new Sizes())
            .description("Guest RAM, e.g. 64M, 1G (default: ${DEFAULT-VALUE}).").build();

    private final OptionSpec cpus = Specs.option(int.class, "--cpus").paramLabel("N").defaultValue("1")
            .converters(new CpuCounts())
            .description("vCPUs, 1 to 64 (default: ${DEFAULT-VALUE}): vCPU 0 boots, the others wait for the guest's "
                    + "INIT and start-up IPIs, a host thread each. The bundled kernel uses one.").build();

    private final OptionSpec timeout = Specs.option(Duration.class, "--timeout").paramLabel("DURATION")
            .converters(new Durations())
            .description("Stop the guest after this long, e.g. 500ms, 10s, 2m; exit status 124.").build();

    private final OptionSpec cmdline = Specs.option(String.class, "--cmdline").paramLabel("STRING").defaultValue("")
            .description("The guest kernel's command line (at most " + PvhBoot.CMDLINE_MAX + " bytes; "
                    + "with a program, without the word --: jvmm passes the program's argv itself); "
                    + "a multiboot kernel gets \"IMAGE STRING\".").build();

    private final OptionSpec console = Specs.option(Console.class, "--console").paramLabel("KIND").defaultValue("auto")
            .description("Where the program's streams go: virtio (a virtio console: stdout, stderr and stdin "
                    + "apart from the kernel's report), serial (everything on COM1, stdin empty), or auto "
                    + "(the default: virtio for the bundled kernel, serial for other images; multiboot kernels "
                    + "have serial only).").build();

    private final EnvironmentOptions environment = new EnvironmentOptions();

    private final OptionSpec entryPath = Specs.option(EntryPath.class, "--entry-path").paramLabel("PATH").defaultValue("auto")
            .description("The system-call entry the kernel's gate uses: ${COMPLETION-CANDIDATES} "
                    + "(default: ${DEFAULT-VALUE}, the first native path).").build();

    private final OptionSpec initrd = Specs.option(Path.class, "--initrd").paramLabel("ARCHIVE")
            .description("An initramfs for the bundled kernel: a newc cpio archive (as Linux and qemu -initrd take; "
                    + "find . | cpio -o -H newc), unpacked into the guest's in-memory file system before the program "
                    + "starts. PROGRAM may be a path in it. A corrupt or truncated archive is refused before boot (status 125).")
            .build();

    private final OptionSpec copyOut = Specs.repeatable("--copy-out").paramLabel("GUEST_DIR:HOST_DIR")
            .description("When the program ends, copy the guest's directory GUEST_DIR (absolute, without spaces or "
                    + "commas; the first colon ends it) into HOST_DIR (made if missing): its directories, regular files "
                    + "and symlinks, with their permission bits and modification times, over what is there. For the "
                    + "bundled kernel; repeatable. A directory that could not be copied is reported on standard error; "
                    + "the exit status stays the program's.").build();

    private final OptionSpec modules = Specs.repeatable("--module").paramLabel("FILE[,ARGS]")
            .description("A multiboot module: the file, and the string \"FILE ARGS\" beside it (as QEMU's -initrd \"FILE ARGS\"); "
                    + "the first comma ends FILE. "
                    + "Repeatable; the modules follow the image in RAM, in order.").build();

    private final OptionSpec verbose = Specs.flag("-v", "--verbose")
            .description("Report on standard error the image's boot protocol, what the host's KVM clock offers, "
                    + "the kernel's report (COM1, with the virtio console) as it comes, and a summary of the run.").build();

    private final OptionSpec json = Specs.flag("--json")
            .description("Print the result as one JSON object on standard output "
                    + "(the guest's output included), instead of the guest's output as it comes.").build();

    private final OptionSpec traceExits = Specs.flag("--trace-exits")
            .description("Describe every VM exit on standard error as it happens "
                    + "(kind, port or address, data), then a table of counts by kind and port.").build();

    private final PositionalParamSpec image = PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("IMAGE")
            .type(Path.class)
            .description("A PVH ELF64 or multiboot v1 image (default: the bundled guest kernel).").build();

    private final TimingsOption timings = new TimingsOption();

    private final Jvmm jvmm;

    /** run's whole model. */
    final CommandSpec spec;

    RunCommand(Jvmm jvmm) {
        this.jvmm = jvmm;
        spec = Specs.standardHelpOptions(Specs.command(this, SUBCOMMAND))
                .addOption(memory).addOption(cpus).addOption(timeout).addOption(cmdline).addOption(console)
                .addOption(entryPath).addOption(initrd).addOption(copyOut).addOption(modules)
                .addOption(verbose).addOption(json).addOption(traceExits)
                .addPositional(image);
        environment.addTo(spec);
        timings.addTo(spec);
        spec.usageMessage().customSynopsis(SYNOPSIS);
    }

    @Override
    public Integer call() {
        Path image = this.image.getValue();
        Path initrd = this.initrd.getValue();
        boolean verbose = this.verbose.getValue();
        boolean json = this.json.getValue();
        boolean traceExits = this.traceExits.getValue();
        List<String> copyOut = this.copyOut.getValue();
        List<String> modules = this.modules.getValue();
        PrintStream err = System.err;
        MicroVm.Builder builder = MicroVm.builder()
                .memory(memory.getValue())
                .cpus(cpus.getValue())
                .cmdline(cmdline.getValue())
                .entryPath(entryPath.getValue())
                .timeout(timeout.getValue())
                .onStart(clock -> {
                    if (verbose) {
                        err.println("jvmm: " + clock.describe());
                    }
                });
        jvmm.applyProgram(builder, initrd != null);
        environment.applyTo(builder, jvmm);
        GuestImage boot;
        try {
            boot = image != null ? GuestImage.read(image) : GuestImage.bundled();
        } catch (ImageException e) {
            throw e.linuxProgram() ? programGivenAsImage(e, image) : e;
        }
        if (verbose) {
            err.println("jvmm: " + boot.name() + ": " + boot.protocol());
        }
        if (image != null) {
            builder.image(boot);
        }
        builder.console(console.getValue());
        if (initrd != null) {
            builder.initrd(initrd);
        }
        for (String mapping : copyOut) {
            int colon = mapping.indexOf(':');
            if (colon <= 0 || colon == mapping.length() - 1) {
                throw new JvmmException("--copy-out " + mapping + ": expected GUEST_DIR:HOST_DIR, e.g. /out:results");
            }
            builder.copyOut(mapping.substring(0, colon), Path.of(mapping.substring(colon + 1)));
        }
        for (String module : modules) {
            int comma = module.indexOf(',');
            builder.module(Path.of(comma < 0 ? module : module.substring(0, comma)), comma < 0 ? null : module.substring(comma + 1));
        }
        Console resolved = builder.build().console();
        List<String> cannotRun = new ArrayList<>();
        if (!json) {
            builder.captureLimit(0);
            if (resolved == Console.VIRTIO) {
                builder.stdout(hostStream(FileDescriptor.out)).stderr(hostStream(FileDescriptor.err))
                        .onSerialLine(line -> {
                            if (line.startsWith(CANNOT_RUN)) {
                                cannotRun.add(line);
                            }
                        });
                if (verbose) {
                    builder.serialOutput(new FileOutputStream(FileDescriptor.err));
                }
            } else {
                builder.serialOutput(new FileOutputStream(FileDescriptor.out));
            }
        }
        if (resolved == Console.VIRTIO) {
            builder.stdin(new FileInputStream(FileDescriptor.in));
        }
        if (traceExits) {
            builder.traceExits(err);
        }
        VmResult result = timings.run(jvmm, () -> builder.build().run());
        if (json) {
            System.out.println(timings.json(jvmm, result.toJson()));
        }
        switch (result.outcome()) {
            case Outcome.Exited _ -> { }
            case Outcome.TimedOut(Duration after) ->
                    err.println("jvmm: timed out after " + Durations.format(after) + "; the guest was stopped");
            case Outcome.GuestDied(String reason, String registers) -> {
                err.println("jvmm: guest died: " + reason);
                err.print(registers);
            }
        }
        if (!verbose) {
            cannotRun.forEach(err::println);    // a program that did not start: say why, as docker run does
        }
        for (CopiedDirectory copied : result.copiedOut()) {
            if (copied.problem() != null) {
                err.println("jvmm: copy-out " + copied.guestDirectory() + ": " + copied.problem());
            } else if (verbose) {
                err.printf("jvmm: copy-out %s: %,d members, %,d bytes into %s%n", copied.guestDirectory(), copied.members(),
                        copied.bytes(), copied.hostDirectory());
            }
        }
        reportUnclaimed(err, result.exits());
        if (traceExits) {
            reportExitTable(err, result.exits());
        }
        if (verbose) {
            err.println("jvmm: summary: exit status " + result.exitStatus() + ", " + result.elapsed().toMillis()
                    + " ms, " + result.exits().total() + " VM exits; " + result.clock().describe());
        }
        return result.exitStatus();
    }

    /** The bundled kernel's line for a program it could not start (docs/kernel.md). */
    private static final String CANNOT_RUN = "jvmm-kernel: cannot run the program: ";

    /** One of jvmm's own output streams for the program's bytes: written in blocks, flushed at each notification. */
    private static OutputStream hostStream(FileDescriptor fd) {
        return new BufferedOutputStream(new FileOutputStream(fd), 1 << 16);
    }

    /** A Linux program given as the IMAGE (the "--" forgotten): say which command runs it. */
    private JvmmException programGivenAsImage(ImageException e, Path image) {
        List<String> command = new ArrayList<>(List.of("jvmm", "run", "--", image.toString()));
        command.addAll(jvmm.programArgv());
        return new JvmmException(e.getMessage() + ". It is a Linux program, not a kernel: to run it, use "
                + String.join(" ", command));
    }

    private static void reportUnclaimed(PrintStream err, ExitStatistics exits) {
        if (!exits.unclaimedPorts().isEmpty()) {
            StringBuilder ports = new StringBuilder();
            for (Map.Entry<Integer, Long> entry : exits.unclaimedPorts().entrySet()) {
                ports.append(ports.isEmpty() ? "" : ", ").append(String.format("0x%x (%d)", entry.getKey(), entry.getValue()));
            }
            err.println("jvmm: accesses to I/O ports no device claims: " + ports);
        }
        if (exits.unclaimedMmio() > 0) {
            err.println("jvmm: MMIO accesses no device claims: " + exits.unclaimedMmio());
        }
    }

    private static void reportExitTable(PrintStream err, ExitStatistics exits) {
        err.printf("jvmm: %,d VM exits%n", exits.total());
        err.printf("jvmm: %-16s %12s%n", "kind", "exits");
        for (Map.Entry<String, Long> entry : exits.byKind().entrySet()) {
            err.printf("jvmm: %-16s %,12d%n", entry.getKey(), entry.getValue());
        }
        err.printf("jvmm: %-16s %12s%n", "port", "exits");
        for (Map.Entry<Integer, Long> entry : exits.byPort().entrySet()) {
            err.printf("jvmm: %-16s %,12d%n", String.format("0x%x", entry.getKey()), entry.getValue());
        }
    }
}
