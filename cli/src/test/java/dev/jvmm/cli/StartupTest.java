package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.Phases;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What jvmm does at start-up to start fast: the subcommand models it builds, the launcher's training run. */
class StartupTest {
    private static CommandLine commandLine(String... args) {
        return Jvmm.commandLine(new Jvmm(List.of(args)), List.of(args));
    }

    /** The subcommands whose whole model (their own object, their options) this command line has. */
    private static List<String> built(String... args) {
        Map<String, CommandLine> subcommands = commandLine(args).getSubcommands();
        return Jvmm.SUBCOMMANDS.stream()
                .map(Jvmm.Subcommand::name)
                .filter(name -> subcommands.get(name).getCommand() != null)
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
        Jvmm jvmm = new Jvmm(List.of("--help"));
        CommandLine full = new CommandLine(jvmm.spec);
        for (Jvmm.Subcommand subcommand : Jvmm.SUBCOMMANDS) {
            full.addSubcommand(subcommand.name(), subcommand.model().apply(jvmm));
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
            if (command.contains("--help") || command.contains("--version") || command.getFirst().equals("help")) {
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

    /**
     * Reading an annotation makes the JDK spin a proxy class for its type, at every start (the AOT
     * cache cannot hold one): the training run's command lines, in a JVM of their own, spin none.
     */
    @Test
    void noCommandLineReadsAnAnnotation() {
        ProcessRunner.Result result = ProcessRunner.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StartupTraining.class.getName()).deadline(Duration.ofSeconds(120)).run();
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("] " + Jvmm.class.getName() + " source: "), "no class loading logged");
        assertEquals(List.of(), result.out().lines().filter(line -> line.endsWith(" source: __dynamic_proxy__")).toList());
    }

    private static final List<String> CLI_PHASES = List.of(TimingsOption.MAIN, TimingsOption.CLI_PARSED);
    private static final List<String> VMM_PHASES = List.of(Phases.VM_CREATED, Phases.MEMORY_MAPPED, Phases.GUEST_LOADED,
            Phases.FIRST_KVM_RUN, Phases.GUEST_EXIT);
    private static final Pattern PHASE_LINE = Pattern.compile("jvmm:   (.+?) +(\\d+\\.\\d)  \\+(\\d+\\.\\d)");

    /** The phases --timings printed, in order, each checked to come no earlier than the one before. */
    private static List<String> phasesPrinted(String err) {
        assertTrue(err.startsWith("jvmm: timings, ms since the JVM started ("), err);
        List<String> names = new ArrayList<>();
        double previous = 0;
        for (String line : err.lines().skip(1).toList()) {
            Matcher phase = PHASE_LINE.matcher(line);
            if (!phase.matches()) {
                break;
            }
            double ms = Double.parseDouble(phase.group(2));
            assertTrue(ms >= previous && ms > 0, line);
            previous = ms;
            names.add(phase.group(1));
        }
        return names;
    }

    @Test
    void timingsPrintTheRunsPhasesAsFarAsItGot() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = Jvmm.execute("run", "--timings", "--cmdline", "exit=0");
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        List<String> phases = phasesPrinted(text);
        if (status == 0) {
            List<String> all = new ArrayList<>(CLI_PHASES);
            all.addAll(VMM_PHASES);
            assertEquals(all, phases, text);
        } else {
            // No usable /dev/kvm: the run stops at opening it, after the command line was parsed.
            assertEquals(Jvmm.JVMM_FAILED, status, text);
            assertEquals(CLI_PHASES, phases, text);
            assertTrue(text.lines().toList().getLast().startsWith("jvmm: cannot open /dev/kvm"), text);
        }
    }

