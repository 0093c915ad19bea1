package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.experiments.schedule.Replay;
import io.plmwb.experiments.schedule.ScheduleDefinition;
import io.plmwb.experiments.schedule.ScheduleSpec;
import io.plmwb.experiments.smoothing.Smoothing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench replay}: overlay a schedule on logged runs and export the lr and metric charts. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay one or more training logs (aligned by step or tokens) against a schedule and export "
                + "two charts: schedule-lr (logged lr + the schedule) and the metric (raw + smoothed), each as "
                + "PNG/SVG/PDF and one wide CSV of every series drawn, smoothed ones included."})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--log", required = true, paramLabel = "FILE",
            description = "a training log or run folder; repeat for several runs")
    List<Path> logs;

    @Option(names = "--spec", paramLabel = "SPEC", description = "schedule to overlay (see workbench schedule --help)")
    String specText;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write into")
    Path out;

    @Option(names = "--align", defaultValue = "step", paramLabel = "AXIS", description = "step or tokens (default "
            + "${DEFAULT-VALUE})")
    String align;

    @Option(names = "--metric", paramLabel = "COLUMN", description = "metric to compare (default: the training loss)")
    String metric;

    @Option(names = "--smoothing", defaultValue = "ema", paramLabel = "METHOD",
            description = "none, ema (TensorBoard's), trailing or centred (default ${DEFAULT-VALUE})")
    String smoothing;

    @Option(names = "--weight", defaultValue = "0.9", paramLabel = "W",
            description = "smoothing weight in [0, 1); moving averages use round(1/(1-W)) points (default "
                    + "${DEFAULT-VALUE})")
    double weight;

    @CommandLine.Mixin
    ChartFiles files = new ChartFiles();

    @Option(names = "--json", description = "print the runs read and the files written as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(weight >= 0 && weight < 1)) {
            throw new BadInputException("--weight must be in [0, 1), was " + weight);
        }
        ScheduleDefinition def = specText == null ? null : ScheduleSpec.parse(specText);
        List<TrainingLog> runs = new ArrayList<>();
        for (Path p : logs) {
            runs.add(TrainingLogs.read(p));
        }
        Replay.Options o = new Replay.Options(ScheduleFitCommand.parseAlign(align), Smoothing.Method.parse(smoothing),
                weight, 0);
        List<Path> written = new ArrayList<>();
        ChartSpec lr = Replay.lrChart(runs, def, o);
        written.addAll(files.export(lr, out));
        boolean anyMetric = metric != null || runs.stream().anyMatch(r -> r.lossColumn().isPresent());
        if (anyMetric) {
            written.addAll(files.export(Replay.metricChart(runs, metric, o), out));
        }
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = CliJson.object();
            if (def != null) {
                root.put("spec", def.toSpec());
            }
            root.put("align", o.align().name().toLowerCase(java.util.Locale.ROOT));
            root.put("smoothing", o.smoothing().name().toLowerCase(java.util.Locale.ROOT));
            root.put("weight", weight);
            ArrayNode rs = root.putArray("runs");
            for (TrainingLog r : runs) {
                ObjectNode n = rs.addObject();
                n.put("name", r.name());
                n.put("file", String.valueOf(r.source()));
                n.put("format", r.format());
                n.put("steps", r.rows());
                ArrayNode m = n.putArray("columns");
                r.metrics().forEach(m::add);
                ArrayNode w = n.putArray("warnings");
                r.warnings().forEach(w::add);
            }
            ArrayNode f = root.putArray("files");
            written.forEach(p -> f.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            for (TrainingLog r : runs) {
                pw.println(r.name() + ": " + r.rows() + " steps (" + r.format() + "), columns " + r.metrics());
                r.warnings().forEach(w -> pw.println("  warning: " + w));
            }
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }
}
