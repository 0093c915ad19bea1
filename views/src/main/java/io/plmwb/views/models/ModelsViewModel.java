package io.plmwb.views.models;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.runtime.LoadTimings;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.models.LoadReport;
import io.plmwb.experiments.models.ModelFacts;
import io.plmwb.experiments.models.ModelInfoReport;
import io.plmwb.experiments.models.ModelInfoStudy;
import io.plmwb.experiments.models.ModelLoadStudy;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Models workspace: which model (or preset) is shown, its configuration, parameter breakdown and KV-cache
 * costs (a {@link ModelInfoStudy} report, mapped onto the properties in {@link #apply}), and the loaded model
 * ({@link ModelLoadStudy}) that the prompt box ({@link GenerateViewModel}) generates with and the other workspaces
 * see through {@link CurrentModel}.
 */
public final class ModelsViewModel {

    /** One line of a key/value card. */
    public record Row(String key, String value) {
    }

    /** One line of the KV-cache table. */
    public record KvRow(String layout, String valuesPerLayer, String bytesPerToken, String atContext) {
    }

    /** The formats Export all writes. */
    static final List<ExportFormat> EXPORT_FORMATS = List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF,
            ExportFormat.CSV);

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final DialogService dialogs;
    private final ModelInfoStudy infoStudy;
    private final ModelLoadStudy loadStudy;
    private final ReadOnlyObjectWrapper<ModelInfoReport> report = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper exportStatus = new ReadOnlyStringWrapper("");
    private final GenerateViewModel generate;
    private final int threads;
    private final ReadOnlyStringWrapper loadStatus = new ReadOnlyStringWrapper("No model loaded");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
    private LoadedModel loaded;
    private long loadSeq;
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("No model open");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(
            "Open a checkpoint folder (Ctrl+O) or drop one on the window, or pick a published architecture.");
    private final ReadOnlyStringWrapper shownPreset = new ReadOnlyStringWrapper();
    private final ReadOnlyBooleanWrapper synthetic = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<ArchitectureSummary> summary = new ReadOnlyObjectWrapper<>();
    private final ObservableList<Row> configRows = FXCollections.observableArrayList();
    private final ObservableList<Row> configRowsView = FXCollections.unmodifiableObservableList(configRows);
    private final ObservableList<Row> paramRows = FXCollections.observableArrayList();
    private final ObservableList<Row> paramRowsView = FXCollections.unmodifiableObservableList(paramRows);
    private final ObservableList<KvRow> kvRows = FXCollections.observableArrayList();
    private final ObservableList<KvRow> kvRowsView = FXCollections.unmodifiableObservableList(kvRows);
    private final ReadOnlyStringWrapper kvContext = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ChartSpec> componentChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> perLayerChart = new ReadOnlyObjectWrapper<>();
    private final ChartExportViewModel componentExport;
    private final VariantsViewModel variants;
    private final ChartExportViewModel perLayerExport;
    private final ObservableList<String> recentModels = FXCollections.observableArrayList();
    private final ObservableList<String> recentModelsView = FXCollections.unmodifiableObservableList(recentModels);
    private final ObservableList<String> presets = FXCollections.observableArrayList();
    private final ObservableList<String> presetsView = FXCollections.unmodifiableObservableList(presets);

    /**
     * @param executor background tasks (reading, compiling, generating, exporting)
     * @param uiThread where streamed tokens are published
     * @param threads  ONNX Runtime threads for loaded models
     * @param current  where the shown and loaded model is published for the other workspaces
     * @param dialogs  errors and questions for the user
     */
    public ModelsViewModel(TaskExecutor executor, java.util.concurrent.Executor uiThread, int threads,
            CurrentModel current, DialogService dialogs) {
        this(executor, uiThread, Math.max(1, threads), null, current, dialogs);
    }

    /**
     * As above, with models leased from {@code host} at its thread setting (the application's one host, shared with
     * the other workspaces: a checkpoint shown here is read once, also for KV Cache, Latency and Variants).
     */
    public ModelsViewModel(TaskExecutor executor, java.util.concurrent.Executor uiThread,
            io.plmwb.engine.runtime.ModelSessions host, CurrentModel current, DialogService dialogs) {
        this(executor, uiThread, 0, Objects.requireNonNull(host, "host"), current, dialogs);
    }

    private ModelsViewModel(TaskExecutor executor, java.util.concurrent.Executor uiThread, int threads,
            io.plmwb.engine.runtime.ModelSessions host, CurrentModel current, DialogService dialogs) {
        this.infoStudy = host == null ? new ModelInfoStudy() : new ModelInfoStudy(host);
        this.loadStudy = new ModelLoadStudy(host == null ? io.plmwb.engine.runtime.ModelSessions.shared() : host);
        this.executor = Objects.requireNonNull(executor, "executor");
        this.current = Objects.requireNonNull(current, "current");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.threads = threads; // 0: the host's setting
        this.generate = new GenerateViewModel(executor, uiThread, dialogs);
        this.componentExport = ChartExportViewModel.create(executor);
        this.perLayerExport = ChartExportViewModel.create(executor);
        this.variants = host == null ? new VariantsViewModel(executor, current, dialogs)
                : new VariantsViewModel(executor, current, dialogs, new io.plmwb.experiments.variants.VariantsStudy(host));
        Presets.names().forEach(presets::add);
    }

    /**
     * Shows the architecture of a checkpoint folder at once (from config.json), then loads the model in the
     * background — weights checked, graph compiled or taken from the cache, session opened — with progress and
     * cancel in the status bar.
     */
    public void openCheckpoint(Path folder) {
        executor.execute(BackgroundTask.of("Read " + folder.getFileName(),
                ctx -> infoStudy.run(ModelInfoStudy.Settings.checkpoint(folder), ctx))
                .onSuccess(r -> {
                    apply(r, folder.toString());
                    current.show(r.name(), folder, r.config());
                    load(folder);
                })
                .onFailure(e -> dialogs.error("Cannot read the model in " + folder, e)));
    }

    private void load(Path folder) {
        unload();
        long seq = loadSeq;
        loading.set(true);
        loadStatus.set("Loading " + folder.getFileName() + "…");
        ModelLoadStudy.Settings settings = ModelLoadStudy.Settings.of(folder, threads);
        executor.execute(BackgroundTask.of("Load " + folder.getFileName(), ctx -> loadStudy.run(settings, ctx))
                .onSuccess(r -> {
                    if (seq != loadSeq) {
                        r.model().close(); // another model was opened meanwhile
                        return;
                    }
                    loaded(r);
                })
                .onCancelled(() -> loadStatus.set("Loading cancelled — the architecture above is from config.json"))
                .onFailure(e -> {
                    loadStatus.set("Not loaded: " + DialogService.reason(e));
                    dialogs.error("Cannot load the model in " + folder, e);
                })
                .onFinished(() -> loading.set(false)));
    }

    private void loaded(LoadReport r) {
        loaded = r.model();
        generate.setModel(loaded);
        current.setLoaded(loaded);
        ModelFacts f = r.facts();
        LoadTimings t = f.timings();
        loadStatus.set(String.format("Loaded%s: %s cache · %s %.1f s · session %.1f s · %d threads",
                f.synthetic() ? " (SYNTHETIC weights)" : "", f.cacheMode().key(),
                t.cacheHit() ? "compiled graph from cache," : "compiled in", t.compileMs() / 1000,
                t.sessionOpenMs() / 1000, f.threads()));
    }

    /** Closes the loaded model and the checkpoint last shown (the host then holds nothing of this workspace's). */
    public void close() {
        unload();
        infoStudy.release();
    }

    /** Closes the loaded model (if any) and frees its native memory. */
    public void unload() {
        loadSeq++;
        generate.setModel(null);
        current.setLoaded(null);
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
        loadStatus.set("No model loaded");
    }

    /** Shows a published architecture by preset name (computed at once: a preset reads no files). */
    public void showPreset(String name) {
        ModelInfoReport r;
        try {
            r = infoStudy.run(ModelInfoStudy.Settings.preset(name), TaskContext.none());
        } catch (Exception e) {
            dialogs.error("Unknown preset", e);
            return;
        }
        unload();
        loadStatus.set("A published architecture: no weights to load (open a checkpoint folder to run one)");
        apply(r, "Published architecture (preset) — no weights loaded");
        current.show(name, null, r.config());
    }

    /** The one place a report reaches the screen: every card, both charts and the shown preset. */
    private void apply(ModelInfoReport r, String where) {
        report.set(r);
        shownPreset.set(r.preset().orElse(null));
        headline.set(r.name());
        detail.set(where);
        synthetic.set(r.config().synthetic());
        configRows.setAll(ModelCards.configRows(r.config()));
        paramRows.setAll(ModelCards.paramRows(r));
        kvRows.setAll(ModelCards.kvRows(r));
        kvContext.set(String.format("at %,d", r.context()));
        summary.set(r.summary());
        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        componentChart.set(charts.get(0));
        perLayerChart.set(charts.get(1));
        exportStatus.set("");
    }

    /**
     * Export all: writes both charts (PNG, SVG, PDF and the CSV of the series drawn) into {@code dir} through
     * {@link BundleWriter}; asks before replacing existing files.
     */
    public void exportAll(Path dir) {
        ModelInfoReport r = report.get();
        if (r == null) {
            dialogs.error("Nothing to export", "Open a model or choose a published architecture first.");
            return;
        }
        Bundle bundle = r.bundle(NoSelection.ALL);
        long existing = BundleWriter.targets(bundle, dir, EXPORT_FORMATS).stream().filter(Files::exists).count();
        if (existing > 0 && !dialogs.confirm("Replace existing files?", existing + " of the files to write already "
                + "exist in " + dir + ". Replace them?")) {
            return;
        }
        ExportOptions options = ExportOptions.defaults().withOverwrite(existing > 0);
        exportStatus.set("Exporting…");
        executor.execute(BackgroundTask.of("Export model charts",
                ctx -> new BundleWriter().write(bundle, dir, EXPORT_FORMATS, options, ctx))
                .onSuccess(files -> exportStatus.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> {
                    exportStatus.set("Export failed: " + DialogService.reason(e));
                    dialogs.error("Export to " + dir + " failed", e);
                }));
    }

    /**
     * Follows the app's recent-files list, keeping the entries that are model folders or GGUF files (newest
     * first).
     */
    public void followRecent(ObservableList<String> recentFiles) {
        Runnable sync = () -> recentModels.setAll(recentFiles.stream()
                .filter(p -> java.nio.file.Files.isRegularFile(Path.of(p, "config.json"))
                        || p.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"))
                .toList());
        recentFiles.addListener((javafx.collections.ListChangeListener<String>) c -> sync.run());
        sync.run();
    }

    /** Recently opened models, newest first. */
    public ObservableList<String> recentModels() {
        return recentModelsView;
    }

    /** The prompt box. */
    public GenerateViewModel generate() {
        return generate;
    }

    /** What is loaded, how it was loaded, or why not. */
    public ReadOnlyStringProperty loadStatusProperty() {
        return loadStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Parameters by component of the shown model. */
    public ReadOnlyObjectProperty<ChartSpec> componentChartProperty() {
        return componentChart.getReadOnlyProperty();
    }

    /** Parameters per tensor of one decoder block. */
    public ReadOnlyObjectProperty<ChartSpec> perLayerChartProperty() {
        return perLayerChart.getReadOnlyProperty();
    }

    /** The fp32 / 8-bit / 4-bit comparison of the shown model. */
    public VariantsViewModel variants() {
        return variants;
    }

    /** Export state of the component chart. */
    public ChartExportViewModel componentExport() {
        return componentExport;
    }

    /** Export state of the per-block chart. */
    public ChartExportViewModel perLayerExport() {
        return perLayerExport;
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    /** The preset shown, or null when a checkpoint (or nothing) is shown. */
    public ReadOnlyStringProperty shownPresetProperty() {
        return shownPreset.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty syntheticProperty() {
        return synthetic.getReadOnlyProperty();
    }

    /** The report shown, or null before anything is opened. */
    public ReadOnlyObjectProperty<ModelInfoReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** What the last Export all did. */
    public ReadOnlyStringProperty exportStatusProperty() {
        return exportStatus.getReadOnlyProperty();
    }

    /** The summary shown, or null before anything is opened. */
    public ReadOnlyObjectProperty<ArchitectureSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ObservableList<Row> configRows() {
        return configRowsView;
    }

    public ObservableList<Row> paramRows() {
        return paramRowsView;
    }

    public ObservableList<KvRow> kvRows() {
        return kvRowsView;
    }

    /** Header of the KV table's last column ("at 4,096"). */
    public ReadOnlyStringProperty kvContextProperty() {
        return kvContext.getReadOnlyProperty();
    }

    public ObservableList<String> presets() {
        return presetsView;
    }
}
