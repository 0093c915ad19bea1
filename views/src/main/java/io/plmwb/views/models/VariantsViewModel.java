package io.plmwb.views.models;

import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.variants.VariantCharts;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * The Models workspace's variant comparison: the current model at fp32 / 8-bit / 4-bit through
 * {@link VariantComparison}, as table rows and two charts (speed; bytes, speed and top-1 relative to fp32), exported
 * through the one chart export service.
 */
public final class VariantsViewModel {

    /** Default held-out text (relative to the working directory, as the bundled models are). */
    public static final Path DEFAULT_TEXT = Path.of("datasets", "heldout", "kjv-jonah.txt");

    /** One table row, formatted. */
    public record Row(String variant, String weights, String fileMb, String graphMb, String residentMb,
                      String prefill, String decode, String perplexity, String meanKl, String top1) {
    }

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final BooleanProperty eightBit = new SimpleBooleanProperty(this, "eightBit", true);
    private final BooleanProperty fourBit = new SimpleBooleanProperty(this, "fourBit", true);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status",
            "Compare the shown model at fp32, 8-bit and 4-bit weights on held-out text (" + DEFAULT_TEXT.getFileName()
                    + ").");
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<ChartSpec> speedChart = new ReadOnlyObjectWrapper<>(this, "speedChart");
    private final ReadOnlyObjectWrapper<ChartSpec> relativeChart = new ReadOnlyObjectWrapper<>(this, "relativeChart");
    private final ReadOnlyObjectWrapper<VariantComparison.Result> result = new ReadOnlyObjectWrapper<>(this,
            "result");
    private final ChartExportViewModel speedExport;
    private final ChartExportViewModel relativeExport;
    private final BooleanBinding canCompare;
    private VariantComparison.Options options = VariantComparison.Options.defaults();
    private Path text = defaultText();

    public VariantsViewModel(TaskExecutor executor, CurrentModel current) {
        this.executor = executor;
        this.current = current;
        this.speedExport = ChartExportViewModel.create(executor);
        this.relativeExport = ChartExportViewModel.create(executor);
        canCompare = Bindings.createBooleanBinding(() -> current.folderProperty().get() != null && !running.get()
                && (eightBit.get() || fourBit.get()), current.folderProperty(), running, eightBit, fourBit);
    }

    /** The bundled held-out text under {@code -Dplmwb.home} (the launcher sets it), else the working folder or its parent. */
    static Path defaultText() {
        String home = System.getProperty("plmwb.home");
        List<Path> candidates = new ArrayList<>();
        if (home != null) {
            candidates.add(Path.of(home).resolve(DEFAULT_TEXT));
        }
        candidates.add(DEFAULT_TEXT);
        candidates.add(Path.of("..").resolve(DEFAULT_TEXT));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(candidates.get(0));
    }

    /** Engine settings for the comparison (tests use small token counts and their own caches). */
    public void setOptions(VariantComparison.Options o) {
        this.options = o;
    }

    /** The held-out text file. */
    public void setText(Path file) {
        this.text = file;
    }

    /** Runs the comparison on the shown model in the background (progress and cancel in the status bar). */
    public void compare() {
        Path model = current.folderProperty().get();
        if (model == null || running.get()) {
            return;
        }
        List<Integer> bits = new ArrayList<>();
        if (eightBit.get()) {
            bits.add(8);
        }
        if (fourBit.get()) {
            bits.add(4);
        }
        VariantComparison.Options o = options.withBits(bits);
        Path textFile = text;
        running.set(true);
        status.set("Comparing " + model.getFileName() + " at fp32 / " + bits.stream().map(b -> b + "-bit")
                .reduce((a, b) -> a + " / " + b).orElse("") + "…");
        executor.execute(BackgroundTask.of("Compare variants of " + model.getFileName(), ctx -> {
            if (!Files.isRegularFile(textFile)) {
                throw new java.io.FileNotFoundException(textFile.toAbsolutePath() + ": held-out text not found");
            }
            return VariantComparison.run(model, Files.readString(textFile, StandardCharsets.UTF_8), o, ctx);
        }).onSuccess(r -> {
            running.set(false);
            show(r);
        }).onCancelled(() -> {
            running.set(false);
            status.set("Comparison cancelled");
        }).onFailure(e -> {
            running.set(false);
            status.set("Comparison failed: " + Dialogs.reason(e));
            Dialogs.error("Cannot compare the variants of " + model.getFileName(), e);
        }));
    }

    private void show(VariantComparison.Result r) {
        List<Row> list = new ArrayList<>();
        for (VariantComparison.Variant v : r.variants()) {
            list.add(new Row(v.label(), v.weights(), mb(v.fileBytes()), mb(v.graphBytes()),
                    v.residentBytes() < 0 ? "n/a" : mb(v.residentBytes()), f("%.0f", v.prefillTokensPerSecond()),
                    f("%.1f", v.decodeTokensPerSecond()), f("%.3f", v.perplexity()), f("%.5f", v.meanKl()),
                    f("%.1f%%", 100 * v.top1Agreement())));
        }
        rows.setAll(list);
        speedChart.set(VariantCharts.speed(r));
        relativeChart.set(VariantCharts.relative(r));
        result.set(r);
        status.set(String.format(Locale.ROOT, "%s%s: %d held-out tokens, prefill %d tokens, %d decode tokens, %s "
                + "cache, %d threads. KL and top-1 are against fp32; RSS+ is the resident-memory growth while the "
                + "variant was loaded and run.", r.name(), r.synthetic() ? " (SYNTHETIC weights: quality figures "
                + "describe noise)" : "", r.evalTokens(), r.prefillTokens(), r.decodeTokens(), r.cacheMode(),
                r.threads()));
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
