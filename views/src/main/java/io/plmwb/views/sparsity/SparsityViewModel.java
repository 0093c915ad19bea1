package io.plmwb.views.sparsity;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.experiments.sparsity.ActivatedParams;
import io.plmwb.experiments.sparsity.HotColdBudget;
import io.plmwb.experiments.sparsity.PromptFileReader;
import io.plmwb.experiments.sparsity.SparsityBatchRunner;
import io.plmwb.experiments.sparsity.SparsityCharts;
import io.plmwb.experiments.sparsity.SparsityExporter;
import io.plmwb.experiments.sparsity.SparsityResult;
import io.plmwb.experiments.sparsity.SparsityResultFile;
import io.plmwb.experiments.sparsity.SparsityStats;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * The Sparsity workspace: runs prompts (or a prompt file) through the current model with the in-graph probes (its
 * own probed session, opened from the model folder), keeps the captured statistics, and recomputes every view —
 * heat map, per-layer chart, neuron histogram, hot/cold budget, activated parameters — from them when ε, P, the
 * layer or the shown prompt change, without running the model again. A second result (another model or another
 * prompt) turns on the compare view (same colour scale, plus A − B).
 */
public final class SparsityViewModel {

    /** A line of the budget table. */
    public record BudgetRow(String layer, String zeroFraction, String hot, String mib) {
    }

    /** Which heat map a cell belongs to. */
    public enum Which { A, B, DIFF }

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final int threads;
    private SparsityProbeRunner runner;
    private Path runnerFolder;

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
    private final ReadOnlyStringWrapper selectionText = new ReadOnlyStringWrapper("Hover or click a cell.");
    private final ReadOnlyObjectWrapper<SparsityResult> resultA = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SparsityResult> resultB = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatMatrix> heatA = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatMatrix> heatB = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatMatrix> heatDiff = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> perLayerChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> histogramChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper comparing = new ReadOnlyBooleanWrapper();
    private final ObservableList<BudgetRow> budgetRows = FXCollections.observableArrayList();
    private final ObservableList<String> captureLabels = FXCollections.observableArrayList();
    private final ChartExportViewModel perLayerExport;
    private final ChartExportViewModel histogramExport;
    private final ChartExportViewModel heatmapExport;

    public SparsityViewModel(TaskExecutor executor, CurrentModel current, int threads) {
        this.executor = executor;
        this.current = current;
        this.threads = Math.max(1, threads);
        ChartExportService service = new ChartExportService();
        perLayerExport = new ChartExportViewModel(service, executor);
        histogramExport = new ChartExportViewModel(service, executor);
        heatmapExport = new ChartExportViewModel(service, executor);
        perLayerExport.specProperty().bind(perLayerChart);
        histogramExport.specProperty().bind(histogramChart);
        current.nameProperty().addListener((o, a, b) -> updateModelText());
        current.folderProperty().addListener((o, a, b) -> updateModelText());
        updateModelText();
        epsIndex.addListener((o, a, b) -> recompute());
        percent.addListener((o, a, b) -> recompute());
        layer.addListener((o, a, b) -> recompute());
        logCounts.addListener((o, a, b) -> recompute());
        captureIndex.addListener((o, a, b) -> recompute());
        recompute();
    }

    private void updateModelText() {
        Path f = current.folder();
        modelText.set(f == null ? (current.name() == null ? "No model" : current.name()
                + " — a preset without weights: open a checkpoint folder in Models")
                : current.name() + "  (" + f + ")");
    }

    // ------------------------------------------------------------------ actions

    /** Runs the prompt through the current model. */
    public void run() {
        String p = prompt.get();
        if (p == null || p.isBlank()) {
            Dialogs.error("Nothing to run", "Type a prompt first.");
            return;
        }
        capture(current.folder(), List.of(p), "prompt", false);
    }

    /** Runs every prompt of a file (TXT or JSONL) through the current model. */
    public void runBatch(Path file) {
        if (running.get()) {
            return;
        }
        running.set(true);
        Path folder = current.folder();
        executor.execute(BackgroundTask.of("Read " + file.getFileName(), ctx -> PromptFileReader.read(file))
                .onSuccess(prompts -> {
                    running.set(false);
                    capture(folder, prompts, file.getFileName().toString(), false);
                })
                .onFailure(e -> {
                    running.set(false);
                    Dialogs.error("Cannot read the prompt file " + file, e);
                }));
    }

    /** Runs the same prompt(s) as the shown result through another model folder and compares. */
    public void compareWithModel(Path folder) {
        SparsityResult a = resultA.get();
        if (a == null) {
            Dialogs.error("Nothing to compare", "Run a prompt on the current model first.");
            return;
        }
        List<String> prompts = promptsOf(a);
        capture(folder, prompts, a.source(), true);
    }

