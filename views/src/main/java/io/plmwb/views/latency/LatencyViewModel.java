package io.plmwb.views.latency;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.latency.LatencyCharts;
import io.plmwb.experiments.latency.LatencyReport;
import io.plmwb.experiments.latency.LatencySelection;
import io.plmwb.experiments.latency.LatencyStudy;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.Study;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The Latency workspace: runs the {@link LatencyStudy} on the current model's checkpoint folder in the background
 * (the profiler opens its own sessions; the Models workspace's session is not touched) — Profile, the
 * decode-vs-context sweep and the thread sweep each run the parts they ask for — and keeps one {@link LatencyReport}
 * of what was measured so far, with an optional pinned run (A) for the per-layer B − A difference. Everything on screen
 * comes from that report and the selection, mapped in {@link #show()}; Export all writes the report's bundle.
 */
public final class LatencyViewModel {

    /** Mode choices shown in the mode box. */
    public static final List<String> MODES = List.of("native", "latent", "expanded");

    private static final List<ExportFormat> EXPORT_FORMATS = List.of(ExportFormat.PNG, ExportFormat.SVG,
            ExportFormat.PDF, ExportFormat.CSV);

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final DialogService dialogs;
    private final Study<LatencyStudy.Settings, LatencyReport> study;

    private final IntegerProperty promptTokens = new SimpleIntegerProperty(64);
    private final IntegerProperty decodeTokens = new SimpleIntegerProperty(8);
    private final IntegerProperty context = new SimpleIntegerProperty(128);
    private final IntegerProperty repeats = new SimpleIntegerProperty(5);
    private final IntegerProperty threads;
    private final StringProperty mode = new SimpleStringProperty("native");
    private final StringProperty contexts = new SimpleStringProperty("128,256,512,1024");
    private final StringProperty sweepThreads = new SimpleStringProperty("1,2");
    private final BooleanProperty diffDecode = new SimpleBooleanProperty(true);

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("No run yet: press Profile.");
    private final ReadOnlyStringWrapper modelText = new ReadOnlyStringWrapper("No model");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper pinnedText = new ReadOnlyStringWrapper("No pinned run (A).");
    private final ReadOnlyObjectWrapper<LatencyReport> report = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<LatencyResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<LatencyResult> pinned = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> prefillChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> decodeChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> totalsChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> contextChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> threadsChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> diffChart = new ReadOnlyObjectWrapper<>();
    private final Map<String, ChartExportViewModel> exports = new LinkedHashMap<>();
    private TaskHandle task;

    /** With the {@link LatencyStudy} on the default loader options. */
    public LatencyViewModel(TaskExecutor executor, CurrentModel current, int threads, DialogService dialogs) {
        this(executor, current, threads, dialogs, new LatencyStudy());
    }

    public LatencyViewModel(TaskExecutor executor, CurrentModel current, int threads, DialogService dialogs,
                            Study<LatencyStudy.Settings, LatencyReport> study) {
        this.executor = executor;
        this.current = current;
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.study = Objects.requireNonNull(study, "study");
        this.threads = new SimpleIntegerProperty(Math.max(1, Math.min(threads, Runtime.getRuntime()
                .availableProcessors())));
        for (Map.Entry<String, ReadOnlyObjectWrapper<ChartSpec>> e : charts().entrySet()) {
            ChartExportViewModel vm = ChartExportViewModel.create(executor);
            vm.specProperty().bind(e.getValue());
            exports.put(e.getKey(), vm);
        }
        current.nameProperty().addListener((o, a, b) -> updateModelText());
        current.folderProperty().addListener((o, a, b) -> updateModelText());
        diffDecode.addListener((o, a, b) -> show());
        updateModelText();
    }

    private Map<String, ReadOnlyObjectWrapper<ChartSpec>> charts() {
        Map<String, ReadOnlyObjectWrapper<ChartSpec>> m = new LinkedHashMap<>();
        m.put("prefill", prefillChart);
        m.put("decode", decodeChart);
        m.put("totals", totalsChart);
        m.put("context", contextChart);
        m.put("threads", threadsChart);
        m.put("diff", diffChart);
        return m;
    }

    private void updateModelText() {
        Path f = current.folder();
        modelText.set(f == null ? (current.name() == null ? "No model" : current.name()
                + " — a preset without weights: open a checkpoint folder in Models")
                : current.name() + "  (" + f + ")");
    }

    /** The selection the screen shows. */
    public LatencySelection selection() {
        return new LatencySelection(diffDecode.get());
    }

    /** The report and the selection onto every property the screen shows: the one place they are set. */
    private void show() {
        LatencyReport r = report.get();
        LatencySelection sel = selection();
        result.set(r == null ? null : r.result().orElse(null));
        pinned.set(r == null ? null : r.pinned().orElse(null));
        prefillChart.set(r == null ? null : r.prefillChart().orElse(null));
        decodeChart.set(r == null ? null : r.decodeChart().orElse(null));
        totalsChart.set(r == null ? null : r.totalsChart().orElse(null));
        diffChart.set(r == null ? null : r.differenceChart(sel).orElse(null));
        contextChart.set(r == null ? null : r.contextChart().orElse(null));
        threadsChart.set(r == null ? null : r.threadsChart().orElse(null));
        summary.set(r == null ? "" : r.summary());
        pinnedText.set(pinned.get() == null ? "No pinned run (A)." : "Pinned A: " + LatencyCharts.describe(pinned.get()));
        if (r != null) {
            r.comparisonProblem().ifPresent(status::set);
        }
    }

    /** The charts the screen shows, in screen order (prefill, decode, totals, B − A, context, threads). */
    public List<ChartSpec> shownCharts() {
        List<ChartSpec> out = new ArrayList<>();
        for (ReadOnlyObjectWrapper<ChartSpec> c : List.of(prefillChart, decodeChart, totalsChart, diffChart,
                contextChart, threadsChart)) {
            if (c.get() != null) {
                out.add(c.get());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ settings

    /** The study's settings for the screen's inputs: the profile, or one of the sweeps. */
    LatencyStudy.Settings settings(Path folder, boolean profile, List<Integer> ctxs, List<Integer> sweep) {
        CacheMode m = switch (mode.get() == null ? "native" : mode.get()) {
            case "latent" -> CacheMode.LATENT;
            case "expanded" -> CacheMode.EXPANDED;
            default -> null;
        };
        return new LatencyStudy.Settings(folder, promptTokens.get(), decodeTokens.get(), context.get(), repeats.get(),
                1, threads.get(), m, profile, ctxs, sweep, null);
    }

    private Path folderOrComplain() {
        Path f = current.folder();
        if (f == null) {
            dialogs.error("No model to profile", "Latency needs a checkpoint folder: open one in Models (a preset "
                    + "has no weights).");
        }
        return f;
    }

    private static List<Integer> parseList(String text, String what) {
        List<Integer> out = new ArrayList<>();
        for (String part : (text == null ? "" : text).split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            int v;
            try {
                v = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + part + "' is not a whole number");
            }
            if (v < 1) {
                throw new IllegalArgumentException(what + ": " + v + " must be ≥ 1");
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + ": give at least one number, e.g. 1,2");
        }
        return out;
    }

    // ------------------------------------------------------------------ actions

    /** Profiles prefill and decode of the current model with the settings. */
    public void run() {
        Path folder = folderOrComplain();
        if (folder == null || running.get()) {
            return;
        }
        LatencyStudy.Settings s;
        try {
            s = settings(folder, true, List.of(), List.of());
        } catch (IllegalArgumentException e) {
            dialogs.error("Invalid settings", e.getMessage());
            return;
        }
        start("Profiling " + folder.getFileName(), "Latency: " + folder.getFileName(), s,
                r -> "Profiled " + LatencyCharts.describe(r.result().orElseThrow()));
    }

    /** Decode ms/token vs context, latent and expanded (MLA, native mode) or the chosen mode only. */
    public void runContextSweep() {
        Path folder = folderOrComplain();
        if (folder == null || running.get()) {
            return;
        }
        LatencyStudy.Settings s;
        try {
            s = settings(folder, false, parseList(contexts.get(), "Contexts"), List.of());
        } catch (IllegalArgumentException e) {
            dialogs.error("Invalid contexts", e.getMessage());
            return;
        }
        start("Decode vs context on " + folder.getFileName(), "Latency: decode vs context", s,
                r -> "Decode vs context done (" + s.contexts().size() + " contexts × "
                        + r.contextSweep().orElseThrow().byMode().size() + " modes)");
    }

    /** Prefill and decode wall-clock per thread count. */
    public void runThreadSweep() {
        Path folder = folderOrComplain();
        if (folder == null || running.get()) {
            return;
        }
        LatencyStudy.Settings s;
        try {
            s = settings(folder, false, List.of(), parseList(sweepThreads.get(), "Thread counts"));
        } catch (IllegalArgumentException e) {
            dialogs.error("Invalid thread sweep", e.getMessage());
            return;
        }
        start("Thread sweep on " + folder.getFileName(), "Latency: thread sweep", s,
                r -> "Thread sweep done (" + s.sweepThreads().size() + " thread counts)");
    }

    private void start(String what, String title, LatencyStudy.Settings s,
                       java.util.function.Function<LatencyReport, String> done) {
        running.set(true);
        status.set(what + "…");
        task = executor.execute(BackgroundTask.of(title, ctx -> study.run(s, ctx))
                .onSuccess(r -> {
                    status.set(done.apply(r));
                    LatencyReport old = report.get();
                    report.set(old == null ? r : old.updatedWith(r));
                    show();
                })
                .onCancelled(() -> status.set("Cancelled: the previous results are still shown"))
                .onFailure(e -> {
                    status.set("Failed: " + DialogService.reason(e));
                    dialogs.error(what + " failed", e);
                })
                .onFinished(() -> {
                    running.set(false);
                    task = null;
                }));
    }

    /** Stops the running profile or sweep between calls. */
    public void cancel() {
        TaskHandle h = task;
        if (h != null) {
            h.cancel();
        }
    }

    /** Keeps the shown run as A; later runs (B) are compared with it. */
    public void pin() {
        LatencyReport r = report.get();
        if (r == null || r.result().isEmpty()) {
            dialogs.error("Nothing to pin", "Profile a run first.");
            return;
        }
        report.set(r.pin());
        show();
    }

    /** Drops the pinned run. */
    public void clearPin() {
        LatencyReport r = report.get();
        if (r != null) {
            report.set(r.withoutPin());
        }
        show();
    }

    /** Copies the shown run's raw ORT profile (Chrome-trace JSON for Perfetto / chrome://tracing) to a file. */
    public void saveTrace(Path target) {
        LatencyReport r = report.get();
        if (r == null || r.result().isEmpty()) {
            dialogs.error("No trace", "Profile a run first.");
            return;
        }
        Path file = target.toAbsolutePath().normalize();
        executor.execute(BackgroundTask.of("Save trace " + file.getFileName(), ctx -> {
            Bundle trace = r.traceBundle(file.getFileName().toString());
            new BundleWriter().write(trace, file.getParent(), List.of(), ExportOptions.defaults().withOverwrite(true),
                    ctx);
            return file;
        }).onSuccess(p -> status.set("Saved trace " + p))
                .onFailure(e -> dialogs.error("Cannot save the trace to " + target, e)));
    }

    /** Writes every shown chart (PNG, SVG, PDF, CSV) into a folder: the report's bundle for the selection. */
    public void exportAll(Path dir) {
        LatencyReport r = report.get();
        Bundle bundle = r == null ? Bundle.empty() : r.bundle(selection());
        if (bundle.isEmpty()) {
            dialogs.error("Nothing to export", "Profile a run or run a sweep first.");
            return;
        }
        executor.execute(BackgroundTask.of("Export latency charts", ctx -> new BundleWriter().write(bundle, dir,
                EXPORT_FORMATS, ExportOptions.defaults().withOverwrite(true), ctx))
                .onSuccess(files -> status.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> dialogs.error("Export to " + dir + " failed", e)));
    }

    // ------------------------------------------------------------------ properties

    public IntegerProperty promptTokensProperty() {
        return promptTokens;
    }

    public IntegerProperty decodeTokensProperty() {
        return decodeTokens;
    }

    public IntegerProperty contextProperty() {
        return context;
    }

    public IntegerProperty repeatsProperty() {
        return repeats;
    }

    public IntegerProperty threadsProperty() {
        return threads;
    }

    public StringProperty modeProperty() {
        return mode;
    }

    public StringProperty contextsProperty() {
        return contexts;
    }

    public StringProperty sweepThreadsProperty() {
        return sweepThreads;
    }

    /** True: the difference chart shows decode; false: prefill. */
    public BooleanProperty diffDecodeProperty() {
        return diffDecode;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty modelTextProperty() {
        return modelText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty pinnedTextProperty() {
        return pinnedText.getReadOnlyProperty();
    }

    /** What was measured so far (null before the first run). */
    public ReadOnlyObjectProperty<LatencyReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LatencyResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LatencyResult> pinnedProperty() {
        return pinned.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> prefillChartProperty() {
        return prefillChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> decodeChartProperty() {
        return decodeChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> totalsChartProperty() {
        return totalsChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> contextChartProperty() {
        return contextChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> threadsChartProperty() {
        return threadsChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> diffChartProperty() {
        return diffChart.getReadOnlyProperty();
    }

    /** The export model of a chart: "prefill", "decode", "totals", "context", "threads" or "diff". */
    public ChartExportViewModel export(String chart) {
        ChartExportViewModel vm = exports.get(chart);
        if (vm == null) {
            throw new IllegalArgumentException("no latency chart '" + chart + "'");
        }
        return vm;
    }
}
