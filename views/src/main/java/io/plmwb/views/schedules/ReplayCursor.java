package io.plmwb.views.schedules;

import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.schedule.Phase;
import io.plmwb.experiments.schedule.Replay;
import io.plmwb.experiments.schedule.ScheduleAxis;
import io.plmwb.experiments.schedule.ScheduleDefinition;
import io.plmwb.experiments.schedule.ScheduleSpec;
import java.util.Arrays;
import java.util.Locale;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.util.Duration;

/**
 * The replay cursor of the Schedules workspace, screen state only: an index into the learning-rate chart's grid, the
 * values of every drawn series there, and the play animation that moves it.
 */
final class ReplayCursor {

    final IntegerProperty index = new SimpleIntegerProperty(this, "cursor", 0);
    final ReadOnlyIntegerWrapper max = new ReadOnlyIntegerWrapper(this, "cursorMax", 0);
    final ReadOnlyDoubleWrapper x = new ReadOnlyDoubleWrapper(this, "cursorX", Double.NaN);
    final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "cursorText", "");
    final ReadOnlyBooleanWrapper playing = new ReadOnlyBooleanWrapper(this, "playing");

    private ChartSpec lr;
    private ChartSpec metric;
    private Replay.Align align = Replay.Align.STEP;
    private ScheduleDefinition schedule;
    private boolean placed;
    private Timeline player;

    ReplayCursor() {
        index.addListener((o, a, b) -> update());
    }

    /**
     * Follows newly drawn charts: keeps the index within the grid; the first time runs are drawn it goes to their
     * end.
     */
    void show(ChartSpec lrChart, ChartSpec metricChart, Replay.Align by, ScheduleDefinition shown, boolean runs) {
        lr = lrChart;
        metric = metricChart;
        align = by;
        schedule = shown;
        int n = lr == null ? 0 : lr.series().get(0).size();
        max.set(Math.max(0, n - 1));
        if (index.get() > max.get()) {
            index.set(max.get());
        } else if (!placed && n > 0 && runs) {
            placed = true;
            index.set(max.get());
        }
        update();
    }

    /** Starts or pauses the animation (from the start when the cursor is at the end). */
    void togglePlay() {
        if (playing.get()) {
            stop();
        } else if (max.get() > 0) {
            if (index.get() >= max.get()) {
                index.set(0);
            }
            if (player == null) {
                player = new Timeline(new KeyFrame(Duration.millis(40), e -> step()));
                player.setCycleCount(Timeline.INDEFINITE);
            }
            playing.set(true);
            player.play();
        }
    }

    void stop() {
        if (player != null) {
            player.stop();
        }
        playing.set(false);
    }

    /** Moves to the grid point nearest to an x value. */
    void moveTo(double value) {
        if (lr == null) {
            return;
        }
        double[] xs = lr.series().get(0).x();
        int i = Arrays.binarySearch(xs, value);
        if (i < 0) {
            int ins = -i - 1;
            i = ins == 0 ? 0 : ins >= xs.length ? xs.length - 1
                    : value - xs[ins - 1] <= xs[ins] - value ? ins - 1 : ins;
        }
        index.set(i);
    }

    private void step() {
        int next = Math.min(max.get(), index.get() + Math.max(1, max.get() / 250));
        index.set(next);
        if (next >= max.get()) {
            stop();
        }
    }

    private void update() {
        if (lr == null) {
            x.set(Double.NaN);
            text.set("");
            return;
        }
        int i = Math.max(0, Math.min(index.get(), lr.series().get(0).size() - 1));
        double at = lr.series().get(0).x(i);
        x.set(at);
        StringBuilder sb = new StringBuilder();
        sb.append(align == Replay.Align.TOKENS ? "tokens " : "step ").append(ScheduleSpec.num(at));
        appendValues(sb, lr, at);
        if (metric != null) {
            appendValues(sb, metric, at);
        }
        if (schedule != null && (schedule.axis() == ScheduleAxis.TOKENS) == (align == Replay.Align.TOKENS)) {
            for (Phase p : schedule.schedule().phases()) {
                if (at >= p.start() && at < p.end()) {
                    sb.append("   ·   schedule phase: ").append(p.name());
                }
            }
        }
        text.set(sb.toString());
    }

    private static void appendValues(StringBuilder sb, ChartSpec c, double at) {
        for (Series s : c.series()) {
            int j = Arrays.binarySearch(s.x(), at);
            if (j >= 0) {
                double v = s.y(j);
                sb.append("   ·   ").append(s.name()).append(' ')
                        .append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.5g", v));
            }
        }
    }
}
