package io.plmwb.experiments.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.smoothing.Smoothing;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SchedulesStudy} found: the runs read and the schedule. The charts are every point of the runs (the
 * screen may thin what it draws, the exported data never is): the learning-rate chart and the metric chart for a
 * replay, the schedule chart for a schedule drawn alone over N steps.
 */
public final class SchedulesReport implements StudyReport<SchedulesReport.Selection> {

    /**
     * What the screen lets the user pick without re-reading anything.
     *
     * @param metric       the metric column, or null for each run's training loss
     * @param smoothing    the metric chart's smoothing
     * @param weight       its weight in [0, 1)
     * @param showSchedule whether the learning-rate chart overlays the schedule
     */
    public record Selection(String metric, Smoothing.Method smoothing, double weight, boolean showSchedule) {
        public Selection {
            Objects.requireNonNull(smoothing, "smoothing");
            if (!(weight >= 0 && weight < 1)) {
                throw new IllegalArgumentException("the smoothing weight must be in [0, 1), was " + weight);
            }
        }
    }

    private final SchedulesStudy.Settings settings;
    private final ScheduleDefinition schedule;
    private final List<Path> logs;
    private final List<TrainingLog> runs;

    SchedulesReport(SchedulesStudy.Settings settings, ScheduleDefinition schedule, List<Path> logs,
            List<TrainingLog> runs) {
        this.settings = settings;
        this.schedule = schedule;
        this.logs = List.copyOf(logs);
        this.runs = List.copyOf(runs);
    }

    public SchedulesStudy.Settings settings() {
        return settings;
    }

    /** The parsed schedule, if the settings had one. */
    public Optional<ScheduleDefinition> schedule() {
        return Optional.ofNullable(schedule);
    }

    /** The runs read, one per distinct name, in order. */
    public List<TrainingLog> runs() {
        return runs;
    }

    /** The log each run came from, as given in the settings (parallel to {@link #runs()}). */
    public List<Path> logs() {
        return logs;
    }

    public List<String> runNames() {
        return runs.stream().map(TrainingLog::name).toList();
    }

    /** The log of the run with this name. */
    public Optional<Path> logOf(String runName) {
        int i = runNames().indexOf(runName);
        return i < 0 ? Optional.empty() : Optional.of(logs.get(i));
    }

    /** The selection the settings ask for (what the CLI exports). */
    public Selection selection() {
        return new Selection(settings.metric(), settings.smoothing(), settings.weight(), true);
    }

    /** The metrics a user can compare: every run's numeric columns except its learning rate, in order. */
    public List<String> metrics() {
        List<String> all = new ArrayList<>();
        for (TrainingLog r : runs) {
            for (String m : r.metrics()) {
                if (!all.contains(m) && r.lrColumn().map(lr -> !lr.equals(m)).orElse(true)) {
                    all.add(m);
                }
            }
        }
        return all;
    }

    /** The metric shown first: the first run's training loss, else the first metric; null without any. */
    public String defaultMetric() {
        return runs.stream().map(r -> r.lossColumn().orElse(null)).filter(Objects::nonNull).findFirst()
                .orElse(metrics().isEmpty() ? null : metrics().get(0));
    }

    /** The learning-rate (or schedule) chart and the metric chart, as far as there is something to draw. */
    @Override
    public List<ChartSpec> charts(Selection selection) {
        List<ChartSpec> out = new ArrayList<>();
        lrChart(selection).ifPresent(out::add);
        metricChart(selection).ifPresent(out::add);
        return out;
    }

    /**
     * The learning-rate chart (each run's logged rate, the schedule if shown), or the schedule alone over N steps;
     * empty without runs and without a shown schedule.
     */
    public Optional<ChartSpec> lrChart(Selection selection) {
        if (settings.steps() != null) {
            return Optional.of(plotChart());
        }
        ScheduleDefinition shown = selection.showSchedule() ? schedule : null;
        return runs.isEmpty() && shown == null ? Optional.empty()
                : Optional.of(Replay.lrChart(runs, shown, options(selection)));
    }

    /** The metric chart (raw and smoothed per run); empty when no run has the metric (or, for null, a loss). */
    public Optional<ChartSpec> metricChart(Selection selection) {
        String m = selection.metric();
        boolean any = m == null ? runs.stream().anyMatch(r -> r.lossColumn().isPresent())
                : runs.stream().anyMatch(r -> r.hasColumn(m));
        return settings.steps() != null || !any ? Optional.empty()
                : Optional.of(Replay.metricChart(runs, m, options(selection)));
    }

    private Replay.Options options(Selection selection) {
        return new Replay.Options(settings.align(), selection.smoothing(), selection.weight(), 0);
    }

    /** Each chart of {@link #charts} (every point; its CSV one wide table of the series drawn). */
    @Override
    public Bundle bundle(Selection selection) {
        return Bundle.ofCharts(charts(selection));
    }

    @Override
    public ObjectNode toJson() {
        return settings.steps() != null ? plotJson() : replayJson();
    }

