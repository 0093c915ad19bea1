package io.plmwb.experiments.schedule;

import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartPalette;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.LineStyle;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.smoothing.Smoothing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Replays schedules against logged runs as chart descriptions: the learning-rate chart (each run's logged rate and
 * the schedule definition, with phase and data-phase markers) and a metric chart (each run's raw metric and its
 * smoothed series), aligned by step or by tokens. All series of a chart share one x grid, so the CSV export is one
 * wide table: when the runs were logged at the same positions that grid is theirs; otherwise it is the union of their
 * positions and each run is interpolated linearly between its own points (NaN outside its range), see decision
 * 0031. Charts with more than {@code maxPoints} grid points show every k-th point (the last one always).
 */
public final class Replay {

    /** What the runs are aligned by. */
    public enum Align { STEP, TOKENS }

    /**
     * How to draw: alignment, smoothing (method and weight, see {@link Smoothing#apply}) and a point budget
     * (0 = every point).
     */
    public record Options(Align align, Smoothing.Method smoothing, double weight, int maxPoints) {
        public Options {
            Objects.requireNonNull(align, "align");
            Objects.requireNonNull(smoothing, "smoothing");
            if (smoothing != Smoothing.Method.NONE) {
                Smoothing.windowFor(Math.min(weight, 0.999999)); // range check
            }
        }

        public static Options defaults() {
            return new Options(Align.STEP, Smoothing.Method.EMA, 0.9, 0);
        }
    }

    /** The shared x grid and each run's values of one column on it. */
    public record Aligned(double[] x, List<double[]> values) {
    }

    private Replay() {
    }

    /** The positions of a run on the chosen axis. */
    public static double[] positions(TrainingLog run, Align align) {
        if (align == Align.STEP) {
            return run.steps();
        }
        String tokens = run.tokensColumn().orElseThrow(() -> new IllegalArgumentException("run '" + run.name()
                + "' has no tokens column (tokens, train/tokens, num_input_tokens_seen, …), so it cannot be aligned "
                + "by tokens; align by step"));
        return run.column(tokens);
    }

