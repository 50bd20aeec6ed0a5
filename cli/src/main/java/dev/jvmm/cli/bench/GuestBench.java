package dev.jvmm.cli.bench;

import dev.jvmm.api.KernelReport;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.RunResult;
import dev.jvmm.vmm.boot.ElfImage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest side: the bundled image's jvmm-bench program, booted on jvmm, times each system-call
 * entry path and the vDSO's clock_gettime in TSC cycles; KVM_GET_TSC_KHZ turns cycles into time.
 */
public final class GuestBench {
    private static final Pattern SAMPLE = Pattern.compile("bench: (.+) (\\d+) (\\d+)");

    private GuestBench() {}

    public static List<Row> run(ElfImage image, int syscallsPerRound, int vdsoCallsPerRound, int rounds) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        String cmdline = "-- jvmm-bench " + syscallsPerRound + " " + vdsoCallsPerRound + " " + rounds;
        RunResult result = Machine.run(new Machine.Config(image, 128L << 20, cmdline, null, Duration.ofMinutes(10), serial));
        List<String> lines = serial.toString(StandardCharsets.UTF_8).lines().toList();
        if (!(result.outcome() instanceof RunResult.Exited(int status)) || status != 0) {
            throw new JvmmException("the guest benchmark did not finish: " + result.outcome() + "; its output: " + lines);
        }
        Map<String, String> paths = KernelReport.parse(lines).entryPaths();
        Map<String, List<Double>> cycles = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                cycles.computeIfAbsent(m.group(1), name -> new ArrayList<>()).add(Double.parseDouble(m.group(3)));
            }
        }
        Map<String, Stats> stats = new LinkedHashMap<>();
        cycles.forEach((name, samples) -> stats.put(name, Stats.of(samples.stream().mapToDouble(Double::doubleValue).toArray())));
        double nsPerCycle = 1e6 / result.clock().tscKhz();
        List<Row> rows = new ArrayList<>();
        stats.forEach((name, inCycles) -> {
            String path = name.substring(0, name.indexOf(' '));
            String note = paths.containsKey(path) ? paths.get(path) + " entry" : "no kernel entry";
            Stats floor = stats.get(path + " floor");
            if (name.endsWith(" null") && floor != null) {
                note += String.format("; null / floor = %.2f", inCycles.median() / floor.median());
            }
            rows.add(new Row("guest", name.startsWith("vdso") ? name.replace("vdso ", "vDSO clock_gettime ")
                    : path + ": " + measurement(name), "ns", inCycles.scaled(nsPerCycle), inCycles, note));
        });
        return rows;
    }

    /** What jvmm-bench's system-call measurement {@code "<path> <what>"} is. */
    private static String measurement(String name) {
        return switch (name.substring(name.indexOf(' ') + 1)) {
            case "null" -> "null system call (getppid)";
            case "floor" -> "floor: entry and return (-ENOSYS)";
            default -> "clock_gettime system call";
        };
    }
}
