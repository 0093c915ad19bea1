package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.schedule.SchedulesReport;
import io.plmwb.experiments.schedule.SchedulesStudy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench schedule}: draw a schedule given in the compact text form; {@code schedule fit} infers one. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        subcommands = {ScheduleFitCommand.class},
        description = {"Draw a learning-rate schedule over N steps and export it (PNG/SVG/PDF + CSV of the rates).",
            "SPEC is KIND:key=value,…, kinds " + "wsdc, wsd, cosine, linear, constant, inverse_sqrt, piecewise, e.g.",
            "  wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=3e-4,floor=3e-5,shape=cosine",
            "Shapes: linear, cosine, sqrt, square, exponential (half_life=τ for MiniCPM's 0.5^((s-D)/τ)).",
            "Every kind also takes axis=step|tokens and phases=P1;P2 (data-phase starts)."})
public final class ScheduleCommand implements Callable<Integer> {

    @Option(names = "--spec", paramLabel = "SPEC", description = "the schedule in the compact text form")
    String specText;

    @Option(names = "--steps", paramLabel = "N", description = "draw positions 0..N (steps, or tokens with axis=tokens)")
    Long steps;

    @Option(names = "--out", paramLabel = "DIR", description = "folder to write into")
    Path out;

    @CommandLine.Mixin
    ChartFiles files = new ChartFiles();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (specText == null || steps == null || out == null) {
            throw new BadInputException("schedule needs --spec SPEC, --steps N and --out DIR (or the subcommand fit)");
        }
        if (steps < 1 || steps > SchedulesStudy.MAX_STEPS) {
            throw new BadInputException(String.format(java.util.Locale.ROOT, "--steps must be 1 to %,d, was %,d",
                    SchedulesStudy.MAX_STEPS, steps));
        }
        SchedulesReport report = new SchedulesStudy().run(SchedulesStudy.Settings.plot(specText, steps),
                TaskContext.none());
        List<Path> written = files.write(report.bundle(report.selection()), out);
        print(spec.commandLine().getOut(), json.on(), report.toJson(), report.textLines(), written);
        return 0;
    }

    /** Prints a report: its JSON with the written files added, or its text lines and one "wrote" line per file. */
    static void print(PrintWriter pw, boolean json, ObjectNode root, List<String> text, List<Path> written) {
        if (json) {
            var f = root.putArray("files");
            written.forEach(p -> f.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            text.forEach(pw::println);
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
    }
}
