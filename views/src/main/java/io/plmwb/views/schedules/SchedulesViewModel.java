package io.plmwb.views.schedules;

import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.schedule.Replay;
import io.plmwb.experiments.schedule.ScheduleFitReport;
import io.plmwb.experiments.schedule.ScheduleFitStudy;
import io.plmwb.experiments.schedule.ScheduleFitter;
import io.plmwb.experiments.schedule.SchedulesReport;
import io.plmwb.experiments.schedule.SchedulesStudy;
import io.plmwb.experiments.schedule.TrainingLogCache;
import io.plmwb.experiments.smoothing.Smoothing;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Schedules workspace's state: the inputs (schedule text, runs, alignment, smoothing, metric), a background run
 * of {@link SchedulesStudy} whenever an input it reads changes, and {@link #show()}, the one place that maps the last
 * report, the last fit ({@link ScheduleFitStudy}) and the current selection onto the read-only properties the screen
 * binds. The charts hold every point (the chart widget thins what it draws); Export all writes
 * {@code report.bundle(selection)} through the {@link BundleWriter}, as {@code workbench replay --out} does. The
 * replay cursor and its animation are screen state only.
 */
public final class SchedulesViewModel {

    /** The recipe schedule of the bundled plm-nano run (experiments/recipes/nano/schedule.py). */
    public static final String PLM_NANO_SPEC =
            "wsdc:warmup=45,stable_end=540,decay_end=765,peak=0.002,floor=0.0002,shape=linear";

    /** Presets for the editor: name → spec. */
    public static final Map<String, String> PRESETS = ScheduleChoices.presets();

    /** The formats Export all writes. */
    static final List<ExportFormat> EXPORT_FORMATS = List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF,
            ExportFormat.CSV);

    /** A row of the fit table. */
    public record Row(String key, String value) {
    }

    private final TaskExecutor executor;
    private final DialogService dialogs;
    private final SchedulesStudy study;
    private final ScheduleFitStudy fitStudy;
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

    private final ReadOnlyObjectWrapper<SchedulesReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyObjectWrapper<ScheduleFitReport> fitReport = new ReadOnlyObjectWrapper<>(this, "fitReport");
    private final ReadOnlyObjectWrapper<ChartSpec> lrChart = new ReadOnlyObjectWrapper<>(this, "lrChart");
    private final ReadOnlyObjectWrapper<ChartSpec> metricChart = new ReadOnlyObjectWrapper<>(this, "metricChart");
    private final ReadOnlyObjectWrapper<ChartSpec> residualChart = new ReadOnlyObjectWrapper<>(this, "residualChart");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper weightText = new ReadOnlyStringWrapper(this, "weightText", "");
    private final ReadOnlyStringWrapper fitSummary = new ReadOnlyStringWrapper(this, "fitSummary", FIT_HINT);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReplayCursor cursor = new ReplayCursor();

    private static final String FIT_HINT = "Fit a WSDC, WSD or cosine schedule to a run's logged learning rate.";

    /** What the last submitted study run reads (the report shown is of these settings once it arrives). */
    private SchedulesStudy.Settings requested;
    private int generation;
    private TaskHandle replayTask;
    private int running;
    private boolean mapping;

    /**
     * @param executor  where log reading, fitting and export run
     * @param modelsDir the bundled models folder (datasets/models): its plm-nano and plm-nano-cosine runs are
     *                  loaded at start; null for none
     * @param dialogs   where errors and questions go
     */
    public SchedulesViewModel(TaskExecutor executor, Path modelsDir, DialogService dialogs) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        TrainingLogCache cache = new TrainingLogCache();
        this.study = new SchedulesStudy(cache);
        this.fitStudy = new ScheduleFitStudy(cache);
        specText.addListener((o, a, b) -> onSpec());
        align.addListener((o, a, b) -> submit(requested.withAlign(alignValue())));
        showSchedule.addListener((o, a, b) -> show());
        smoothing.addListener((o, a, b) -> show());
        weight.addListener((o, a, b) -> show());
        metric.addListener((o, a, b) -> show());
        List<Path> bundled = new ArrayList<>();
        if (modelsDir != null) {
            for (String name : List.of("plm-nano", "plm-nano-cosine")) {
                Path p = modelsDir.resolve(name);
                if (Files.isDirectory(p)) {
                    bundled.add(p);
                }
            }
        }
        specError.set(SchedulesStudy.specError(specText.get()));
        String spec = specError.get().isEmpty() ? specText.get() : null;
        if (!bundled.isEmpty()) {
            status.set("Reading " + bundled.stream().map(p -> p.getFileName().toString()).toList() + "…");
        }
        submit(SchedulesStudy.Settings.replay(bundled, spec, Replay.Align.STEP));
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
        return cursor.index;
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
        return cursor.playing.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty cursorMaxProperty() {
        return cursor.max.getReadOnlyProperty();
    }

    /** The cursor's position on the x axis (NaN without a chart). */
    public ReadOnlyDoubleProperty cursorXProperty() {
        return cursor.x.getReadOnlyProperty();
    }

    /** The values of every series at the cursor. */
    public ReadOnlyStringProperty cursorTextProperty() {
        return cursor.text.getReadOnlyProperty();
    }

    /** The last report of the study (null before the first or after a failed run). */
    public ReadOnlyObjectProperty<SchedulesReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** The last fit (null before the first). */
    public ReadOnlyObjectProperty<ScheduleFitReport> fitReportProperty() {
        return fitReport.getReadOnlyProperty();
    }

    /** What the screen shows of the report: the metric, the smoothing and whether the schedule is overlaid. */
    public SchedulesReport.Selection selection() {
        double w = Math.min(0.999, Math.max(0, weight.get()));
        return new SchedulesReport.Selection(metric.get(), ScheduleChoices.method(smoothing.get()), w,
                showSchedule.get());
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
        List<Path> logs = new ArrayList<>(requested.logs());
        if (!logs.contains(path)) {
            logs.add(path);
        }
        status.set("Reading " + path.getFileName() + "…");
        submit(requested.withLogs(logs));
    }

    /** Removes a run by name. */
    public void removeRun(String name) {
        SchedulesReport r = report.get();
        Path log = r == null ? null : r.logOf(name).orElse(null);
        if (log != null) {
            List<Path> logs = new ArrayList<>(requested.logs());
            logs.remove(log);
            submit(requested.withLogs(logs));
        }
    }

    /** Fits a schedule to the chosen run's learning-rate column in the background. */
    public void fit() {
        String name = fitRun.get();
        SchedulesReport r = report.get();
        Path log = r == null || name == null ? null : r.logOf(name).orElse(null);
        if (log == null) {
            dialogs.error("Cannot fit a schedule", "Load a training log first and choose its run.");
            return;
        }
        ScheduleFitStudy.Settings settings = new ScheduleFitStudy.Settings(log, null, ScheduleFitter.Kind.AUTO,
                alignValue());
        running++;
        busy.set(true);
        fitSummary.set("Fitting " + name + " …");
        executor.execute(BackgroundTask.of("Fit schedule to " + name, ctx -> fitStudy.run(settings, ctx))
                .onSuccess(f -> {
                    fitReport.set(f);
                    show();
                })
                .onFailure(e -> {
                    fitSummary.set("The fit failed: " + DialogService.reason(e));
                    dialogs.error("Could not fit a schedule to " + name, e);
                })
                .onFinished(this::finished));
    }

    /** Puts the last fit into the schedule editor. */
    public void useFit() {
        if (fitReport.get() != null) {
            specText.set(fitReport.get().definition().toSpec());
        }
    }

    /** Export all: every chart shown (PNG, SVG, PDF and CSV, every point) into a folder. */
    public void exportAll(Path dir) {
        exportAll(dir, EXPORT_FORMATS);
    }

    /** Export all in the chosen formats; existing files are replaced only after the user agreed. */
    public void exportAll(Path dir, List<ExportFormat> formats) {
        Bundle bundle = exportBundle();
        if (bundle.isEmpty()) {
            dialogs.error("Nothing to export", "Add a training log or enter a schedule first.");
            return;
        }
        long existing = BundleWriter.targets(bundle, dir, formats).stream().filter(Files::exists).count();
        if (existing > 0 && !dialogs.confirm("Replace existing files?", existing + " of the files already exist in "
                + dir + ". Replace them?")) {
            return;
        }
        ExportOptions options = ExportOptions.defaults().withOverwrite(existing > 0);
        executor.execute(BackgroundTask.of("Export schedule charts",
                ctx -> new BundleWriter().write(bundle, dir, formats, options, ctx))
                .onSuccess(files -> status.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> dialogs.error("Export to " + dir + " failed", e)));
    }

    /** What Export all writes now: the report's bundle for the selection, then the fit's residual chart. */
    Bundle exportBundle() {
        Bundle.Builder b = Bundle.builder();
        if (report.get() != null) {
            b.addAll(report.get().bundle(selection()));
        }
        if (fitReport.get() != null) {
            b.addAll(fitReport.get().bundle(NoSelection.ALL));
        }
        return b.build();
    }

    /** Starts or pauses the replay animation (from the start when the cursor is at the end). */
    public void togglePlay() {
        cursor.togglePlay();
    }

    /** Moves the cursor to the grid point nearest to an x value (a click on a chart). */
    public void cursorTo(double x) {
        cursor.moveTo(x);
    }

    /** Stops the animation (the workspace is closing). */
    public void stop() {
        cursor.stop();
    }

    // ---- internals ----------------------------------------------------------------------------------------

    private void onSpec() {
        specError.set(SchedulesStudy.specError(specText.get()));
        if (specError.get().isEmpty()) {
            submit(requested.withSpec(specText.get()));
        } // else keep drawing the last valid schedule
    }

    /** Runs the study on {@code settings} in the background; only the newest run's report is shown. */
    private void submit(SchedulesStudy.Settings settings) {
        requested = settings;
        int gen = ++generation;
        running++;
        busy.set(true);
        if (replayTask != null) {
            replayTask.cancel(); // superseded: its report would not be shown
        }
        replayTask = executor.execute(BackgroundTask.of("Replay training logs", ctx -> study.run(settings, ctx))
                .onSuccess(r -> {
                    if (gen == generation) {
                        requested = settings.withLogs(r.logs()); // a log shadowed by a later one of its name goes
                        report.set(r);
                        status.set(r.status());
                        show();
                    }
                })
                .onFailure(e -> failed(gen, e))
                .onFinished(this::finished));
    }

    private void failed(int gen, Throwable e) {
        if (e instanceof SchedulesStudy.LogReadException bad) {
            if (requested.logs().contains(bad.log())) { // drop the unreadable log and show the others again
                status.set("Could not read " + bad.log().getFileName());
                dialogs.error("Could not read the training log " + bad.log(), e);
                List<Path> logs = new ArrayList<>(requested.logs());
                logs.remove(bad.log());
                submit(requested.withLogs(logs));
            }
        } else if (gen == generation) {
            report.set(null);
            status.set(DialogService.reason(e));
            show();
        }
    }

    private void finished() {
        running--;
        busy.set(running > 0);
    }

    /** The one place the reports and the selection become what the screen shows. */
    private void show() {
        if (mapping) {
            return;
        }
        mapping = true;
        try {
            SchedulesReport r = report.get();
            if (r != null) {
                if (!runNames.equals(r.runNames())) {
                    runNames.setAll(r.runNames());
                }
                if (!metrics.equals(r.metrics())) {
                    metrics.setAll(r.metrics());
                }
                if (metric.get() == null || !r.metrics().contains(metric.get())) {
                    metric.set(r.defaultMetric());
                }
                if (fitRun.get() == null || !runNames.contains(fitRun.get())) {
                    fitRun.set(runNames.isEmpty() ? null : runNames.get(0));
                }
            }
            SchedulesReport.Selection sel = selection();
            weightText.set(ScheduleChoices.weightText(sel.smoothing(), sel.weight()));
            try {
                lrChart.set(r == null ? null : r.lrChart(sel).orElse(null));
                metricChart.set(r == null ? null : r.metricChart(sel).orElse(null));
            } catch (IllegalArgumentException e) {
                status.set(e.getMessage());
                lrChart.set(null);
                metricChart.set(null);
            }
            ScheduleFitReport f = fitReport.get();
            fitRows.setAll(f == null ? List.of() : f.rows().stream().map(x -> new Row(x.key(), x.value())).toList());
            fitSummary.set(f == null ? FIT_HINT : f.summary());
            residualChart.set(f == null ? null : f.charts(NoSelection.ALL).get(0));
            cursor.show(lrChart.get(), metricChart.get(), r == null ? alignValue() : r.settings().align(),
                    r == null || !sel.showSchedule() ? null : r.schedule().orElse(null), !runNames.isEmpty());
        } finally {
            mapping = false;
        }
    }

    private Replay.Align alignValue() {
        return "tokens".equals(align.get()) ? Replay.Align.TOKENS : Replay.Align.STEP;
    }

}
