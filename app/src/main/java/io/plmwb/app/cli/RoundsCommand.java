package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.rounds.ComparisonTable;
import io.plmwb.experiments.rounds.ImportIssue;
import io.plmwb.experiments.rounds.LengthControlled;
import io.plmwb.experiments.rounds.PairedComparison;
import io.plmwb.experiments.rounds.Round;
import io.plmwb.experiments.rounds.RoundComparison;
import io.plmwb.experiments.rounds.RoundStatistics;
import io.plmwb.experiments.rounds.RoundStats;
import io.plmwb.experiments.rounds.RoundsCharts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench rounds}: win-rate statistics of refinement rounds (AlpacaEval definitions), a round-vs-round
 * paired comparison, and with {@code --out} the charts and the per-prompt comparison table. Subcommands:
 * {@code stats}, {@code export}, {@code generate}.
 */
@Command(name = "rounds", mixinStandardHelpOptions = true,
        description = {"Refinement rounds: win rate vs the judge's baseline = 100·mean(preference − 1) with standard "
                + "error, wins/losses/draws, discrete win rate, seeded bootstrap 95%% interval, average length, a "
                + "length-adjusted win rate (an approximation of AlpacaEval's LC without its instruction-difficulty "
                + "term) and round-vs-round paired comparisons on shared prompts.",
            "With --out DIR it also writes the charts (PNG/SVG/PDF + CSV) and the comparison table (CSV + Markdown)."},
        subcommands = {RoundsCommand.Stats.class, RoundsCommand.Export.class, RoundsGenerateCommand.class})
public final class RoundsCommand implements Callable<Integer> {

    @CommandLine.Mixin
    RoundsInputs inputs = new RoundsInputs();

    @Option(names = "--out", paramLabel = "DIR", description = "also export charts and the comparison table here")
    Path out;

