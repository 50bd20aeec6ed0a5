package dev.jvmm.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The training run from which the launcher records the JDK's AOT cache (JEP 483/514): one JVM that
 * goes through the command lines users start jvmm with, so that the cache holds the classes each
 * of them loads and links (picocli's included), not only those of one {@code jvmm run}.
 *
 * <p>Each command runs as {@code main} would run it, its output wherever the launcher sends the
 * training's. A command that fails is part of the training too: without a usable /dev/kvm,
 * {@code info} and {@code run} stop where they find that out, and the cache still covers the help,
 * the version and the command-line parsing. The training itself succeeds as long as the JVM does.
 */
public final class StartupTraining {
    /** The command lines, in order: the cheap ones first (a usage error among them), then those that open /dev/kvm. */
    static final List<List<String>> COMMANDS = List.of(
            List.of("--version"),
            List.of("--help"),
            List.of("run", "--help"),
            List.of("info", "--help"),
            List.of("initrd", "--help"),
            List.of("bench", "--help"),
            List.of("help", "run"),
            List.of("run", "--no-such-option"),
            List.of("info"),
            List.of("run", "--timings"));

    private StartupTraining() {}

    public static void main(String[] args) {
        train();
    }

    /** Runs every training command line; their exit statuses, in order. */
    static List<Integer> train() {
        List<Integer> statuses = new ArrayList<>();
        for (List<String> command : COMMANDS) {
            statuses.add(Jvmm.execute(command.toArray(String[]::new)));
        }
        return statuses;
    }
}
