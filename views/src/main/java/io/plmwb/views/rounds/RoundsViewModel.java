package io.plmwb.views.rounds;

import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.rounds.ComparisonTable;
import io.plmwb.experiments.rounds.ImportIssue;
import io.plmwb.experiments.rounds.ImportResult;
import io.plmwb.experiments.rounds.JudgeVerdict;
import io.plmwb.experiments.rounds.LengthControlled;
import io.plmwb.experiments.rounds.MatchedPrompt;
import io.plmwb.experiments.rounds.NativeRoundsFormat;
import io.plmwb.experiments.rounds.PairedComparison;
import io.plmwb.experiments.rounds.PromptSet;
import io.plmwb.experiments.rounds.RefinementGenerator;
import io.plmwb.experiments.rounds.RefinementStep;
import io.plmwb.experiments.rounds.Round;
import io.plmwb.experiments.rounds.RoundComparison;
import io.plmwb.experiments.rounds.RoundImporters;
import io.plmwb.experiments.rounds.RoundPrompt;
import io.plmwb.experiments.rounds.RoundStatistics;
import io.plmwb.experiments.rounds.RoundStats;
import io.plmwb.experiments.rounds.RoundTokens;
import io.plmwb.experiments.rounds.RoundsCharts;
import io.plmwb.experiments.rounds.SelectionRule;
import io.plmwb.experiments.rounds.WordDiff;
import io.plmwb.views.chart.ChartExportViewModel;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
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
 * The Refinement Rounds workspace: rounds read by the experiments importers, matched prompt by prompt; the prompt
 * list with search, filters and sorting; the columns of the selected prompt (rounds, or the refinement steps of one
 * round) with word diffs against a chosen baseline column; statistics, paired comparisons and charts; export of the
 * comparison table; and generation of a new round with the engine. The only class of the feature that calls services.
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
            String one = instruction.replaceAll("\\s+", " ").strip();
            if (one.length() > 70) {
                one = one.substring(0, 69) + "…";
            }
            String change = String.format(Locale.ROOT, "  Δlen %+d", lengthChange)
                    + (Double.isNaN(scoreChange) ? "" : String.format(Locale.ROOT, " · Δscore %+.2f", scoreChange));
            return number + ". " + one + change + (regression ? "  ▼" : "");
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

    private final TaskExecutor executor;
    private final CurrentModel current;

    private final ReadOnlyObjectWrapper<RoundComparison> comparison = new ReadOnlyObjectWrapper<>();
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
    private final ReadOnlyBooleanWrapper generating = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper generateStatus = new ReadOnlyStringWrapper("");

    private final ObjectProperty<ColumnMode> columnMode = new SimpleObjectProperty<>(ColumnMode.ROUNDS);
    private final IntegerProperty stepsRound = new SimpleIntegerProperty(0);
    private final IntegerProperty baselineColumn = new SimpleIntegerProperty(0);
    private final StringProperty search = new SimpleStringProperty("");
    private final StringProperty dataset = new SimpleStringProperty(ALL);
    private final BooleanProperty onlyDiffer = new SimpleBooleanProperty();
    private final BooleanProperty regressionsOnly = new SimpleBooleanProperty();
    private final ObjectProperty<Sort> sort = new SimpleObjectProperty<>(Sort.FILE_ORDER);
    private final BooleanProperty overlays = new SimpleBooleanProperty(true);

    // generation settings
    private final IntegerProperty genSteps = new SimpleIntegerProperty(2);
    private final IntegerProperty genMaxTokens = new SimpleIntegerProperty(40);
    private final StringProperty genAnswerTemplate = new SimpleStringProperty(
            RefinementGenerator.DEFAULT_ANSWER_TEMPLATE);
    private final StringProperty genTemplate = new SimpleStringProperty(RefinementGenerator.DEFAULT_REFINE_TEMPLATE);
    private final StringProperty genRule = new SimpleStringProperty(SelectionRule.MEAN_LOGPROB);
    private final StringProperty genRoundName = new SimpleStringProperty("round 1");

    /** "All datasets" in the dataset filter. */
    public static final String ALL = "All datasets";

    private List<Round> rounds = List.of();
    private List<RoundStats> stats = List.of();
    private Path openPath;
    private List<Path> sources = List.of();
    private long loadSeq;

    public RoundsViewModel(TaskExecutor executor, CurrentModel current) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.current = current == null ? new CurrentModel() : current;
        ChartExportService service = new ChartExportService();
        this.winRateExport = new ChartExportViewModel(service, executor);
        this.lengthExport = new ChartExportViewModel(service, executor);
        Runnable refilter = this::refilter;
        search.addListener((o, a, b) -> refilter.run());
        dataset.addListener((o, a, b) -> refilter.run());
        onlyDiffer.addListener((o, a, b) -> refilter.run());
        regressionsOnly.addListener((o, a, b) -> refilter.run());
        sort.addListener((o, a, b) -> refilter.run());
        columnMode.addListener((o, a, b) -> columnsChanged());
        stepsRound.addListener((o, a, b) -> columnsChanged());
        baselineColumn.addListener((o, a, b) -> {
            refilter();
            showSelected();
        });
        overlays.addListener((o, a, b) -> rebuildCharts());
        this.current.loadedProperty().addListener((o, a, m) -> countTokens(m));
    }

    // ---- opening

    /** Reads a round file or AlpacaEval folder in the background and shows it (replacing what is shown). */
    public void open(Path path) {
        openAll(List.of(path));
    }

    /** Adds the rounds of another file or folder to those shown (for round-vs-round comparisons). */
    public void add(Path path) {
        List<Path> all = new ArrayList<>(sources);
        all.add(path);
        openAll(all);
    }

    /** Reads several sources into one comparison, in order (a non-native source becomes round i). */
    public void openAll(List<Path> paths) {
        long seq = ++loadSeq;
        busy.set(true);
        List<Path> list = List.copyOf(paths);
        String names = String.join(" + ", list.stream().map(p -> String.valueOf(p.getFileName())).toList());
        status.set("Reading " + names + "…");
        executor.execute(BackgroundTask.of("Read rounds " + names, ctx -> {
            ctx.message("reading");
            return RoundImporters.load(list.stream().map(RoundImporters.Source::of).toList());
        }).onSuccess(r -> {
            if (seq == loadSeq) {
                sources = list;
                openPath = list.get(list.size() - 1);
                show(r, String.join("  +  ", list.stream().map(Path::toString).toList()));
            }
        }).onFailure(e -> {
            status.set("Could not read " + names + ": " + Dialogs.reason(e));
            Dialogs.error("Cannot read the rounds in " + String.join(", ", list.stream().map(Path::toString)
                    .toList()), e);
        }).onFinished(() -> busy.set(false)));
    }

    /** Shows rounds already read (also used by tests). */
    public void show(ImportResult result, String where) {
        if (where != null && sources.isEmpty()) {
            sources = List.of(Path.of(where));
        }
        rounds = result.rounds();
        problems.setAll(result.issues().stream().map(ImportIssue::toString).toList());
        RoundComparison c = RoundComparison.of(rounds);
        problems.addAll(c.unmatchedReport().stream().map(s -> "Unmatched — " + s).toList());
        comparison.set(c);
        source.set(where);
        roundNames.setAll(rounds.stream().map(Round::name).toList());
        TreeSet<String> ds = new TreeSet<>();
        c.prompts().forEach(m -> {
            if (!m.dataset().isEmpty()) {
                ds.add(m.dataset());
            }
        });
        List<String> dl = new ArrayList<>();
        dl.add(ALL);
        dl.addAll(ds);
        datasets.setAll(dl);
        if (!datasets.contains(dataset.get())) {
            dataset.set(ALL);
        }
        recomputeStats();
        boolean single = rounds.size() == 1;
        stepsRound.set(0);
        columnMode.set(single && rounds.get(0).maxStep() > 0 ? ColumnMode.STEPS : ColumnMode.ROUNDS);
        columnsChanged();
        int judged = (int) stats.stream().filter(RoundStats::judged).count();
        status.set(String.format(Locale.ROOT, "%d round(s), %d prompts (%d in every round), %d judged round(s)%s",
                rounds.size(), c.prompts().size(), c.shared().size(), judged,
                result.issues().isEmpty() ? "" : " — " + result.issues().size() + " problem(s), see Problems"));
        countTokens(current.loaded());
    }

    private void recomputeStats() {
        stats = rounds.stream().map(RoundStatistics::of).toList();
        statsRows.setAll(stats.stream().map(RoundsViewModel::statsRow).toList());
        List<String> lines = new ArrayList<>();
        RoundComparison c = comparison.get();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> rounds.get(i).index()));
        for (int j = 1; j < order.size(); j++) {
            lines.add(pairedLine(RoundStatistics.paired(c, order.get(j - 1), order.get(j))));
        }
        if (lines.isEmpty()) {
            lines.add("One round: open or generate another to compare rounds on their shared prompts.");
        }
        pairedLines.setAll(lines);
        rebuildCharts();
    }

    private void rebuildCharts() {
        winRateChart.set(RoundsCharts.winRates(stats, overlays.get()));
        lengthChart.set(RoundsCharts.lengths(stats));
    }

    static StatsRow statsRow(RoundStats s) {
        LengthControlled lc = s.lengthControlled();
        return new StatsRow(s.index() + ": " + s.round(), s.nTotal() + " / " + s.prompts(),
                s.judged() ? f2(s.winRate()) + " ± " + f2(s.standardError()) : "—",
                s.judged() ? "[" + f2(s.ciLow()) + ", " + f2(s.ciHigh()) + "]" : "—",
                s.judged() ? s.nWins() + " / " + s.nWinsBase() + " / " + s.nDraws() : "—",
                s.judged() ? f2(s.discreteWinRate()) : "—",
                String.format(Locale.ROOT, "%,d", s.avgLengthInt()),
                Double.isNaN(s.avgTokens()) ? "—" : String.format(Locale.ROOT, "%.1f", s.avgTokens()),
                lc == null ? "—" : f2(lc.winRate()));
    }

    static String pairedLine(PairedComparison p) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.roundA()).append(" → ").append(p.roundB()).append(": ").append(p.shared())
                .append(" shared prompts");
        if (p.judged() > 0) {
            sb.append(String.format(Locale.ROOT, "; win rate %+.2f ± %.2f points (95%% bootstrap [%.2f, %.2f]); "
                            + "%s better on %d, worse on %d, equal on %d", p.meanDelta(), p.standardError(), p.ciLow(),
                    p.ciHigh(), p.roundB(), p.bBetter(), p.aBetter(), p.equal()));
        } else {
            sb.append("; no judge verdicts in both");
        }
        sb.append(String.format(Locale.ROOT, "; length %+.1f chars", p.meanLengthDelta()));
        if (p.rewarded() > 0) {
            sb.append(String.format(Locale.ROOT, "; reward %+.3f", p.meanRewardDelta()));
        }
        return sb.toString();
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    // ---- columns and prompts

    private void columnsChanged() {
        RoundComparison c = comparison.get();
        List<String> labels = new ArrayList<>();
        if (c != null) {
            if (columnMode.get() == ColumnMode.STEPS && !rounds.isEmpty()) {
                int r = Math.min(Math.max(0, stepsRound.get()), rounds.size() - 1);
                for (int k = 0; k <= rounds.get(r).maxStep(); k++) {
                    labels.add(rounds.get(r).name() + " · k=" + k + (k == 0 ? " (direct)" : ""));
                }
            } else {
                rounds.forEach(r -> labels.add(r.name()));
            }
        }
        columnLabels.setAll(labels);
        if (baselineColumn.get() >= labels.size() || baselineColumn.get() < 0) {
            baselineColumn.set(0);
        }
        refilter();
        showSelected();
    }

    /** The steps shown in the columns for a matched prompt (null where a column has none). */
    private List<RefinementStep> columnSteps(MatchedPrompt m) {
        List<RefinementStep> out = new ArrayList<>();
        if (columnMode.get() == ColumnMode.STEPS && !rounds.isEmpty()) {
            int r = Math.min(Math.max(0, stepsRound.get()), rounds.size() - 1);
            RoundPrompt p = m.in(r);
            for (int k = 0; k <= rounds.get(r).maxStep(); k++) {
                out.add(p == null ? null : p.step(k));
            }
        } else {
            for (int i = 0; i < rounds.size(); i++) {
                RoundPrompt p = m.in(i);
                out.add(p == null ? null : p.answer());
            }
        }
        return out;
    }

    /**
     * A step's score for sorting and regressions: the judge preference when there is one, else the reward, else the
     * mean log-likelihood; NaN without any.
     */
    static double score(RefinementStep s) {
        if (s == null) {
            return Double.NaN;
        }
        if (s.preference() != null) {
            return s.preference();
        }
        if (s.reward() != null) {
            return s.reward();
        }
        Double lp = s.score(SelectionRule.MEAN_LOGPROB);
        return lp == null ? Double.NaN : lp;
    }

    private PromptRow row(int index, MatchedPrompt m) {
        List<RefinementStep> steps = columnSteps(m);
        int b = Math.min(baselineColumn.get(), Math.max(0, steps.size() - 1));
        RefinementStep base = steps.isEmpty() ? null : steps.get(b);
        boolean differs = false;
        boolean regression = false;
        String first = null;
        for (RefinementStep s : steps) {
            if (s == null) {
                differs = true;
                continue;
            }
            if (first == null) {
                first = s.text();
            } else if (!first.equals(s.text())) {
                differs = true;
            }
            if (s != base && base != null && score(s) < score(base)) {
                regression = true;
            }
        }
        RefinementStep last = null;
        for (int i = steps.size() - 1; i >= 0 && last == null; i--) {
            if (i != b) {
                last = steps.get(i);
            }
        }
        double ds = base == null || last == null ? Double.NaN : score(last) - score(base);
        int dl = base == null || last == null ? 0 : last.chars() - base.chars();
        return new PromptRow(index, m.number(), m.instruction(), m.dataset(), differs, regression, ds, dl);
    }

    private void refilter() {
        RoundComparison c = comparison.get();
        if (c == null) {
            rows.clear();
            return;
        }
        String q = search.get() == null ? "" : search.get().strip().toLowerCase(Locale.ROOT);
        List<PromptRow> out = new ArrayList<>();
        List<MatchedPrompt> all = c.prompts();
        for (int i = 0; i < all.size(); i++) {
            MatchedPrompt m = all.get(i);
            if (!ALL.equals(dataset.get()) && !m.dataset().equals(dataset.get())) {
                continue;
            }
            if (!q.isEmpty() && !m.instruction().toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            PromptRow r = row(i, m);
            if (onlyDiffer.get() && !r.differs()) {
                continue;
            }
            if (regressionsOnly.get() && !r.regression()) {
                continue;
            }
            out.add(r);
        }
        Comparator<PromptRow> order = switch (sort.get()) {
            case FILE_ORDER -> Comparator.comparingInt(PromptRow::number);
            case SCORE_CHANGE_ASC -> Comparator.comparingDouble(r -> nanLast(r.scoreChange(), 1));
            case SCORE_CHANGE_DESC -> Comparator.comparingDouble(r -> nanLast(r.scoreChange(), -1));
            case LENGTH_CHANGE_DESC -> Comparator.comparingInt(r -> -r.lengthChange());
            case LENGTH_CHANGE_ASC -> Comparator.comparingInt(PromptRow::lengthChange);
        };
        out.sort(order.thenComparingInt(PromptRow::number));
        int keep = selected.get();
        rows.setAll(out);
        if (out.stream().noneMatch(r -> r.index() == keep)) {
            select(out.isEmpty() ? -1 : out.get(0).index());
        }
    }

    private static double nanLast(double v, int sign) {
        return Double.isNaN(v) ? Double.MAX_VALUE : sign * v;
    }

    /** Shows the prompt with this index into the comparison's prompts (-1: none). */
    public void select(int index) {
        selected.set(index);
        showSelected();
    }

    /** Moves to the next prompt of the filtered list. */
    public void next() {
        move(1);
    }

    /** Moves to the previous prompt of the filtered list. */
    public void previous() {
        move(-1);
    }

    private void move(int delta) {
        if (rows.isEmpty()) {
            return;
        }
        int pos = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).index() == selected.get()) {
                pos = i;
            }
        }
        int to = pos < 0 ? 0 : Math.max(0, Math.min(rows.size() - 1, pos + delta));
        select(rows.get(to).index());
    }

    private void showSelected() {
        RoundComparison c = comparison.get();
        int i = selected.get();
        if (c == null || i < 0 || i >= c.prompts().size()) {
            columns.clear();
            selectedInstruction.set("");
            return;
        }
        MatchedPrompt m = c.prompts().get(i);
        selectedInstruction.set(m.number() + ". " + m.instruction()
                + (m.dataset().isEmpty() ? "" : "   [" + m.dataset() + "]"));
        List<RefinementStep> steps = columnSteps(m);
        int b = Math.min(baselineColumn.get(), Math.max(0, steps.size() - 1));
        RefinementStep base = steps.isEmpty() ? null : steps.get(b);
        List<Column> out = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            RefinementStep s = steps.get(k);
            String label = k < columnLabels.size() ? columnLabels.get(k) : "column " + k;
            if (s == null) {
                out.add(new Column(label, k == b, true, List.of(), "", "no answer to this instruction", "", null, 0,
                        0));
                continue;
            }
            WordDiff.Result d = k == b || base == null ? null : WordDiff.diff(base.text(), s.text());
            List<Segment> ops = d == null ? List.of(new Segment(Change.SAME, s.text()))
                    : d.ops().stream().map(o -> new Segment(switch (o.kind()) {
                        case EQUAL -> Change.SAME;
                        case INSERT -> Change.INSERTED;
                        case DELETE -> Change.DELETED;
                    }, o.text())).toList();
            StringBuilder st = new StringBuilder();
            st.append(String.format(Locale.ROOT, "%,d chars", s.chars()));
            if (s.tokens() != null) {
                st.append(String.format(Locale.ROOT, " · %,d tokens", s.tokens()));
            }
            s.scores().forEach((name, v) -> st.append(String.format(Locale.ROOT, " · %s %.3f", name, v)));
            RoundPrompt owner = owner(m, k);
            if (owner != null && owner.pair() != null) {
                if (owner.pair().chosenStep() == s.k() && columnMode.get() == ColumnMode.STEPS) {
                    st.append(" · CHOSEN (").append(owner.pair().method()).append(')');
                } else if (owner.pair().rejectedStep() == s.k() && columnMode.get() == ColumnMode.STEPS) {
                    st.append(" · REJECTED (").append(owner.pair().method()).append(')');
                } else if (columnMode.get() == ColumnMode.ROUNDS) {
                    st.append(" · step k=").append(s.k()).append(" chosen by ").append(owner.pair().method());
                }
            }
            String verdict = "";
            String rationale = null;
            JudgeVerdict v = s.verdicts().isEmpty() ? (columnMode.get() == ColumnMode.ROUNDS && owner != null
                    ? owner.verdict() : null) : s.verdicts().get(0);
            if (v != null) {
                verdict = String.format(Locale.ROOT, "%s vs %s: preference %.3f (%s)", v.judge().isEmpty() ? "judge"
                        : v.judge(), v.baseline().isEmpty() ? "baseline" : v.baseline(), v.preference(), v.outcome());
                rationale = v.rationale();
            }
            out.add(new Column(label, k == b, false, ops, s.text(), st.toString(), verdict, rationale,
                    d == null ? 0 : d.inserted(), d == null ? 0 : d.deleted()));
        }
        columns.setAll(out);
    }

    private RoundPrompt owner(MatchedPrompt m, int column) {
        if (columnMode.get() == ColumnMode.STEPS && !rounds.isEmpty()) {
            return m.in(Math.min(Math.max(0, stepsRound.get()), rounds.size() - 1));
        }
        return column < rounds.size() ? m.in(column) : null;
    }

    // ---- tokens

    private void countTokens(LoadedModel m) {
        if (m == null || rounds.isEmpty()) {
            return;
        }
        String name = m.checkpoint().getFileName() == null ? m.checkpoint().toString()
                : m.checkpoint().getFileName().toString();
        if (rounds.stream().allMatch(r -> name.equals(r.tokenizer()))) {
            return;
        }
        List<Round> snapshot = rounds;
        executor.execute(BackgroundTask.of("Count tokens (" + name + ")",
                ctx -> RoundTokens.count(snapshot, m.tokenizer(), name, ctx))
                .onSuccess(counted -> {
                    if (rounds == snapshot) {
                        rounds = counted;
                        comparison.set(RoundComparison.of(rounds));
                        recomputeStats();
                        columnsChanged();
                        status.set(status.get() + " · lengths in " + name + " tokens");
                    }
                })
                .onFailure(e -> problems.add("Token counting with " + name + " failed: " + Dialogs.reason(e))));
    }

    // ---- export

    /** Writes the comparison table of the filtered prompts and current columns (.csv or .md). */
    public void exportTable(Path file) {
        RoundComparison c = comparison.get();
        if (c == null) {
            Dialogs.info("Nothing to export", "Open or generate rounds first.");
            return;
        }
        List<MatchedPrompt> shown = rows.stream().map(r -> c.prompts().get(r.index())).toList();
        ComparisonTable table = columnMode.get() == ColumnMode.STEPS
                ? ComparisonTable.bySteps(c, Math.min(stepsRound.get(), rounds.size() - 1), shown)
                : ComparisonTable.byRound(c, shown);
        executor.execute(BackgroundTask.of("Export table " + file.getFileName(), ctx -> table.write(file, true))
                .onSuccess(p -> status.set("Wrote " + p + " (" + shown.size() + " prompts)"))
                .onFailure(e -> Dialogs.error("Cannot write " + file, e)));
    }

    // ---- generation

    /** True when a checkpoint folder is shown in Models (generation opens its own session from it). */
    public boolean canGenerate() {
        return current.folder() != null && !generating.get();
    }

    /**
     * Generates a round from a prompt file with the model shown in Models (a session of its own, opened from the
     * checkpoint folder), saves it as plmwb rounds JSONL to {@code out} and opens it.
     */
    public void generate(Path promptsFile, Path out) {
        Path folder = current.folder();
        if (folder == null) {
            Dialogs.error("No model to generate with", "Open a checkpoint folder in the Models workspace first "
                    + "(a published architecture has no weights).");
            return;
        }
        RefinementGenerator.Settings settings;
        try {
            settings = new RefinementGenerator.Settings(genRoundName.get() == null || genRoundName.get().isBlank()
                    ? "round" : genRoundName.get().strip(), 0, genSteps.get(), genAnswerTemplate.get(),
                    genTemplate.get(), genMaxTokens.get(), 0, 0, SelectionRule.parse(genRule.get()));
        } catch (IllegalArgumentException e) {
            Dialogs.error("Cannot generate", e.getMessage());
            return;
        }
        generating.set(true);
        generateStatus.set("Generating with " + folder.getFileName() + "…");
        executor.execute(BackgroundTask.of("Generate round with " + folder.getFileName(), ctx -> {
            List<ImportIssue> issues = new ArrayList<>();
            List<PromptSet.Prompt> prompts = PromptSet.read(promptsFile, issues);
            ctx.message("loading " + folder.getFileName());
            try (LoadedModel m = ModelLoader.load(folder, ModelLoader.Options.defaults()
                    .withRuntime(RuntimeOptions.threads(1, Math.max(1, Runtime.getRuntime().availableProcessors()))),
                    ctx)) {
                Round r = RefinementGenerator.generate(m, prompts, settings, ctx);
                NativeRoundsFormat.write(out, List.of(r), true);
                return r;
            }
        }).onSuccess(r -> {
            generateStatus.set("Wrote " + out + ": " + r.prompts().size() + " prompts × " + (settings.steps() + 1)
                    + " steps, pairs by " + settings.rule().name());
            open(out);
        }).onCancelled(() -> generateStatus.set("Generation cancelled; nothing was written"))
                .onFailure(e -> {
                    generateStatus.set("Generation failed: " + Dialogs.reason(e));
                    Dialogs.error("Cannot generate a round", e);
                })
                .onFinished(() -> generating.set(false)));
    }

    // ---- properties

    public ReadOnlyObjectProperty<RoundComparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
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
        return generating.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty generateStatusProperty() {
        return generateStatus.getReadOnlyProperty();
    }

    /** The method of the length-adjusted column, for a tooltip. */
    public String lengthAdjustedMethod() {
        return LengthControlled.METHOD + ". Not the leaderboard's LC: AlpacaEval's instruction difficulties are not "
                + "available offline.";
    }

    /** Where the current data came from (null before anything is open). */
    public Path openPath() {
        return openPath;
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
        return genSteps;
    }

    public IntegerProperty genMaxTokensProperty() {
        return genMaxTokens;
    }

    public StringProperty genAnswerTemplateProperty() {
        return genAnswerTemplate;
    }

    public StringProperty genTemplateProperty() {
        return genTemplate;
    }

    /** The selection rule: mean_logprob, last_answering[:N] or score:COLUMN. */
    public StringProperty genRuleProperty() {
        return genRule;
    }

    public StringProperty genRoundNameProperty() {
        return genRoundName;
    }

    /** The model shown in Models, for the generation form. */
    public ReadOnlyObjectProperty<Path> modelFolderProperty() {
        return current.folderProperty();
    }
}
