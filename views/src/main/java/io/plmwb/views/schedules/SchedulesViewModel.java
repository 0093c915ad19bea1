package io.plmwb.views.schedules;

import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.experiments.schedule.Replay;
import io.plmwb.experiments.schedule.ScheduleAxis;
import io.plmwb.experiments.schedule.ScheduleDefinition;
import io.plmwb.experiments.schedule.ScheduleFitter;
import io.plmwb.experiments.schedule.ScheduleSpec;
import io.plmwb.experiments.smoothing.Smoothing;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

/**
 * The Schedules workspace's state: the schedule being edited (compact text form), the runs loaded from training
 * logs, alignment and smoothing, the three charts (learning rate with the schedule, a metric raw + smoothed, the fit
 * residuals), the replay cursor and the fit. It is the only class of the workspace that calls the schedule library
 * and the log readers; loading and fitting run as background tasks, failures reach the user through
 * {@link Dialogs#error}.
 */
public final class SchedulesViewModel {

    /** The recipe schedule of the bundled plm-nano run (experiments/recipes/nano/schedule.py). */
    public static final String PLM_NANO_SPEC =
            "wsdc:warmup=45,stable_end=540,decay_end=765,peak=0.002,floor=0.0002,shape=linear";

    /** Presets for the editor: name → spec. */
    public static final Map<String, String> PRESETS = presets();

    /** Points per drawn series at most (the CLI's replay exports every point). */
    static final int MAX_POINTS = 4000;

    /** A row of the fit table. */
    public record Row(String key, String value) {
    }

    private final TaskExecutor executor;
    private final List<TrainingLog> runs = new ArrayList<>();
    private final ObservableList<String> runNames = FXCollections.observableArrayList();
    private final ObservableList<String> metrics = FXCollections.observableArrayList();
    private final ObservableList<String> alignChoices = FXCollections.observableArrayList("step", "tokens");
    private final ObservableList<String> smoothingChoices = FXCollections.observableArrayList(
            Arrays.stream(Smoothing.Method.values()).map(Smoothing.Method::label).toList());
    private final ObservableList<String> presetNames = FXCollections.observableArrayList(PRESETS.keySet());
    private final ObservableList<Row> fitRows = FXCollections.observableArrayList();
    // one read-only view each, so listeners registered on them stay attached
    private final ObservableList<String> runNamesView = FXCollections.unmodifiableObservableList(runNames);
    private final ObservableList<String> metricsView = FXCollections.unmodifiableObservableList(metrics);
    private final ObservableList<Row> fitRowsView = FXCollections.unmodifiableObservableList(fitRows);

    private final StringProperty specText = new SimpleStringProperty(this, "specText", PLM_NANO_SPEC);
    private final ReadOnlyStringWrapper specError = new ReadOnlyStringWrapper(this, "specError", "");
    private final StringProperty align = new SimpleStringProperty(this, "align", "step");
    private final StringProperty smoothing = new SimpleStringProperty(this, "smoothing",
            Smoothing.Method.EMA.label());
    private final DoubleProperty weight = new SimpleDoubleProperty(this, "weight", 0.9);
    private final StringProperty metric = new SimpleStringProperty(this, "metric");
    private final StringProperty fitRun = new SimpleStringProperty(this, "fitRun");
    private final BooleanProperty showSchedule = new SimpleBooleanProperty(this, "showSchedule", true);

    private final ReadOnlyObjectWrapper<ChartSpec> lrChart = new ReadOnlyObjectWrapper<>(this, "lrChart");
    private final ReadOnlyObjectWrapper<ChartSpec> metricChart = new ReadOnlyObjectWrapper<>(this, "metricChart");
    private final ReadOnlyObjectWrapper<ChartSpec> residualChart = new ReadOnlyObjectWrapper<>(this, "residualChart");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper weightText = new ReadOnlyStringWrapper(this, "weightText", "");
    private final ReadOnlyStringWrapper fitSummary = new ReadOnlyStringWrapper(this, "fitSummary",
            "Fit a WSDC, WSD or cosine schedule to a run's logged learning rate.");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyBooleanWrapper playing = new ReadOnlyBooleanWrapper(this, "playing");
    private final IntegerProperty cursor = new SimpleIntegerProperty(this, "cursor", 0);
    private final ReadOnlyIntegerWrapper cursorMax = new ReadOnlyIntegerWrapper(this, "cursorMax", 0);
    private final ReadOnlyDoubleWrapper cursorX = new ReadOnlyDoubleWrapper(this, "cursorX", Double.NaN);
    private final ReadOnlyStringWrapper cursorText = new ReadOnlyStringWrapper(this, "cursorText", "");