    @Test
    void timingsAreMillisecondsSinceTheOriginEachWithItsStep() {
        long start = System.nanoTime();
        Instant now = Instant.now();
        long origin = now.getEpochSecond() * 1_000_000_000L + now.getNano() - 5_000_000;
        List<Phases.Mark> marks = List.of(new Phases.Mark("main", start),
                new Phases.Mark("CLI parsed", start + 2_500_000));
        String text = TimingsOption.text(marks, new TimingsOption.Origin(origin, "a test"));
        assertEquals("jvmm: timings, ms since the JVM started (a test)", text.lines().findFirst().orElseThrow());
        Map<String, Double> since = TimingsOption.sinceStart(marks, new TimingsOption.Origin(origin, "a test"));
        // The origin was taken 5 ms before `start`, give or take the clocks' reading.
        assertEquals(5.0, since.get("main"), 1.0);
        assertEquals(2.5, since.get("CLI parsed") - since.get("main"), 0.11);
        assertEquals(List.of("main", "CLI parsed"), phasesPrinted(text));
    }

    @Test
    void theKernelsPhasesJoinTheRunsCountedFromTheFirstKvmRun() throws InterruptedException {
        Phases phases = new Phases();
        phases.addKernel(Map.of("long", 4L));
        assertEquals(List.of(), phases.marks(), "no first KVM_RUN: nothing to count from");
        phases.add(Phases.FIRST_KVM_RUN);
        Thread.sleep(10);
        phases.add(Phases.GUEST_EXIT);
        Map<String, Long> kernel = new java.util.LinkedHashMap<>();
        kernel.put("first", 0L);
        kernel.put("long", 4L);
        kernel.put("tables", 38L);
        kernel.put("clock", 390L);
        kernel.put("probe", 1210L);
        kernel.put("user", 1932L);
        phases.addKernel(kernel);
        List<Phases.Mark> marks = phases.marks();
        assertEquals(List.of(Phases.FIRST_KVM_RUN, "kernel long", "kernel tables", "kernel clock", "kernel probe", "kernel user",
                        Phases.GUEST_EXIT), marks.stream().map(Phases.Mark::name).toList());
        assertEquals(1_932_000, marks.get(5).nanoTime() - marks.getFirst().nanoTime());
    }

    @Test
    @JvmmTest(strict = true)
    void aProgramsRunShowsTheKernelsBootPhasesBetweenTheFirstKvmRunAndTheExit() {
        ProcessRunner.Result result = ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of(), "run", "--timings", "--json"))
                .deadline(Duration.ofSeconds(60)).run();
        assertEquals(0, result.status(), result.err());
        List<String> all = new ArrayList<>(CLI_PHASES);
        all.addAll(VMM_PHASES.subList(0, VMM_PHASES.size() - 1));
        all.addAll(List.of("kernel long", "kernel tables", "kernel clock", "kernel probe", "kernel user", Phases.GUEST_EXIT));
        assertEquals(all, phasesPrinted(result.err()), result.err());
        assertTrue(result.out().contains("\"kernel_user_ms\":"), result.out());
    }

    @Test
    void theLaunchersClockIsTheOriginWhenGiven() {
        String saved = System.getProperty(TimingsOption.LAUNCHED);
        try {
            System.setProperty(TimingsOption.LAUNCHED, "1764316800,250000");
            assertEquals(new TimingsOption.Origin(1_764_316_800_250_000_000L, "the launcher's exec"), TimingsOption.origin());
            System.clearProperty(TimingsOption.LAUNCHED);
            assertEquals("the process's start, to 10 ms", TimingsOption.origin().source());
        } finally {
            if (saved != null) {
                System.setProperty(TimingsOption.LAUNCHED, saved);
            }
        }
    }

    @Test
    @JvmmTest(strict = true)
    void timingsReachEveryVmmPhaseAndJoinTheJson() {
        ProcessRunner.Result result = ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of(), "run", "--timings", "--json",
                "--cmdline", "exit=0")).deadline(Duration.ofSeconds(60)).run();
        assertEquals(0, result.status(), result.err());
        List<String> all = new ArrayList<>(CLI_PHASES);
        all.addAll(VMM_PHASES);
        assertEquals(all, phasesPrinted(result.err()), result.err());
        String json = result.out().strip();
        int at = json.indexOf(",\"timings\":{\"origin\":");
        assertTrue(at > 0 && json.endsWith("}}"), json);
        for (String phase : all) {
            String key = "\"" + phase.toLowerCase(java.util.Locale.ROOT).replace(' ', '_') + "_ms\":";
            assertTrue(json.indexOf(key, at) > at, key + " in " + json);
        }
    }
}
