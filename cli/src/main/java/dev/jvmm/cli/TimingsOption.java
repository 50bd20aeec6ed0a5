package dev.jvmm.cli;

import dev.jvmm.api.VmResult;
import dev.jvmm.vmm.Json;
import dev.jvmm.vmm.Phases;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code jvmm run --timings}: when each phase of the run was reached, in milliseconds since the JVM
 * started. jvmm's own phases ({@link #MAIN}, {@link #CLI_PARSED}) are marked by {@link Jvmm}; the
 * VMM's by {@link dev.jvmm.vmm.Machine} through {@link Phases}; the bundled kernel's boot phases
 * (its report's phases line, from its own clock) join them, counted from the first KVM_RUN.
 *
 * <p>The JVM's start: the launcher's clock just before it executes the JVM (the {@value #LAUNCHED}
 * property, bash's {@code EPOCHREALTIME}, in microseconds); without the launcher, the process's
 * start time as Linux keeps it (in clock ticks, 10 ms).
 */
final class TimingsOption {
    static final String MAIN = "main";
    static final String CLI_PARSED = "CLI parsed";
    /** The launcher's wall-clock time, in seconds since the epoch, just before it executes the JVM. */
    static final String LAUNCHED = "jvmm.launched";

    private final OptionSpec option = Specs.flag("--timings")
            .description("Report on standard error when each phase was reached, in ms since "
                    + "the JVM started: main, CLI parsed, VM created, memory mapped, guest loaded, first KVM_RUN, the bundled "
                    + "kernel's boot phases (kernel long, tables, clock, probe, user), guest exit (with --json, in the JSON object too).")
            .build();

    /** Adds --timings to a command's model. */
    void addTo(CommandSpec spec) {
        spec.addOption(option);
    }

    private boolean enabled() {
        return option.getValue();
    }

    /** The JVM's start and how it is known. */
    record Origin(long epochNanos, String source) {}

    /** Runs {@code run} recording its phases, then reports them, when --timings is given; else only runs it. */
    <R> R run(Jvmm jvmm, ScopedValue.CallableOp<? extends R, RuntimeException> run) {
        if (!enabled()) {
            return run.call();
        }
        R result = null;
        try {
            result = jvmm.phases().record(run);
            return result;
        } finally {
            if (result instanceof VmResult vm && vm.kernel() != null) {
                jvmm.phases().addKernel(vm.kernel().bootPhases());
            }
            System.err.print(text(jvmm.phases().marks(), origin()));
        }
    }

    /** {@code json} (one JSON object) with the phases added as its member "timings", when --timings is given. */
    String json(Jvmm jvmm, String json) {
        if (!enabled()) {
            return json;
        }
        Origin origin = origin();
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("origin", origin.source());
        sinceStart(jvmm.phases().marks(), origin).forEach((name, ms) ->
                timings.put(name.toLowerCase(Locale.ROOT).replace(' ', '_') + "_ms", ms));
        return json.substring(0, json.lastIndexOf('}')) + ",\"timings\":" + Json.write(timings) + "}";
    }

    static String text(List<Phases.Mark> marks, Origin origin) {
        StringBuilder out = new StringBuilder("jvmm: timings, ms since the JVM started (" + origin.source() + ")\n");
        double previous = 0;
        for (Map.Entry<String, Double> phase : sinceStart(marks, origin).entrySet()) {
            out.append(String.format(Locale.ROOT, "jvmm:   %-16s %8.1f  +%.1f%n", phase.getKey(), phase.getValue(),
                    phase.getValue() - previous));
            previous = phase.getValue();
        }
        return out.toString();
    }

    /** Each phase, in ms since the JVM started, to a tenth. */
    static Map<String, Double> sinceStart(List<Phases.Mark> marks, Origin origin) {
        long nowNanos = System.nanoTime();
        Instant now = Instant.now();
        long startNanoTime = nowNanos - (now.getEpochSecond() * 1_000_000_000L + now.getNano() - origin.epochNanos());
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Phases.Mark mark : marks) {
            phases.put(mark.name(), Math.round((mark.nanoTime() - startNanoTime) / 100_000.0) / 10.0);
        }
        return phases;
    }

    static Origin origin() {
        String launched = System.getProperty(LAUNCHED);
        if (launched != null) {
            try {
                // EPOCHREALTIME's decimal point is the locale's.
                BigDecimal seconds = new BigDecimal(launched.replace(',', '.'));
                return new Origin(seconds.movePointRight(9).longValue(), "the launcher's exec");
            } catch (NumberFormatException e) {
                // Not from the launcher: the process's start, below.
            }
        }
        Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now());
        return new Origin(TimeUnit.SECONDS.toNanos(started.getEpochSecond()) + started.getNano(), "the process's start, to 10 ms");
    }
}
