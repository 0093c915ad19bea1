package io.plmwb.views.models;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
 * costs (computed from the config by the engine's {@link ArchitectureSummary}), and the loaded model that the
 * prompt box ({@link GenerateViewModel}) generates with.
 */
public final class ModelsViewModel {

    /** One line of a key/value card. */
    public record Row(String key, String value) {
    }

    /** One line of the KV-cache table. */
    public record KvRow(String layout, String valuesPerLayer, String bytesPerToken, String atContext) {
    }

    private final TaskExecutor executor;
    private final CurrentModel current;
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
     * @param executor background tasks (reading, compiling, generating)
     * @param uiThread where streamed tokens are published
     * @param threads  ONNX Runtime threads for loaded models
     */
    public ModelsViewModel(TaskExecutor executor, java.util.concurrent.Executor uiThread, int threads) {
        this(executor, uiThread, threads, new CurrentModel());
    }

    /**
     * @param current where the shown and loaded model is published for the other workspaces
     */
    public ModelsViewModel(TaskExecutor executor, java.util.concurrent.Executor uiThread, int threads,
            CurrentModel current) {
        this.executor = executor;
        this.current = current;
        this.threads = Math.max(1, threads);
        this.generate = new GenerateViewModel(executor, uiThread);
        ChartExportService exportService = new ChartExportService();
        this.componentExport = new ChartExportViewModel(exportService, executor);
        this.perLayerExport = new ChartExportViewModel(exportService, executor);
        this.variants = new VariantsViewModel(executor, current);
        Presets.names().forEach(presets::add);
    }

    /**
     * Shows the architecture of a checkpoint folder at once (from config.json), then loads the model in the
     * background — weights checked, graph compiled or taken from the cache, session opened — with progress and
     * cancel in the status bar.
     */
    public void openCheckpoint(Path folder) {
        executor.execute(BackgroundTask.of("Read " + folder.getFileName(), ctx -> {
            ctx.message(io.plmwb.engine.runtime.ModelFiles.isGguf(folder) ? "reading the GGUF metadata"
                    : "reading config.json");
            return io.plmwb.engine.runtime.ModelFiles.config(folder);
        }).onSuccess(c -> {
            shownPreset.set(null);
            show(folder.getFileName().toString(), folder.toString(), c);
            current.show(folder.getFileName().toString(), folder, c);
            load(folder);
        })
                .onFailure(e -> Dialogs.error("Cannot read the model in " + folder, e)));
    }

    private void load(Path folder) {
        unload();
        long seq = loadSeq;
        loading.set(true);
        loadStatus.set("Loading " + folder.getFileName() + "…");
        ModelLoader.Options options = ModelLoader.Options.defaults()
                .withRuntime(RuntimeOptions.threads(1, threads));
        executor.execute(BackgroundTask.of("Load " + folder.getFileName(),
                ctx -> ModelLoader.load(folder, options, ctx))
                .onSuccess(m -> {
                    if (seq != loadSeq) {
                        m.close(); // another model was opened meanwhile
                        return;
                    }
                    loaded = m;
                    generate.setModel(m);
                    current.setLoaded(m);
                    var t = m.timings();
                    loadStatus.set(String.format("Loaded%s: %s cache · %s %.1f s · session %.1f s · %d threads",
                            m.synthetic() ? " (SYNTHETIC weights)" : "", m.cacheMode().key(),
                            t.cacheHit() ? "compiled graph from cache," : "compiled in", t.compileMs() / 1000,
                            t.sessionOpenMs() / 1000, threads));
                })
                .onCancelled(() -> loadStatus.set("Loading cancelled — the architecture above is from config.json"))
                .onFailure(e -> {
                    loadStatus.set("Not loaded: " + Dialogs.reason(e));
                    Dialogs.error("Cannot load the model in " + folder, e);
                })
                .onFinished(() -> loading.set(false)));
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

    /** Shows a published architecture by preset name. */
    public void showPreset(String name) {
        Presets.byName(name).ifPresentOrElse(
                c -> {
                    unload();
                    loadStatus.set("A published architecture: no weights to load (open a checkpoint folder to run one)");
                    shownPreset.set(name);
                    show(name, "Published architecture (preset) — no weights loaded", c);
                    current.show(name, null, c);
                },
                () -> Dialogs.error("Unknown preset", "There is no preset named '" + name + "'"));
    }

    private void show(String title, String where, ModelConfig c) {
        ArchitectureSummary s = ArchitectureSummary.of(c);
        headline.set(title);
        detail.set(where);
        synthetic.set(c.synthetic());
        configRows.setAll(configRows(c));
        paramRows.setAll(paramRows(s));
        kvRows.setAll(kvRows(s));
        kvContext.set(String.format("at %,d", c.maxPositionEmbeddings()));
        summary.set(s);
        componentChart.set(ParameterBreakdownChart.byComponent(title, s));
        perLayerChart.set(ParameterBreakdownChart.perLayerTensors(title, s));
    }

    static List<Row> configRows(ModelConfig c) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Family", c.family().name().toLowerCase(java.util.Locale.ROOT) + " (model_type "
                + c.modelType() + ")"));
        rows.add(new Row("Layers", Integer.toString(c.numLayers())));
        rows.add(new Row("Hidden / MLP", c.hiddenSize() + " / " + c.intermediateSize() + " (" + c.hiddenAct() + ")"));
        if (c.family().isMla()) {
            rows.add(new Row("Attention", "MLA, " + c.numHeads() + " heads, latent " + c.kvLoraRank()
                    + ", q/k " + c.qkNopeHeadDim() + "+" + c.qkRopeHeadDim() + ", v " + c.vHeadDim()));
            rows.add(new Row("Query compression", c.qLoraRank() == null ? "none (full q_proj)"
                    : "rank " + c.qLoraRank()));
        } else {
            rows.add(new Row("Attention", (c.numKvHeads() == c.numHeads() ? "MHA, " : "GQA, ") + c.numHeads()
                    + " heads / " + c.numKvHeads() + " KV heads × " + c.headDim()
                    + (c.attentionBias() ? ", q/k/v bias" : "")));
        }
        rows.add(new Row("Vocabulary", String.format("%,d", c.vocabSize())));
        rows.add(new Row("Context", String.format("%,d", c.maxPositionEmbeddings()) + " (RoPE θ "
                + (long) c.ropeTheta() + (c.ropeInterleave() ? ", interleaved pairs)" : ", halves)")));
        rows.add(new Row("Embeddings", c.tieWordEmbeddings() ? "tied to the output head" : "separate output head"));
        rows.add(new Row("Stored dtype", c.torchDtype()));
        return rows;
    }

    static List<Row> paramRows(ArchitectureSummary s) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Total", count(s.total())));
        rows.add(new Row("Embedding", count(s.embedding()) + pct(s.embedding(), s.total())));
        if (s.lmHead() > 0) {
            rows.add(new Row("Output head", count(s.lmHead()) + pct(s.lmHead(), s.total())));
        }
        rows.add(new Row("Attention", count(s.attention()) + pct(s.attention(), s.total())));
        rows.add(new Row("MLP", count(s.mlp()) + pct(s.mlp(), s.total())));
        rows.add(new Row("Norms", count(s.norms()) + pct(s.norms(), s.total())));
        rows.add(new Row("Per layer", count(s.perLayer())));
        rows.add(new Row("Weights bf16 / fp32", mib(s.weightBytes(StorageType.BF16)) + " / "
                + mib(s.weightBytes(StorageType.FP32))));
        return rows;
    }

    static List<KvRow> kvRows(ArchitectureSummary s) {
        List<KvRow> rows = new ArrayList<>();
        int ctx = s.config().maxPositionEmbeddings();
        for (KvLayout layout : KvLayout.values()) {
            OptionalLong perToken = s.kvBytesPerToken(layout, StorageType.BF16);
            if (perToken.isPresent()) {
                OptionalLong values = s.kvValuesPerTokenPerLayer(layout);
                rows.add(new KvRow(label(layout), String.format("%,d", values.getAsLong()),
                        String.format("%,d", perToken.getAsLong()),
                        mib(s.kvBytes(layout, StorageType.BF16, ctx).getAsLong())));
            }
        }
        return rows;
    }

    private static String label(KvLayout l) {
        return Map.of(KvLayout.LATENT, "MLA latent", KvLayout.EXPANDED, "Expanded K/V",
                KvLayout.MHA, "MHA-equivalent", KvLayout.GQA, "GQA-equivalent").get(l);
    }

    static String count(long n) {
        String unit = n >= 1_000_000_000L ? String.format("%.2f B", n / 1e9)
                : n >= 1_000_000L ? String.format("%.1f M", n / 1e6)
                : n >= 1_000L ? String.format("%.1f K", n / 1e3) : Long.toString(n);
        return String.format("%,d (%s)", n, unit);
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.2f GiB", bytes / (double) (1L << 30))
                : String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    private static String pct(long part, long total) {
        return String.format("  · %.1f%%", 100.0 * part / total);
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

    /** Export state of the component chart. */
    /** The fp32 / 8-bit / 4-bit comparison of the shown model. */
    public VariantsViewModel variants() {
        return variants;
    }

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