    /** Runs a second prompt through the current model and compares. */
    public void compareWithPrompt() {
        String p = comparePrompt.get();
        if (resultA.get() == null || p == null || p.isBlank()) {
            Dialogs.error("Nothing to compare", "Run a prompt first and type a second prompt to compare with.");
            return;
        }
        capture(current.folder(), List.of(p), "prompt", true);
    }

    /** Leaves compare mode. */
    public void clearCompare() {
        resultB.set(null);
        recompute();
    }

    private List<String> promptsOf(SparsityResult r) {
        List<String> out = new ArrayList<>();
        for (SparsityCapture c : r.captures()) {
            if (c.label().contains("…") || c.label().contains("[cut")) {
                // labels are shortened: rebuild the text from the prompt tokens
                StringBuilder b = new StringBuilder();
                for (int t = 0; t < c.promptTokens(); t++) {
                    b.append(c.tokenText(t));
                }
                out.add(b.toString());
            } else {
                out.add(c.label());
            }
        }
        return out;
    }

    private void capture(Path folder, List<String> prompts, String source, boolean intoB) {
        if (running.get()) {
            return;
        }
        if (folder == null) {
            Dialogs.error("No model to run", "The sparsity probes need a checkpoint folder: open one in Models "
                    + "(a preset has no weights).");
            return;
        }
        running.set(true);
        status.set("Running " + prompts.size() + " prompt(s) on " + folder.getFileName() + "…");
        int gen = generateTokens.get();
        executor.execute(BackgroundTask.of("Sparsity: " + folder.getFileName(), ctx -> {
            SparsityProbeRunner r = runnerFor(folder, ctx);
            return SparsityBatchRunner.run(r, source, prompts, gen > 0 ? GenerationOptions.greedy(gen) : null, ctx);
        }).onSuccess(r -> {
            if (intoB) {
                resultB.set(r);
            } else {
                resultA.set(r);
                resultB.set(null);
                captureIndex.set(0);
            }
            status.set(String.format(Locale.ROOT, "Captured %d prompt(s), %d tokens of %s", r.captures().size(),
                    r.totalTokens(), r.model().name()));
            recompute();
        }).onCancelled(() -> status.set("Cancelled: the previous capture is still shown"))
                .onFailure(e -> {
                    status.set("Failed: " + Dialogs.reason(e));
                    Dialogs.error("Sparsity capture on " + folder.getFileName() + " failed", e);
                })
                .onFinished(() -> running.set(false)));
    }

