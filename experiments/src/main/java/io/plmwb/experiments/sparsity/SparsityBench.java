package io.plmwb.experiments.sparsity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.HeatColors;
import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.experiments.study.StudyJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * The Sparsity workspace's speed targets ({@code workbench sparsity-bench}), each against a baseline measured in the
 * same run: prefill of N seeded random ids through the probed graph vs the plain graph (same chunks, alternating, an
 * untimed run after each switch, medians and paired ratios, optional ORT profiles), and the heat-map rasterisation of
 * a 32 × 4096 matrix vs one rectangle per cell. The JavaFX redraw is timed in views ({@code HeatmapRedrawBench}).
 */
public final class SparsityBench {

    /**
     * @param model        checkpoint to time the prefill on, or null for the heat map only
     * @param tokens       prefill length (≥ 1)
     * @param repeats      timed runs of each (≥ 1)
     * @param chunk        prefill chunk of both runs (0: one call each)
     * @param switchWarmup untimed runs after each switch of sessions (≥ 0)
     * @param profile      folder for ORT profiles of both sessions, or null
     * @param load         how the checkpoint is loaded (threads, memory guard, weights)
     */
    public record Settings(Path model, int tokens, int repeats, int chunk, int switchWarmup, Path profile,
                           ModelLoader.Options load) {
        public Settings {
            Objects.requireNonNull(load, "load");
            if (tokens < 1 || repeats < 1 || chunk < 0 || switchWarmup < 0) {
                throw new IllegalArgumentException("tokens ≥ 1, repeats ≥ 1, chunk ≥ 0, switch warm-up ≥ 0");
            }
        }
    }

    /** The figures as JSON ({@code load_average}, {@code prefill}, {@code heatmap}) and as text lines. */
    public record Report(ObjectNode json, List<String> lines) {
        public Report {
            json = json.deepCopy();
            lines = List.copyOf(lines);
        }

        @Override
        public ObjectNode json() {
            return json.deepCopy();
        }
    }

    private SparsityBench() {
    }

    /** Runs the benchmarks (the prefill one only with a model). */
    public static Report run(Settings s) throws Exception {
        ObjectNode root = StudyJson.object();
        List<String> lines = new ArrayList<>();
        root.put("load_average", loadAverage());
        if (s.model() != null) {
            prefill(s, root, lines);
        }
        heatmap(s, root, lines);
        return new Report(root, lines);
    }

