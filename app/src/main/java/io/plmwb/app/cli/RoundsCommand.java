package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.rounds.RoundStatistics;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.experiments.rounds.RoundsStudy;
import io.plmwb.experiments.study.BundleWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            "With --out DIR it also writes the charts (PNG/SVG/PDF + CSV), the comparison table (CSV + Markdown) and "
                + "the statistics (rounds-stats.csv, rounds-paired.csv): the files of the workspace's Export all."},
        subcommands = {RoundsCommand.Stats.class, RoundsCommand.Export.class, RoundsGenerateCommand.class})
public final class RoundsCommand implements Callable<Integer> {

    @CommandLine.Mixin
    RoundsInputs inputs = new RoundsInputs();

    @Option(names = "--out", paramLabel = "DIR",
            description = "also export the charts, the comparison table and the statistics here")
    Path out;

    @Option(names = "--bootstrap", defaultValue = "2000", paramLabel = "N",
            description = "bootstrap resamples (default ${DEFAULT-VALUE})")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "20250205", paramLabel = "S",
            description = "bootstrap seed (default ${DEFAULT-VALUE})")
    long seed;

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (inputs.rounds.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return WorkbenchCli.BAD_INPUT;
        }
        return run(spec, inputs, bootstrap, seed, json.on(), out, overwrite.on(), List.of("png", "svg", "pdf", "csv"), true,
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

        @CommandLine.Mixin
        JsonOption json = new JsonOption();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return run(spec, inputs, bootstrap, seed, json.on(), null, false, List.of(), false, null);
        }
    }

    /** {@code rounds export}: charts and the comparison table. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes the win-rate-over-rounds and length charts (through the same export service as "
                    + "the GUI: PNG/SVG/PDF + the CSV of the series drawn) and the per-prompt comparison table "
                    + "(rounds-table.csv, rounds-table.md), the statistics per round (rounds-stats.csv) and the paired "
                    + "comparisons (rounds-paired.csv)."})
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

        @CommandLine.Mixin
        OverwriteOption overwrite = new OverwriteOption();

        @CommandLine.Mixin
        JsonOption json = new JsonOption();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return run(spec, inputs, RoundStatistics.DEFAULT_BOOTSTRAP, RoundStatistics.DEFAULT_SEED, json.on(), out,
                    overwrite.on(), formats, !noOverlays, stepsOf);
        }
    }

    static int run(CommandLine.Model.CommandSpec spec, RoundsInputs inputs, int bootstrap, long seed, boolean json,
                   Path out, boolean overwrite, List<String> formats, boolean overlays, String stepsOf)
            throws Exception {
        RoundsStudy.Settings settings = inputs.settings(bootstrap, seed);
        List<ExportFormat> wanted = formats(formats);
        RoundsReport report = RoundsInputs.run(settings);
        PrintWriter pw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        report.issues().forEach(i -> err.println("workbench rounds: warning: " + i));
        report.comparison().unmatchedReport().forEach(u -> err.println("workbench rounds: unmatched: " + u));
        err.flush();
        List<Path> written = List.of();
        if (out != null) {
            int steps = stepsOf == null ? -1 : report.roundNamed(stepsOf);
            if (stepsOf != null && steps < 0) {
                throw new BadInputException("--steps-of: no round is named '" + stepsOf + "'");
            }
            written = new BundleWriter().write(report.bundle(new RoundsReport.Selection(overlays, steps, null)), out,
                    wanted, RoundsReport.exportOptions(overwrite), TaskContext.none());
        }
        if (json) {
            ObjectNode j = report.toJson();
            ArrayNode files = j.putArray("files");
            written.forEach(p -> files.add(p.toString()));
            pw.println(CliJson.pretty(j));
        } else {
            pw.print(report.text());
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    private static List<ExportFormat> formats(List<String> names) {
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : names) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("unknown format '" + f + "' (png, svg, pdf, csv)");
            }
        }
        return wanted;
    }
}
