package io.plmwb.experiments.chart;

/**
 * One axis: label, unit, log scale, optional fixed range. Immutable; the {@code with*} methods return copies.
 *
 * @param label axis label ("Step", "Parameters"); may be empty, never null
 * @param unit  unit shown in brackets ("M", "ms", "tokens"); may be empty, never null
 * @param log   base-10 logarithmic scale
 * @param min   fixed lower bound, or null for automatic
 * @param max   fixed upper bound, or null for automatic
 */
public record Axis(String label, String unit, boolean log, Double min, Double max) {

    public Axis {
        label = label == null ? "" : label.strip();
        unit = unit == null ? "" : unit.strip();
        if (min != null && !Double.isFinite(min)) {
            throw new IllegalArgumentException("axis '" + label + "': min must be finite, was " + min);
        }
        if (max != null && !Double.isFinite(max)) {
            throw new IllegalArgumentException("axis '" + label + "': max must be finite, was " + max);
        }
        if (min != null && max != null && !(min < max)) {
            throw new IllegalArgumentException("axis '" + label + "': min " + min + " must be below max " + max);
        }
        if (log && ((min != null && min <= 0) || (max != null && max <= 0))) {
            throw new IllegalArgumentException("axis '" + label + "' is logarithmic: its range must be positive, was ["
                    + min + ", " + max + "]");
        }
    }

    /** A linear, auto-ranged axis. */
    public static Axis of(String label, String unit) {
        return new Axis(label, unit, false, null, null);
    }

    public Axis withLog(boolean logScale) {
        return new Axis(label, unit, logScale, min, max);
    }

    /** A copy with a fixed range; either bound may be null (automatic). */
    public Axis withRange(Double lower, Double upper) {
        return new Axis(label, unit, log, lower, upper);
    }

    /** "Label (unit)", "Label" or "unit" as shown on the chart and in CSV headers. */
    public String title() {
        if (unit.isEmpty()) {
            return label;
        }
        return label.isEmpty() ? unit : label + " (" + unit + ")";
    }

    /** True when a bound is fixed. */
    public boolean hasFixedRange() {
        return min != null || max != null;
    }
}
