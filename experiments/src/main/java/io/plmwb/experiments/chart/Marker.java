package io.plmwb.experiments.chart;

import java.util.Objects;

/**
 * An annotation line across the plot: a vertical marker at an x value (phase boundaries, warm-up end) or a
 * horizontal one at a y value (a baseline, a budget).
 *
 * @param orientation vertical (at x) or horizontal (at y)
 * @param value       the x or y value, finite
 * @param label       text drawn next to the line; may be empty
 */
public record Marker(Orientation orientation, double value, String label) {

    /** Which way the line runs. */
    public enum Orientation { VERTICAL, HORIZONTAL }

    public Marker {
        Objects.requireNonNull(orientation, "orientation");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("marker '" + label + "': value must be finite, was " + value);
        }
        label = label == null ? "" : label;
    }

    /** A vertical line at {@code x}. */
    public static Marker vertical(double x, String label) {
        return new Marker(Orientation.VERTICAL, x, label);
    }

    /** A horizontal line at {@code y}. */
    public static Marker horizontal(double y, String label) {
        return new Marker(Orientation.HORIZONTAL, y, label);
    }
}
