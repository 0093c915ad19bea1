package io.plmwb.views.rounds;

import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.rounds.LengthControlled;
import io.plmwb.experiments.rounds.MatchedPrompt;
import io.plmwb.experiments.rounds.Round;
import io.plmwb.experiments.rounds.RoundComparison;
import io.plmwb.experiments.rounds.RoundsGenerationStudy;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.experiments.rounds.RoundsStudy;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Refinement Rounds workspace: the rounds of a {@link RoundsStudy} report, matched prompt by prompt; the prompt
 * list with search, filters and sorting ({@link PromptList}); the columns of the selected prompt (rounds, or the
 * refinement steps of one round) with word diffs against a chosen baseline column ({@link RoundColumns});
 * statistics, paired comparisons and charts; Export all of the report's bundle; and generation of a new round
 * ({@link RoundsGenerationStudy}). Every shown value is mapped from the report and the screen state in
 * {@link #refresh()}.
 */
public final class RoundsViewModel {

    /** What the columns show. */
    public enum ColumnMode { ROUNDS, STEPS }

    /** How the prompt list is ordered. */
    public enum Sort {
        FILE_ORDER("File order"), SCORE_CHANGE_ASC("Score change (worst first)"),
        SCORE_CHANGE_DESC("Score change (best first)"), LENGTH_CHANGE_DESC("Length change (largest growth first)"),
        LENGTH_CHANGE_ASC("Length change (largest shrink first)");

        private final String label;

        Sort(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One line of the prompt list. */
    public record PromptRow(int index, int number, String instruction, String dataset, boolean differs,
                            boolean regression, double scoreChange, int lengthChange) {
        /** The list's text: number, a one-line instruction and the change against the baseline. */
        public String label() {
            return PromptList.label(this);
        }
    }

    /** How a run of text compares with the baseline column. */
    public enum Change { SAME, INSERTED, DELETED }

    /** A run of text of a column with its change against the baseline. */
    public record Segment(Change change, String text) {
    }

    /** One column of the side-by-side view for the selected prompt. */
    public record Column(String label, boolean baseline, boolean missing, List<Segment> ops, String text,
                         String stats, String verdict, String rationale, int inserted, int deleted) {
    }

    /** One row of the statistics table (texts ready to show). */
    public record StatsRow(String round, String judged, String winRate, String ci, String record, String discrete,
                           String avgLength, String avgTokens, String lengthAdjusted) {
    }

    /** "All datasets" in the dataset filter. */
    public static final String ALL = "All datasets";

    private final TaskExecutor executor;
    private final CurrentModel current;
    private final DialogService dialogs;
    private final RoundsStudy study = new RoundsStudy();
    private final RoundsExport export;
    private final BundleWriter writer = new BundleWriter();
    private final GenerationForm form;

    private final ReadOnlyObjectWrapper<RoundsReport> report = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper source = new ReadOnlyStringWrapper("No rounds open");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final ObservableList<String> problemsView = FXCollections.unmodifiableObservableList(problems);
    private final ObservableList<PromptRow> rows = FXCollections.observableArrayList();
    private final ObservableList<PromptRow> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final ObservableList<Column> columns = FXCollections.observableArrayList();
    private final ObservableList<Column> columnsView = FXCollections.unmodifiableObservableList(columns);
    private final ObservableList<StatsRow> statsRows = FXCollections.observableArrayList();
    private final ObservableList<StatsRow> statsRowsView = FXCollections.unmodifiableObservableList(statsRows);
    private final ObservableList<String> pairedLines = FXCollections.observableArrayList();
    private final ObservableList<String> pairedLinesView = FXCollections.unmodifiableObservableList(pairedLines);
    private final ObservableList<String> roundNames = FXCollections.observableArrayList();
    private final ObservableList<String> roundNamesView = FXCollections.unmodifiableObservableList(roundNames);
    private final ObservableList<String> columnLabels = FXCollections.observableArrayList();
    private final ObservableList<String> columnLabelsView = FXCollections.unmodifiableObservableList(columnLabels);
    private final ObservableList<String> datasets = FXCollections.observableArrayList();
    private final ObservableList<String> datasetsView = FXCollections.unmodifiableObservableList(datasets);
    private final ReadOnlyIntegerWrapper selected = new ReadOnlyIntegerWrapper(-1);
    private final ReadOnlyStringWrapper selectedInstruction = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ChartSpec> winRateChart = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChartSpec> lengthChart = new ReadOnlyObjectWrapper<>();
    private final ChartExportViewModel winRateExport;
    private final ChartExportViewModel lengthExport;
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();

    private final ObjectProperty<ColumnMode> columnMode = new SimpleObjectProperty<>(ColumnMode.ROUNDS);
    private final IntegerProperty stepsRound = new SimpleIntegerProperty(0);
    private final IntegerProperty baselineColumn = new SimpleIntegerProperty(0);
    private final StringProperty search = new SimpleStringProperty("");
    private final StringProperty dataset = new SimpleStringProperty(ALL);
    private final BooleanProperty onlyDiffer = new SimpleBooleanProperty();
    private final BooleanProperty regressionsOnly = new SimpleBooleanProperty();
    private final ObjectProperty<Sort> sort = new SimpleObjectProperty<>(Sort.FILE_ORDER);
    private final BooleanProperty overlays = new SimpleBooleanProperty(true);

    private List<Path> sources = List.of();
    private long loadSeq;
    private boolean refreshing;
    private RoundsReport chartsOf;
    private boolean chartsOverlays;

    /** {@code current}: the model shown in Models (its tokenizer counts lengths; generation opens its folder). */
    public RoundsViewModel(TaskExecutor executor, CurrentModel current, DialogService dialogs) {
        this(executor, current, dialogs, io.plmwb.engine.runtime.ModelSessions.shared());
    }

    /** As above, generating on sessions leased from {@code host} (the application's one host). */
    public RoundsViewModel(TaskExecutor executor, CurrentModel current, DialogService dialogs,
            io.plmwb.engine.runtime.ModelSessions host) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.current = current == null ? new CurrentModel() : current;
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.form = new GenerationForm(executor, dialogs, host);
        this.export = new RoundsExport(executor, dialogs, status::set);
        this.winRateExport = ChartExportViewModel.create(executor);
        this.lengthExport = ChartExportViewModel.create(executor);
        List.of(search, dataset, onlyDiffer, regressionsOnly, sort, columnMode, stepsRound, baselineColumn, overlays)
                .forEach(o -> o.addListener((ob, a, b) -> refresh()));
        this.current.loadedProperty().addListener((o, a, m) -> countTokens(m));
    }

    /** Reads a round file or AlpacaEval folder in the background and shows it (replacing what is shown). */
    public void open(Path path) {
        openAll(List.of(path));
    }

    /** Adds the rounds of another file or folder to those shown (for round-vs-round comparisons). */
    public void add(Path path) {
        List<Path> all = new java.util.ArrayList<>(sources);
        all.add(path);
        openAll(all);
    }

    /** Reads several sources into one comparison, in order (a non-native source becomes round i). */
    public void openAll(List<Path> paths) {
        run(List.copyOf(paths), true);
    }

    private void run(List<Path> list, boolean fresh) {
        long seq = ++loadSeq;
        busy.set(true);
        String names = String.join(" + ", list.stream().map(p -> String.valueOf(p.getFileName())).toList());
        status.set((fresh ? "Reading " : "Counting tokens of ") + names + "…");
        RoundsStudy.Settings settings = RoundsStudy.Settings.of(list)
                .withTokens(RoundsStudy.Tokens.of(current.loaded()));
        executor.execute(BackgroundTask.of("Read rounds " + names, ctx -> study.run(settings, ctx)).onSuccess(r -> {
            if (seq == loadSeq) {
                sources = list;
                source.set(String.join("  +  ", list.stream().map(Path::toString).toList()));
                if (fresh) {
                    boolean single = r.rounds().size() == 1;
                    refreshing = true;
                    stepsRound.set(0);
                    columnMode.set(single && r.rounds().get(0).maxStep() > 0 ? ColumnMode.STEPS : ColumnMode.ROUNDS);
                    refreshing = false;
                }
                report.set(r);
                refresh();
                status.set(RoundsText.status(r));
            }
        }).onFailure(e -> {
            status.set("Could not read " + names + ": " + DialogService.reason(e));
            dialogs.error("Cannot read the rounds in " + String.join(", ", list.stream().map(Path::toString)
                    .toList()), e);
        }).onFinished(() -> busy.set(false)));
    }

    /** Counts the lengths again with a newly loaded model's tokenizer (the study runs again on the same files). */
    private void countTokens(LoadedModel m) {
        RoundsReport r = report.get();
        RoundsStudy.Tokens t = RoundsStudy.Tokens.of(m);
        if (r != null && t != null && !r.rounds().stream().allMatch(x -> t.name().equals(x.tokenizer()))) {
            run(sources, false);
        }
    }

    private void refresh() {
        if (refreshing) {
            return;
        }
        refreshing = true;
        try {
            RoundsReport r = report.get();
            RoundComparison c = r == null ? null : r.comparison();
            RoundColumns cols = layout();
            baselineColumn.set(cols.baseline());
            setIfChanged(roundNames, cols.rounds().stream().map(Round::name).toList());
            setIfChanged(datasets, PromptList.datasets(c));
            if (!datasets.contains(dataset.get())) {
                dataset.set(ALL);
            }
            setIfChanged(columnLabels, cols.labels());
            setIfChanged(statsRows, r == null ? List.of() : r.stats().stream().map(RoundsText::statsRow).toList());
            setIfChanged(pairedLines, r == null ? List.of() : RoundsText.pairedLines(r.paired()));
            setIfChanged(problems, r == null ? List.of() : RoundsText.problems(r));
            List<PromptRow> list = PromptList.rows(c, cols, new PromptList.Filter(search.get(), dataset.get(),
                    onlyDiffer.get(), regressionsOnly.get(), sort.get()));
            setIfChanged(rows, list);
            if (list.stream().noneMatch(x -> x.index() == selected.get())) {
                selected.set(list.isEmpty() ? -1 : list.get(0).index());
            }
            int i = selected.get();
            if (c == null || i < 0 || i >= c.prompts().size()) {
                selectedInstruction.set("");
                setIfChanged(columns, List.of());
            } else {
                MatchedPrompt m = c.prompts().get(i);
                selectedInstruction.set(RoundsText.instruction(m));
                setIfChanged(columns, cols.columns(m));
            }
            if (r != chartsOf || overlays.get() != chartsOverlays) {
                chartsOf = r;
                chartsOverlays = overlays.get();
                winRateChart.set(r == null ? null : r.winRateChart(selection()));
                lengthChart.set(r == null ? null : r.lengthChart());
            }
        } finally {
            refreshing = false;
        }
    }

    private static <T> void setIfChanged(ObservableList<T> list, List<T> values) {
        if (!list.equals(values)) {
            list.setAll(values);
        }
    }

    /** What the screen shows that the charts and the exported table depend on. */
    public RoundsReport.Selection selection() {
        RoundColumns cols = layout();
        return new RoundsReport.Selection(overlays.get(), cols.mode() == ColumnMode.STEPS ? cols.stepsRound() : -1,
                rows.stream().map(PromptRow::index).toList());
    }

    private RoundColumns layout() {
        RoundsReport r = report.get();
        return RoundColumns.of(r == null ? List.of() : r.rounds(), columnMode.get(), stepsRound.get(),
                baselineColumn.get());
    }

    /** Shows the prompt with this index into the comparison's prompts (-1: none). */
    public void select(int index) {
        selected.set(index);
        refresh();
    }

    /** Moves to the next prompt of the filtered list. */
    public void next() {
        select(PromptList.move(rows, selected.get(), 1));
    }

    /** Moves to the previous prompt of the filtered list. */
    public void previous() {
        select(PromptList.move(rows, selected.get(), -1));
    }

    /** Writes the comparison table of the shown prompts and columns (.csv or .md). */
    public void exportTable(Path file) {
        export.exportTable(report.get(), selection(), file);
    }

    /**
     * Writes the report's bundle for what is shown (the charts in PNG, SVG, PDF and CSV, the comparison table as CSV
     * and Markdown, the statistics) into {@code dir}, the same files as {@code workbench rounds --out}; asks before
     * replacing files.
     */
    public void exportAll(Path dir) {
        RoundsReport r = report.get();
        Bundle bundle = r == null ? Bundle.empty() : r.bundle(selection());
        Boolean overwrite = export.overwrite(r, bundle, dir);
        if (overwrite != null) {
            executor.execute(BackgroundTask.of("Export rounds to " + dir.getFileName(), ctx -> writer.write(bundle,
                            dir, RoundsReport.FORMATS, RoundsReport.exportOptions(overwrite), ctx))
                    .onSuccess(files -> status.set("Exported " + files.size() + " files to " + dir))
                    .onFailure(e -> dialogs.error("Export to " + dir + " failed", e)));
        }
    }

    /** True when a checkpoint folder is shown in Models (generation opens its own session from it). */
    public boolean canGenerate() {
        return current.folder() != null && !form.generating.get();
    }

    /**
     * Generates a round from a prompt file with the model shown in Models (a session of its own, opened from the
     * checkpoint folder), saves it as plmwb rounds JSONL to {@code out} and opens it (after asking, when rounds are
     * shown).
     */
    public void generate(Path promptsFile, Path out) {
        form.generate(current.folder(), promptsFile, out, () -> report.get() == null || dialogs.confirm(
                "Replace the open comparison?", "The generated round " + out.getFileName()
                        + " opens in place of the rounds shown (" + source.get() + ")."), this::open);
    }

    /** The report shown (null before anything is open). */
    public ReadOnlyObjectProperty<RoundsReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** What is open (path). */
    public ReadOnlyStringProperty sourceProperty() {
        return source.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Import problems (file:line: message) and unmatched-instruction reports. */
    public ObservableList<String> problems() {
        return problemsView;
    }

    /** The filtered, sorted prompt list. */
    public ObservableList<PromptRow> rows() {
        return rowsView;
    }

    /** The columns of the selected prompt. */
    public ObservableList<Column> columns() {
        return columnsView;
    }

    public ObservableList<StatsRow> statsRows() {
        return statsRowsView;
    }

    public ObservableList<String> pairedLines() {
        return pairedLinesView;
    }

    public ObservableList<String> roundNames() {
        return roundNamesView;
    }

    public ObservableList<String> columnLabels() {
        return columnLabelsView;
    }

    public ObservableList<String> datasets() {
        return datasetsView;
    }

    /** Index of the shown prompt in the comparison (-1: none). */
    public ReadOnlyIntegerProperty selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty selectedInstructionProperty() {
        return selectedInstruction.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> winRateChartProperty() {
        return winRateChart.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartSpec> lengthChartProperty() {
        return lengthChart.getReadOnlyProperty();
    }

    public ChartExportViewModel winRateExport() {
        return winRateExport;
    }

    public ChartExportViewModel lengthExport() {
        return lengthExport;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty generatingProperty() {
        return form.generating.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty generateStatusProperty() {
        return form.status.getReadOnlyProperty();
    }

    /** The method of the length-adjusted column, for a tooltip. */
    public String lengthAdjustedMethod() {
        return LengthControlled.METHOD + ". Not the leaderboard's LC: AlpacaEval's instruction difficulties are not "
                + "available offline.";
    }

    public ObjectProperty<ColumnMode> columnModeProperty() {
        return columnMode;
    }

    /** The round whose refinement steps are the columns in STEPS mode. */
    public IntegerProperty stepsRoundProperty() {
        return stepsRound;
    }

    public IntegerProperty baselineColumnProperty() {
        return baselineColumn;
    }

    public StringProperty searchProperty() {
        return search;
    }

    public StringProperty datasetProperty() {
        return dataset;
    }

    public BooleanProperty onlyDifferProperty() {
        return onlyDiffer;
    }

    public BooleanProperty regressionsOnlyProperty() {
        return regressionsOnly;
    }

    public ObjectProperty<Sort> sortProperty() {
        return sort;
    }

    /** Show the published ARIES/SPPO numbers on the win-rate chart. */
    public BooleanProperty overlaysProperty() {
        return overlays;
    }

    public IntegerProperty genStepsProperty() {
        return form.steps;
    }

    public IntegerProperty genMaxTokensProperty() {
        return form.maxTokens;
    }

    public StringProperty genAnswerTemplateProperty() {
        return form.answerTemplate;
    }

    public StringProperty genTemplateProperty() {
        return form.template;
    }

    /** The selection rule: mean_logprob, last_answering[:N] or score:COLUMN. */
    public StringProperty genRuleProperty() {
        return form.rule;
    }

    public StringProperty genRoundNameProperty() {
        return form.roundName;
    }

    /** The model shown in Models, for the generation form. */
    public ReadOnlyObjectProperty<Path> modelFolderProperty() {
        return current.folderProperty();
    }
}
