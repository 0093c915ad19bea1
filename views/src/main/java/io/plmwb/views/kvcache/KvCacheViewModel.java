package io.plmwb.views.kvcache;

import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.kv.DeviceBudget;
import io.plmwb.experiments.kv.KvCacheAnalysis;
import io.plmwb.experiments.kv.KvCharts;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The KV Cache workspace: the analytic KV-cache costs of the shown model (or a published preset) under every layout
 * at a cache dtype, the memory to run against editable device budgets with the longest context that fits, and the
 * cache tensors the engine really holds after filling a session to the context, beside the analytic figures.
 */
public final class KvCacheViewModel {

    /** The source entry that follows the model shown in the Models workspace. */
    public static final String CURRENT = "Current model";

    /** One layout row, formatted. */
    public record LayoutRow(String layout, String valuesPerTokenPerLayer, String bytesPerTokenPerLayer,
                            String bytesPerToken, String atContext, String ratio) {
    }

    /** One device row: budget and the longest context per layout ("—" where the layout does not apply). */
    public record DeviceRow(String device, String budget, String latent, String expanded, String mha, String gqa) {
    }

    /** One measured layer. */
    public record MeasuredRow(String mode, String layer, String tensors, String measured, String analytic,
                              String verdict, boolean matches) {
    }

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final int threads;
    private final Consumer<List<String>> persistBudgets;
    private final ObservableList<String> sources = FXCollections.observableArrayList();
    private final ObjectProperty<String> source = new SimpleObjectProperty<>(this, "source", CURRENT);
    private final ObjectProperty<String> cacheType = new SimpleObjectProperty<>(this, "cacheType",
            StorageType.BF16.label());
    private final ObjectProperty<String> weightType = new SimpleObjectProperty<>(this, "weightType",
            StorageType.BF16.label());
    private final IntegerProperty context = new SimpleIntegerProperty(this, "context", 4096);
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper("");
    private final ObservableList<LayoutRow> layoutRows = FXCollections.observableArrayList();
    private final ObservableList<DeviceBudget> budgets = FXCollections.observableArrayList();
    private final ObservableList<DeviceRow> deviceRows = FXCollections.observableArrayList();
    private final ObservableList<MeasuredRow> measuredRows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper measureStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper canMeasure = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper measuring = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper mismatch = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<ChartSpec> cacheChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> budgetChart = new ReadOnlyObjectWrapper<>();
    private final ChartExportViewModel cacheExport;
    private final ChartExportViewModel budgetExport;
    private KvCacheAnalysis analysis;

    /**
     * @param executor       background tasks (measuring)
     * @param current        the model shown in the Models workspace
     * @param threads        ONNX Runtime threads when measuring
     * @param savedBudgets   device budgets saved in the settings ({@link DeviceBudget#format()} strings; null or
     *                       empty: the defaults)
     * @param persistBudgets called with the budgets whenever the list changes
     */
    public KvCacheViewModel(TaskExecutor executor, CurrentModel current, int threads, List<String> savedBudgets,
            Consumer<List<String>> persistBudgets) {
        this.executor = executor;
        this.current = current;
        this.threads = Math.max(1, threads);
        this.persistBudgets = persistBudgets == null ? b -> { } : persistBudgets;
        ChartExportService service = new ChartExportService();
        this.cacheExport = new ChartExportViewModel(service, executor);
        this.budgetExport = new ChartExportViewModel(service, executor);
        sources.add(CURRENT);
        Presets.names().forEach(sources::add);
        budgets.setAll(restore(savedBudgets));
        source.addListener((o, a, b) -> recompute());
        cacheType.addListener((o, a, b) -> recompute());
        weightType.addListener((o, a, b) -> recompute());
        context.addListener((o, a, b) -> recompute());
        current.configProperty().addListener((o, a, b) -> {
            if (CURRENT.equals(source.get())) {
                measuredRows.clear();
                measureStatus.set("");
                recompute();
            }
        });
        current.folderProperty().addListener((o, a, b) -> updateCanMeasure());
        recompute();
    }

    private static List<DeviceBudget> restore(List<String> saved) {
        List<DeviceBudget> out = new ArrayList<>();
        if (saved != null) {
            for (String s : saved) {
                try {
                    out.add(DeviceBudget.parse(s));
                } catch (IllegalArgumentException e) {
                    // a hand-edited settings entry that does not parse is dropped, the rest kept
                }
            }
        }
        return out.isEmpty() ? DeviceBudget.defaults() : out;
    }

    /** The cache dtypes offered (labels). */
    public static List<String> cacheTypes() {
        return List.of("fp32", "bf16", "fp16", "fp8", "q8_0");
    }

