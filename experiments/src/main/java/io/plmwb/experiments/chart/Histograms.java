package io.plmwb.experiments.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Bins raw values into a category series for a {@link ChartKind#HISTOGRAM} chart. */
public final class Histograms {

    private Histograms() {
    }

    /**
     * Counts finite {@code values} in {@code bins} equal-width bins over [lo, hi] (the last bin includes hi; values
     * outside are ignored). Bin labels are the bin ranges, e.g. "[0.1, 0.2)".
     */
    public static Series.Builder bin(String name, double[] values, int bins, double lo, double hi) {
        if (bins < 1) {
            throw new IllegalArgumentException("histogram '" + name + "': bins must be at least 1, was " + bins);
        }
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
            throw new IllegalArgumentException("histogram '" + name + "': range [" + lo + ", " + hi + "] is invalid");
        }
        double[] counts = new double[bins];
        double width = (hi - lo) / bins;
        for (double v : values) {
            if (!Double.isFinite(v) || v < lo || v > hi) {
                continue;
            }
            int b = v == hi ? bins - 1 : (int) Math.floor((v - lo) / width);
            counts[Math.min(b, bins - 1)]++;
        }
        List<String> labels = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            double a = lo + b * width;
            double z = b == bins - 1 ? hi : lo + (b + 1) * width;
            labels.add(String.format(Locale.ROOT, "[%.4g, %.4g%s", a, z, b == bins - 1 ? "]" : ")"));
        }
        return Series.categories(name, labels, counts);
    }
}
