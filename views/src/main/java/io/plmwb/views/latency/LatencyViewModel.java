package io.plmwb.views.latency;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.latency.LayerBreakdown;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.latency.LatencyCharts;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * The Latency workspace: profiles the current model's checkpoint folder with ONNX Runtime's profiler (its own
 * sessions, opened by {@link LatencyProfiler}; the Models workspace's session is not touched), keeps the latest run
 * (B) and an optional pinned run (A) for a per-layer B − A difference, and runs the decode-vs-context and thread
 * sweeps. Every chart is a {@link ChartSpec} exported through the one {@link ChartExportService}.
 */
public final class LatencyViewModel {

    /** Mode choices shown in the mode box. */
    public static final List<String> MODES = List.of("native", "latent", "expanded");

    private final TaskExecutor executor;
    private final CurrentModel current;

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

    public LatencyViewModel(TaskExecutor executor, CurrentModel current, int threads) {
        this.executor = executor;
        this.current = current;
        this.threads = new SimpleIntegerProperty(Math.max(1, Math.min(threads, Runtime.getRuntime()
                .availableProcessors())));
        ChartExportService service = new ChartExportService();
        for (Map.Entry<String, ReadOnlyObjectWrapper<ChartSpec>> e : charts().entrySet()) {
            ChartExportViewModel vm = new ChartExportViewModel(service, executor);
            vm.specProperty().bind(e.getValue());
            exports.put(e.getKey(), vm);
        }
        current.nameProperty().addListener((o, a, b) -> updateModelText());
        current.folderProperty().addListener((o, a, b) -> updateModelText());
        diffDecode.addListener((o, a, b) -> updateDiff());
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

    // ------------------------------------------------------------------ settings

    LatencyProfiler.Settings settings() {
        CacheMode m = switch (mode.get() == null ? "native" : mode.get()) {
            case "latent" -> CacheMode.LATENT;
            case "expanded" -> CacheMode.EXPANDED;
            default -> null;
        };
        return new LatencyProfiler.Settings(promptTokens.get(), decodeTokens.get(), context.get(), repeats.get(), 1,
                threads.get(), m);
    }

    private Path folderOrComplain() {
        Path f = current.folder();
        if (f == null) {
            Dialogs.error("No model to profile", "Latency needs a checkpoint folder: open one in Models (a preset "
                    + "has no weights).");
        }
        return f;
    }

    private static int[] parseList(String text, String what) {
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
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ actions

    /** Profiles prefill and decode of the current model with the settings. */
    public void run() {
        Path folder = folderOrComplain();
        if (folder == null || running.get()) {
            return;
        }
        LatencyProfiler.Settings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            Dialogs.error("Invalid settings", e.getMessage());
            return;
        }
        if (s.mode() == CacheMode.LATENT && current.config() != null && !current.config().family().isMla()) {
            Dialogs.error("Latent cache not available", current.name() + " is not an MLA model; use expanded.");
            return;
        }
        start("Profiling " + folder.getFileName(), BackgroundTask.of("Latency: " + folder.getFileName(),
                ctx -> profiler().profile(folder, s, ctx)).onSuccess(r -> {
                    result.set(r);
                    prefillChart.set(LatencyCharts.perLayer(r, false));
                    decodeChart.set(LatencyCharts.perLayer(r, true));
                    totalsChart.set(LatencyCharts.totals(r));
                    summary.set(summarize(r));
                    updateDiff();
                    status.set("Profiled " + LatencyCharts.describe(r));
                }));
    }

    /** Decode ms/token vs context, latent and expanded (MLA) or expanded only. */
    public void runContextSweep() {
        Path folder = folderOrComplain();
        if (folder == null || running.get()) {
            return;
        }
        int[] ctxs;
        try {
            ctxs = parseList(contexts.get(), "Contexts");
        } catch (IllegalArgumentException e) {
            Dialogs.error("Invalid contexts", e.getMessage());
            return;
        }
        ModelConfig cfg = current.config();
        List<CacheMode> modes = cfg == null || cfg.family().isMla() ? List.of(CacheMode.LATENT, CacheMode.EXPANDED)
                : List.of(CacheMode.EXPANDED);
        int steps = decodeTokens.get();
        int t = threads.get();
        String name = folder.getFileName().toString();
        start("Decode vs context on " + name, BackgroundTask.of("Latency: decode vs context", ctx -> {
            return profiler().decodeVsContext(folder, modes, ctxs, steps, 1, t, ctx);
        }).onSuccess(by -> {
            contextChart.set(LatencyCharts.decodeVsContext(name, by, t));
            status.set("Decode vs context done (" + ctxs.length + " contexts × " + by.size() + " modes)");
        }));
    }

    /** Prefill and decode wall-clock per thread count. */
    public void runThreadSweep() {
        Path folder = folderOrComplain();
        if (folder == null || running.get()) {
            return;
        }
        int[] ts;
        LatencyProfiler.Settings s;
        try {
            ts = parseList(sweepThreads.get(), "Thread counts");
            s = settings();
        } catch (IllegalArgumentException e) {
            Dialogs.error("Invalid thread sweep", e.getMessage());
            return;
        }
        String name = folder.getFileName().toString();
        start("Thread sweep on " + name, BackgroundTask.of("Latency: thread sweep",
                ctx -> profiler().threadSweep(folder, s, ts, ctx)).onSuccess(pts -> {
                    threadsChart.set(LatencyCharts.threadSweep(name, pts, s.promptTokens()));
                    status.set("Thread sweep done (" + ts.length + " thread counts)");
                }));
    }

    private <T> void start(String what, BackgroundTask<T> t) {
        running.set(true);
        status.set(what + "…");
        task = executor.execute(t.onCancelled(() -> status.set("Cancelled: the previous results are still shown"))
                .onFailure(e -> {
                    status.set("Failed: " + Dialogs.reason(e));
                    Dialogs.error(what + " failed", e);
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

    private LatencyProfiler profiler() {
        return new LatencyProfiler(ModelLoader.Options.defaults());
    }

    /** Keeps the shown run as A; later runs (B) are compared with it. */
    public void pin() {
        LatencyResult r = result.get();
        if (r == null) {
            Dialogs.error("Nothing to pin", "Profile a run first.");
            return;
        }
        pinned.set(r);
        pinnedText.set("Pinned A: " + LatencyCharts.describe(r));
        updateDiff();
    }

    /** Drops the pinned run. */
    public void clearPin() {
        pinned.set(null);
        pinnedText.set("No pinned run (A).");
        updateDiff();
    }

    private void updateDiff() {
        LatencyResult a = pinned.get();
        LatencyResult b = result.get();
        if (a == null || b == null || a == b) {
            diffChart.set(null);
            return;
        }
        if (a.layers() != b.layers()) {
            diffChart.set(null);
            status.set("A has " + a.layers() + " layers, B " + b.layers() + ": no per-layer difference");
            return;
        }
        diffChart.set(LatencyCharts.difference(a, b, diffDecode.get()));
    }

    /** Copies the shown run's raw ORT profile (Chrome-trace JSON for Perfetto / chrome://tracing) to a file. */
    public void saveTrace(Path target) {
        LatencyResult r = result.get();
        if (r == null) {
            Dialogs.error("No trace", "Profile a run first.");
            return;
        }
        executor.execute(BackgroundTask.of("Save trace " + target.getFileName(), ctx -> {
            if (!Files.isRegularFile(r.trace())) {
                throw new java.io.IOException(r.trace() + ": the run's trace is gone (temporary files removed?)");
            }
            Files.copy(r.trace(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }).onSuccess(p -> status.set("Saved trace " + p))
                .onFailure(e -> Dialogs.error("Cannot save the trace to " + target, e)));
    }

    /** Writes every shown chart (PNG, SVG, PDF, CSV) into a folder. */
    public void exportAll(Path dir) {
        List<ChartSpec> specs = new ArrayList<>();
        for (ReadOnlyObjectWrapper<ChartSpec> c : charts().values()) {
            if (c.get() != null) {
                specs.add(c.get());
            }
        }
        if (specs.isEmpty()) {
            Dialogs.error("Nothing to export", "Profile a run or run a sweep first.");
            return;
        }
        ChartExportService service = new ChartExportService();
        executor.execute(BackgroundTask.of("Export latency charts", ctx -> {
            List<Path> out = new ArrayList<>();
            for (ChartSpec s : specs) {
                out.addAll(service.exportAll(s, dir, s.id(), List.of(ExportFormat.PNG, ExportFormat.SVG,
                        ExportFormat.PDF, ExportFormat.CSV), ExportOptions.defaults().withOverwrite(true), ctx));
            }
            return out;
        }).onSuccess(files -> status.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> Dialogs.error("Export to " + dir + " failed", e)));
    }

    static String summarize(LatencyResult r) {
        StringBuilder b = new StringBuilder();
        for (LatencyResult.Phase p : List.of(r.prefill(), r.decode())) {
            b.append(String.format(Locale.ROOT, "%s%s: per-layer medians + outside %.2f ms (embedding %.2f, head %.2f, other "
                            + "%.2f) · kernels %.2f (min %.2f, max %.2f) · ORT run %.2f (kernels %.0f%%) · "
                            + "wall-clock %.2f profiled vs %.2f without (overhead %+.0f%%)",
                    b.length() == 0 ? "" : "\n", p.name().equals("decode") ? "Decode at " + p.context()
                            + " (per token)" : "Prefill " + p.tokens() + " tok",
                    p.attributedMedianMs(), p.outside().get(LayerBreakdown.Outside.EMBEDDING).median(),
                    p.outside().get(LayerBreakdown.Outside.HEAD).median(),
                    p.outside().get(LayerBreakdown.Outside.OTHER).median(), p.kernelTotal().median(),
                    p.kernelTotal().min(), p.kernelTotal().max(), p.profiled().median(), 100 * p.kernelShare(),
                    p.wallProfiled().median(), p.wallUnprofiled().median(), 100 * p.overhead()));
        }
        return b.toString();
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
