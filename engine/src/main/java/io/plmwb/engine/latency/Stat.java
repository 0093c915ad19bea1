package io.plmwb.engine.latency;

import java.util.Arrays;

/**
 * Median and spread of repeated measurements (ms).
 *
 * @param median median (mean of the middle two for an even count)
 * @param min    smallest
 * @param max    largest
 * @param n      how many values
 */
public record Stat(double median, double min, double max, int n) {

    /** Of {@code values} (at least one). */
    public static Stat of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int k = s.length;
        double med = k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
        return new Stat(med, s[0], s[k - 1], k);
    }
}
