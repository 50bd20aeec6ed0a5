package dev.jvmm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code jvmm help [COMMAND]}: the usage of jvmm, or of one of its commands. The same name, text and
 * behaviour as picocli's {@link CommandLine.HelpCommand}, whose model picocli would build from its
 * annotations.
 */
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {
    static final Jvmm.Subcommand SUBCOMMAND = new Jvmm.Subcommand("help",
            new String[] {"Display help information about the specified command."},
            new String[] {"%nWhen no COMMAND is given, the usage help for the main command is displayed.",
                    "If a COMMAND is specified, the help for that command is shown.%n"},
            jvmm -> new HelpCommand().spec);

    private final PositionalParamSpec command = PositionalParamSpec.builder().arity("0..1").paramLabel("COMMAND")
            .type(String.class).description("The COMMAND to display the usage help message for.").build();

    /** help's whole model: picocli treats it as a help request (no required options checked, no version). */
    final CommandSpec spec;

    /** The help command's own command line, given by picocli before it calls {@link #call()}. */
    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    HelpCommand() {
        spec = Specs.command(this, SUBCOMMAND)
                .helpCommand(true)
                .addOption(Specs.flag("-h", "--help").usageHelp(true)
                        .description("Show usage help for the help command and exit.").build())
                .addPositional(command);
        spec.usageMessage().synopsisHeading("%nUsage: ");
    }

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public Integer call() {
        CommandLine parent = self.getParent();
        String name = command.getValue();
        CommandLine shown = name == null ? parent : parent.getSubcommands().get(name);
        if (shown == null) {
            throw new CommandLine.ParameterException(parent, "Unknown subcommand '" + name + "'.", null, name);
        }
        shown.usage(out, colors);
        return shown.getCommandSpec().exitCodeOnUsageHelp();
    }
}
