package dev.jvmm.vmm.bench;

/**
 * One line of the benchmark report: what was measured, its value in {@code unit} (median and
 * spread over the samples), its TSC cycles where it was measured in cycles, and a note.
 */
public record Row(String section, String name, String unit, Stats value, Stats cycles, String note) {

    public static Row of(String section, String name, String unit, Stats value, String note) {
        return new Row(section, name, unit, value, null, note);
    }
}
