package io.plmwb.views.models;

import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.Study;
import io.plmwb.experiments.variants.VariantsReport;
import io.plmwb.experiments.variants.VariantsStudy;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Models workspace's variant comparison over {@link VariantsStudy}: the current model at fp32 / 8-bit / 4-bit in a
 * background task, the report mapped onto table rows and two charts in {@link #show}; Export all writes the report's
 * bundle through {@link BundleWriter}.
 */
public final class VariantsViewModel {

    /** Default held-out text (relative to the working directory, as the bundled models are). */
    public static final Path DEFAULT_TEXT = VariantsStudy.DEFAULT_TEXT;
    /** The formats Export all writes. */
    public static final List<ExportFormat> EXPORT_FORMATS = List.of(ExportFormat.PNG, ExportFormat.SVG,
            ExportFormat.PDF, ExportFormat.CSV);

    /** One table row, formatted. */
    public record Row(String variant, String weights, String fileMb, String graphMb, String residentMb,
                      String prefill, String decode, String perplexity, String meanKl, String top1) {
    }

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final DialogService dialogs;
    private final Study<VariantsStudy.Settings, VariantsReport> study;
    private final BooleanProperty eightBit = new SimpleBooleanProperty(this, "eightBit", true);
    private final BooleanProperty fourBit = new SimpleBooleanProperty(this, "fourBit", true);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status",
            "Compare the shown model at fp32, 8-bit and 4-bit weights on held-out text (" + DEFAULT_TEXT.getFileName()
                    + ").");
    private final ReadOnlyStringWrapper exportStatus = new ReadOnlyStringWrapper(this, "exportStatus", "");
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<ChartSpec> speedChart = new ReadOnlyObjectWrapper<>(this, "speedChart");
    private final ReadOnlyObjectWrapper<ChartSpec> relativeChart = new ReadOnlyObjectWrapper<>(this, "relativeChart");
    private final ReadOnlyObjectWrapper<VariantComparison.Result> result = new ReadOnlyObjectWrapper<>(this,
            "result");
    private final ReadOnlyObjectWrapper<VariantsReport> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ChartExportViewModel speedExport;
    private final ChartExportViewModel relativeExport;
    private final BooleanBinding canCompare;
    private VariantComparison.Options options = VariantComparison.Options.defaults();
    private Path text = VariantsStudy.defaultText();

    public VariantsViewModel(TaskExecutor executor, CurrentModel current, DialogService dialogs) {
        this(executor, current, dialogs, new VariantsStudy());
    }

    /** With the study to run (tests pass one that records its settings). */
    public VariantsViewModel(TaskExecutor executor, CurrentModel current, DialogService dialogs,
            Study<VariantsStudy.Settings, VariantsReport> study) {
        this.executor = executor;
        this.current = current;
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.study = Objects.requireNonNull(study, "study");
        this.speedExport = ChartExportViewModel.create(executor);
        this.relativeExport = ChartExportViewModel.create(executor);
        canCompare = Bindings.createBooleanBinding(() -> current.folderProperty().get() != null && !running.get()
                && (eightBit.get() || fourBit.get()), current.folderProperty(), running, eightBit, fourBit);
    }

    /** Engine settings for the comparison (tests use small token counts and their own caches). */
    public void setOptions(VariantComparison.Options o) {
        this.options = o;
    }

    /** The held-out text file. */
    public void setText(Path file) {
        this.text = file;
    }

    /** The settings Compare runs now, or null without a model folder or without a quantized width. */
    public VariantsStudy.Settings settings() {
        Path model = current.folderProperty().get();
        List<Integer> bits = new ArrayList<>();
        if (eightBit.get()) {
            bits.add(8);
        }
        if (fourBit.get()) {
            bits.add(4);
        }
        return model == null || bits.isEmpty() ? null : new VariantsStudy.Settings(model, text,
                options.withBits(bits));
    }

    /** Runs the comparison on the shown model in the background (progress and cancel in the status bar). */
    public void compare() {
        VariantsStudy.Settings s = settings();
        if (s == null || running.get()) {
            return;
        }
        Path model = s.model();
        running.set(true);
        status.set("Comparing " + model.getFileName() + " at fp32 / " + s.options().bits().stream()
                .map(b -> b + "-bit").reduce((a, b) -> a + " / " + b).orElse("") + "…");
        executor.execute(BackgroundTask.of("Compare variants of " + model.getFileName(), ctx -> study.run(s, ctx))
                .onSuccess(r -> {
                    running.set(false);
                    show(r);
                }).onCancelled(() -> {
                    running.set(false);
                    status.set("Comparison cancelled");
                }).onFailure(e -> {
                    running.set(false);
                    status.set("Comparison failed: " + DialogService.reason(e));
                    dialogs.error("Cannot compare the variants of " + model.getFileName(), e);
                }));
    }

    /** The one place a report reaches the screen. */
    private void show(VariantsReport rep) {
        VariantComparison.Result r = rep.result();
        List<Row> list = new ArrayList<>();
        for (VariantComparison.Variant v : r.variants()) {
            list.add(new Row(v.label(), v.weights(), mb(v.fileBytes()), mb(v.graphBytes()),
                    v.residentBytes() < 0 ? "n/a" : mb(v.residentBytes()), f("%.0f", v.prefillTokensPerSecond()),
                    f("%.1f", v.decodeTokensPerSecond()), f("%.3f", v.perplexity()), f("%.5f", v.meanKl()),
                    f("%.1f%%", 100 * v.top1Agreement())));
        }
        rows.setAll(list);
        List<ChartSpec> charts = rep.charts(NoSelection.ALL);
        speedChart.set(charts.get(0));
        relativeChart.set(charts.get(1));
        result.set(r);
        report.set(rep);
        status.set(String.format(Locale.ROOT, "%s%s: %d held-out tokens, prefill %d tokens, %d decode tokens, %s "
                + "cache, %d threads. KL and top-1 are against fp32; RSS+ is the resident-memory growth while the "
                + "variant was loaded and run.", r.name(), r.synthetic() ? " (SYNTHETIC weights: quality figures "
                + "describe noise)" : "", r.evalTokens(), r.prefillTokens(), r.decodeTokens(), r.cacheMode(),
                r.threads()));
    }

    /**
     * Writes the shown report's bundle (both charts in PNG, SVG, PDF and CSV) into {@code dir} in the background;
     * existing files are replaced only after the user agrees.
     */
    public void exportAll(Path dir) {
        VariantsReport r = report.get();
        if (r == null) {
            dialogs.error("Nothing to export", "Compare the variants first.");
            return;
        }
        Bundle bundle = r.bundle(NoSelection.ALL);
        long existing = BundleWriter.targets(bundle, dir, EXPORT_FORMATS).stream().filter(Files::exists).count();
        if (existing > 0 && !dialogs.confirm("Replace existing files?", existing + " of the files to write already "
                + "exist in " + dir + ". Replace them?")) {
            return;
        }
        executor.execute(BackgroundTask.of("Export variant charts", ctx -> new BundleWriter().write(bundle, dir,
                EXPORT_FORMATS, ExportOptions.defaults().withOverwrite(existing > 0), ctx))
                .onSuccess(files -> exportStatus.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> dialogs.error("Export to " + dir + " failed", e)));
    }

    private static String mb(long b) {
        return f("%.2f", b / 1e6);
    }

    private static String f(String fmt, double v) {
        return String.format(Locale.ROOT, fmt, v);
    }

    public BooleanProperty eightBitProperty() {
        return eightBit;
    }

    public BooleanProperty fourBitProperty() {
        return fourBit;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** What the last Export all wrote. */
    public ReadOnlyStringProperty exportStatusProperty() {
        return exportStatus.getReadOnlyProperty();
    }

    public ObservableList<Row> rows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    public ReadOnlyObjectProperty<ChartSpec> speedChartProperty() {
        return speedChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> relativeChartProperty() {
        return relativeChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<VariantComparison.Result> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** The report on screen (null before the first comparison). */
    public ReadOnlyObjectProperty<VariantsReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public ChartExportViewModel speedExport() {
        return speedExport;
    }

    public ChartExportViewModel relativeExport() {
        return relativeExport;
    }

    public BooleanBinding canCompareBinding() {
        return canCompare;
    }
}