    /** The weight dtypes offered (labels). */
    public static List<String> weightTypes() {
        return List.of("fp32", "bf16", "fp16", "q8_0", "q4_0");
    }

    private static StorageType type(String label) {
        return StorageType.parse(label).orElse(StorageType.BF16);
    }

    private ModelConfig shownConfig() {
        if (CURRENT.equals(source.get())) {
            return current.config();
        }
        return Presets.byName(source.get()).orElse(null);
    }

    private String shownName() {
        if (CURRENT.equals(source.get())) {
            return current.name() == null ? "no model" : current.name();
        }
        return source.get();
    }

    private void recompute() {
        updateCanMeasure();
        ModelConfig cfg = shownConfig();
        if (cfg == null) {
            analysis = null;
            headline.set("No model shown");
            detail.set("Open a checkpoint in Models, or pick a published architecture above.");
            layoutRows.clear();
            deviceRows.clear();
            cacheChart.set(null);
            budgetChart.set(null);
            return;
        }
        int ctx = Math.max(1, context.get());
        analysis = new KvCacheAnalysis(cfg, type(cacheType.get()), type(weightType.get()));
        String name = shownName();
        headline.set(name + (cfg.synthetic() ? "  (SYNTHETIC weights)" : ""));
        detail.set(String.format(Locale.ROOT, "%s · %d layers · %s · max_position_embeddings %,d · weights %s %s",
                cfg.modelType(), cfg.numLayers(),
                cfg.family().isMla() ? String.format(Locale.ROOT, "MLA latent %d + rope %d", cfg.kvLoraRank(),
                        cfg.qkRopeHeadDim()) : "GQA, " + cfg.numKvHeads() + " KV heads",
                cfg.maxPositionEmbeddings(), analysis.weightType().label(), gib(analysis.weightBytes())));
        List<LayoutRow> rows = new ArrayList<>();
        for (KvCacheAnalysis.LayoutRow r : analysis.rows(ctx)) {
            rows.add(new LayoutRow(KvCharts.label(r.layout()), String.format(Locale.ROOT, "%,d",
                    r.valuesPerTokenPerLayer()), String.format(Locale.ROOT, "%,d B", r.bytesPerTokenPerLayer()),
                    String.format(Locale.ROOT, "%,d B", r.bytesPerToken()), bytes(r.bytesAtContext()),
                    String.format(Locale.ROOT, "%.2f×", r.ratioToNative())));
        }
        layoutRows.setAll(rows);
        refreshDevices();
        cacheChart.set(KvCharts.cacheVsContext(name, analysis));
    }

    private void refreshDevices() {
        if (analysis == null) {
            return;
        }
        List<DeviceRow> rows = new ArrayList<>();
        for (DeviceBudget d : budgets) {
            String[] cells = {"—", "—", "—", "—"};
            for (KvCacheAnalysis.Fit f : analysis.fits(d)) {
                cells[f.layout().ordinal()] = f.weightsDoNotFit() ? "weights do not fit"
                        : f.unbounded() ? "≥ 64 Mi" : String.format(Locale.ROOT, "%,d", f.maxContext());
            }
            rows.add(new DeviceRow(d.name(), String.format(Locale.ROOT, "%.2f GiB", d.gib()), cells[0], cells[1],
                    cells[2], cells[3]));
        }
        deviceRows.setAll(rows);
        budgetChart.set(KvCharts.memoryVsBudgets(shownName(), analysis, List.copyOf(budgets)));
    }

    private void updateCanMeasure() {
        canMeasure.set(CURRENT.equals(source.get()) && current.folder() != null && !measuring.get());
    }

