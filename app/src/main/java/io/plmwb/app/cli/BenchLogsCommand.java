package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.schedule.SyntheticLogs;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.experiments.schedule.ScheduleSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench bench-logs}: the training-log load target (a 1,000,000-step log in under 3 s), measured against
 * baselines run in the same process on the same files: reading the bytes and counting lines (the floor of any
 * reader) and Tablesaw's own generic CSV reader.
 */
@Command(name = "bench-logs", mixinStandardHelpOptions = true,
        description = {"Time loading an N-step training log (wide CSV and TensorBoard event file, written first) "
                + "against baselines measured in the same run: raw bytes + line count, and Tablesaw's CsvReader.",
            "Target: a 1,000,000-step log loads in < 3 s."})
public final class BenchLogsCommand implements Callable<Integer> {

    static final double TARGET_SECONDS = 3.0;

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

    @FunctionalInterface
    interface Load {
        int run() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (steps < 10 || repeats < 1) {
            throw new BadInputException("--steps must be at least 10 and --repeats at least 1");
        }
        PrintWriter pw = spec.commandLine().getOut();
        boolean temp = dir == null;
        Path d = temp ? Files.createTempDirectory("plmwb-bench-logs") : Files.createDirectories(dir);
        try {
            var schedule = ScheduleSpec.parse("wsdc:warmup=" + steps / 20 + ",stable_end=" + steps * 6 / 10
                    + ",decay_end=" + steps * 85 / 100 + ",peak=2e-3,floor=2e-4,shape=linear").schedule();
            Path csv = d.resolve("training_log.csv");
            Path events = d.resolve("events.out.tfevents.0.bench");
            if (!json.on()) {
                pw.println("writing " + steps + "-step logs to " + d);
                pw.flush();
            }
            SyntheticLogs.writeCsv(csv, steps, schedule, 1);
            SyntheticLogs.writeEvents(events, steps, schedule, 1);
            Map<String, Load> loads = new LinkedHashMap<>();
            loads.put("baseline: read bytes + count lines (csv)", () -> {
                byte[] b = Files.readAllBytes(csv);
                int n = 0;
                for (byte x : b) {
                    if (x == '\n') {
                        n++;
                    }
                }
                return n - 1;
            });
            loads.put("baseline: Tablesaw CsvReader (csv)", () -> tech.tablesaw.api.Table.read().csv(csv.toFile())
                    .rowCount());
            loads.put("workbench CsvLogReader (csv)", () -> check(TrainingLogs.read(csv)));
            loads.put("baseline: read bytes (tfevents)", () -> Files.readAllBytes(events).length > 0 ? steps : 0);
            loads.put("workbench TensorBoardEventReader (tfevents)", () -> check(TrainingLogs.read(events)));
            Map<String, Double> median = new LinkedHashMap<>();
            for (Map.Entry<String, Load> e : loads.entrySet()) {
                e.getValue().run(); // warm-up
                double[] t = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    int rows = e.getValue().run();
                    t[i] = (System.nanoTime() - t0) / 1e9;
                    if (rows != steps) {
                        throw new IllegalStateException(e.getKey() + " read " + rows + " rows, expected " + steps);
                    }
                }
                Arrays.sort(t);
                median.put(e.getKey(), t[repeats / 2]);
            }
            double csvOurs = median.get("workbench CsvLogReader (csv)");
            double csvRaw = median.get("baseline: read bytes + count lines (csv)");
            double csvTablesaw = median.get("baseline: Tablesaw CsvReader (csv)");
            double tbOurs = median.get("workbench TensorBoardEventReader (tfevents)");
            double tbRaw = median.get("baseline: read bytes (tfevents)");
            boolean ok = csvOurs < TARGET_SECONDS && tbOurs < TARGET_SECONDS;
            if (json.on()) {
                ObjectNode root = CliJson.object();
                root.put("steps", steps);
                root.put("repeats", repeats);
                root.put("csv_bytes", Files.size(csv));
                root.put("tfevents_bytes", Files.size(events));
                ObjectNode m = root.putObject("median_seconds");
                median.forEach(m::put);
                root.put("csv_vs_raw", csvOurs / csvRaw);
                root.put("csv_vs_tablesaw", csvOurs / csvTablesaw);
                root.put("tfevents_vs_raw", tbOurs / tbRaw);
                root.put("target_seconds", TARGET_SECONDS);
                root.put("target_met", ok);
                root.put("cores", Runtime.getRuntime().availableProcessors());
                pw.println(CliJson.pretty(root));
            } else {
                pw.printf("%d steps: csv %.1f MB, tfevents %.1f MB; median of %d after a warm-up, %d cores%n", steps,
                        Files.size(csv) / 1e6, Files.size(events) / 1e6, repeats,
                        Runtime.getRuntime().availableProcessors());
                median.forEach((k, v) -> pw.printf("  %-46s %7.3f s%n", k, v));
                pw.printf("csv: %.2f× the raw read, %.2f× Tablesaw's CsvReader (%.1f× faster)%n", csvOurs / csvRaw,
                        csvOurs / csvTablesaw, csvTablesaw / csvOurs);
                pw.printf("tfevents: %.2f× the raw read%n", tbOurs / tbRaw);
                pw.printf("target < %.0f s for %d steps: %s (csv %.2f s, tfevents %.2f s)%n", TARGET_SECONDS, steps,
                        ok ? "met" : "NOT met", csvOurs, tbOurs);
            }
            pw.flush();
            return 0;
        } finally {
            if (temp) {
                List<Path> all = new ArrayList<>();
                try (var s = Files.walk(d)) {
                    s.forEach(all::add);
                }
                for (int i = all.size() - 1; i >= 0; i--) {
                    Files.deleteIfExists(all.get(i));
                }
            }
        }
    }

    private int check(TrainingLog log) {
        if (log.lrColumn().isEmpty() || log.lossColumn().isEmpty()) {
            throw new IllegalStateException("the benchmark log lost its lr or loss column: " + log.metrics());
        }
        return log.rows();
    }
}