    private ScheduleDefinition schedule;
    private ScheduleFitter.Fit lastFit;
    private final Timeline player;
    private int loading;
    private boolean cursorPlaced;

    /**
     * @param executor  where log reading and fitting run
     * @param modelsDir the bundled models folder (datasets/models): its plm-nano and plm-nano-cosine runs are
     *                  loaded at start; null for none
     */
    public SchedulesViewModel(TaskExecutor executor, Path modelsDir) {
        this.executor = executor;
        specText.addListener((o, a, b) -> parseSpec());
        showSchedule.addListener((o, a, b) -> rebuild());
        align.addListener((o, a, b) -> rebuild());
        smoothing.addListener((o, a, b) -> rebuild());
        weight.addListener((o, a, b) -> rebuild());
        metric.addListener((o, a, b) -> rebuild());
        cursor.addListener((o, a, b) -> updateCursor());
        player = new Timeline(new KeyFrame(Duration.millis(40), e -> step()));
        player.setCycleCount(Timeline.INDEFINITE);
        parseSpec();
        if (modelsDir != null) {
            List<Path> bundled = new ArrayList<>();
            for (String name : List.of("plm-nano", "plm-nano-cosine")) {
                Path p = modelsDir.resolve(name);
                if (Files.isDirectory(p)) {
                    bundled.add(p);
                }
            }
            if (!bundled.isEmpty()) {
                openLogs(bundled);
            }
        }
        if (runs.isEmpty() && loading == 0) {
            status.set("No runs loaded: add a training log (CSV/TSV, JSONL, trainer_state.json, TensorBoard events).");
        }
    }

