package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.schedule.LogLoadBenchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench bench-logs}: the training-log load target, timed by {@link LogLoadBenchmark}. */
@Command(name = "bench-logs", mixinStandardHelpOptions = true,
        description = {"Time loading an N-step training log (wide CSV and TensorBoard event file, written first) "
                + "against baselines measured in the same run: raw bytes + line count, and Tablesaw's CsvReader.",
            "Target: a 1,000,000-step log loads in < 3 s."})
public final class BenchLogsCommand implements Callable<Integer> {

    @Option(names = "--steps", defaultValue = "1000000", description = "log length (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "timed repeats after one warm-up (default "
            + "${DEFAULT-VALUE}); the median is reported")
    int repeats;

    @Option(names = "--dir", paramLabel = "DIR", description = "where to write the logs (default: a temp folder, "
            + "deleted afterwards)")
    Path dir;

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 10 || repeats < 1) {
            throw new BadInputException("--steps must be at least 10 and --repeats at least 1");
        }
        PrintWriter pw = spec.commandLine().getOut();
        TaskContext ctx = json.on() ? TaskContext.none() : new CliMessages(pw, "");
        LogLoadBenchmark.Report report = new LogLoadBenchmark().run(new LogLoadBenchmark.Settings(steps, repeats, dir),
                ctx);
        pw.print(json.on() ? CliJson.pretty(report.toJson()) + System.lineSeparator() : report.text());
        pw.flush();
        return 0;
    }
}