    private static void prefill(Settings s, ObjectNode root, List<String> lines) throws Exception {
        ModelLoader.Options opts = s.load().withContextLimit(s.tokens() + 1);
        ModelLoader.Options plainOpts = opts;
        ModelLoader.Options probedOpts = opts;
        if (s.profile() != null) {
            Files.createDirectories(s.profile());
            io.plmwb.engine.runtime.RuntimeOptions r = opts.runtime();
            plainOpts = opts.withRuntime(new io.plmwb.engine.runtime.RuntimeOptions(r.interOpThreads(),
                    r.intraOpThreads(), s.profile().resolve("plain"), r.prepackWeights()));
            probedOpts = opts.withRuntime(new io.plmwb.engine.runtime.RuntimeOptions(r.interOpThreads(),
                    r.intraOpThreads(), s.profile().resolve("probed"), r.prepackWeights()));
        }
        double[] a = new double[s.repeats()];
        double[] b = new double[s.repeats()];
        double[] ca = new double[s.repeats()];
        double[] cb = new double[s.repeats()];
        int layers;
        int usedThreads;
        int usedChunk;
        try (LoadedModel plain = ModelLoader.load(s.model(), plainOpts, TaskContext.none());
             SparsityProbeRunner probed = SparsityProbeRunner.open(s.model(), probedOpts, TaskContext.none())) {
            int vocab = Math.min(plain.config().vocabSize(), plain.tokenizer().vocabSize());
            Random r = new Random(42);
            int[] ids = new int[s.tokens()];
            for (int i = 0; i < s.tokens(); i++) {
                ids[i] = r.nextInt(vocab);
            }
            probed.withChunkTokens(usedChunkFor(s, ids));
            // warm-up of both
            plain.session().reset();
            plainPrefill(plain, ids, usedChunkFor(s, ids));
            probed.capture("bench", ids, null, TaskContext.none());
            for (int i = 0; i < s.repeats(); i++) {
                // after a switch of sessions, one untimed run each: the other session's ORT worker threads keep
                // spinning for a while after its last run and would take one of the cores from the timed run
                for (int w = 0; w < s.switchWarmup(); w++) {
                    plain.session().reset();
                    plainPrefill(plain, ids, usedChunkFor(s, ids));
                }
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                plain.session().reset();
                plainPrefill(plain, ids, usedChunkFor(s, ids));
                a[i] = (System.nanoTime() - t0) / 1e6;
                ca[i] = (cpuNanos() - c0) / 1e6;
                for (int w = 0; w < s.switchWarmup(); w++) {
                    probed.capture("bench", ids, null, TaskContext.none());
                }
                long c1 = cpuNanos();
                long t1 = System.nanoTime();
                probed.capture("bench", ids, null, TaskContext.none());
                b[i] = (System.nanoTime() - t1) / 1e6;
                cb[i] = (cpuNanos() - c1) / 1e6;
            }
            layers = plain.config().numLayers();
            usedThreads = plain.runtimeOptions().intraOpThreads();
            usedChunk = probed.chunkTokens();
        }
        double ma = median(a);
        double mb = median(b);
        // per pair (plain run i, probed run i taken seconds apart): robust to the machine's drift over the run
        double[] ratio = new double[s.repeats()];
        for (int i = 0; i < s.repeats(); i++) {
            ratio[i] = b[i] / a[i] - 1;
        }
        double pairedOverhead = median(ratio);
        double mina = Arrays.stream(a).min().orElse(0);
        double minb = Arrays.stream(b).min().orElse(0);
        ObjectNode p = root.putObject("prefill");
        p.put("model", s.model().toAbsolutePath().normalize().toString());
        p.put("layers", layers);
        p.put("tokens", s.tokens());
        p.put("threads", usedThreads);
        p.put("probed_chunk", usedChunk);
        p.put("plain_chunk", usedChunk);
        p.put("switch_warmup", s.switchWarmup());
        p.put("plain_ms_median", ma);
        p.put("probed_ms_median", mb);
        p.put("overhead", mb / ma - 1);
        p.put("overhead_paired_median", pairedOverhead);
        p.put("plain_ms_min", mina);
        p.put("probed_ms_min", minb);
        p.put("overhead_min", minb / mina - 1);
        double cpuA = Arrays.stream(ca).sum() / s.repeats();
        double cpuB = Arrays.stream(cb).sum() / s.repeats();
        p.put("plain_cpu_ms_mean", cpuA);
        p.put("probed_cpu_ms_mean", cpuB);
        p.put("overhead_cpu", cpuB / cpuA - 1);
        p.put("plain_ms", Arrays.toString(a));
        p.put("probed_ms", Arrays.toString(b));
        lines.add(String.format(Locale.ROOT, "prefill %d tokens, %s (%d layers, %d threads): plain %.1f ms, probed %.1f ms "
                        + "(chunk %d) -> overhead %+.1f%% (ratio of the medians of %d; median of the %d paired "
                        + "ratios %+.1f%%; best runs %.1f / %.1f ms: %+.1f%%; process CPU time per run (mean) "
                        + "%.1f / %.1f ms: %+.1f%%; plain %s, probed %s)",
                s.tokens(), s.model().getFileName(), layers, usedThreads, ma, mb, usedChunk, 100 * (mb / ma - 1),
                s.repeats(), s.repeats(), 100 * pairedOverhead, mina, minb, 100 * (minb / mina - 1), cpuA, cpuB,
                100 * (cpuB / cpuA - 1), fmt(a), fmt(b)));
        if (s.profile() != null) {
            profileSummary(s, p, 1 + s.repeats() * (1 + s.switchWarmup()), lines);
        }
    }

