package io.plmwb.experiments.rounds;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link RoundsStudy} found: the imported rounds and import issues, the prompt matching, per-round statistics
 * and the paired comparisons of consecutive rounds. Immutable.
 */
public final class RoundsReport implements StudyReport<RoundsReport.Selection> {

    /** The chart formats of Export all and {@code rounds --out}. */
    public static final List<ExportFormat> FORMATS = List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF,
            ExportFormat.CSV);
    /** The file names of the comparison table and the statistics in a bundle. */
    public static final String TABLE_CSV = "rounds-table.csv";
    public static final String TABLE_MD = "rounds-table.md";
    public static final String STATS_CSV = "rounds-stats.csv";
    public static final String PAIRED_CSV = "rounds-paired.csv";

    /**
     * What the user picked that changes the charts or the exported table.
     *
     * @param overlays   the published ARIES/SPPO numbers on the win-rate chart
     * @param stepsRound -1: one table column per round; else the refinement steps of this round are the columns
     * @param prompts    the table's rows as indices into the comparison's prompts, in order; null: every prompt in
     *                   file order
     */
    public record Selection(boolean overlays, int stepsRound, List<Integer> prompts) {
        /** Overlays on, one column per round, every prompt. */
        public static final Selection DEFAULT = new Selection(true, -1, null);

        public Selection {
            if (stepsRound < -1) {
                throw new IllegalArgumentException("stepsRound must be -1 or a round index, was " + stepsRound);
            }
            prompts = prompts == null ? null : List.copyOf(prompts);
        }
    }

    private final RoundsStudy.Settings settings;
    private final List<Round> rounds;
    private final List<ImportIssue> issues;
    private final RoundComparison comparison;
    private final List<RoundStats> stats;
    private final List<PairedComparison> paired;
    private final String tokenizer;

    RoundsReport(RoundsStudy.Settings settings, List<Round> rounds, List<ImportIssue> issues,
            RoundComparison comparison, List<RoundStats> stats, List<PairedComparison> paired, String tokenizer) {
        this.settings = settings;
        this.rounds = List.copyOf(rounds);
        this.issues = List.copyOf(issues);
        this.comparison = comparison;
        this.stats = List.copyOf(stats);
        this.paired = List.copyOf(paired);
        this.tokenizer = tokenizer;
    }

    public RoundsStudy.Settings settings() {
        return settings;
    }

    /** The rounds as read (with token counts when a tokenizer was given), in source order. */
    public List<Round> rounds() {
        return rounds;
    }

    /** Records that could not be read (file, line, problem); the rest was kept. */
    public List<ImportIssue> issues() {
        return issues;
    }

    public RoundComparison comparison() {
        return comparison;
    }

    /** Statistics per round, in the order of {@link #rounds()}. */
    public List<RoundStats> stats() {
        return stats;
    }

    /** B − A of each round against the previous one by round number. */
    public List<PairedComparison> paired() {
        return paired;
    }

    /** The name of the tokenizer the lengths were counted with, or null. */
    public String tokenizer() {
        return tokenizer;
    }

    /** The index of the round named {@code name}, or -1. */
    public int roundNamed(String name) {
        for (int i = 0; i < rounds.size(); i++) {
            if (rounds.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** How Export all and {@code rounds --out} lay out the charts (900×520 at 200 DPI). */
    public static ExportOptions exportOptions(boolean overwrite) {
        return new ExportOptions(900, 520, 200, overwrite);
    }

    /** The win-rate chart for the selection, or null (no judged round and no overlays). */
    public ChartSpec winRateChart(Selection selection) {
        return RoundsCharts.winRates(stats, selection.overlays());
    }

    /** The average-length chart, or null without rounds. */
    public ChartSpec lengthChart() {
        return RoundsCharts.lengths(stats);
    }

    @Override
    public List<ChartSpec> charts(Selection selection) {
        List<ChartSpec> out = new ArrayList<>();
        for (ChartSpec c : new ChartSpec[] {winRateChart(selection), lengthChart()}) {
            if (c != null) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** The per-prompt comparison table of the selection's rows and columns. */
    public ComparisonTable table(Selection selection) {
        List<MatchedPrompt> rows;
        if (selection.prompts() == null) {
            rows = comparison.prompts();
        } else {
            rows = new ArrayList<>();
            for (int i : selection.prompts()) {
                if (i < 0 || i >= comparison.prompts().size()) {
                    throw new IllegalArgumentException("no prompt " + i + " (there are "
                            + comparison.prompts().size() + ")");
                }
                rows.add(comparison.prompts().get(i));
            }
        }
        if (selection.stepsRound() < 0) {
            return ComparisonTable.byRound(comparison, rows);
        }
        if (selection.stepsRound() >= rounds.size()) {
            throw new IllegalArgumentException("no round " + selection.stepsRound() + " (there are " + rounds.size()
                    + ")");
        }
        return ComparisonTable.bySteps(comparison, selection.stepsRound(), rows);
    }

    /** The charts, the comparison table (CSV, Markdown), the statistics per round and the paired comparisons. */
    @Override
    public Bundle bundle(Selection selection) {
        ComparisonTable table = table(selection);
        Bundle.Builder b = Bundle.builder();
        charts(selection).forEach(b::chart);
        return b.text(TABLE_CSV, table.toCsv()).text(TABLE_MD, table.toMarkdown()).text(STATS_CSV, statsCsv())
                .text(PAIRED_CSV, pairedCsv()).build();
    }

    /** One CSV record per round: the numbers of {@link #toJson()}'s rounds. */
    public String statsCsv() {
        StringBuilder sb = new StringBuilder();
        ComparisonTable.appendCsv(sb, List.of("round", "index", "source", "prompts", "n_total", "win_rate",
                "standard_error", "n_wins", "n_wins_base", "n_draws", "discrete_win_rate", "ci95_low", "ci95_high",
                "avg_length", "avg_tokens", "tokenizer", "mean_reward", "length_adjusted_win_rate"));
        for (int i = 0; i < stats.size(); i++) {
            RoundStats s = stats.get(i);
            ComparisonTable.appendCsv(sb, List.of(s.round(), Integer.toString(s.index()), rounds.get(i).source(),
                    Integer.toString(s.prompts()), Integer.toString(s.nTotal()), csv(s.winRate()),
                    csv(s.standardError()), Integer.toString(s.nWins()), Integer.toString(s.nWinsBase()),
                    Integer.toString(s.nDraws()), csv(s.discreteWinRate()), csv(s.ciLow()), csv(s.ciHigh()),
                    csv(s.avgLength()), csv(s.avgTokens()), rounds.get(i).tokenizer(), csv(s.meanReward()),
                    s.lengthControlled() == null ? "" : csv(s.lengthControlled().winRate())));
        }
        return sb.toString();
    }

    /** One CSV record per paired comparison (B − A on the shared prompts). */
    public String pairedCsv() {
        StringBuilder sb = new StringBuilder();
        ComparisonTable.appendCsv(sb, List.of("a", "b", "shared", "judged", "mean_delta", "standard_error",
                "ci95_low", "ci95_high", "b_better", "a_better", "equal", "mean_length_delta", "mean_reward_delta"));
        for (PairedComparison p : paired) {
            ComparisonTable.appendCsv(sb, List.of(p.roundA(), p.roundB(), Integer.toString(p.shared()),
                    Integer.toString(p.judged()), csv(p.meanDelta()), csv(p.standardError()), csv(p.ciLow()),
                    csv(p.ciHigh()), Integer.toString(p.bBetter()), Integer.toString(p.aBetter()),
                    Integer.toString(p.equal()), csv(p.meanLengthDelta()), csv(p.meanRewardDelta())));
        }
        return sb.toString();
    }

    private static String csv(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** The statistics table and the paired comparisons as printed by {@code workbench rounds}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-28s %6s %9s %7s %6s %6s %6s %9s %17s %9s %10s %9s%n", "round", "n",
                "win rate", "SE", "wins", "losses", "draws", "discrete", "bootstrap 95%", "avg len", "avg tokens",
                "len-adj*"));
        for (RoundStats s : stats) {
            sb.append(String.format(Locale.ROOT, "%-28s %6d %9s %7s %6d %6d %6d %9s %17s %9d %10s %9s%n",
                    s.index() + ": " + s.round(), s.nTotal(), f(s.winRate()), f(s.standardError()), s.nWins(),
                    s.nWinsBase(), s.nDraws(), f(s.discreteWinRate()),
                    s.judged() ? "[" + f(s.ciLow()) + ", " + f(s.ciHigh()) + "]" : "—", s.avgLengthInt(),
                    f(s.avgTokens()), s.lengthControlled() == null ? "—" : f(s.lengthControlled().winRate())));
        }
        sb.append("* len-adj: ").append(LengthControlled.METHOD).append(" (not the leaderboard's LC)")
                .append(System.lineSeparator());
        for (PairedComparison p : paired) {
            sb.append(String.format(Locale.ROOT, "%s → %s on %d shared prompts (%d judged in both): Δ win %s ± %s "
                            + "points [%s, %s], %s better on %d, worse on %d, equal on %d; Δ length %s chars%n",
                    p.roundA(), p.roundB(), p.shared(), p.judged(), f(p.meanDelta()), f(p.standardError()),
                    f(p.ciLow()), f(p.ciHigh()), p.roundB(), p.bBetter(), p.aBetter(), p.equal(),
                    f(p.meanLengthDelta())));
        }
        return sb.toString();
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The rounds, paired comparisons, prompt counts, unmatched instructions and import issues. */
    @Override
    public ObjectNode toJson() {
        ObjectNode root = StudyJson.object();
        ArrayNode rs = root.putArray("rounds");
        for (int i = 0; i < stats.size(); i++) {
            roundJson(rs.addObject(), stats.get(i), rounds.get(i));
        }
        ArrayNode ps = root.putArray("paired");
        for (PairedComparison p : paired) {
            ObjectNode o = ps.addObject();
            o.put("a", p.roundA());
            o.put("b", p.roundB());
            o.put("shared", p.shared());
            o.put("judged", p.judged());
            num(o, "mean_delta", p.meanDelta());
            num(o, "standard_error", p.standardError());
            num(o, "ci95_low", p.ciLow());
            num(o, "ci95_high", p.ciHigh());
            o.put("b_better", p.bBetter());
            o.put("a_better", p.aBetter());
            o.put("equal", p.equal());
            num(o, "mean_length_delta", p.meanLengthDelta());
            num(o, "mean_reward_delta", p.meanRewardDelta());
        }
        root.put("prompts", comparison.prompts().size());
        root.put("shared_prompts", comparison.shared().size());
        ArrayNode un = root.putArray("unmatched");
        for (RoundComparison.Unmatched u : comparison.unmatched()) {
            ObjectNode o = un.addObject();
            o.put("round", u.round());
            o.put("count", u.count());
            ArrayNode ex = o.putArray("examples");
            u.examples().forEach(ex::add);
        }
        ArrayNode is = root.putArray("issues");
        for (ImportIssue i : issues) {
            ObjectNode o = is.addObject();
            o.put("file", i.file().toString());
            o.put("line", i.line());
            o.put("message", i.message());
        }
        return root;
    }

    private static void roundJson(ObjectNode o, RoundStats s, Round r) {
        o.put("name", s.round());
        o.put("index", s.index());
        o.put("source", r.source());
        o.put("generator", r.generator());
        o.put("prompts", s.prompts());
        o.put("n_total", s.nTotal());
        num(o, "win_rate", s.winRate());
        num(o, "standard_error", s.standardError());
        o.put("n_wins", s.nWins());
        o.put("n_wins_base", s.nWinsBase());
        o.put("n_draws", s.nDraws());
        num(o, "discrete_win_rate", s.discreteWinRate());
        num(o, "ci95_low", s.ciLow());
        num(o, "ci95_high", s.ciHigh());
        o.put("bootstrap_samples", s.bootstrapSamples());
        o.put("bootstrap_seed", s.seed());
        o.put("avg_length", s.avgLengthInt());
        num(o, "avg_length_exact", s.avgLength());
        num(o, "avg_tokens", s.avgTokens());
        o.put("tokenizer", r.tokenizer());
        num(o, "mean_reward", s.meanReward());
        LengthControlled lc = s.lengthControlled();
        if (lc == null) {
            o.putNull("length_adjusted");
        } else {
            ObjectNode l = o.putObject("length_adjusted");
            l.put("win_rate", lc.winRate());
            l.put("bias", lc.bias());
            l.put("length_slope", lc.lengthSlope());
            l.put("n", lc.n());
            l.put("method", LengthControlled.METHOD);
        }
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}
