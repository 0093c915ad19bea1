package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.schedule.SchedulesReport;
import io.plmwb.experiments.schedule.SchedulesStudy;
import io.plmwb.experiments.smoothing.Smoothing;
import java.nio.file.Path;
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

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(weight >= 0 && weight < 1)) {
            throw new BadInputException("--weight must be in [0, 1), was " + weight);
        }
        SchedulesStudy.Settings settings = new SchedulesStudy.Settings(logs, specText,
                ScheduleFitCommand.parseAlign(align), null, Smoothing.Method.parse(smoothing), weight, metric);
        SchedulesReport report = new SchedulesStudy().run(settings, TaskContext.none());
        List<Path> written = files.write(report.bundle(report.selection()), out);
        ScheduleCommand.print(spec.commandLine().getOut(), json.on(), report.toJson(), report.textLines(), written);
        return 0;
    }
}
