package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.schedule.Phase;
import io.plmwb.experiments.schedule.ScheduleDefinition;
import io.plmwb.experiments.schedule.ScheduleSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    /** Points drawn at most (the CSV holds exactly these). */
    static final int MAX_POINTS = 10_001;

    @Option(names = "--spec", paramLabel = "SPEC", description = "the schedule in the compact text form")
    String specText;

    @Option(names = "--steps", paramLabel = "N", description = "draw positions 0..N (steps, or tokens with axis=tokens)")
    Long steps;

    @Option(names = "--out", paramLabel = "DIR", description = "folder to write into")
    Path out;

    @CommandLine.Mixin
    ChartFiles files = new ChartFiles();

    @Option(names = "--json", description = "print the parsed schedule and the written files as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (specText == null || steps == null || out == null) {
            throw new BadInputException("schedule needs --spec SPEC, --steps N and --out DIR (or the subcommand fit)");
        }
        if (steps < 1) {
            throw new BadInputException("--steps must be at least 1, was " + steps);
        }
        ScheduleDefinition def = ScheduleSpec.parse(specText);
        int n = (int) Math.min(MAX_POINTS, steps + 1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.rint(steps * (double) i / (n - 1));
        }
        ChartSpec chart = scheduleChart(def, x);
        List<Path> written = files.export(chart, out);
        PrintWriter pw = spec.commandLine().getOut();
        double[] lr = def.schedule().lr(x);
        if (json) {
            ObjectNode root = CliJson.object();
            root.put("spec", def.toSpec());
            root.put("kind", def.schedule().kind());
            parameters(root.putObject("parameters"), def.schedule().parameters());
            root.put("axis", def.axis().specName());
            root.put("steps", steps);
            ArrayNode phases = root.putArray("phases");
            for (Phase p : def.schedule().phases()) {
                ObjectNode o = phases.addObject();
                o.put("name", p.name());
                o.put("start", p.start());
                if (Double.isFinite(p.end())) {
                    o.put("end", p.end());
                } else {
                    o.putNull("end");
                }
            }
            ArrayNode dp = root.putArray("data_phases");
            def.dataPhases().forEach(dp::add);
            root.put("lr_first", lr[0]);
            root.put("lr_last", lr[n - 1]);
            root.put("lr_max", java.util.Arrays.stream(lr).max().orElse(Double.NaN));
            root.put("points", n);
            ArrayNode f = root.putArray("files");
            written.forEach(p -> f.add(p.toString()));
            pw.println(CliJson.pretty(root));
        } else {
            pw.println(def.toSpec());
            for (Phase p : def.schedule().phases()) {
                pw.printf("  %-12s %s – %s%n", p.name(), ScheduleSpec.num(p.start()),
                        Double.isFinite(p.end()) ? ScheduleSpec.num(p.end()) : "end");
            }
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        return 0;
    }

    static ChartSpec scheduleChart(ScheduleDefinition def, double[] x) {
        var b = ChartSpec.builder("schedule", io.plmwb.experiments.chart.ChartKind.LINE)
                .title("Learning-rate schedule: " + def.schedule().kind())
                .subtitle(def.toSpec())
                .xAxis(io.plmwb.experiments.chart.Axis.of(def.axis().label(), ""))
                .yAxis(io.plmwb.experiments.chart.Axis.of("Learning rate", ""))
                .legend(false, io.plmwb.experiments.chart.LegendPosition.BOTTOM)
                .addSeries(io.plmwb.experiments.chart.Series.xy("lr", x, def.schedule().lr(x)).build());
        List<Phase> ps = def.schedule().phases();
        for (int i = 1; i < ps.size(); i++) {
            if (ps.get(i).start() <= x[x.length - 1]) {
                b.addMarker(io.plmwb.experiments.chart.Marker.vertical(ps.get(i).start(), ps.get(i).name()));
            }
        }
        for (int i = 0; i < def.dataPhases().size(); i++) {
            if (def.dataPhases().get(i) <= x[x.length - 1]) {
                b.addMarker(io.plmwb.experiments.chart.Marker.vertical(def.dataPhases().get(i), "data phase " + (i + 2)));
            }
        }
        return b.build();
    }

    /** Writes schedule parameters with the spec's names: numbers as numbers, shape as text. */
    static void parameters(ObjectNode node, Map<String, Object> params) {
        params.forEach((k, v) -> {
            if (v instanceof Double d) {
                if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    node.put(k, d.longValue());
                } else {
                    node.put(k, d);
                }
            } else if (v == null) {
                node.putNull(k);
            } else {
                node.put(k, v.toString());
            }
        });
    }
}
