package dev.jvmm.cli;

import dev.jvmm.api.JvmmException;
import dev.jvmm.api.MicroVm;
import dev.jvmm.vmm.Phases;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The {@code jvmm} command line. Exit statuses: the guest's own, 124 timeout, 125 jvmm failed, 126 guest died. */
public final class Jvmm implements Runnable {
    static final int JVMM_FAILED = 125;

    /**
     * A subcommand: its name and the text {@code jvmm --help} lists, and how to build its whole model
     * (its options, its object), which the command line builds only when the subcommand is named.
     */
    record Subcommand(String name, String[] header, String[] description, Function<Jvmm, CommandSpec> model) {
        Subcommand(String name, String[] description, Function<Jvmm, CommandSpec> model) {
            this(name, new String[0], description, model);
        }

        /** The name and text alone, without an object to call, for the top-level help. */
        CommandSpec summary() {
            return Specs.command(null, this);
        }
    }

    /**
     * The subcommands, in the order {@code jvmm --help} lists them. Only a subcommand named on the
     * command line gets its whole model (its object, its options, their converters, and the classes
     * they load); the others get a summary (name and description) for the top-level help.
     */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            RunCommand.SUBCOMMAND, InfoCommand.SUBCOMMAND, BenchCommand.SUBCOMMAND, InitrdCommand.SUBCOMMAND, HelpCommand.SUBCOMMAND);

    /** jvmm's own model: the options before the subcommand, the version, the exit statuses. */
    final CommandSpec spec;

    /** The arguments before "--" (jvmm's), and after it (the guest program and its arguments), as text and as bytes. */
    private final List<String> args;
    private final int separator;
    /** The arguments' bytes: read from /proc when a command first needs them (run's and initrd's program and environment). */
    private List<byte[]> bytes;

    /** When jvmm's phases were reached, from {@code main} on (jvmm run --timings). */
    private final Phases phases = new Phases();

    /** jvmm's arguments, whose bytes {@link RawArguments} reads if a command needs them. */
    Jvmm(List<String> args) {
        phases.add(TimingsOption.MAIN);
        this.args = args;
        this.separator = args.indexOf("--");
        spec = Specs.standardHelpOptions(CommandSpec.wrapWithoutInspection(this).name("jvmm"))
                .addOption(Specs.flag("--debug").scopeType(CommandLine.ScopeType.INHERIT)
                        .description("Show stack traces for jvmm's own errors.").build())
                .versionProvider(new Version())
                .exitCodeOnInvalidInput(JVMM_FAILED)
                .exitCodeOnExecutionException(JVMM_FAILED);
        spec.usageMessage()
                .description("A microVM runtime: boots tiny x86-64 guest kernels on /dev/kvm.")
                .exitCodeListHeading("%nExit status:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap(
                        "<n>:the status the guest wrote to its exit device",
                        "124:--timeout expired",
                        "125:jvmm itself failed (usage, bad image, no usable /dev/kvm)",
                        "126:the guest kernel died (triple fault, KVM internal error, entry failure)"));
    }

    private List<byte[]> bytes() {
        if (bytes == null) {
            bytes = RawArguments.of(args);
        }
        return bytes;
    }

    private int end() {
        return separator < 0 ? args.size() : separator;
    }

    List<String> programArgv() {
        return separator < 0 ? List.of() : args.subList(separator + 1, args.size());
    }

    /** The program's argv as execve gave it to jvmm (see {@link RawArguments}). */
    List<byte[]> programArgvBytes() {
        return separator < 0 ? List.of() : bytes().subList(separator + 1, args.size());
    }

    /**
     * Gives the builder the program after "--", if there is one, with its argv's bytes. A name of one
     * of the bundled kernel's own programs ({@link MicroVm#BUILT_IN_PROGRAMS}) runs that program
     * unless a file of that name is in the current directory, or an initramfs is given: then, as
     * any other PROGRAM, it is a file, in the archive or on the host.
     */
    void applyProgram(MicroVm.Builder builder, boolean initramfs) {
        List<String> argv = programArgv();
        if (argv.isEmpty()) {
            return;
        }
        String name = argv.getFirst();
        if (!initramfs && MicroVm.BUILT_IN_PROGRAMS.contains(name) && !Files.exists(Path.of(name))) {
            builder.builtInProgram(name, argv.subList(1, argv.size()).toArray(String[]::new));
        } else {
            builder.program(argv);
        }
        builder.argvBytes(programArgvBytes());
    }

    Phases phases() {
        return phases;
    }

    List<String> options() {
        return args.subList(0, end());
    }

    List<byte[]> optionBytes() {
        return bytes().subList(0, end());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: jvmm run)");
    }

    /**
     * Runs jvmm and ends the process with its status. Through {@link Runtime#halt}, after flushing
     * what jvmm wrote: {@code System.exit} would first look up the JDK's logger for
     * {@code Runtime.exit} (a service lookup over every jar of the class path, some milliseconds of
     * every start), and run shutdown hooks, of which jvmm has none.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = execute(out, err, args);
        out.flush();
        err.flush();
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line, jvmm's own output and messages to {@code out} and {@code err}.
     * Everything after the first "--" is the guest program's argv, which picocli would otherwise
     * read as more positional parameters (the image).
     */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        int separator = Arrays.asList(args).indexOf("--");
        String[] jvmmArgs = separator < 0 ? args : Arrays.copyOf(args, separator);
        Jvmm jvmm = new Jvmm(List.of(args));
        CommandLine commandLine = commandLine(jvmm, List.of(jvmmArgs));
        commandLine.setExecutionStrategy(parseResult -> {
            jvmm.phases.add(TimingsOption.CLI_PARSED);
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println("jvmm: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return JVMM_FAILED;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            boolean debug = parseResult.hasMatchedOption("--debug");
            if (e instanceof JvmmException) {
                err.println("jvmm: " + e.getMessage());
            } else {
                err.println("jvmm: internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)"));
            }
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return JVMM_FAILED;
        });
        return commandLine.execute(jvmmArgs);
    }

    /**
     * jvmm's command line for these arguments (those before "--"): the whole model of each
     * subcommand whose name is among them (so {@code jvmm help run} has run's), a summary of the
     * others. A word that only looks like a subcommand's name (an option's value) costs that model, no more.
     */
    static CommandLine commandLine(Jvmm jvmm, List<String> jvmmArgs) {
        CommandLine commandLine = new CommandLine(jvmm.spec);
        for (Subcommand subcommand : SUBCOMMANDS) {
            commandLine.addSubcommand(subcommand.name(),
                    jvmmArgs.contains(subcommand.name()) ? subcommand.model().apply(jvmm) : subcommand.summary());
        }
        return commandLine;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Jvmm.class.getPackage().getImplementationVersion();
            return new String[]{"jvmm " + (version == null ? "(development build)" : version)
                    + ", Java " + Runtime.version()};
        }
    }
}
