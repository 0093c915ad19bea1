package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.experiments.schedule.Replay;
import io.plmwb.experiments.schedule.ScheduleDefinition;
import io.plmwb.experiments.schedule.ScheduleFitter;
import io.plmwb.experiments.schedule.ScheduleSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench schedule fit}: infer a WSDC / WSD / cosine schedule from a logged learning-rate column. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Infer a WSDC, WSD or warmup+cosine schedule (warmup end, stable end, decay end, peak, floor, "
                + "shape) from a logged learning-rate column and report the residual (RMS of logged − fitted).",
            "Logs: .csv/.tsv, .jsonl, trainer_state.json, TensorBoard events.out.tfevents.*, or a run folder."})
public final class ScheduleFitCommand implements Callable<Integer> {

    @Option(names = "--log", required = true, paramLabel = "FILE", description = "the training log (or run folder)")
    Path log;

    @Option(names = "--column", paramLabel = "NAME", description = "the lr column (default: detected, e.g. lr, "
            + "learning_rate, train/lr)")
    String column;

    @Option(names = "--kind", defaultValue = "auto", paramLabel = "KIND",
            description = "auto, wsdc, wsd or cosine (default ${DEFAULT-VALUE}: the simplest that fits as well)")
    String kind;

    @Option(names = "--align", defaultValue = "step", paramLabel = "AXIS",
            description = "fit against step or tokens (default ${DEFAULT-VALUE})")
    String align;

    @Option(names = "--out", paramLabel = "DIR", description = "also export the residual chart here")
    Path out;

    @CommandLine.Mixin
    ChartFiles files = new ChartFiles();

    @Option(names = "--json", description = "print the fit as JSON: kind, parameters (spec names), residual")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainingLog run = TrainingLogs.read(log);
        String col = column != null ? column : run.lrColumn().orElseThrow(() -> new BadInputException(log
                + ": no learning-rate column found among " + run.metrics() + "; name it with --column"));
        if (!run.hasColumn(col) || !run.metrics().contains(col)) {
            throw new BadInputException(log + ": no numeric column '" + col + "'; columns: " + run.metrics());
        }
        Replay.Align axis = parseAlign(align);
        ScheduleFitter.Fit fit = ScheduleFitter.fit(Replay.positions(run, axis), run.column(col),
                ScheduleFitter.Kind.parse(kind));
        ScheduleDefinition def = new ScheduleDefinition(fit.schedule(), axis == Replay.Align.TOKENS
                ? io.plmwb.experiments.schedule.ScheduleAxis.TOKENS : io.plmwb.experiments.schedule.ScheduleAxis.STEP,
                List.of());
        List<Path> written = out == null ? List.of()
                : files.export(Replay.residualChart(fit, run.name(), axis, 0), out);
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = CliJson.object();
            root.put("kind", fit.kind());
            ScheduleCommand.parameters(root.putObject("parameters"), fit.schedule().parameters());
            root.put("residual", fit.rms());
            root.put("residual_max", fit.maxAbs());
            root.put("residual_relative", fit.relativeRms());
            root.put("points", fit.x().length);
            root.put("spec", def.toSpec());
            root.put("log", run.source() == null ? log.toString() : run.source().toString());
            root.put("column", col);
            ArrayNode rivals = root.putArray("rivals");
            for (ScheduleFitter.Fit r : fit.rivals()) {
                ObjectNode o = rivals.addObject();
                o.put("kind", r.kind());
                o.put("residual", r.rms());
                o.put("spec", ScheduleSpec.format(ScheduleDefinition.of(r.schedule())));
            }
            ArrayNode w = root.putArray("warnings");
            run.warnings().forEach(w::add);
            ArrayNode f = root.putArray("files");
            written.forEach(p -> f.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            pw.println(def.toSpec());
            pw.printf("residual: RMS %.4g (%.3g%% of the peak), max %.4g over %d points of '%s'%n", fit.rms(),
                    100 * fit.relativeRms(), fit.maxAbs(), fit.x().length, col);
            for (ScheduleFitter.Fit r : fit.rivals()) {
                pw.printf("  rival %-6s RMS %.4g  %s%n", r.kind(), r.rms(), ScheduleSpec.format(
                        ScheduleDefinition.of(r.schedule())));
            }
            run.warnings().forEach(x -> pw.println("warning: " + x));
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    static Replay.Align parseAlign(String s) {
        return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "step", "steps" -> Replay.Align.STEP;
            case "tokens", "token" -> Replay.Align.TOKENS;
            default -> throw new BadInputException("--align must be step or tokens, was '" + s + "'");
        };
    }
}
