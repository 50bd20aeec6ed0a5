package dev.jvmm.vmm.bench;

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
                out.append(String.format("%n%-52s %12s %23s %12s  %s%n", switch (section) {
                    case "guest" -> "In the guest (median of rounds)";
                    case "host" -> "On the host, same run";
                    default -> "The VMM, against its peers";
                }, "median", "spread (min..max)", "cycles", "note"));
            }
            out.append(String.format("%-52s %9s %-2s %23s %12s  %s%n", row.name(), number(row.value().median()), row.unit(),
                    number(row.value().min()) + ".." + number(row.value().max()),
                    row.cycles() == null ? "" : number(row.cycles().median()), row.note()));
        }
        return out.toString();
    }

    private static String number(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%.1f", value);
    }

    public String json() {
        StringBuilder out = new StringBuilder("{\"header\":{");
        String separator = "";
        for (Map.Entry<String, String> entry : header.entrySet()) {
            out.append(separator).append(quote(entry.getKey())).append(':').append(quote(entry.getValue()));
            separator = ",";
        }
        out.append("},\"results\":[");
        separator = "";
        for (Row row : rows) {
            out.append(separator).append("{\"section\":").append(quote(row.section()))
                    .append(",\"name\":").append(quote(row.name()))
                    .append(",\"unit\":").append(quote(row.unit()))
                    .append(",\"median\":").append(row.value().median())
                    .append(",\"min\":").append(row.value().min())
                    .append(",\"max\":").append(row.value().max())
                    .append(",\"samples\":").append(row.value().samples());
            if (row.cycles() != null) {
                out.append(",\"cycles_median\":").append(row.cycles().median());
            }
            out.append(",\"note\":").append(quote(row.note())).append('}');
            separator = ",";
        }
        return out.append("]}").toString();
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
