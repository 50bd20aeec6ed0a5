package dev.jvmm.cli;

import dev.jvmm.api.MicroVm;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The program's environment on jvmm's command line: the defaults (PATH, HOME), --clear-env, --env settings over them. */
final class EnvironmentOptions {
    private final OptionSpec settings = Specs.repeatable("-e", "--env").paramLabel("NAME=VALUE")
            .description("Set an environment variable of the program (repeatable; over the defaults, "
                    + "PATH and HOME, and earlier settings).").build();

    private final OptionSpec clear = Specs.flag("--clear-env")
            .description("Start the program's environment empty, without the default PATH and HOME.").build();

    /** Adds the options to a command's model. */
    void addTo(CommandSpec spec) {
        spec.addOption(settings).addOption(clear);
    }

    /** Sets the builder's environment, each setting with the bytes jvmm was given for it (see {@link RawArguments}). */
    void applyTo(MicroVm.Builder builder, Jvmm jvmm) {
        boolean clear = this.clear.getValue();
        List<String> settings = this.settings.getValue();
        if (clear) {
            builder.environment(Map.of());
        }
        List<String> args = jvmm.options();
        int next = 0;
        for (String setting : settings) {
            byte[] bytes = null;
            for (; next < args.size() && bytes == null; next++) {
                bytes = settingBytes(args.get(next), jvmm.optionBytes().get(next), setting);
            }
            builder.env(bytes != null ? bytes : setting.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The setting's bytes if this argument carries it: whole (after a separate -e), or after "--env=", "-e=" or "-e". */
    private static byte[] settingBytes(String arg, byte[] bytes, String setting) {
        for (String prefix : List.of("", "--env=", "-e=", "-e")) {
            if (arg.equals(prefix + setting)) {
                return Arrays.copyOfRange(bytes, prefix.length(), bytes.length);
            }
        }
        return null;
    }
}
