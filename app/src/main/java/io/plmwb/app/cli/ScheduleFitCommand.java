package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.schedule.Replay;
import io.plmwb.experiments.schedule.ScheduleFitReport;
import io.plmwb.experiments.schedule.ScheduleFitStudy;
import io.plmwb.experiments.schedule.ScheduleFitter;
import io.plmwb.experiments.study.NoSelection;
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

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ScheduleFitReport report = new ScheduleFitStudy().run(new ScheduleFitStudy.Settings(log, column,
                ScheduleFitter.Kind.parse(kind), parseAlign(align)), TaskContext.none());
        List<Path> written = out == null ? List.of() : files.write(report.bundle(NoSelection.ALL), out);
        ScheduleCommand.print(spec.commandLine().getOut(), json.on(), report.toJson(), report.textLines(), written);
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
