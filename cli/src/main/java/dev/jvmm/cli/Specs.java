package dev.jvmm.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;

/**
 * The parts of jvmm's command-line model that every command builds alike, with picocli's
 * programmatic API. picocli's annotations would cost every start a dynamic proxy class for each
 * annotation type it reads (tens of milliseconds, and the JDK's AOT cache cannot hold them): no
 * command of jvmm is annotated, and picocli never inspects their objects
 * ({@link CommandSpec#wrapWithoutInspection}). Each command keeps its options as {@link OptionSpec}
 * fields and reads their values with {@link OptionSpec#getValue()} when it runs.
 */
final class Specs {
    private Specs() {}

    /**
     * A subcommand's model, named and described, without options yet: picocli calls {@code command}
     * ({@code Runnable} or {@code Callable}) when the subcommand is the one given.
     */
    static CommandSpec command(Object command, Jvmm.Subcommand subcommand) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(subcommand.name());
        spec.usageMessage().header(subcommand.header()).description(subcommand.description());
        return spec;
    }

    /**
     * Adds -h/--help and -V/--version as picocli's {@code mixinStandardHelpOptions} gives them (whose
     * own model picocli builds from annotations), with the same text.
     */
    static CommandSpec standardHelpOptions(CommandSpec spec) {
        return spec.addOption(flag("-h", "--help").usageHelp(true).description("Show this help message and exit.").build())
                .addOption(flag("-V", "--version").versionHelp(true).description("Print version information and exit.").build());
    }

    /** An option of this type, which takes a value; unset (null) unless given or defaulted. */
    static OptionSpec.Builder option(Class<?> type, String... names) {
        return OptionSpec.builder(names).type(type);
    }

    /** An option without a value: false unless given. */
    static OptionSpec.Builder flag(String... names) {
        return OptionSpec.builder(names).type(boolean.class).initialValue(false);
    }

    /** A repeatable option: its values in order, an empty list unless given. */
    static OptionSpec.Builder repeatable(String... names) {
        return OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).initialValue(List.of());
    }
}