    /** Aligns one column (or null per run for "none") of several runs on a shared grid. */
    public static Aligned align(List<TrainingLog> runs, List<String> columns, Align align) {
        List<double[]> xs = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            double[] x = positions(runs.get(r), align);
            String c = columns.get(r);
            double[] y;
            if (c == null) {
                y = new double[x.length];
                Arrays.fill(y, Double.NaN);
            } else {
                y = runs.get(r).column(c);
            }
            // drop rows without a position (a tokens column with gaps)
            int m = 0;
            double[] cx = new double[x.length];
            double[] cy = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i])) {
                    cx[m] = x[i];
                    cy[m] = y[i];
                    m++;
                }
            }
            xs.add(Arrays.copyOf(cx, m));
            ys.add(Arrays.copyOf(cy, m));
        }
        boolean same = true;
        for (double[] x : xs) {
            same &= Arrays.equals(x, xs.get(0)) && isAscending(x);
        }
        if (same) {
            return new Aligned(xs.get(0), ys);
        }
        double[] all = xs.stream().flatMapToDouble(Arrays::stream).sorted().distinct().toArray();
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < xs.size(); r++) {
            out.add(interpolate(xs.get(r), ys.get(r), all));
        }
        return new Aligned(all, out);
    }

    private static boolean isAscending(double[] x) {
        for (int i = 1; i < x.length; i++) {
            if (!(x[i] > x[i - 1])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Values of (x, y) at the grid points: exact where the run has the point, linear between its finite neighbours
     * otherwise, NaN outside its range or across a gap.
     */
    static double[] interpolate(double[] x, double[] y, double[] grid) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        double[] sx = new double[x.length];
        double[] sy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            sx[i] = x[order[i]];
            sy[i] = y[order[i]];
        }
        double[] out = new double[grid.length];
        int j = 0;
        for (int g = 0; g < grid.length; g++) {
            double p = grid[g];
            while (j + 1 < sx.length && sx[j + 1] <= p) {
                j++;
            }
            if (sx.length == 0 || p < sx[0] || p > sx[sx.length - 1]) {
                out[g] = Double.NaN;
            } else if (sx[j] == p) {
                out[g] = sy[j];
            } else {
                double t = (p - sx[j]) / (sx[j + 1] - sx[j]);
                out[g] = sy[j] + t * (sy[j + 1] - sy[j]);
            }
        }
        return out;
    }

    /** The learning-rate chart: each run's logged rate and, if given, the schedule definition. */
    public static ChartSpec lrChart(List<TrainingLog> runs, ScheduleDefinition schedule, Options o) {
        if (runs.isEmpty() && schedule == null) {
            throw new IllegalArgumentException("nothing to replay: no runs and no schedule");
        }
        double[] x;
        List<double[]> lrs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (runs.isEmpty()) {
            double end = Math.max(1, schedule.schedule().end() * 1.1);
            int n = 1001;
            x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Math.rint(end * i / (n - 1));
            }
            x = Arrays.stream(x).distinct().toArray();
        } else {
            List<String> cols = runs.stream().map(r -> r.lrColumn().orElse(null)).toList();
            Aligned a = align(runs, cols, o.align());
            x = a.x();
            for (int r = 0; r < runs.size(); r++) {
                if (cols.get(r) != null) {
                    lrs.add(a.values().get(r));
                    names.add(runs.get(r).name() + " lr");
                }
            }
        }
        int[] keep = decimation(x.length, o.maxPoints());
        double[] gx = pick(x, keep);
        ChartSpec.Builder b = ChartSpec.builder("schedule-lr", ChartKind.LINE)
                .title("Learning rate" + (runs.isEmpty() ? "" : ": " + String.join(" vs ", runs.stream()
                        .map(TrainingLog::name).toList())))
                .xAxis(xAxis(o.align(), gx))
                .yAxis(Axis.of("Learning rate", ""))
                .legend(true, LegendPosition.BOTTOM);
        for (int i = 0; i < lrs.size(); i++) {
            b.addSeries(Series.xy(names.get(i), gx, pick(lrs.get(i), keep)).color(ChartPalette.hex(i)).build());
        }
        if (schedule != null) {
            double[] sp = schedulePositions(schedule, runs, gx, o.align());
            b.addSeries(Series.xy("schedule " + schedule.schedule().kind(), gx, schedule.schedule().lr(sp))
                    .color("#000000").lineStyle(LineStyle.DASHED).build());
            b.subtitle(schedule.toSpec());
            addScheduleMarkers(b, schedule, runs, o.align());
        }
        if (schedule == null) {
            addDataPhaseMarkers(b, runs, o.align());
        }
        return b.build();
    }

    /** The metric chart: each run's metric (train loss by default) raw and smoothed. */
    public static ChartSpec metricChart(List<TrainingLog> runs, String metric, Options o) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to compare");
        }
        List<String> cols = new ArrayList<>();
        for (TrainingLog r : runs) {
            String c = metric == null ? r.lossColumn().orElse(null) : r.hasColumn(metric) ? metric : null;
            cols.add(c);
        }
        if (cols.stream().allMatch(Objects::isNull)) {
            throw new IllegalArgumentException(metric == null ? "none of the runs logged a training loss"
                    : "none of the runs has a column '" + metric + "'");
        }
        String label = metric != null ? metric : cols.stream().filter(Objects::nonNull).findFirst().orElseThrow();
        Aligned a = align(runs, cols, o.align());
        int[] keep = decimation(a.x().length, o.maxPoints());
        double[] gx = pick(a.x(), keep);
        String smoothName = switch (o.smoothing()) {
            case NONE -> "";
            case EMA -> "EMA " + trim(o.weight());
            case TRAILING -> "trailing mean " + Smoothing.windowFor(o.weight());
            case CENTRED -> "centred mean " + Smoothing.windowFor(o.weight());
        };
        ChartSpec.Builder b = ChartSpec.builder("schedule-" + label.replaceAll("[^A-Za-z0-9]+", "-"), ChartKind.LINE)
                .title(label + ": " + String.join(" vs ", runs.stream().map(TrainingLog::name).toList()))
                .subtitle(smoothName.isEmpty() ? "raw" : "raw (light) and smoothed: " + smoothName)
                .xAxis(xAxis(o.align(), gx))
                .yAxis(Axis.of(label, ""))
                .legend(true, LegendPosition.BOTTOM);
        for (int r = 0; r < runs.size(); r++) {
            if (cols.get(r) == null) {
                continue;
            }
            double[] raw = a.values().get(r);
            String color = ChartPalette.hex(r);
            boolean sparse = countFinite(raw) * 4 < raw.length;
            b.addSeries(Series.xy(runs.get(r).name() + " " + cols.get(r), gx, pick(raw, keep))
                    .color(o.smoothing() == Smoothing.Method.NONE ? color : lighten(color)).markers(sparse).build());
            if (o.smoothing() != Smoothing.Method.NONE) {
                double[] sm = smoothFinite(raw, o);
                b.addSeries(Series.xy(runs.get(r).name() + " " + cols.get(r) + " (" + smoothName + ")", gx,
                        pick(sm, keep)).color(color).build());
            }
        }
        addDataPhaseMarkers(b, runs, o.align());
        return b.build();
    }

    /** The residuals of a fit (logged − fitted). */
    public static ChartSpec residualChart(ScheduleFitter.Fit fit, String runName, Align align, int maxPoints) {
        int[] keep = decimation(fit.x().length, maxPoints);
        return ChartSpec.builder("schedule-fit-residuals", ChartKind.LINE)
                .title("Fit residuals (logged − fitted): " + runName)
                .subtitle(ScheduleSpec.format(ScheduleDefinition.of(fit.schedule())))
                .xAxis(xAxis(align, fit.x()))
                .yAxis(Axis.of("Residual", ""))
                .addSeries(Series.xy("residual", pick(fit.x(), keep), pick(fit.residuals(), keep))
                        .color(ChartPalette.hex(5)).build())
                .addMarker(Marker.horizontal(0, ""))
                .legend(false, LegendPosition.BOTTOM)
                .build();
    }

    /** Smooths the finite values of a series on the grid (gaps from alignment do not break the EMA's chain). */
    private static double[] smoothFinite(double[] raw, Options o) {
        int n = countFinite(raw);
        double[] packed = new double[n];
        int k = 0;
        for (double v : raw) {
            if (Double.isFinite(v)) {
                packed[k++] = v;
            }
        }
        double[] sm = Smoothing.apply(packed, o.smoothing(), o.weight());
        double[] out = new double[raw.length];
        k = 0;
        for (int i = 0; i < raw.length; i++) {
            out[i] = Double.isFinite(raw[i]) ? sm[k++] : Double.NaN;
        }
        return out;
    }

    private static int countFinite(double[] v) {
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                n++;
            }
        }
        return n;
    }

    private static String trim(double w) {
        return ScheduleSpec.num(Math.round(w * 1000) / 1000.0);
    }

    private static String lighten(String hex) {
        int[] rgb = ChartPalette.rgb(hex);
        return String.format("#%02X%02X%02X", (rgb[0] + 2 * 255) / 3, (rgb[1] + 2 * 255) / 3, (rgb[2] + 2 * 255) / 3);
    }

    private static Axis xAxis(Align align, double[] x) {
        return align == Align.STEP ? Axis.of("Step", "") : Axis.of("Tokens", "");
    }

    /** Where on the schedule's own axis each grid point lies (step ↔ tokens through the first run if they differ). */
    private static double[] schedulePositions(ScheduleDefinition s, List<TrainingLog> runs, double[] gx, Align align) {
        boolean scheduleTokens = s.axis() == ScheduleAxis.TOKENS;
        boolean gridTokens = align == Align.TOKENS;
        if (scheduleTokens == gridTokens) {
            return gx;
        }
        TrainingLog run = runs.stream().filter(r -> r.tokensColumn().isPresent()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the schedule counts " + s.axis().unit()
                        + " but the runs are aligned by " + (gridTokens ? "tokens" : "step")
                        + " and none has a tokens column to convert; use axis=" + (gridTokens ? "tokens" : "step")));
        double[] steps = run.steps();
        double[] tokens = run.column(run.tokensColumn().orElseThrow());
        return gridTokens ? extrapolate(tokens, steps, gx) : extrapolate(steps, tokens, gx);
    }

    /** Linear map from→to through the run's points, extended linearly beyond them. */
    private static double[] extrapolate(double[] from, double[] to, double[] at) {
        double[] in = interpolate(from, to, at);
        int n = from.length;
        double slope = n >= 2 ? (to[n - 1] - to[0]) / (from[n - 1] - from[0]) : 1;
        for (int i = 0; i < at.length; i++) {
            if (Double.isNaN(in[i]) && n > 0) {
                in[i] = to[0] + (at[i] - from[0]) * slope;
            }
        }
        return in;
    }

    private static void addScheduleMarkers(ChartSpec.Builder b, ScheduleDefinition s, List<TrainingLog> runs,
            Align align) {
        List<Phase> phases = s.schedule().phases();
        for (int i = 1; i < phases.size(); i++) {
            double at = toGrid(s, runs, align, phases.get(i).start());
            if (Double.isFinite(at)) {
                b.addMarker(Marker.vertical(at, phases.get(i).name()));
            }
        }
        for (int i = 0; i < s.dataPhases().size(); i++) {
            double at = toGrid(s, runs, align, s.dataPhases().get(i));
            if (Double.isFinite(at)) {
                b.addMarker(Marker.vertical(at, "data phase " + (i + 2)));
            }
        }
    }

    private static double toGrid(ScheduleDefinition s, List<TrainingLog> runs, Align align, double pos) {
        boolean scheduleTokens = s.axis() == ScheduleAxis.TOKENS;
        if (scheduleTokens == (align == Align.TOKENS)) {
            return pos;
        }
        for (TrainingLog r : runs) {
            if (r.tokensColumn().isPresent()) {
                double[] steps = r.steps();
                double[] tokens = r.column(r.tokensColumn().get());
                return scheduleTokens ? extrapolate(tokens, steps, new double[] {pos})[0]
                        : extrapolate(steps, tokens, new double[] {pos})[0];
            }
        }
        return Double.NaN;
    }

    /** Markers where the first run's data_phase column changes. */
    private static void addDataPhaseMarkers(ChartSpec.Builder b, List<TrainingLog> runs, Align align) {
        for (TrainingLog r : runs) {
            if (r.dataPhaseColumn().isEmpty()) {
                continue;
            }
            double[] phase = r.column(r.dataPhaseColumn().get());
            double[] x = positions(r, align);
            for (int i = 1; i < phase.length; i++) {
                if (Double.isFinite(phase[i]) && Double.isFinite(phase[i - 1]) && phase[i] != phase[i - 1]
                        && Double.isFinite(x[i])) {
                    b.addMarker(Marker.vertical(x[i], "data phase " + ScheduleSpec.num(phase[i])));
                }
            }
            return;
        }
    }

    /** Indices 0, k, 2k, … and the last, for at most max points (all when max ≤ 0 or n ≤ max). */
    static int[] decimation(int n, int max) {
        if (max <= 0 || n <= max) {
            return null;
        }
        int k = (int) Math.ceil((n - 1) / (double) (Math.max(2, max) - 1));
        int m = (n - 1) / k + 1;
        boolean lastIncluded = (n - 1) % k == 0;
        int[] idx = new int[lastIncluded ? m : m + 1];
        for (int i = 0; i < m; i++) {
            idx[i] = i * k;
        }
        idx[idx.length - 1] = n - 1;
        return idx;
    }

    private static double[] pick(double[] a, int[] idx) {
        if (idx == null) {
            return a.clone();
        }
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }
}
