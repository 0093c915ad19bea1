package io.plmwb.views.chart;

import io.plmwb.experiments.chart.TickLabels;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Side;
import javafx.scene.chart.ValueAxis;

/**
 * A base-10 logarithmic number axis for JavaFX XY charts: ticks at decades, minor ticks at 2–9 × each decade.
 * Auto-ranging widens the data range to whole decades; a fixed range is set with {@link #setAutoRanging(boolean)}
 * off and positive lower/upper bounds.
 */
public final class LogAxis extends ValueAxis<Number> {

    /** An auto-ranging log axis. */
    public LogAxis() {
        super();
        setMinorTickCount(9);
    }

    /** A log axis with a fixed positive range. */
    public LogAxis(double lower, double upper) {
        this();
        if (!(lower > 0 && upper > lower)) {
            throw new IllegalArgumentException("log axis range must be 0 < lower < upper, was [" + lower + ", "
                    + upper + "]");
        }
        setAutoRanging(false);
        setLowerBound(lower);
        setUpperBound(upper);
    }

    @Override
    protected Object autoRange(double minValue, double maxValue, double length, double labelSize) {
        if (!(minValue > 0) || !Double.isFinite(minValue) || !Double.isFinite(maxValue) || maxValue < minValue) {
            return new double[] {1, 10};
        }
        double lo = Math.pow(10, Math.floor(Math.log10(minValue)));
        double hi = Math.pow(10, Math.ceil(Math.log10(maxValue)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        return new double[] {lo, hi};
    }

    @Override
    protected void setRange(Object range, boolean animate) {
        double[] r = (double[]) range;
        setLowerBound(r[0]);
        setUpperBound(r[1]);
        currentLowerBound.set(r[0]);
    }

    @Override
    protected Object getRange() {
        return new double[] {getLowerBound(), getUpperBound()};
    }

    @Override
    protected List<Number> calculateTickValues(double length, Object range) {
        double[] r = (double[]) range;
        List<Number> ticks = new ArrayList<>();
        if (!(r[0] > 0 && r[1] > r[0])) {
            return ticks;
        }
        int first = (int) Math.ceil(Math.log10(r[0]) - 1e-9);
        int last = (int) Math.floor(Math.log10(r[1]) + 1e-9);
        int decades = last - first + 1;
        int step = Math.max(1, (int) Math.ceil(decades / Math.max(2.0, length / 40.0)));
        for (int k = first; k <= last; k += step) {
            ticks.add(Math.pow(10, k));
        }
        if (ticks.size() < 2) { // less than a decade: label the ends too
            ticks.add(0, r[0]);
            ticks.add(r[1]);
        }
        return ticks;
    }

    @Override
    protected List<Number> calculateMinorTickMarks() {
        double lo = getLowerBound();
        double hi = getUpperBound();
        List<Number> minor = new ArrayList<>();
        if (!(lo > 0 && hi > lo)) {
            return minor;
        }
        int first = (int) Math.floor(Math.log10(lo));
        int last = (int) Math.ceil(Math.log10(hi));
        if (last - first > 12) {
            return minor;
        }
        for (int k = first; k < last; k++) {
            double decade = Math.pow(10, k);
            for (int m = 2; m <= 9; m++) {
                double v = m * decade;
                if (v > lo && v < hi) {
                    minor.add(v);
                }
            }
        }
        return minor;
    }

    @Override
    protected String getTickMarkLabel(Number value) {
        return TickLabels.log(value.doubleValue());
    }

    @Override
    public double getDisplayPosition(Number value) {
        double lo = Math.log10(getLowerBound());
        double hi = Math.log10(getUpperBound());
        double v = value.doubleValue();
        if (!(v > 0) || !(hi > lo)) {
            return Double.NaN;
        }
        double f = (Math.log10(v) - lo) / (hi - lo);
        return isVertical() ? (1 - f) * getHeight() : f * getWidth();
    }

    @Override
    public Number getValueForDisplay(double displayPosition) {
        double lo = Math.log10(getLowerBound());
        double hi = Math.log10(getUpperBound());
        double f = isVertical() ? 1 - displayPosition / getHeight() : displayPosition / getWidth();
        return Math.pow(10, lo + f * (hi - lo));
    }

    @Override
    public boolean isValueOnAxis(Number value) {
        double v = value.doubleValue();
        return v >= getLowerBound() && v <= getUpperBound();
    }

    private boolean isVertical() {
        Side side = getSide();
        return side != null && side.isVertical();
    }
}