    /** The text the commands print before the files they wrote. */
    public List<String> textLines() {
        List<String> lines = new ArrayList<>();
        if (settings.steps() != null) {
            lines.add(schedule.toSpec());
            for (Phase p : schedule.schedule().phases()) {
                lines.add(String.format("  %-12s %s – %s", p.name(), ScheduleSpec.num(p.start()),
                        Double.isFinite(p.end()) ? ScheduleSpec.num(p.end()) : "end"));
            }
            return lines;
        }
        for (TrainingLog r : runs) {
            lines.add(r.name() + ": " + r.rows() + " steps (" + r.format() + "), columns " + r.metrics());
            r.warnings().forEach(w -> lines.add("  warning: " + w));
        }
        return lines;
    }

    /** One line on the runs read and their warnings (the workspace's status). */
    public String status() {
        if (runs.isEmpty()) {
            return "No runs loaded: add a training log (CSV/TSV, JSONL, trainer_state.json, TensorBoard events).";
        }
        String text = runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ": " + String.join(", ", runs.stream()
                .map(r -> r.name() + " (" + r.rows() + " steps, " + r.format() + ")").toList());
        List<String> warnings = new ArrayList<>();
        runs.forEach(l -> l.warnings().forEach(w -> warnings.add(l.name() + ": " + w)));
        return text + (warnings.isEmpty() ? "" : "  ·  " + warnings.size() + " warning"
                + (warnings.size() > 1 ? "s" : "") + ", first: " + warnings.get(0));
    }

    /** The grid of a schedule drawn alone: at most {@link SchedulesStudy#PLOT_POINTS} whole positions in 0..N. */
    private double[] plotGrid() {
        long steps = settings.steps();
        int n = (int) Math.min(SchedulesStudy.PLOT_POINTS, steps + 1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.rint(steps * (double) i / (n - 1));
        }
        return x;
    }

    private ChartSpec plotChart() {
        double[] x = plotGrid();
        ChartSpec.Builder b = ChartSpec.builder("schedule", ChartKind.LINE)
                .title("Learning-rate schedule: " + schedule.schedule().kind())
                .subtitle(schedule.toSpec())
                .xAxis(Axis.of(schedule.axis().label(), ""))
                .yAxis(Axis.of("Learning rate", ""))
                .legend(false, LegendPosition.BOTTOM)
                .addSeries(Series.xy("lr", x, schedule.schedule().lr(x)).build());
        List<Phase> ps = schedule.schedule().phases();
        for (int i = 1; i < ps.size(); i++) {
            if (ps.get(i).start() <= x[x.length - 1]) {
                b.addMarker(Marker.vertical(ps.get(i).start(), ps.get(i).name()));
            }
        }
        for (int i = 0; i < schedule.dataPhases().size(); i++) {
            if (schedule.dataPhases().get(i) <= x[x.length - 1]) {
                b.addMarker(Marker.vertical(schedule.dataPhases().get(i), "data phase " + (i + 2)));
            }
        }
        return b.build();
    }

    private ObjectNode plotJson() {
        ObjectNode root = StudyJson.object();
        root.put("spec", schedule.toSpec());
        root.put("kind", schedule.schedule().kind());
        ScheduleJson.parameters(root.putObject("parameters"), schedule.schedule().parameters());
        root.put("axis", schedule.axis().specName());
        root.put("steps", settings.steps());
        ArrayNode phases = root.putArray("phases");
        for (Phase p : schedule.schedule().phases()) {
            ObjectNode o = phases.addObject();
            o.put("name", p.name());
            o.put("start", p.start());
            if (Double.isFinite(p.end())) {
                o.put("end", p.end());
            } else {
                o.putNull("end");
            }
        }
        ArrayNode dp = root.putArray("data_phases");
        schedule.dataPhases().forEach(dp::add);
        double[] lr = schedule.schedule().lr(plotGrid());
        root.put("lr_first", lr[0]);
        root.put("lr_last", lr[lr.length - 1]);
        root.put("lr_max", Arrays.stream(lr).max().orElse(Double.NaN));
        root.put("points", lr.length);
        return root;
    }

    private ObjectNode replayJson() {
        ObjectNode root = StudyJson.object();
        if (schedule != null) {
            root.put("spec", schedule.toSpec());
        }
        root.put("align", settings.align().name().toLowerCase(Locale.ROOT));
        root.put("smoothing", settings.smoothing().name().toLowerCase(Locale.ROOT));
        root.put("weight", settings.weight());
        ArrayNode rs = root.putArray("runs");
        for (TrainingLog r : runs) {
            ObjectNode n = rs.addObject();
            n.put("name", r.name());
            n.put("file", String.valueOf(r.source()));
            n.put("format", r.format());
            n.put("steps", r.rows());
            ArrayNode m = n.putArray("columns");
            r.metrics().forEach(m::add);
            ArrayNode w = n.putArray("warnings");
            r.warnings().forEach(w::add);
        }
        return root;
    }
}
