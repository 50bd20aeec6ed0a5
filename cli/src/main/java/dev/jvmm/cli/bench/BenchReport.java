package dev.jvmm.cli.bench;

import dev.jvmm.vmm.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's results, as a table for people and as JSON for scripts. */
public record BenchReport(Map<String, String> header, List<Row> rows) {

    public String table() {
        StringBuilder out = new StringBuilder();
        header.forEach((key, value) -> out.append(String.format("%-12s %s%n", key + ":", value)));
        String section = "";
        for (Row row : rows) {
            if (!row.section().equals(section)) {
                section = row.section();
                out.append(String.format("%n%-52s %14s %23s %12s  %s%n", switch (section) {
                    case "guest" -> "In the guest (median of rounds)";
                    case "host" -> "On the host, same run";
                    case "workload" -> "Workloads in the guest, jvmm against QEMU";
                    default -> "The VMM, against its peers";
                }, "median", "spread (min..max)", "cycles", "note"));
            }
            if (!row.measured()) {
                out.append(String.format("%-52s %14s %23s %12s  %s%n", row.name(), "-", "", "", row.note()));
                continue;
            }
            out.append(String.format("%-52s %9s %-4s %23s %12s  %s%n", row.name(), number(row.value().median()), row.unit(),
                    number(row.value().min()) + ".." + number(row.value().max()),
                    row.cycles() == null ? "" : number(row.cycles().median()), row.note()));
        }
        return out.toString();
    }

    private static String number(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%.1f", value);
    }

    public String json() {
        List<Map<String, Object>> results = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("section", row.section());
            result.put("name", row.name());
            if (!row.measured()) {
                result.put("skipped", row.note());
                results.add(result);
                continue;
            }
            result.put("unit", row.unit());
            result.put("median", row.value().median());
            result.put("min", row.value().min());
            result.put("max", row.value().max());
            result.put("samples", row.value().samples());
            if (row.cycles() != null) {
                result.put("cycles_median", row.cycles().median());
            }
            result.put("note", row.note());
            results.add(result);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("header", header);
        report.put("results", results);
        return Json.write(report);
    }
}
