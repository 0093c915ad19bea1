package io.plmwb.experiments.chart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One named series: numeric x values (line, scatter, area) or category labels (bars), y values, an optional
 * y spread (± error per point), and how it is drawn. Immutable: arrays are copied in and out.
 *
 * <p>NaN in y (and in the spread) marks a gap; infinities are rejected. Checks that need the chart (log axes,
 * shared categories) happen in {@link ChartSpec.Builder#build()}.
 */
public final class Series {

    private final String name;
    private final double[] x;
    private final List<String> categories;
    private final double[] y;
    private final double[] yError;
    private final String colorHex;
    private final LineStyle lineStyle;
    private final boolean markers;

    private Series(Builder b) {
        this.name = b.name;
        this.x = b.x;
        this.categories = b.categories;
        this.y = b.y;
        this.yError = b.yError;
        this.colorHex = b.colorHex;
        this.lineStyle = b.lineStyle;
        this.markers = b.markers;
    }

    /** A numeric series (for LINE, SCATTER, AREA). */
    public static Builder xy(String name, double[] x, double[] y) {
        Builder b = new Builder(name);
        b.x = Objects.requireNonNull(x, () -> "series '" + name + "': x is null").clone();
        b.y = Objects.requireNonNull(y, () -> "series '" + name + "': y is null").clone();
        return b;
    }

    /** A category series (for BAR, STACKED_BAR, HISTOGRAM). */
    public static Builder categories(String name, List<String> categories, double[] y) {
        Builder b = new Builder(name);
        Objects.requireNonNull(categories, () -> "series '" + name + "': categories are null");
        List<String> copy = new ArrayList<>(categories.size());
        for (int i = 0; i < categories.size(); i++) {
            String c = categories.get(i);
            if (c == null) {
                throw new IllegalArgumentException("series '" + name + "': category " + i + " is null");
            }
            copy.add(c);
        }
        b.categories = Collections.unmodifiableList(copy);
        b.y = Objects.requireNonNull(y, () -> "series '" + name + "': y is null").clone();
        return b;
    }

    public String name() {
        return name;
    }

    /** True when the series has category labels rather than numeric x values. */
    public boolean isCategorical() {
        return categories != null;
    }

    /** A copy of the x values; empty for a category series. */
    public double[] x() {
        return x == null ? new double[0] : x.clone();
    }

    /** The category labels; empty for a numeric series. */
    public List<String> categories() {
        return categories == null ? List.of() : categories;
    }

    /** A copy of the y values (NaN = gap). */
    public double[] y() {
        return y.clone();
    }

    /** Number of points. */
    public int size() {
        return y.length;
    }

    public double x(int i) {
        return x[i];
    }

    public double y(int i) {
        return y[i];
    }

    /** A copy of the ± spread per point, if the series has one. */
    public Optional<double[]> yError() {
        return yError == null ? Optional.empty() : Optional.of(yError.clone());
    }

    /** The series' own colour ("#RRGGBB"), if set; otherwise it takes the palette colour of its position. */
    public Optional<String> colorHex() {
        return Optional.ofNullable(colorHex);
    }

    public LineStyle lineStyle() {
        return lineStyle;
    }

    /** True when point markers are drawn (always true for scatter charts). */
    public boolean markers() {
        return markers;
    }

    /** True when both series have the same x values (bit for bit) or the same categories. */
    boolean sharesXWith(Series other) {
        return isCategorical() ? categories.equals(other.categories) : Arrays.equals(x, other.x);
    }

    @Override
    public String toString() {
        return "Series[" + name + ", " + y.length + " points]";
    }

    /** Builds a {@link Series}, validating lengths and values. */
    public static final class Builder {
        private final String name;
        private double[] x;
        private List<String> categories;
        private double[] y;
        private double[] yError;
        private String colorHex;
        private LineStyle lineStyle = LineStyle.SOLID;
        private boolean markers;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("series name must not be blank");
            }
            this.name = name.strip();
        }

        /** ± spread per point (standard deviation, CI half-width); non-negative or NaN. */
        public Builder yError(double[] errors) {
            this.yError = errors == null ? null : errors.clone();
            return this;
        }

        /** Own colour "#RRGGBB" (null: palette colour). */
        public Builder color(String hex) {
            this.colorHex = hex == null ? null : ChartPalette.normalize(hex);
            return this;
        }

        public Builder lineStyle(LineStyle style) {
            this.lineStyle = Objects.requireNonNull(style, "lineStyle");
            return this;
        }

        public Builder markers(boolean on) {
            this.markers = on;
            return this;
        }

        public Series build() {
            if (x != null && x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length
                        + " y values");
            }
            if (categories != null && categories.size() != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + categories.size()
                        + " categories but " + y.length + " y values");
            }
            if (yError != null && yError.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + yError.length + " error values but "
                        + y.length + " y values");
            }
            if (x != null) {
                for (int i = 0; i < x.length; i++) {
                    if (!Double.isFinite(x[i])) {
                        throw new IllegalArgumentException("series '" + name + "': x[" + i + "] = " + x[i]
                                + " is not finite");
                    }
                }
            }
            for (int i = 0; i < y.length; i++) {
                if (Double.isInfinite(y[i])) {
                    throw new IllegalArgumentException("series '" + name + "': y[" + i + "] = " + y[i]
                            + " is infinite (use NaN for a gap)");
                }
            }
            if (yError != null) {
                for (int i = 0; i < yError.length; i++) {
                    double e = yError[i];
                    if (Double.isInfinite(e) || e < 0) {
                        throw new IllegalArgumentException("series '" + name + "': error[" + i + "] = " + e
                                + " must be finite and non-negative (or NaN)");
                    }
                }
            }
            return new Series(this);
        }
    }
}
