package dev.jvmm.vmm.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What jvmm does at start-up to start fast: the subcommand models it builds, the launcher's training run. */
class StartupTest {
    private static CommandLine commandLine(String... args) {
        return Jvmm.commandLine(new Jvmm(List.of(args), RawArguments.of(List.of(args))), List.of(args));
    }

    /** The subcommands whose whole model (their own class, their options) this command line has. */
    private static List<String> built(String... args) {
        Map<String, CommandLine> subcommands = commandLine(args).getSubcommands();
        return Jvmm.SUBCOMMANDS.stream()
                .filter(type -> type.isInstance(subcommands.get(type.getAnnotation(Command.class).name()).getCommand()))
                .map(type -> type.getAnnotation(Command.class).name())
                .toList();
    }

    @Test
    void onlyTheSubcommandsNamedOnTheCommandLineAreBuilt() {
        assertEquals(List.of("run"), built("run", "--help"));
        assertEquals(List.of("run"), built("--debug", "run", "--memory", "64M"));
        assertEquals(List.of("info", "help"), built("help", "info"));
        assertEquals(List.of(), built("--version"));
        assertEquals(List.of(), built("--help"));
        Map<String, CommandLine> subcommands = commandLine("run").getSubcommands();
        assertTrue(subcommands.get("run").getCommandSpec().optionsMap().containsKey("--memory"));
        assertFalse(subcommands.get("info").getCommandSpec().optionsMap().containsKey("--json"));
    }

    @Test
    void theTopLevelHelpIsTheSameAsWithEveryModelBuilt() {
        CommandLine full = new CommandLine(new Jvmm(List.of("--help"), RawArguments.of(List.of("--help"))));
        for (Class<?> subcommand : Jvmm.SUBCOMMANDS) {
            full.addSubcommand(subcommand.getAnnotation(Command.class).name(), subcommand);
        }
        assertEquals(full.getUsageMessage(CommandLine.Help.Ansi.OFF), commandLine("--help").getUsageMessage(CommandLine.Help.Ansi.OFF));
        StringWriter out = new StringWriter();
        assertEquals(0, Jvmm.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "--help"));
        assertEquals(full.getUsageMessage(CommandLine.Help.Ansi.OFF), out.toString());
    }

    @Test
    void theTrainingRunSucceedsWithOrWithoutKvm() {
        List<Integer> statuses = StartupTraining.train();
        assertEquals(StartupTraining.COMMANDS.size(), statuses.size());
        for (int i = 0; i < statuses.size(); i++) {
            List<String> command = StartupTraining.COMMANDS.get(i);
            int status = statuses.get(i);
            if (command.contains("--help") || command.contains("--version")) {
                assertEquals(0, status, command.toString());
            } else if (command.contains("--no-such-option")) {
                assertEquals(Jvmm.JVMM_FAILED, status, command.toString());
            } else {
                // info and run: 0 where /dev/kvm is usable; where it is not, info's verdict (1), run's failure (125).
                assertTrue(List.of(0, command.getFirst().equals("info") ? InfoCommand.WILL_NOT_WORK : Jvmm.JVMM_FAILED)
                        .contains(status), command + ": " + status);
            }
        }
    }
}
