package io.plmwb.views.kvcache;

import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.kv.DeviceBudget;
import io.plmwb.experiments.kv.KvReport;
import io.plmwb.experiments.kv.KvStudy;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 * The KV Cache workspace over {@link KvStudy}: the inputs (model source, cache and weight dtypes, context, device
 * budgets) give the analytic {@link KvReport} at once on every edit; Measure runs the study with a measurement in the
 * background; every shown figure is mapped from the current report in {@link #show}. Export all writes the report's
 * bundle through {@link BundleWriter}.
 */
public final class KvCacheViewModel {

    /** The source entry that follows the model shown in the Models workspace. */
    public static final String CURRENT = "Current model";
    /** The formats Export all writes. */
    public static final List<ExportFormat> EXPORT_FORMATS = List.of(ExportFormat.PNG, ExportFormat.SVG,
            ExportFormat.PDF, ExportFormat.CSV);

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

    /** The caches measured for one checkpoint folder. */
    private record Measured(Path folder, List<KvCacheProbe.Result> results) {
    }

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final int threads;
    private final Consumer<List<String>> persistBudgets;
    private final DialogService dialogs;
    private final KvStudy study;
    private final KvStudy.Measurement measurement;
    private final ObservableList<String> sources = FXCollections.observableArrayList();
    private final ObjectProperty<String> source = new SimpleObjectProperty<>(this, "source", CURRENT);
    private final ObjectProperty<String> cacheType = new SimpleObjectProperty<>(this, "cacheType",
            StorageType.BF16.label());
    private final ObjectProperty<String> weightType = new SimpleObjectProperty<>(this, "weightType",
            StorageType.BF16.label());
    private final IntegerProperty context = new SimpleIntegerProperty(this, "context", 4096);
    private final ObservableList<DeviceBudget> budgets = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<KvReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper("");
    private final ObservableList<LayoutRow> layoutRows = FXCollections.observableArrayList();
    private final ObservableList<DeviceRow> deviceRows = FXCollections.observableArrayList();
    private final ObservableList<MeasuredRow> measuredRows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper measureStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper exportStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper canMeasure = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper measuring = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper mismatch = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<ChartSpec> cacheChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> budgetChart = new ReadOnlyObjectWrapper<>();
    private final ChartExportViewModel cacheExport;
    private final ChartExportViewModel budgetExport;
    private Measured measured;

    /**
     * @param executor       background tasks (measuring, Export all)
     * @param current        the model shown in the Models workspace
     * @param threads        ONNX Runtime threads when measuring
     * @param savedBudgets   device budgets saved in the settings ({@link DeviceBudget#format()} strings; null or
     *                       empty: the defaults)
     * @param persistBudgets called with the budgets whenever the list changes
     * @param dialogs        where failures are reported
     */
    public KvCacheViewModel(TaskExecutor executor, CurrentModel current, int threads, List<String> savedBudgets,
            Consumer<List<String>> persistBudgets, DialogService dialogs) {
        this(executor, current, io.plmwb.engine.runtime.ModelSessions.shared(), Math.max(1, threads), savedBudgets,
                persistBudgets, dialogs);
    }

    /**
     * As above, measuring on sessions leased from {@code host} at its thread setting (the application's one host:
     * the model loaded in Models is not read again, and a session of the same key is shared).
     */
    public KvCacheViewModel(TaskExecutor executor, CurrentModel current, io.plmwb.engine.runtime.ModelSessions host,
            List<String> savedBudgets, Consumer<List<String>> persistBudgets, DialogService dialogs) {
        this(executor, current, host, 0, savedBudgets, persistBudgets, dialogs);
    }

    private KvCacheViewModel(TaskExecutor executor, CurrentModel current, io.plmwb.engine.runtime.ModelSessions host,
            int threads, List<String> savedBudgets, Consumer<List<String>> persistBudgets, DialogService dialogs) {
        this.executor = executor;
        this.current = current;
        this.study = new KvStudy(host);
        this.threads = threads > 0 ? threads : host.threads();
        this.measurement = threads > 0 ? KvStudy.Measurement.withThreads(threads) : KvStudy.Measurement.onHost();
        this.persistBudgets = persistBudgets == null ? b -> { } : persistBudgets;
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.cacheExport = ChartExportViewModel.create(executor);
        this.budgetExport = ChartExportViewModel.create(executor);
        sources.add(CURRENT);
        Presets.names().forEach(sources::add);
        budgets.setAll(restore(savedBudgets));
        source.addListener((o, a, b) -> recompute());
        cacheType.addListener((o, a, b) -> recompute());
        weightType.addListener((o, a, b) -> recompute());
        context.addListener((o, a, b) -> recompute());
        current.configProperty().addListener((o, a, b) -> {
            if (CURRENT.equals(source.get())) {
                measured = null;
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

    /** The analytic settings of the inputs, or null when no model is shown. */
    KvStudy.Settings settings() {
        KvStudy.Source src;
        if (CURRENT.equals(source.get())) {
            ModelConfig cfg = current.config();
            if (cfg == null) {
                return null;
            }
            src = new KvStudy.Source(current.name() == null ? "no model" : current.name(), cfg, null,
                    current.folder());
        } else {
            if (Presets.byName(source.get()).isEmpty()) {
                return null;
            }
            src = KvStudy.Source.preset(source.get());
        }
        return new KvStudy.Settings(src, type(cacheType.get()), type(weightType.get()), Math.max(1, context.get()),
                List.copyOf(budgets), null);
    }

    private void recompute() {
        KvStudy.Settings s = settings();
        KvReport r = s == null ? null : KvStudy.analyze(s);
        Measured m = measured;
        if (r != null && m != null && m.folder().equals(s.source().checkpoint())) {
            r = r.withMeasured(m.results());
        }
        show(r);
    }

    /** The one place the report reaches the screen. */
    private void show(KvReport r) {
        report.set(r);
        updateCanMeasure();
        if (r == null) {
            headline.set("No model shown");
            detail.set("Open a checkpoint in Models, or pick a published architecture above.");
            layoutRows.clear();
            deviceRows.clear();
            measuredRows.clear();
            mismatch.set(false);
            cacheChart.set(null);
            budgetChart.set(null);
            return;
        }
        headline.set(KvRows.headline(r));
        detail.set(KvRows.detail(r));
        layoutRows.setAll(KvRows.layoutRows(r));
        deviceRows.setAll(KvRows.deviceRows(r));
        measuredRows.setAll(KvRows.measuredRows(r));
        mismatch.set(!r.allMatch());
        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        cacheChart.set(charts.get(0));
        budgetChart.set(charts.get(1));
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
        recompute();
    }

    /**
     * Runs the shown checkpoint to the context in each cache mode it supports (latent and expanded for MLA) and reads
     * the cache tensors the engine holds, with progress and cancel; results land in {@link #measuredRows()}.
     */
    public void measure() {
        KvStudy.Settings s = settings();
        Path folder = current.folder();
        if (!CURRENT.equals(source.get()) || folder == null || s == null) {
            measureStatus.set("Measuring needs a checkpoint folder: choose \"" + CURRENT + "\" with a model opened "
                    + "in Models (a preset has no weights)");
            return;
        }
        KvStudy.Settings withMeasurement = s.measuring(measurement);
        measuring.set(true);
        updateCanMeasure();
        measureStatus.set(String.format(Locale.ROOT, "Measuring %s at %,d tokens…", folder.getFileName(),
                withMeasurement.resolvedContext()));
        executor.execute(BackgroundTask.of("Measure KV cache of " + folder.getFileName(),
                c -> study.run(withMeasurement, c)).onSuccess(r -> {
                    measured = new Measured(folder, r.measured());
                    measureStatus.set(KvRows.measureSummary(folder.getFileName().toString(), r));
                    recompute();
                }).onCancelled(() -> measureStatus.set("Measurement cancelled"))
                .onFailure(e -> {
                    measureStatus.set("Not measured: " + DialogService.reason(e));
                    dialogs.error("Cannot measure the KV cache of " + folder, e);
                })
                .onFinished(() -> {
                    measuring.set(false);
                    updateCanMeasure();
                }));
    }

    /**
     * Writes the shown report's bundle (both charts in PNG, SVG, PDF and CSV) into {@code dir} in the background;
     * existing files are replaced only after the user agrees.
     */
    public void exportAll(Path dir) {
        KvReport r = report.get();
        if (r == null) {
            dialogs.error("Nothing to export", "Open a checkpoint in Models or pick a published architecture first.");
            return;
        }
        Bundle bundle = r.bundle(NoSelection.ALL);
        long existing = BundleWriter.targets(bundle, dir, EXPORT_FORMATS).stream().filter(Files::exists).count();
        if (existing > 0 && !dialogs.confirm("Replace existing files?", existing + " of the files to write already "
                + "exist in " + dir + ". Replace them?")) {
            return;
        }
        executor.execute(BackgroundTask.of("Export KV cache charts", ctx -> new BundleWriter().write(bundle, dir,
                EXPORT_FORMATS, KvReport.EXPORT_OPTIONS.withOverwrite(existing > 0), ctx))
                .onSuccess(files -> exportStatus.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> dialogs.error("Export to " + dir + " failed", e)));
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

    /** The report on screen (null when no model is shown). */
    public ReadOnlyObjectProperty<KvReport> reportProperty() {
        return report.getReadOnlyProperty();
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

    /** What the last Export all wrote. */
    public ReadOnlyStringProperty exportStatusProperty() {
        return exportStatus.getReadOnlyProperty();
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