    /**
     * Adds a device budget from {@code NAME=SIZE} text (SIZE in GiB unless it says GB/MiB/MB).
     *
     * @return an error message, or "" when added
     */
    public String addBudget(String text) {
        try {
            DeviceBudget d = DeviceBudget.parse(text);
            budgets.removeIf(b -> b.name().equals(d.name()));
            budgets.add(d);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        budgetsChanged();
        return "";
    }

    /** Removes the budget at {@code index} (of {@link #budgets()}). */
    public void removeBudget(int index) {
        if (index >= 0 && index < budgets.size()) {
            budgets.remove(index);
            budgetsChanged();
        }
    }

    /** Restores the four default devices. */
    public void resetBudgets() {
        budgets.setAll(DeviceBudget.defaults());
        budgetsChanged();
    }

    private void budgetsChanged() {
        persistBudgets.accept(budgets.stream().map(DeviceBudget::format).collect(Collectors.toList()));
        refreshDevices();
    }

    /**
     * Runs the shown checkpoint to the context in each cache mode it supports (latent and expanded for MLA) and reads
     * the cache tensors the engine holds, with progress and cancel; results land in {@link #measuredRows()}.
     */
    public void measure() {
        Path folder = current.folder();
        ModelConfig cfg = current.config();
        if (!CURRENT.equals(source.get()) || folder == null || cfg == null) {
            measureStatus.set("Measuring needs a checkpoint folder: choose \"" + CURRENT + "\" with a model opened "
                    + "in Models (a preset has no weights)");
            return;
        }
        int ctx = Math.max(1, context.get());
        List<CacheMode> modes = cfg.family().isMla() ? List.of(CacheMode.LATENT, CacheMode.EXPANDED)
                : List.of(CacheMode.EXPANDED);
        measuring.set(true);
        updateCanMeasure();
        measureStatus.set(String.format(Locale.ROOT, "Measuring %s at %,d tokens…", folder.getFileName(), ctx));
        executor.execute(BackgroundTask.of("Measure KV cache of " + folder.getFileName(), c -> {
            List<KvCacheProbe.Result> results = new ArrayList<>();
            for (CacheMode mode : modes) {
                c.message("Loading " + mode.key() + " graph");
                ModelLoader.Options o = ModelLoader.Options.defaults().withMode(mode).withContextLimit(ctx + 1)
                        .withRuntime(RuntimeOptions.threads(1, threads));
                try (LoadedModel m = ModelLoader.load(folder, o, c)) {
                    results.add(KvCacheProbe.measure(m, ctx, c));
                }
            }
            return results;
        }).onSuccess(results -> {
            List<MeasuredRow> rows = new ArrayList<>();
            StringBuilder summary = new StringBuilder();
            boolean allMatch = true;
            for (KvCacheProbe.Result r : results) {
                allMatch &= r.matches();
                for (KvCacheProbe.LayerRow l : r.layers()) {
                    rows.add(new MeasuredRow(r.mode().key(), Integer.toString(l.layer()), l.tensors().stream()
                            .map(t -> t.part() + " " + Arrays.toString(t.shape()))
                            .collect(Collectors.joining(", ")), String.format(Locale.ROOT, "%,d B", l.measuredBytes()),
                            String.format(Locale.ROOT, "%,d B", l.analyticBytes()), l.matches() ? "match" : "MISMATCH",
                            l.matches()));
                }
                if (summary.length() > 0) {
                    summary.append("   ·   ");
                }
                summary.append(String.format(Locale.ROOT, "%s: %s measured vs %s analytic at %s (%s) — %s",
                        r.mode().key(), bytes(r.measuredBytes()), bytes(r.analyticBytes()), r.storage().label(),
                        r.dtype(), r.matches() ? "match" : "MISMATCH"));
            }
            measuredRows.setAll(rows);
            mismatch.set(!allMatch);
            measureStatus.set(String.format(Locale.ROOT, "%s at %,d tokens — %s", folder.getFileName(), ctx, summary));
        }).onCancelled(() -> measureStatus.set("Measurement cancelled"))
                .onFailure(e -> {
                    measureStatus.set("Not measured: " + Dialogs.reason(e));
                    Dialogs.error("Cannot measure the KV cache of " + folder, e);
                })
                .onFinished(() -> {
                    measuring.set(false);
                    updateCanMeasure();
                }));
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** Bytes with a binary unit that keeps three significant figures. */
    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%,.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%,.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%,.1f KiB", b / (double) (1L << 10));
        }
        return b + " B";
    }

    public ObservableList<String> sources() {
        return sources;
    }

    public ObjectProperty<String> sourceProperty() {
        return source;
    }

    public ObjectProperty<String> cacheTypeProperty() {
        return cacheType;
    }

    public ObjectProperty<String> weightTypeProperty() {
        return weightType;
    }

    public IntegerProperty contextProperty() {
        return context;
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    public ObservableList<LayoutRow> layoutRows() {
        return FXCollections.unmodifiableObservableList(layoutRows);
    }

    public ObservableList<DeviceBudget> budgets() {
        return FXCollections.unmodifiableObservableList(budgets);
    }

    public ObservableList<DeviceRow> deviceRows() {
        return FXCollections.unmodifiableObservableList(deviceRows);
    }

    public ObservableList<MeasuredRow> measuredRows() {
        return FXCollections.unmodifiableObservableList(measuredRows);
    }

    public ReadOnlyStringProperty measureStatusProperty() {
        return measureStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canMeasureProperty() {
        return canMeasure.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty measuringProperty() {
        return measuring.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty mismatchProperty() {
        return mismatch.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> cacheChartProperty() {
        return cacheChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> budgetChartProperty() {
        return budgetChart.getReadOnlyProperty();
    }

    public ChartExportViewModel cacheExport() {
        return cacheExport;
    }

    public ChartExportViewModel budgetExport() {
        return budgetExport;
    }
}
