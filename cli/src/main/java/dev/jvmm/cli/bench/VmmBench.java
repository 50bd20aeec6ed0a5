package dev.jvmm.cli.bench;

import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.RunResult;
import dev.jvmm.vmm.boot.ElfImage;

import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The VMM's own costs, each against peers in the same run:
 * <ul>
 * <li>the exit path: the exitloop guest's N port writes, on jvmm (in this JVM), on the C
 *     reference VMM and on QEMU; the cost of a run of 0 exits is subtracted where the
 *     measurement includes set-up;</li>
 * <li>start-up: the wall time of a whole {@code jvmm run} of the bundled image, and of QEMU
 *     booting the same image;</li>
 * <li>memory: the peak RSS of each of those.</li>
 * </ul>
 */
public final class VmmBench {
    private static final Pattern REFVMM = Pattern.compile("refvmm: (\\d+) exits in ([0-9.]+) s.*");

    private VmmBench() {}

    public static List<Row> exitPath(ElfImage exitloop, Path exitloopFile, Peers peers, int exits, int rounds, IntConsumer progress) {
        double[] jvmm = new double[rounds];
        double[] refvmm = new double[rounds];
        double[] qemu = new double[rounds];
        runJvmm(exitloop, 0);                           // warm-up
        for (int r = 0; r < rounds; r++) {
            progress.accept(r);
            jvmm[r] = (runJvmm(exitloop, exits) - runJvmm(exitloop, 0)) / (double) exits;
            if (peers.hasRefvmm()) {
                refvmm[r] = refvmmNanosPerExit(peers, exitloopFile, exits);
            }
            if (peers.qemu()) {
                long full = checked(run(peers.qemu(exitloopFile, Integer.toString(exits))), 1).nanos();
                long empty = checked(run(peers.qemu(exitloopFile, "0")), 1).nanos();
                qemu[r] = (full - empty) / (double) exits;
            }
        }
        List<Row> rows = new ArrayList<>();
        Stats jvmmStats = Stats.of(jvmm).scaled(1e-3);
        rows.add(Row.of("vmm", "exit round trip: jvmm (FFM)", "us", jvmmStats, rate(jvmmStats)));
        if (peers.hasRefvmm()) {
            Stats c = Stats.of(refvmm).scaled(1e-3);
            rows.add(Row.of("vmm", "exit round trip: C reference VMM", "us", c,
                    rate(c) + "; jvmm / C = " + ratio(jvmmStats, c)));
        }
        if (peers.qemu()) {
            Stats q = Stats.of(qemu).scaled(1e-3);
            rows.add(Row.of("vmm", "exit round trip: QEMU microvm (KVM)", "us", q,
                    rate(q) + "; jvmm / QEMU = " + ratio(jvmmStats, q)));
        }
        return rows;
    }

    public static List<Row> startupAndMemory(Path guestImage, Peers peers, int runs, IntConsumer progress) {
        double[] jvmm = new double[runs];
        double[] qemu = new double[runs];
        checked(run(peers.jvmmRun("--cmdline", "exit=0")), 0);   // warm: builds caches, page cache
        for (int r = 0; r < runs; r++) {
            progress.accept(r);
            jvmm[r] = checked(run(peers.jvmmRun()), 0).nanos() / 1e6;
            if (peers.qemu()) {
                qemu[r] = checked(run(peers.qemu(guestImage, "")), 1).nanos() / 1e6;
            }
        }
        List<Row> rows = new ArrayList<>();
        Stats jvmmStats = Stats.of(jvmm);
        rows.add(Row.of("vmm", "start-up: jvmm run (bundled image, boot to exit)", "ms", jvmmStats, ""));
        if (peers.qemu()) {
            Stats q = Stats.of(qemu);
            rows.add(Row.of("vmm", "start-up: QEMU microvm, same image", "ms", q, "jvmm / QEMU = " + ratio(jvmmStats, q)));
        }
        if (peers.hasPeakrss()) {
            double jvmmRss = peakRss(peers, peers.jvmmRun(), 0);
            rows.add(Row.of("vmm", "peak RSS: jvmm run", "MiB", Stats.of(jvmmRss), ""));
            if (peers.qemu()) {
                double qemuRss = peakRss(peers, peers.qemu(guestImage, ""), 1);
                rows.add(Row.of("vmm", "peak RSS: QEMU microvm", "MiB", Stats.of(qemuRss),
                        String.format("jvmm / QEMU = %.2f", jvmmRss / qemuRss)));
            }
        }
        return rows;
    }

