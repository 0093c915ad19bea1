package io.plmwb.views.sparsity;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.experiments.sparsity.SparsityReport;
import io.plmwb.experiments.sparsity.SparsityResult;
import io.plmwb.experiments.sparsity.SparsityResultFile;
import io.plmwb.experiments.sparsity.SparsityStudy;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
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

/**
 * The Sparsity workspace: runs a {@link SparsityStudy} in the background — prompts (or a prompt file) through the
 * current model with the in-graph probes, a second model or prompt as side B, or a saved result — and shows its
 * {@link SparsityReport} for the current {@link SparsityReport.Selection} (ε, P, shown prompt, histogram layer, log
 * counts): every property is set in {@link #show()}, from the report, whenever the report or the selection changes;
 * nothing is recomputed here and the model is not run again. Export all writes {@code report.bundle(selection)}.
 */
public final class SparsityViewModel {

    /** Which heat map a cell belongs to. */
    public enum Which { A, B, DIFF }

    /** The clicked cell. */
    private record Cell(Which which, int layer, int token) {
    }

    private static final String NO_CELL = "Hover or click a cell.";
    private static final SparsityReport.Screen NO_SCREEN = new SparsityReport.Screen(null, null, null, null, null);

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final DialogService dialogs;
    private final ModelLoader.Options load;
    private final SparsityStudy study = new SparsityStudy();
    private Cell cell;

    private final StringProperty prompt = new SimpleStringProperty(
            "The train to the airport was delayed by twenty minutes this morning, so I opened my laptop and answered "
                    + "a few emails while the carriage slowly filled with commuters.");
    private final StringProperty comparePrompt = new SimpleStringProperty("");
    private final IntegerProperty generateTokens = new SimpleIntegerProperty(0);
    private final IntegerProperty epsIndex = new SimpleIntegerProperty(0);
    private final DoubleProperty percent = new SimpleDoubleProperty(90);
    private final IntegerProperty layer = new SimpleIntegerProperty(0);
    private final IntegerProperty captureIndex = new SimpleIntegerProperty(0);
    private final BooleanProperty logCounts = new SimpleBooleanProperty(false);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("No capture yet: run a prompt.");
    private final ReadOnlyStringWrapper modelText = new ReadOnlyStringWrapper("No model");
    private final ReadOnlyStringWrapper epsText = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper swigluNote = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper activatedText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper budgetText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper summaryText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper titleA = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper titleB = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper selectionText = new ReadOnlyStringWrapper(NO_CELL);
    private final ReadOnlyObjectWrapper<SparsityReport> report = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SparsityResult> resultA = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SparsityResult> resultB = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatMatrix> heatA = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatMatrix> heatB = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatMatrix> heatDiff = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> perLayerChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> histogramChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<List<ChartSpec>> charts = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyBooleanWrapper comparing = new ReadOnlyBooleanWrapper();
    private final ObservableList<BudgetRow> budgetRows = FXCollections.observableArrayList();
    private final ObservableList<String> captureLabels = FXCollections.observableArrayList();
    private final ChartExportViewModel perLayerExport;
    private final ChartExportViewModel histogramExport;
    private final ChartExportViewModel heatmapExport;

