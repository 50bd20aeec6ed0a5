package dev.jvmm.cli.bench;

import java.util.Arrays;

/** Median and spread (minimum, maximum) of repeated measurements. */
public record Stats(double median, double min, double max, int samples) {

    public static Stats of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], n);
    }

    public Stats scaled(double factor) {
        return new Stats(median * factor, min * factor, max * factor, samples);
    }
}