    /**
     * The command line's own start-up, whole processes, interleaved with the JVM alone
     * ({@code java -version} of the same JDK): {@code jvmm --version} and {@code jvmm run --help}
     * need no KVM. Then, where the host has KVM, the phases of {@code jvmm run --timings --json}
     * (ms since the JVM started), the guest kernel's among them.
     */
    public static List<Row> commandLine(Peers peers, int runs, IntConsumer progress) {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version");
        List<String> version = jvmm(peers, "--version");
        List<String> runHelp = jvmm(peers, "run", "--help");
        double[] javaMs = new double[runs];
        double[] versionMs = new double[runs];
        double[] helpMs = new double[runs];
        checked(run(version), 0);   // warm: the launcher's cache, the page cache
        for (int r = 0; r < runs; r++) {
            progress.accept(r);
            javaMs[r] = checked(run(java), 0).nanos() / 1e6;
            versionMs[r] = checked(run(version), 0).nanos() / 1e6;
            helpMs[r] = checked(run(runHelp), 0).nanos() / 1e6;
        }
        Stats javaStats = Stats.of(javaMs);
        Stats versionStats = Stats.of(versionMs);
        Stats helpStats = Stats.of(helpMs);
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("vmm", "start-up: java -version (the JVM alone)", "ms", javaStats, ""));
        rows.add(Row.of("vmm", "start-up: jvmm --version", "ms", versionStats, "jvmm / java = " + ratio(versionStats, javaStats)));
        rows.add(Row.of("vmm", "start-up: jvmm run --help", "ms", helpStats, "jvmm / java = " + ratio(helpStats, javaStats)));
        if (!Peers.hasKvm()) {
            rows.add(Row.skipped("vmm", "run phase: (jvmm run --timings)", Peers.noKvm()));
            return rows;
        }
        java.util.Map<String, List<Double>> phases = new java.util.LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            String json = checked(run(peers.jvmmRun("--timings", "--json")), 0).out();   // the demo: the kernel's phases too
            Matcher timings = TIMINGS.matcher(json);
            if (!timings.find()) {
                throw new JvmmException("jvmm run --timings --json printed no timings: " + json.strip());
            }
            Matcher phase = PHASE.matcher(timings.group(1));
            while (phase.find()) {
                phases.computeIfAbsent(phase.group(1), name -> new ArrayList<>()).add(Double.parseDouble(phase.group(2)));
            }
        }
        phases.forEach((name, ms) -> rows.add(Row.of("vmm", "run phase: " + name.replace('_', ' '), "ms",
                Stats.of(ms.stream().mapToDouble(Double::doubleValue).toArray()), "since the JVM started (jvmm run --timings)")));
        return rows;
    }

    private static final Pattern TIMINGS = Pattern.compile("\"timings\":\\{([^}]*)\\}");
    private static final Pattern PHASE = Pattern.compile("\"(\\w+)_ms\":([0-9.]+)");

    private static List<String> jvmm(Peers peers, String... args) {
        List<String> command = new ArrayList<>(peers.jvmm());
        command.addAll(List.of(args));
        return command;
    }

    private static long runJvmm(ElfImage exitloop, int exits) {
        RunResult result = Machine.run(new Machine.Config(exitloop, 16L << 20, Integer.toString(exits), null, null,
                OutputStream.nullOutputStream()));
        if (!(result.outcome() instanceof RunResult.Exited(int status)) || status != 0) {
            throw new JvmmException("the exitloop guest did not finish on jvmm: " + result.outcome());
        }
        return result.elapsed().toNanos();
    }

    /** The C reference VMM times its own KVM_RUN loop. */
    private static double refvmmNanosPerExit(Peers peers, Path exitloopFile, int exits) {
        ProcessRunner.Result result = checked(run(List.of(peers.refvmm().toString(), exitloopFile.toString(),
                Integer.toString(exits))), 0);
        Matcher m = REFVMM.matcher(result.out().strip());
        if (!m.matches()) {
            throw new JvmmException("unexpected output from the C reference VMM: " + result.out());
        }
        return Double.parseDouble(m.group(2)) * 1e9 / Long.parseLong(m.group(1));
    }

    private static double peakRss(Peers peers, List<String> command, int expectedStatus) {
        List<String> measured = new ArrayList<>(List.of(peers.peakrss().toString()));
        measured.addAll(command);
        ProcessRunner.Result result = checked(run(measured), expectedStatus);
        Matcher m = Pattern.compile("peakrss: (\\d+) KiB").matcher(result.err());
        if (!m.find()) {
            throw new JvmmException("no peak RSS reported for " + command.getFirst());
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    /** A benchmark peer runs for a few seconds; ten minutes means it hangs. */
    static ProcessRunner.Result run(List<String> command) {
        try {
            return ProcessRunner.of(command).deadline(Duration.ofMinutes(10)).run();
        } catch (UncheckedIOException | ProcessRunner.TimedOut e) {
            throw new JvmmException("benchmark peer " + command.getFirst() + ": " + e.getMessage());
        }
    }

    static ProcessRunner.Result checked(ProcessRunner.Result result, int expectedStatus) {
        if (result.status() != expectedStatus) {
            throw new JvmmException("a benchmark peer exited with status " + result.status() + " (expected "
                    + expectedStatus + "): " + result.err().strip());
        }
        return result;
    }

    private static String rate(Stats microsecondsPerExit) {
        return String.format("%,.0f exits/s", 1e6 / microsecondsPerExit.median());
    }

    private static String ratio(Stats a, Stats b) {
        return String.format("%.2f", a.median() / b.median());
    }
}
