package io.plmwb.experiments.chart;

import java.util.List;
import java.util.Objects;

/**
 * The matrix of a {@link ChartKind#HEATMAP} chart: values[row][column] with a label per row (y, drawn bottom to
 * top in row order) and per column (x), and the fixed colour range [min, max] every view and export uses (so two
 * heat maps with the same range are comparable). NaN cells are drawn blank. Immutable.
 *
 * @param xLabels    column labels
 * @param yLabels    row labels
 * @param values     [row][column], copied
 * @param min        value at the low end of the colour scale
 * @param max        value at the high end
 * @param scale      sequential (min → max) or diverging (negative ↔ positive around 0)
 * @param valueLabel what a cell's value means ("zero fraction"), for legends and CSV
 */
public record HeatMatrix(List<String> xLabels, List<String> yLabels, double[][] values, double min, double max,
                         Scale scale, String valueLabel) {

    /** Colour scales. */
    public enum Scale { SEQUENTIAL, DIVERGING }

    public HeatMatrix {
        xLabels = List.copyOf(Objects.requireNonNull(xLabels, "xLabels"));
        yLabels = List.copyOf(Objects.requireNonNull(yLabels, "yLabels"));
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(scale, "scale");
        valueLabel = valueLabel == null ? "" : valueLabel;
        if (values.length != yLabels.size()) {
            throw new IllegalArgumentException("heat map: " + values.length + " rows but " + yLabels.size()
                    + " row labels");
        }
        if (values.length == 0 || xLabels.isEmpty()) {
            throw new IllegalArgumentException("heat map: no cells");
        }
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != xLabels.size()) {
                throw new IllegalArgumentException("heat map: row " + r + " has " + values[r].length
                        + " values but there are " + xLabels.size() + " column labels");
            }
            for (double v : values[r]) {
                if (Double.isInfinite(v)) {
                    throw new IllegalArgumentException("heat map: row " + r + " holds an infinite value");
                }
            }
            copy[r] = values[r].clone();
        }
        values = copy;
        if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("heat map: colour range [" + min + ", " + max + "] is invalid");
        }
    }

    public int rows() {
        return values.length;
    }

    public int columns() {
        return xLabels.size();
    }

    /** One cell. */
    public double value(int row, int column) {
        return values[row][column];
    }

    /** A copy of the values. */
    @Override
    public double[][] values() {
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            copy[r] = values[r].clone();
        }
        return copy;
    }

    /** Position of a value on the colour scale, 0…1 (clamped; NaN stays NaN). */
    public double unit(double v) {
        if (Double.isNaN(v)) {
            return Double.NaN;
        }
        return Math.max(0, Math.min(1, (v - min) / (max - min)));
    }

    /** The colour of a value as 0xRRGGBB: the scale's gradient at {@link #unit}. */
    public int rgb(double v) {
        return HeatColors.rgb(scale, unit(v));
    }
}
