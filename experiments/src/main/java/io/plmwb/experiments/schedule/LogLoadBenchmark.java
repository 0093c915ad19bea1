package io.plmwb.experiments.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.experiments.study.StudyJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training-log load target (a 1,000,000-step log in under 3 s), measured against baselines run in the same
 * process on the same files: reading the bytes and counting lines (the floor of any reader) and Tablesaw's own
 * generic CSV reader. Behind {@code workbench bench-logs}.
 */
public final class LogLoadBenchmark {

    /** The load target in seconds. */
    public static final double TARGET_SECONDS = 3.0;

    static final String CSV_RAW = "baseline: read bytes + count lines (csv)";
    static final String CSV_TABLESAW = "baseline: Tablesaw CsvReader (csv)";
    static final String CSV_OURS = "workbench CsvLogReader (csv)";
    static final String TB_RAW = "baseline: read bytes (tfevents)";
    static final String TB_OURS = "workbench TensorBoardEventReader (tfevents)";

    /**
     * What to time.
     *
     * @param steps log length, at least 10
     * @param repeats timed repeats after one warm-up, at least 1 (the median is reported)
     * @param dir where to write the logs; null: a temp folder, deleted afterwards
     */
    public record Settings(int steps, int repeats, Path dir) {
        /** Checks the ranges. */
        public Settings {
            if (steps < 10 || repeats < 1) {
                throw new IllegalArgumentException("--steps must be at least 10 and --repeats at least 1");
            }
        }
    }

    /** The measured medians (seconds per load, in run order) and the file sizes. */
    public record Report(int steps, int repeats, long csvBytes, long tfeventsBytes, Map<String, Double> median,
                         int cores) {
        /** Copies the medians. */
        public Report {
            median = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(median));
        }

        /** Seconds of the workbench CSV reader. */
        public double csvSeconds() {
            return median.get(CSV_OURS);
        }

        /** Seconds of the workbench TensorBoard reader. */
        public double tfeventsSeconds() {
            return median.get(TB_OURS);
        }

        /** Both readers under {@link #TARGET_SECONDS}. */
        public boolean targetMet() {
            return csvSeconds() < TARGET_SECONDS && tfeventsSeconds() < TARGET_SECONDS;
        }

        /** The {@code --json} report. */
        public ObjectNode toJson() {
            ObjectNode root = StudyJson.object();
            root.put("steps", steps);
            root.put("repeats", repeats);
            root.put("csv_bytes", csvBytes);
            root.put("tfevents_bytes", tfeventsBytes);
            ObjectNode m = root.putObject("median_seconds");
            median.forEach(m::put);
            root.put("csv_vs_raw", csvSeconds() / median.get(CSV_RAW));
            root.put("csv_vs_tablesaw", csvSeconds() / median.get(CSV_TABLESAW));
            root.put("tfevents_vs_raw", tfeventsSeconds() / median.get(TB_RAW));
            root.put("target_seconds", TARGET_SECONDS);
            root.put("target_met", targetMet());
            root.put("cores", cores);
            return root;
        }

        /** The text report. */
        public String text() {
            StringBuilder b = new StringBuilder();
            double csvOurs = csvSeconds();
            double csvTablesaw = median.get(CSV_TABLESAW);
            b.append(String.format("%d steps: csv %.1f MB, tfevents %.1f MB; median of %d after a warm-up, %d cores%n",
                    steps, csvBytes / 1e6, tfeventsBytes / 1e6, repeats, cores));
            median.forEach((k, v) -> b.append(String.format("  %-46s %7.3f s%n", k, v)));
            b.append(String.format("csv: %.2f× the raw read, %.2f× Tablesaw's CsvReader (%.1f× faster)%n",
                    csvOurs / median.get(CSV_RAW), csvOurs / csvTablesaw, csvTablesaw / csvOurs));
            b.append(String.format("tfevents: %.2f× the raw read%n", tfeventsSeconds() / median.get(TB_RAW)));
            b.append(String.format("target < %.0f s for %d steps: %s (csv %.2f s, tfevents %.2f s)%n", TARGET_SECONDS,
                    steps, targetMet() ? "met" : "NOT met", csvOurs, tfeventsSeconds()));
            return b.toString();
        }
    }

    @FunctionalInterface
    private interface Load {
        int run() throws Exception;
    }

    /** Writes both logs, times every load ({@code ctx} hears where the logs are written) and cleans up a temp dir. */
    public Report run(Settings s, TaskContext ctx) throws Exception {
        boolean temp = s.dir() == null;
        Path d = temp ? Files.createTempDirectory("plmwb-bench-logs") : Files.createDirectories(s.dir());
        try {
            int steps = s.steps();
            Schedule schedule = ScheduleSpec.parse("wsdc:warmup=" + steps / 20 + ",stable_end=" + steps * 6 / 10
                    + ",decay_end=" + steps * 85 / 100 + ",peak=2e-3,floor=2e-4,shape=linear").schedule();
            Path csv = d.resolve("training_log.csv");
            Path events = d.resolve("events.out.tfevents.0.bench");
            ctx.message("writing " + steps + "-step logs to " + d);
            SyntheticLogs.writeCsv(csv, steps, schedule, 1);
            SyntheticLogs.writeEvents(events, steps, schedule, 1);
            Map<String, Load> loads = new LinkedHashMap<>();
            loads.put(CSV_RAW, () -> countLines(csv));
            loads.put(CSV_TABLESAW, () -> tech.tablesaw.api.Table.read().csv(csv.toFile()).rowCount());
            loads.put(CSV_OURS, () -> check(TrainingLogs.read(csv)));
            loads.put(TB_RAW, () -> Files.readAllBytes(events).length > 0 ? steps : 0);
            loads.put(TB_OURS, () -> check(TrainingLogs.read(events)));
            Map<String, Double> median = new LinkedHashMap<>();
            for (Map.Entry<String, Load> e : loads.entrySet()) {
                ctx.checkCancelled();
                median.put(e.getKey(), medianSeconds(e.getKey(), e.getValue(), steps, s.repeats()));
            }
            return new Report(steps, s.repeats(), Files.size(csv), Files.size(events), median,
                    Runtime.getRuntime().availableProcessors());
        } finally {
            if (temp) {
                deleteTree(d);
            }
        }
    }

    private static double medianSeconds(String name, Load load, int steps, int repeats) throws Exception {
        load.run(); // warm-up
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            int rows = load.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
            if (rows != steps) {
                throw new IllegalStateException(name + " read " + rows + " rows, expected " + steps);
            }
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    private static int countLines(Path csv) throws IOException {
        byte[] b = Files.readAllBytes(csv);
        int n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n - 1;
    }

    private static int check(TrainingLog log) {
        if (log.lrColumn().isEmpty() || log.lossColumn().isEmpty()) {
            throw new IllegalStateException("the benchmark log lost its lr or loss column: " + log.metrics());
        }
        return log.rows();
    }

    private static void deleteTree(Path d) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(d)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