    /** The probed runner of a folder (opened on first use, reused while the folder stays the same). */
    private synchronized SparsityProbeRunner runnerFor(Path folder, io.plmwb.engine.task.TaskContext ctx)
            throws Exception {
        Path abs = folder.toAbsolutePath().normalize();
        if (runner != null && abs.equals(runnerFolder)) {
            return runner;
        }
        if (runner != null) {
            runner.close();
            runner = null;
        }
        ModelLoader.Options opts = ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, threads));
        runner = SparsityProbeRunner.open(abs, opts, ctx);
        runnerFolder = abs;
        return runner;
    }

    /** Saves the shown result (A) as JSON. */
    public void save(Path file) {
        SparsityResult r = resultA.get();
        if (r == null) {
            Dialogs.error("Nothing to save", "Run a prompt first.");
            return;
        }
        executor.execute(BackgroundTask.of("Save " + file.getFileName(), ctx -> {
            SparsityResultFile.write(r, file, true);
            return file;
        }).onSuccess(p -> status.set("Saved " + p))
                .onFailure(e -> Dialogs.error("Cannot save " + file, e)));
    }

    /** Opens a saved result (replacing A, leaving compare mode). */
    public void open(Path file) {
        executor.execute(BackgroundTask.of("Open " + file.getFileName(), ctx -> SparsityResultFile.read(file))
                .onSuccess(r -> {
                    resultA.set(r);
                    resultB.set(null);
                    captureIndex.set(0);
                    status.set("Opened " + file.getFileName() + ": " + r.captures().size() + " prompt(s), "
                            + r.totalTokens() + " tokens of " + r.model().name());
                    recompute();
                })
                .onFailure(e -> Dialogs.error("Cannot open " + file, e)));
    }

    /** Opens a saved result into B (compare). */
    public void openCompare(Path file) {
        executor.execute(BackgroundTask.of("Open " + file.getFileName(), ctx -> SparsityResultFile.read(file))
                .onSuccess(r -> {
                    resultB.set(r);
                    recompute();
                })
                .onFailure(e -> Dialogs.error("Cannot open " + file, e)));
    }

    /** Writes all charts (PNG, SVG, PDF) and the CSVs of A at the current ε into a folder. */
    public void exportAll(Path dir) {
        SparsityResult r = resultA.get();
        if (r == null) {
            Dialogs.error("Nothing to export", "Run a prompt first.");
            return;
        }
        int eps = epsIndex.get();
        executor.execute(BackgroundTask.of("Export sparsity", ctx -> SparsityExporter.export(r, eps, dir,
                        List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV),
                        ExportOptions.defaults().withOverwrite(true), ctx))
                .onSuccess(files -> status.set("Exported " + files.size() + " files to " + dir))
                .onFailure(e -> Dialogs.error("Export to " + dir + " failed", e)));
    }

    /** Closes the probed session. */
    public synchronized void close() {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }

    // ------------------------------------------------------------------ recomputation from captured statistics

    private SparsityCapture shown(SparsityResult r) {
        if (r == null) {
            return null;
        }
        int i = Math.max(0, Math.min(captureIndex.get(), r.captures().size() - 1));
        return r.captures().get(i);
    }

    private void recompute() {
        int eps = epsIndex.get();
        epsText.set("ε = " + ProbeGrid.label(eps) + " — an MLP activation a counts as zero when |a| ≤ ε (ε = 0: "
                + "exact zeros). ε is one of " + ProbeGrid.listing() + ", the values the probes count at; changing it "
                + "recomputes from the captured counts, the model is not run again.");
        SparsityResult a = resultA.get();
        SparsityResult b = resultB.get();
        comparing.set(b != null);
        boolean gated = (a != null && a.gated()) || (b != null && b.gated());
        swigluNote.set(gated ? "SwiGLU (llama-style) activations silu(W_gate x)·(W_up x) are almost never exactly "
                + "zero, so at ε = 0 their zero fraction is ~0: raise ε to see how many are near zero. Squared-ReLU "
                + "(PLM) gives exact zeros." : "");
        if (a == null) {
            heatA.set(null);
            heatB.set(null);
            heatDiff.set(null);
            perLayerChart.set(null);
            histogramChart.set(null);
            budgetRows.clear();
            activatedText.set("");
            budgetText.set("");
            summaryText.set("");
            captureLabels.clear();
            return;
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < a.captures().size(); i++) {
            labels.add((i + 1) + ". " + a.captures().get(i).label());
        }
        if (!labels.equals(captureLabels)) {
            captureLabels.setAll(labels);
        }
        SparsityCapture ca = shown(a);
        heatA.set(SparsityCharts.matrix(ca, eps));
        heatmapExport.specProperty().set(SparsityCharts.heatmap(ca, eps));
        titleA.set("A: " + a.model().name() + " — " + ca.label() + " (" + ca.tokens() + " tokens"
                + (ca.tokens() > ca.promptTokens() ? ", " + (ca.tokens() - ca.promptTokens()) + " generated" : "")
                + ")");
        SparsityStats.LayerStat[] sa = SparsityStats.perLayer(a.captures(), eps);
        List<SparsityCharts.Line> lines = new ArrayList<>();
        lines.add(new SparsityCharts.Line("A: " + a.model().name(), sa));
        if (b != null) {
            SparsityCapture cb = shown(b);
            heatB.set(SparsityCharts.matrix(cb, eps));
            titleB.set("B: " + b.model().name() + " — " + cb.label() + " (" + cb.tokens() + " tokens)");
            heatDiff.set(SparsityCharts.difference(ca, cb, eps));
            String nameB = "B: " + b.model().name() + (b.model().name().equals(a.model().name()) ? " (2nd prompt)"
                    : "");
            lines.add(new SparsityCharts.Line(nameB, SparsityStats.perLayer(b.captures(), eps)));
        } else {
            heatB.set(null);
            heatDiff.set(null);
            titleB.set("");
        }
        perLayerChart.set(SparsityCharts.perLayer(lines, eps));
        int l = Math.max(0, Math.min(layer.get(), a.model().layers() - 1));
        histogramChart.set(SparsityCharts.neuronHistogram(a.model().name(), a.firingCounts(l, eps), a.totalTokens(), l, eps, logCounts.get()));
        HotColdBudget.Budget budget = HotColdBudget.compute(a, eps, percent.get());
        List<BudgetRow> rows = new ArrayList<>();
        for (HotColdBudget.LayerBudget lb : budget.layers()) {
            rows.add(new BudgetRow("layer " + lb.layer(), String.format(Locale.ROOT, "%.3f ± %.3f",
                    sa[lb.layer()].mean(), sa[lb.layer()].std()),
                    String.format(Locale.ROOT, "%d / %d (%.0f%%)", lb.hotNeurons(), lb.neurons(), 100 * lb.hotShare()),
                    String.format(Locale.ROOT, "%.2f MiB", lb.bytes() / (1 << 20))));
        }
        budgetRows.setAll(rows);
        budgetText.set(String.format(Locale.ROOT, "Hot set for %.0f%% of firings (|a| > ε) over %d tokens: %,d "
                        + "neurons = %.2f MiB of %.2f MiB MLP weights (%s, %d B/param; a neuron = its W_up%s row "
                        + "and W_down column, %d values).", percent.get(), a.totalTokens(), budget.hotNeurons(),
                budget.hotBytes() / (1 << 20), budget.mlpBytes() / (1 << 20), a.weightDtype(), a.bytesPerParam(),
                a.gated() ? "/W_gate" : "", a.paramsPerNeuron()));
        ActivatedParams act = ActivatedParams.compute(a, eps);
        activatedText.set(String.format(Locale.ROOT, "Activated parameters per token (mean over the captured tokens): "
                        + "total %s · without a predictor %s (%.1f%%) · with a perfect predictor %s (%.1f%%). Without a "
                        + "predictor every W_up%s row must be computed and only the W_down columns of inactive neurons "
                        + "(|a| ≤ ε) are skipped; a perfect (oracle) predictor also skips their W_up%s rows. The "
                        + "predictor's own cost and errors are not counted; attention, norms and embeddings count in "
                        + "full.", count(act.total()), count(Math.round(act.withoutPredictor())),
                100 * act.withoutShare(), count(Math.round(act.withPredictor())), 100 * act.withShare(),
                a.gated() ? "/W_gate" : "", a.gated() ? "/W_gate" : ""));
        double mean = SparsityStats.meanZeroFraction(sa);
        String meanB = b == null ? "" : String.format(Locale.ROOT, " · B mean %.3f",
                SparsityStats.meanZeroFraction(SparsityStats.perLayer(b.captures(), eps)));
        summaryText.set(String.format(Locale.ROOT, "A mean zero fraction %.3f over %d layers × %d tokens%s",
                mean, a.model().layers(), a.totalTokens(), meanB));
    }

    private static String count(long n) {
        return n >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f B", n / 1e9)
                : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }

    /** The tooltip text of a cell. */
    public String describeCell(Which which, int layerIndex, int token) {
        int eps = epsIndex.get();
        if (which == Which.DIFF) {
            HeatMatrix d = heatDiff.get();
            if (d == null || layerIndex >= d.rows() || token >= d.columns()) {
                return "";
            }
            return String.format(Locale.ROOT, "token %s · layer %d%nA − B zero fraction %+.3f", d.xLabels().get(token),
                    layerIndex, d.value(layerIndex, token));
        }
        SparsityCapture c = shown(which == Which.A ? resultA.get() : resultB.get());
        if (c == null || layerIndex >= c.layers() || token >= c.tokens()) {
            return "";
        }
        StringBuilder top = new StringBuilder();
        int[] idx = c.topNeurons(layerIndex, token);
        float[] val = c.topValues(layerIndex, token);
        for (int j = 0; j < idx.length; j++) {
            top.append(j == 0 ? "" : ", ").append('#').append(idx[j])
                    .append(String.format(Locale.ROOT, " (%.3g)", val[j]));
        }
        return String.format(Locale.ROOT, "token %d '%s'%s · layer %d%nzero fraction %.3f at %s%nactive neurons %d "
                        + "of %d%ntop neurons: %s", token, SparsityCharts.printable(c.tokenText(token)),
                c.generated(token) ? " (generated)" : "", layerIndex, c.zeroFraction(layerIndex, token, eps),
                SparsityCharts.epsText(eps), c.activeCount(layerIndex, token, eps), c.neurons(), top);
    }

    /** A cell was clicked: shows its description below the heat maps and selects its layer for the histogram. */
    public void select(Which which, int layerIndex, int token) {
        selectionText.set(describeCell(which, layerIndex, token).replace('\n', ' ').replace("  ", " "));
        if (which != Which.DIFF) {
            layer.set(layerIndex);
        }
    }

    /** First generated token of the shown capture of A or B, or -1 when it has none. */
    public int generatedFrom(Which which) {
        SparsityCapture c = shown(which == Which.B ? resultB.get() : resultA.get());
        return c == null || c.promptTokens() >= c.tokens() ? -1 : c.promptTokens();
    }

    /** The token texts of A's shown capture (for the token strip). */
    public List<String> tokenStrip(Which which) {
        SparsityCapture c = shown(which == Which.B ? resultB.get() : resultA.get());
        if (c == null) {
            return List.of();
        }
        List<String> r = new ArrayList<>(c.tokens());
        for (int t = 0; t < c.tokens(); t++) {
            r.add(SparsityCharts.printable(c.tokenText(t)));
        }
        return r;
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