    private static Map<String, String> presets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("plm-nano recipe (WSDC, linear)", PLM_NANO_SPEC);
        m.put("plm-nano-cosine recipe (warmup + cosine)", "cosine:warmup=45,decay_end=900,peak=0.002,floor=0.0002");
        m.put("WSDC, cosine decay (100k steps)",
                "wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=0.0003,floor=0.00003,shape=cosine");
        m.put("WSD, MiniCPM exponential half-life",
                "wsd:warmup=2000,stable_end=90000,decay_end=100000,peak=0.01,floor=0.001,shape=exponential,"
                        + "half_life=2000");
        m.put("warmup + inverse sqrt", "inverse_sqrt:warmup=4000,peak=0.0007");
        m.put("piecewise (WSDC as segments)",
                "piecewise:init=0,linear@2000=0.0003,constant@80000,cosine@96000=0.00003");
        return m;
    }

    // ---- inputs -------------------------------------------------------------------------------------------

    public StringProperty specTextProperty() {
        return specText;
    }

    public StringProperty alignProperty() {
        return align;
    }

    public StringProperty smoothingProperty() {
        return smoothing;
    }

    public DoubleProperty weightProperty() {
        return weight;
    }

    public StringProperty metricProperty() {
        return metric;
    }

    public StringProperty fitRunProperty() {
        return fitRun;
    }

    public BooleanProperty showScheduleProperty() {
        return showSchedule;
    }

    public IntegerProperty cursorProperty() {
        return cursor;
    }

    // ---- outputs ------------------------------------------------------------------------------------------

    public ObservableList<String> runNames() {
        return runNamesView;
    }

    public ObservableList<String> metrics() {
        return metricsView;
    }

    public ObservableList<String> alignChoices() {
        return alignChoices;
    }

    public ObservableList<String> smoothingChoices() {
        return smoothingChoices;
    }

    public ObservableList<String> presetNames() {
        return presetNames;
    }

    public ObservableList<Row> fitRows() {
        return fitRowsView;
    }

    public ReadOnlyStringProperty specErrorProperty() {
        return specError.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> lrChartProperty() {
        return lrChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> metricChartProperty() {
        return metricChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> residualChartProperty() {
        return residualChart.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty weightTextProperty() {
        return weightText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty fitSummaryProperty() {
        return fitSummary.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty playingProperty() {
        return playing.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty cursorMaxProperty() {
        return cursorMax.getReadOnlyProperty();
    }

    /** The cursor's position on the x axis (NaN without a chart). */
    public ReadOnlyDoubleProperty cursorXProperty() {
        return cursorX.getReadOnlyProperty();
    }

    /** The values of every series at the cursor. */
    public ReadOnlyStringProperty cursorTextProperty() {
        return cursorText.getReadOnlyProperty();
    }

    // ---- intents ------------------------------------------------------------------------------------------

    /** Puts a preset's spec into the editor. */
    public void choosePreset(String name) {
        String spec = PRESETS.get(name);
        if (spec != null) {
            specText.set(spec);
        }
    }

    /** Reads a training log (file or run folder) in the background and adds it as a run. */
    public void openLog(Path path) {
        openLogs(List.of(path));
    }

    private void openLogs(List<Path> paths) {
        loading++;
        busy.set(true);
        status.set("Reading " + paths.stream().map(p -> p.getFileName().toString()).toList() + "…");
        executor.execute(BackgroundTask.of("Read training log" + (paths.size() > 1 ? "s" : ""), ctx -> {
            List<TrainingLog> out = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                ctx.message("Reading " + paths.get(i).getFileName());
                out.add(TrainingLogs.read(paths.get(i), ctx));
            }
            return out;
        }).onSuccess(logs -> {
            for (TrainingLog l : logs) {
                int existing = runNames.indexOf(l.name());
                if (existing >= 0) {
                    runs.set(existing, l);
                } else {
                    runs.add(l);
                    runNames.add(l.name());
                }
            }
            if (fitRun.get() == null && !runNames.isEmpty()) {
                fitRun.set(runNames.get(0));
            }
            refreshMetrics();
            List<String> warnings = new ArrayList<>();
            logs.forEach(l -> l.warnings().forEach(w -> warnings.add(l.name() + ": " + w)));
            status.set(describeRuns() + (warnings.isEmpty() ? "" : "  ·  " + warnings.size() + " warning"
                    + (warnings.size() > 1 ? "s" : "") + ", first: " + warnings.get(0)));
            rebuild();
        }).onFailure(e -> {
            status.set("Could not read " + paths.get(paths.size() - 1).getFileName());
            Dialogs.error("Could not read the training log " + paths, e);
        }).onFinished(() -> {
            loading--;
            busy.set(loading > 0);
        }));
    }

    /** Removes a run by name. */
    public void removeRun(String name) {
        int i = runNames.indexOf(name);
        if (i >= 0) {
            runs.remove(i);
            runNames.remove(i);
            if (name.equals(fitRun.get())) {
                fitRun.set(runNames.isEmpty() ? null : runNames.get(0));
            }
            refreshMetrics();
            status.set(runs.isEmpty() ? "No runs loaded." : describeRuns());
            rebuild();
        }
    }

    /** Fits a schedule to the chosen run's learning-rate column in the background. */
    public void fit() {
        TrainingLog run = run(fitRun.get());
        if (run == null) {
            Dialogs.error("Cannot fit a schedule", "Load a training log first and choose its run.");
            return;
        }
        String col = run.lrColumn().orElse(null);
        if (col == null) {
            Dialogs.error("Cannot fit a schedule to " + run.name(), "its log has no learning-rate column among "
                    + run.metrics());
            return;
        }
        Replay.Align a = alignValue();
        double[] x;
        try {
            x = Replay.positions(run, a);
        } catch (IllegalArgumentException e) {
            Dialogs.error("Cannot fit a schedule to " + run.name(), e);
            return;
        }
        double[] y = run.column(col);
        busy.set(true);
        fitSummary.set("Fitting " + run.name() + " …");
        executor.execute(BackgroundTask.of("Fit schedule to " + run.name(),
                ctx -> ScheduleFitter.fit(x, y, ScheduleFitter.Kind.AUTO, ctx))
                .onSuccess(fit -> showFit(run, col, a, fit))
                .onFailure(e -> {
                    fitSummary.set("The fit failed: " + Dialogs.reason(e));
                    Dialogs.error("Could not fit a schedule to " + run.name(), e);
                })
                .onFinished(() -> busy.set(loading > 0)));
    }

    private void showFit(TrainingLog run, String col, Replay.Align a, ScheduleFitter.Fit fit) {
        lastFit = fit;
        ScheduleDefinition def = new ScheduleDefinition(fit.schedule(), a == Replay.Align.TOKENS ? ScheduleAxis.TOKENS
                : ScheduleAxis.STEP, List.of());
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("kind", fit.kind()));
        fit.schedule().parameters().forEach((k, v) -> rows.add(new Row(k, v instanceof Double d
                ? ScheduleSpec.num(d) : String.valueOf(v))));
        rows.add(new Row("residual (RMS)", String.format(Locale.ROOT, "%.4g (%.3g%% of the peak)", fit.rms(),
                100 * fit.relativeRms())));
        rows.add(new Row("residual (max)", String.format(Locale.ROOT, "%.4g", fit.maxAbs())));
        for (ScheduleFitter.Fit r : fit.rivals()) {
            rows.add(new Row("vs " + r.kind(), String.format(Locale.ROOT, "RMS %.4g", r.rms())));
        }
        fitRows.setAll(rows);
        fitSummary.set(run.name() + " · " + col + ": " + def.toSpec());
        residualChart.set(Replay.residualChart(fit, run.name(), a, MAX_POINTS));
    }

    /** Puts the last fit into the schedule editor. */
    public void useFit() {
        if (lastFit != null) {
            specText.set(new ScheduleDefinition(lastFit.schedule(), alignValue() == Replay.Align.TOKENS
                    ? ScheduleAxis.TOKENS : ScheduleAxis.STEP, List.of()).toSpec());
        }
    }

    /** Starts or pauses the replay animation (from the start when the cursor is at the end). */
    public void togglePlay() {
        if (playing.get()) {
            player.stop();
            playing.set(false);
        } else if (cursorMax.get() > 0) {
            if (cursor.get() >= cursorMax.get()) {
                cursor.set(0);
            }
            playing.set(true);
            player.play();
        }
    }

    /** Moves the cursor to the grid point nearest to an x value (a click on a chart). */
    public void cursorTo(double x) {
        ChartSpec c = lrChart.get();
        if (c == null) {
            return;
        }
        double[] xs = c.series().get(0).x();
        int i = Arrays.binarySearch(xs, x);
        if (i < 0) {
            int ins = -i - 1;
            i = ins == 0 ? 0 : ins >= xs.length ? xs.length - 1 : x - xs[ins - 1] <= xs[ins] - x ? ins - 1 : ins;
        }
        cursor.set(i);
    }

    /** Stops the animation (the workspace is closing). */
    public void stop() {
        player.stop();
        playing.set(false);
    }

    // ---- internals ----------------------------------------------------------------------------------------

    private void step() {
        int max = cursorMax.get();
        int next = Math.min(max, cursor.get() + Math.max(1, max / 250));
        cursor.set(next);
        if (next >= max) {
            player.stop();
            playing.set(false);
        }
    }

    private void parseSpec() {
        String text = specText.get();
        if (text == null || text.isBlank()) {
            schedule = null;
            specError.set("");
        } else {
            try {
                schedule = ScheduleSpec.parse(text);
                specError.set("");
            } catch (IllegalArgumentException e) {
                specError.set(e.getMessage());
                return; // keep drawing the last valid schedule
            }
        }
        rebuild();
    }

    private Replay.Align alignValue() {
        return "tokens".equals(align.get()) ? Replay.Align.TOKENS : Replay.Align.STEP;
    }

    private Smoothing.Method methodValue() {
        for (Smoothing.Method m : Smoothing.Method.values()) {
            if (m.label().equals(smoothing.get())) {
                return m;
            }
        }
        return Smoothing.Method.NONE;
    }

    private TrainingLog run(String name) {
        int i = name == null ? -1 : runNames.indexOf(name);
        return i < 0 ? null : runs.get(i);
    }

    private String describeRuns() {
        return runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ": " + String.join(", ", runs.stream()
                .map(r -> r.name() + " (" + r.rows() + " steps, " + r.format() + ")").toList());
    }

    private void refreshMetrics() {
        List<String> all = new ArrayList<>();
        for (TrainingLog r : runs) {
            for (String m : r.metrics()) {
                if (!all.contains(m) && r.lrColumn().map(lr -> !lr.equals(m)).orElse(true)) {
                    all.add(m);
                }
            }
        }
        String keep = metric.get();
        metrics.setAll(all);
        if (keep == null || !all.contains(keep)) {
            metric.set(runs.stream().map(r -> r.lossColumn().orElse(null)).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(all.isEmpty() ? null : all.get(0)));
        }
    }

    private void rebuild() {
        double w = Math.min(0.999, Math.max(0, weight.get()));
        Smoothing.Method m = methodValue();
        weightText.set(switch (m) {
            case NONE -> "off";
            case EMA -> String.format(Locale.ROOT, "weight %.3f", w);
            case TRAILING, CENTRED -> Smoothing.windowFor(w) + " points";
        });
        Replay.Options o = new Replay.Options(alignValue(), m, w, MAX_POINTS);
        ScheduleDefinition s = showSchedule.get() ? schedule : null;
        try {
            lrChart.set(runs.isEmpty() && s == null ? null : Replay.lrChart(runs, s, o));
            String met = metric.get();
            boolean any = met != null && runs.stream().anyMatch(r -> r.hasColumn(met));
            metricChart.set(any ? Replay.metricChart(runs, met, o) : null);
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            lrChart.set(null);
            metricChart.set(null);
        }
        ChartSpec c = lrChart.get();
        int n = c == null ? 0 : c.series().get(0).size();
        cursorMax.set(Math.max(0, n - 1));
        if (cursor.get() > cursorMax.get()) {
            cursor.set(cursorMax.get());
        } else if (!cursorPlaced && n > 0 && !runs.isEmpty()) {
            cursorPlaced = true;
            cursor.set(cursorMax.get()); // start at the end of the runs
        }
        updateCursor();
    }

    private void updateCursor() {
        ChartSpec c = lrChart.get();
        if (c == null) {
            cursorX.set(Double.NaN);
            cursorText.set("");
            return;
        }
        int i = Math.max(0, Math.min(cursor.get(), c.series().get(0).size() - 1));
        double x = c.series().get(0).x(i);
        cursorX.set(x);
        StringBuilder sb = new StringBuilder();
        sb.append(alignValue() == Replay.Align.TOKENS ? "tokens " : "step ").append(ScheduleSpec.num(x));
        appendValues(sb, c, x);
        ChartSpec mc = metricChart.get();
        if (mc != null) {
            appendValues(sb, mc, x);
        }
        if (schedule != null && showSchedule.get() && schedule.axis() == (alignValue() == Replay.Align.TOKENS
                ? ScheduleAxis.TOKENS : ScheduleAxis.STEP)) {
            for (var p : schedule.schedule().phases()) {
                if (x >= p.start() && x < p.end()) {
                    sb.append("   ·   schedule phase: ").append(p.name());
                }
            }
        }
        cursorText.set(sb.toString());
    }

    private static void appendValues(StringBuilder sb, ChartSpec c, double x) {
        for (Series s : c.series()) {
            double[] xs = s.x();
            int j = Arrays.binarySearch(xs, x);
            if (j < 0) {
                continue;
            }
            double v = s.y(j);
            sb.append("   ·   ").append(s.name()).append(' ')
                    .append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.5g", v));
        }
    }
}
