package dev.jvmm.vmm.cli;

import dev.jvmm.api.MicroVm;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** The program's environment on jvmm's command line: the defaults (PATH, HOME), --clear-env, --env settings over them. */
final class EnvironmentOptions {
    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE",
            description = "Set an environment variable of the program (repeatable; over the defaults, "
                    + "PATH and HOME, and earlier settings).")
    List<String> settings = List.of();

    @Option(names = "--clear-env", description = "Start the program's environment empty, without the default PATH and HOME.")
    boolean clear;

    void applyTo(MicroVm.Builder builder) {
        if (clear) {
            builder.environment(Map.of());
        }
        settings.forEach(builder::env);
    }
}