    /** Kernel time per prefill in the two ORT profiles (sessions closed, so the files are written). */
    private static void profileSummary(Settings s, ObjectNode p, int runs, List<String> lines)
            throws java.io.IOException {
        ObjectNode prof = p.putObject("profile");
        double[] totals = new double[2];
        java.util.Map<String, Double> probeOps = new java.util.TreeMap<>();
        String[] which = {"plain", "probed"};
        for (int i = 0; i < 2; i++) {
            Path file;
            try (var files = Files.list(s.profile())) {
                String prefix = which[i] + "_";
                file = files.filter(f -> f.getFileName().toString().startsWith(prefix))
                        .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified())).orElse(null);
            }
            if (file == null) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode events = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(file.toFile());
            for (com.fasterxml.jackson.databind.JsonNode e : events) {
                String name = e.path("name").asText();
                if (!"Node".equals(e.path("cat").asText()) || !name.endsWith("_kernel_time")) {
                    continue;
                }
                double ms = e.path("dur").asDouble() / 1000.0 / runs;
                totals[i] += ms;
                if (i == 1 && name.contains("/probe/")) {
                    probeOps.merge(e.path("args").path("op_name").asText("?"), ms, Double::sum);
                }
            }
            prof.put(which[i] + "_file", file.toString());
        }
        double probe = probeOps.values().stream().mapToDouble(Double::doubleValue).sum();
        prof.put("plain_kernel_ms", totals[0]);
        prof.put("probed_kernel_ms", totals[1]);
        prof.put("probe_kernel_ms", probe);
        ObjectNode ops = prof.putObject("probe_ops_ms");
        probeOps.forEach(ops::put);
        StringBuilder sb = new StringBuilder();
        probeOps.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue())));
        lines.add(String.format(Locale.ROOT, "ORT kernel time per prefill: plain graph %.1f ms, probed graph %.1f ms, of which "
                + "probe nodes %.1f ms (%+.1f%% of the plain kernel time):%s", totals[0], totals[1], probe,
                100 * probe / totals[0], sb));
    }

    private static int usedChunkFor(Settings s, int[] ids) {
        return s.chunk() == 0 ? ids.length : s.chunk();
    }

    /** The plain prefill in the same chunks as the probed one, so both sides run the same attention shapes. */
    private static void plainPrefill(LoadedModel plain, int[] ids, int chunkTokens) {
        for (int from = 0; from < ids.length; from += chunkTokens) {
            plain.session().prefill(Arrays.copyOfRange(ids, from, Math.min(ids.length, from + chunkTokens)), false,
                    TaskContext.none());
        }
    }

    private static void heatmap(Settings s, ObjectNode root, List<String> lines) {
        int rows = 32;
        int cols = 4096;
        int w = 1200;
        int h = 400;
        Random r = new Random(7);
        double[][] v = new double[rows][cols];
        List<String> xl = new ArrayList<>(cols);
        List<String> yl = new ArrayList<>(rows);
        for (int c = 0; c < cols; c++) {
            xl.add(Integer.toString(c));
        }
        for (int l = 0; l < rows; l++) {
            yl.add("layer " + l);
            for (int c = 0; c < cols; c++) {
                v[l][c] = r.nextDouble();
            }
        }
        HeatMatrix m = new HeatMatrix(xl, yl, v, 0, 1, HeatMatrix.Scale.SEQUENTIAL, "zero fraction");
        int[] buf = new int[w * h];
        int n = Math.max(10, s.repeats() * 4);
        double[] raster = new double[n];
        double[] cells = new double[n];
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int i = -3; i < n; i++) {
            long t0 = System.nanoTime();
            HeatColors.rasterize(m, w, h, buf);
            img.setRGB(0, 0, w, h, buf, 0, w);
            long t1 = System.nanoTime();
            java.awt.Graphics2D g = img.createGraphics();
            double cw = w / (double) cols;
            double rh = h / (double) rows;
            for (int l = 0; l < rows; l++) {
                for (int c = 0; c < cols; c++) {
                    g.setColor(new java.awt.Color(m.rgb(m.value(l, c))));
                    g.fill(new java.awt.geom.Rectangle2D.Double(c * cw, (rows - 1 - l) * rh, cw, rh));
                }
            }
            g.dispose();
            long t2 = System.nanoTime();
            if (i >= 0) {
                raster[i] = (t1 - t0) / 1e6;
                cells[i] = (t2 - t1) / 1e6;
            }
        }
        ObjectNode hm = root.putObject("heatmap");
        hm.put("cells", rows + "x" + cols);
        hm.put("canvas", w + "x" + h);
        hm.put("raster_ms_median", median(raster));
        hm.put("per_cell_ms_median", median(cells));
        hm.put("speedup", median(cells) / median(raster));
        lines.add(String.format(Locale.ROOT, "heat map %dx%d cells into %dx%d px: rasterised %.2f ms, one rectangle per cell "
                        + "%.2f ms (x%.1f) (medians of %d)", rows, cols, w, h, median(raster), median(cells),
                median(cells) / median(raster), n));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v[i]));
        }
        return b.append(']').toString();
    }

    /** CPU time of the whole process (all threads, ORT's included), ns; -1 when the JVM cannot tell. */
    private static long cpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
