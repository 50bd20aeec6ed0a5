package dev.jvmm.cli.bench;

/**
 * One line of the benchmark report: what was measured, its value in {@code unit} (median and
 * spread over the samples), its TSC cycles where it was measured in cycles, and a note. A row
 * that could not be measured on this host has no value; its note says why.
 */
public record Row(String section, String name, String unit, Stats value, Stats cycles, String note) {

    public static Row of(String section, String name, String unit, Stats value, String note) {
        return new Row(section, name, unit, value, null, note);
    }

    /** A row not measured on this host, with the reason (e.g. no /dev/kvm). */
    public static Row skipped(String section, String name, String reason) {
        return new Row(section, name, "", null, null, reason);
    }

    public boolean measured() {
        return value != null;
    }
}