    @Option(names = "--bootstrap", defaultValue = "2000", paramLabel = "N",
            description = "bootstrap resamples (default ${DEFAULT-VALUE})")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "20250205", paramLabel = "S",
            description = "bootstrap seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--overwrite", description = "replace existing files in --out")
    boolean overwrite;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (inputs.rounds.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return WorkbenchCli.BAD_INPUT;
        }
        return run(spec, inputs, bootstrap, seed, json, out, overwrite, List.of("png", "svg", "pdf", "csv"), true,
                null);
    }

    /** {@code rounds stats}: the statistics only. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Win-rate statistics per round and paired comparisons of consecutive rounds.")
    static final class Stats implements Callable<Integer> {
        @CommandLine.Mixin
        RoundsInputs inputs = new RoundsInputs();

        @Option(names = "--bootstrap", defaultValue = "2000", paramLabel = "N", description = "bootstrap resamples")
        int bootstrap;

        @Option(names = "--seed", defaultValue = "20250205", paramLabel = "S", description = "bootstrap seed")
        long seed;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return run(spec, inputs, bootstrap, seed, json, null, false, List.of(), false, null);
        }
    }

    /** {@code rounds export}: charts and the comparison table. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes the win-rate-over-rounds and length charts (through the same export service as "
                    + "the GUI: PNG/SVG/PDF + the CSV of the series drawn) and the per-prompt comparison table "
                    + "(rounds-table.csv, rounds-table.md)."})
    static final class Export implements Callable<Integer> {
        @CommandLine.Mixin
        RoundsInputs inputs = new RoundsInputs();

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write into")
        Path out;

        @Option(names = "--formats", split = ",", defaultValue = "png,svg,pdf,csv", paramLabel = "LIST",
                description = "chart formats (default ${DEFAULT-VALUE})")
        List<String> formats;

        @Option(names = "--no-overlays", negatable = false,
                description = "leave the published reference numbers (ARIES, SPPO) off the win-rate chart")
        boolean noOverlays;

        @Option(names = "--steps-of", paramLabel = "ROUND",
                description = "table columns = the refinement steps of this round (default: one column per round)")
        String stepsOf;

        @Option(names = "--overwrite", description = "replace existing files")
        boolean overwrite;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return run(spec, inputs, RoundStatistics.DEFAULT_BOOTSTRAP, RoundStatistics.DEFAULT_SEED, json, out,
                    overwrite, formats, !noOverlays, stepsOf);
        }
    }

    static int run(CommandLine.Model.CommandSpec spec, RoundsInputs inputs, int bootstrap, long seed, boolean json,
                   Path out, boolean overwrite, List<String> formats, boolean overlays, String stepsOf)
            throws Exception {
        if (bootstrap < 1) {
            throw new BadInputException("--bootstrap must be ≥ 1");
        }
        RoundsInputs.Loaded loaded = inputs.load();
        PrintWriter pw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (ImportIssue i : loaded.issues()) {
            err.println("workbench rounds: warning: " + i);
        }
        List<Round> rounds = loaded.rounds();
        RoundComparison comparison = RoundComparison.of(rounds);
        for (String u : comparison.unmatchedReport()) {
            err.println("workbench rounds: unmatched: " + u);
        }
        err.flush();
        List<RoundStats> stats = new ArrayList<>();
        for (Round r : rounds) {
            stats.add(RoundStatistics.of(r, bootstrap, seed));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> rounds.get(i).index()));
        List<PairedComparison> paired = new ArrayList<>();
        for (int j = 1; j < order.size(); j++) {
            paired.add(RoundStatistics.paired(comparison, order.get(j - 1), order.get(j), bootstrap, seed));
        }
        List<Path> written = new ArrayList<>();
        if (out != null) {
            written.addAll(export(out, stats, comparison, formats, overlays, overwrite, stepsOf));
        }
        if (json) {
            pw.println(CliJson.pretty(toJson(rounds, stats, paired, comparison, loaded.issues(), written)));
        } else {
            print(pw, stats, paired);
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    private static List<Path> export(Path out, List<RoundStats> stats, RoundComparison c, List<String> formats,
                                     boolean overlays, boolean overwrite, String stepsOf) throws Exception {
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            ExportFormat e = null;
            for (ExportFormat x : ExportFormat.values()) {
                if (x.extension().equalsIgnoreCase(f.trim())) {
                    e = x;
                }
            }
            if (e == null) {
                throw new BadInputException("unknown format '" + f + "' (png, svg, pdf, csv)");
            }
            wanted.add(e);
        }
        List<Path> written = new ArrayList<>();
        ChartExportService service = new ChartExportService();
        ExportOptions options = new ExportOptions(900, 520, 200, overwrite);
        for (ChartSpec chart : new ChartSpec[] {RoundsCharts.winRates(stats, overlays), RoundsCharts.lengths(stats)}) {
            if (chart != null) {
                written.addAll(service.exportAll(chart, out, chart.id(), wanted, options));
            }
        }
        ComparisonTable table;
        if (stepsOf == null) {
            table = ComparisonTable.byRound(c, c.prompts());
        } else {
            int idx = -1;
            for (int i = 0; i < c.rounds().size(); i++) {
                if (c.rounds().get(i).name().equals(stepsOf)) {
                    idx = i;
                }
            }
            if (idx < 0) {
                throw new BadInputException("--steps-of: no round is named '" + stepsOf + "'");
            }
            table = ComparisonTable.bySteps(c, idx, c.prompts());
        }
        try {
            written.add(table.write(out.resolve("rounds-table.csv"), overwrite));
            written.add(table.write(out.resolve("rounds-table.md"), overwrite));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new BadInputException(e.getFile() + " exists (use --overwrite to replace it)");
        }
        return written;
    }

    private static void print(PrintWriter pw, List<RoundStats> stats, List<PairedComparison> paired) {
        pw.printf(Locale.ROOT, "%-28s %6s %9s %7s %6s %6s %6s %9s %17s %9s %10s %9s%n", "round", "n", "win rate",
                "SE", "wins", "losses", "draws", "discrete", "bootstrap 95%", "avg len", "avg tokens", "len-adj*");
        for (RoundStats s : stats) {
            pw.printf(Locale.ROOT, "%-28s %6d %9s %7s %6d %6d %6d %9s %17s %9d %10s %9s%n", s.index() + ": " + s.round(),
                    s.nTotal(), f(s.winRate()), f(s.standardError()), s.nWins(), s.nWinsBase(), s.nDraws(),
                    f(s.discreteWinRate()), s.judged() ? "[" + f(s.ciLow()) + ", " + f(s.ciHigh()) + "]" : "—",
                    s.avgLengthInt(), f(s.avgTokens()),
                    s.lengthControlled() == null ? "—" : f(s.lengthControlled().winRate()));
        }
        pw.println("* len-adj: " + LengthControlled.METHOD + " (not the leaderboard's LC)");
        for (PairedComparison p : paired) {
            pw.printf(Locale.ROOT, "%s → %s on %d shared prompts (%d judged in both): Δ win %s ± %s points "
                            + "[%s, %s], %s better on %d, worse on %d, equal on %d; Δ length %s chars%n",
                    p.roundA(), p.roundB(), p.shared(), p.judged(), f(p.meanDelta()), f(p.standardError()),
                    f(p.ciLow()), f(p.ciHigh()), p.roundB(), p.bBetter(), p.aBetter(), p.equal(),
                    f(p.meanLengthDelta()));
        }
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static ObjectNode toJson(List<Round> rounds, List<RoundStats> stats, List<PairedComparison> paired,
                                     RoundComparison c, List<ImportIssue> issues, List<Path> written) {
        ObjectNode root = CliJson.object();
        ArrayNode rs = root.putArray("rounds");
        for (int i = 0; i < stats.size(); i++) {
            RoundStats s = stats.get(i);
            Round r = rounds.get(i);
            ObjectNode o = rs.addObject();
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
        root.put("prompts", c.prompts().size());
        root.put("shared_prompts", c.shared().size());
        ArrayNode un = root.putArray("unmatched");
        for (RoundComparison.Unmatched u : c.unmatched()) {
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
        ArrayNode files = root.putArray("files");
        written.forEach(p -> files.add(p.toString()));
        return root;
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}