    /** {@code threads}: intra-op threads of the probed sessions; {@code dialogs}: {@code Dialogs.service()} in the app. */
    public SparsityViewModel(TaskExecutor executor, CurrentModel current, int threads, DialogService dialogs) {
        this.executor = executor;
        this.current = current;
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        // one instance: the study keeps its probed session while checkpoint and options stay equal
        this.load = ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, Math.max(1, threads)));
        ChartExportService service = new ChartExportService();
        perLayerExport = new ChartExportViewModel(service, executor);
        histogramExport = new ChartExportViewModel(service, executor);
        heatmapExport = new ChartExportViewModel(service, executor);
        perLayerExport.specProperty().bind(perLayerChart);
        histogramExport.specProperty().bind(histogramChart);
        current.nameProperty().addListener((o, a, b) -> updateModelText());
        current.folderProperty().addListener((o, a, b) -> updateModelText());
        updateModelText();
        List.of(report, epsIndex, percent, layer, logCounts, captureIndex).forEach(p -> p.addListener(o -> show()));
        show();
    }

    private void updateModelText() {
        modelText.set(SparsityTexts.model(current.name(), current.folder()));
    }

    /** Runs the prompt through the current model (a new A, compare mode off). */
    public void run() {
        String p = prompt.get();
        if (p == null || p.isBlank()) {
            dialogs.error("Nothing to run", "Type a prompt first.");
            return;
        }
        captureA(SparsityStudy.Prompts.text(p));
    }

    /** Runs every prompt of a file (TXT or JSONL) through the current model. */
    public void runBatch(Path file) {
        captureA(SparsityStudy.Prompts.file(file));
    }

    private void captureA(SparsityStudy.Prompts prompts) {
        Path folder = modelFolder(current.folder());
        if (folder != null) {
            study(settings(new SparsityStudy.Run(folder, prompts)), "Sparsity capture on " + folder.getFileName()
                    + " failed", true, r -> SparsityTexts.captured(r.a()));
        }
    }

    /** Runs the same prompt(s) as A through another model folder and compares. */
    public void compareWithModel(Path folder) {
        if (shown("Nothing to compare", "Run a prompt on the current model first.") != null) {
            captureB(folder, SparsityStudy.Prompts.ofA());
        }
    }

    /** Runs a second prompt through the current model and compares. */
    public void compareWithPrompt() {
        String p = comparePrompt.get();
        if (report.get() == null || p == null || p.isBlank()) {
            dialogs.error("Nothing to compare", "Run a prompt first and type a second prompt to compare with.");
            return;
        }
        captureB(current.folder(), SparsityStudy.Prompts.text(p));
    }

    private void captureB(Path modelFolder, SparsityStudy.Prompts prompts) {
        Path folder = modelFolder(modelFolder);
        if (folder != null) {
            study(keptA().withB(new SparsityStudy.Run(folder, prompts)), "Sparsity capture on "
                    + folder.getFileName() + " failed", false, r -> SparsityTexts.captured(r.b()));
        }
    }

    private Path modelFolder(Path folder) {
        if (folder == null) {
            dialogs.error("No model to run", "The sparsity probes need a checkpoint folder: open one in Models "
                    + "(a preset has no weights).");
        }
        return folder;
    }

    /** Leaves compare mode. */
    public void clearCompare() {
        SparsityReport r = report.get();
        if (r != null && r.comparing()) {
            report.set(r.withoutB());
        }
    }

    /** Opens a saved result (replacing A, leaving compare mode). */
    public void open(Path file) {
        study(settings(new SparsityStudy.Saved(file)), "Cannot open " + file, true, r -> "Opened "
                + file.getFileName() + ": " + r.a().captures().size() + " prompt(s), " + r.a().totalTokens()
                + " tokens of " + r.a().model().name());
    }

    /** The report on screen, or null after telling the user why there is none. */
    private SparsityReport shown(String headline, String reason) {
        if (report.get() == null) {
            dialogs.error(headline, reason);
        }
        return report.get();
    }

    private SparsityStudy.Settings settings(SparsityStudy.Side a) {
        return SparsityStudy.Settings.of(a, load).withGenerate(Math.max(0, generateTokens.get()))
                .withSelection(ProbeGrid.epsilon(selection().epsIndex()), selection().percent());
    }

    private SparsityStudy.Settings keptA() {
        SparsityReport r = report.get();
        return settings(new SparsityStudy.Kept(r.a(), r.checkpointA()));
    }

    /** Runs the study in the background; on success shows its report (a new A shows its first prompt). */
    private void study(SparsityStudy.Settings settings, String failure, boolean newA,
                       Function<SparsityReport, String> done) {
        if (running.get()) {
            status.set("Busy: wait for the running capture (or cancel it)");
            return;
        }
        running.set(true);
        status.set("Running the sparsity study…");
        executor.execute(BackgroundTask.of("Sparsity", ctx -> study.run(settings, ctx))
                .onSuccess(r -> {
                    if (newA) {
                        captureIndex.set(0);
                    }
                    report.set(r);
                    status.set(done.apply(r));
                })
                .onCancelled(() -> status.set("Cancelled: the previous capture is still shown"))
                .onFailure(e -> {
                    status.set("Failed: " + DialogService.reason(e));
                    dialogs.error(failure, e);
                })
                .onFinished(() -> running.set(false)));
    }

    /** Saves side A as a result file. */
    public void save(Path file) {
        SparsityReport r = shown("Nothing to save", "Run a prompt first.");
        if (r == null) {
            return;
        }
        executor.execute(BackgroundTask.of("Save " + file.getFileName(), ctx -> {
            SparsityResultFile.write(r.a(), file, true);
            return file;
        }).onSuccess(p -> status.set("Saved " + p))
                .onFailure(e -> dialogs.error("Cannot save " + file, e)));
    }

    /** Writes what is on screen — {@code report.bundle(selection)}, charts as PNG, SVG, PDF and CSV — into a folder. */
    public void exportAll(Path dir) {
        SparsityReport r = shown("Nothing to export", "Run a prompt first.");
        if (r == null) {
            return;
        }
        var bundle = r.bundle(selection());
        executor.execute(BackgroundTask.of("Export sparsity", ctx -> new BundleWriter().write(bundle, dir,
                        List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV),
                        ExportOptions.defaults().withOverwrite(true), ctx))
                .onSuccess(files -> status.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> dialogs.error("Export to " + dir + " failed", e)));
    }

    /** Closes the probed session. */
    public void close() {
        study.close();
    }

    // ------------------------------------------------------------------ the report on screen

    /** What is picked on screen now (values clamped to the grid and to 0–100 %). */
    public SparsityReport.Selection selection() {
        int eps = Math.max(0, Math.min(epsIndex.get(), ProbeGrid.EPSILONS - 1));
        double p = Double.isNaN(percent.get()) ? 90 : Math.max(0, Math.min(100, percent.get()));
        return new SparsityReport.Selection(eps, p, Math.max(0, captureIndex.get()), Math.max(0, layer.get()),
                logCounts.get());
    }

    /** The one place that maps the report and the selection onto the properties. */
    private void show() {
        SparsityReport r = report.get();
        SparsityReport.Selection sel = selection();
        epsText.set(SparsityTexts.eps(sel.epsIndex()));
        resultA.set(r == null ? null : r.a());
        resultB.set(r == null ? null : r.b());
        comparing.set(r != null && r.comparing());
        swigluNote.set(SparsityTexts.swigluNote(r != null && (r.a().gated() || (r.comparing() && r.b().gated()))));
        SparsityReport.Screen screen = r == null ? NO_SCREEN : r.screen(sel);
        List<String> labels = r == null ? List.of() : r.promptLabels();
        if (!labels.equals(captureLabels)) {
            captureLabels.setAll(labels);
        }
        charts.set(screen.list());
        heatDiff.set(heat(screen.difference())); // first: the view lays A − B out on A's current tokens
        heatB.set(heat(screen.heatB()));
        heatA.set(heat(screen.heatA()));
        heatmapExport.specProperty().set(screen.heatA());
        perLayerChart.set(screen.perLayer());
        histogramChart.set(screen.histogram());
        titleA.set(SparsityTexts.titleA(r, sel));
        titleB.set(SparsityTexts.titleB(r, sel));
        budgetRows.setAll(SparsityTexts.budgetRows(r, sel));
        budgetText.set(SparsityTexts.budget(r, sel));
        activatedText.set(SparsityTexts.activated(r, sel));
        summaryText.set(SparsityTexts.summary(r, sel));
        String detail = cell == null ? "" : describeCell(cell.which(), cell.layer(), cell.token());
        selectionText.set(detail.isEmpty() ? NO_CELL : detail.replace('\n', ' ').replace("  ", " "));
    }

    private static HeatMatrix heat(ChartSpec heatmap) {
        return heatmap == null ? null : heatmap.heat().orElseThrow();
    }

    /** The tooltip text of a cell (empty outside the shown matrices). */
    public String describeCell(Which which, int layerIndex, int token) {
        SparsityReport r = report.get();
        return r == null ? "" : r.describeCell(SparsityReport.Which.valueOf(which.name()), layerIndex, token,
                selection());
    }

    /** A cell was clicked: shows its description below the heat maps and selects its layer for the histogram. */
    public void select(Which which, int layerIndex, int token) {
        cell = new Cell(which, layerIndex, token);
        if (which != Which.DIFF && layer.get() != layerIndex) {
            layer.set(layerIndex);
        } else {
            show();
        }
    }

    /** First generated token of the shown capture of A or B, or -1 when it has none. */
    public int generatedFrom(Which which) {
        SparsityReport r = report.get();
        return r == null ? -1 : r.generatedFrom(SparsityReport.Which.valueOf(which.name()), selection());
    }

    /** The token texts of the shown capture of A or B (for the token strip). */
    public List<String> tokenStrip(Which which) {
        SparsityReport r = report.get();
        return r == null ? List.of() : r.tokenStrip(SparsityReport.Which.valueOf(which.name()), selection());
    }

    // ------------------------------------------------------------------ properties

    public StringProperty promptProperty() {
        return prompt;
    }

    public StringProperty comparePromptProperty() {
        return comparePrompt;
    }

    public IntegerProperty generateTokensProperty() {
        return generateTokens;
    }

    /** Index into {@link ProbeGrid#epsilons()}. */
    public IntegerProperty epsIndexProperty() {
        return epsIndex;
    }

    public DoubleProperty percentProperty() {
        return percent;
    }

    public IntegerProperty layerProperty() {
        return layer;
    }

    public IntegerProperty captureIndexProperty() {
        return captureIndex;
    }

    public BooleanProperty logCountsProperty() {
        return logCounts;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty comparingProperty() {
        return comparing.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty modelTextProperty() {
        return modelText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty epsTextProperty() {
        return epsText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty swigluNoteProperty() {
        return swigluNote.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty activatedTextProperty() {
        return activatedText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty budgetTextProperty() {
        return budgetText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryTextProperty() {
        return summaryText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty titleAProperty() {
        return titleA.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty titleBProperty() {
        return titleB.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty selectionTextProperty() {
        return selectionText.getReadOnlyProperty();
    }

    /** The report on screen (null before the first capture). */
    public ReadOnlyObjectProperty<SparsityReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** Exactly the charts on screen, in screen order ({@code report.charts(selection())}). */
    public ReadOnlyObjectProperty<List<ChartSpec>> chartsProperty() {
        return charts.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SparsityResult> resultAProperty() {
        return resultA.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SparsityResult> resultBProperty() {
        return resultB.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<HeatMatrix> heatAProperty() {
        return heatA.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<HeatMatrix> heatBProperty() {
        return heatB.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<HeatMatrix> heatDiffProperty() {
        return heatDiff.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> perLayerChartProperty() {
        return perLayerChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> histogramChartProperty() {
        return histogramChart.getReadOnlyProperty();
    }

    public ObservableList<BudgetRow> budgetRows() {
        return FXCollections.unmodifiableObservableList(budgetRows);
    }

    public ObservableList<String> captureLabels() {
        return FXCollections.unmodifiableObservableList(captureLabels);
    }

    public ChartExportViewModel perLayerExport() {
        return perLayerExport;
    }

    public ChartExportViewModel histogramExport() {
        return histogramExport;
    }

    public ChartExportViewModel heatmapExport() {
        return heatmapExport;
    }

    /** "ε = …" for a grid index. */
    public String epsValue(int index) {
        return "ε = " + ProbeGrid.label(index);
    }

    /** Highest ε index. */
    public int maxEpsIndex() {
        return ProbeGrid.EPSILONS - 1;
    }
}
