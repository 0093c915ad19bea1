package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.HeatColors;
import io.plmwb.experiments.chart.HeatMatrix;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench sparsity-bench}: the Sparsity workspace's speed targets, each against a baseline measured in the
 * same run — prefill of N tokens through the probed graph vs the plain graph (alternating, median of repeats), and
 * the heat-map rasterisation of a 32 × 4096 matrix vs drawing every cell.
 */
@Command(name = "sparsity-bench", mixinStandardHelpOptions = true,
        description = {"Capture overhead: prefill of --tokens random ids with the sparsity probes vs without "
                + "(same model, same ids, same chunks, alternating runs with an untimed run after each switch, "
                + "medians). Heat map: rasterising a 32 x 4096 matrix into a 1200 x 400 canvas buffer vs one "
                + "rectangle per cell (Java2D), medians. (The JavaFX canvas redraw is timed on the views side: "
                + "io.plmwb.views.sparsity.HeatmapRedrawBench.)"})
public final class SparsityBenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "checkpoint folder (omit for the heat map only)")
    Path model;

    @Option(names = "--tokens", defaultValue = "512", description = "prefill length (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--repeats", defaultValue = "5", description = "timed runs of each (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads (default: all cores)")
    int threads;

    @Option(names = "--chunk", defaultValue = "" + SparsityProbeRunner.DEFAULT_CHUNK,
            description = "prefill chunk of both runs (default ${DEFAULT-VALUE}, what a capture uses; 0: one call "
                    + "each)")
    int chunk;

    @Option(names = "--switch-warmup", defaultValue = "1",
            description = "untimed runs after each switch between the plain and the probed session (default "
                    + "${DEFAULT-VALUE}; 0 = strictly alternating runs, which time the other session's spinning "
                    + "ORT threads too)")
    int switchWarmup;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "also write ORT profiles of both sessions into DIR and report the probe nodes' kernel time")
    Path profile;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @Option(names = "--json", description = "print the results as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (tokens < 1 || repeats < 1 || threads < 0 || chunk < 0 || switchWarmup < 0) {
            throw new BadInputException("--tokens ≥ 1, --repeats ≥ 1, --threads ≥ 0, --chunk ≥ 0, --switch-warmup ≥ 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode root = CliJson.object();
        root.put("load_average", loadAverage());
        if (model != null) {
            LoadOptions.requireCheckpointFolder(model);
            prefill(out, root);
        }
        heatmap(out, root);
        if (json) {
            out.println(CliJson.pretty(root));
        }
        out.flush();
        return 0;
    }

    private void prefill(PrintWriter out, ObjectNode root) throws Exception {
        ModelLoader.Options opts = loadOptions.apply(ModelLoader.Options.defaults(), threads)
                .withContextLimit(tokens + 1);
        ModelLoader.Options plainOpts = opts;
        ModelLoader.Options probedOpts = opts;
        if (profile != null) {
            Files.createDirectories(profile);
            io.plmwb.engine.runtime.RuntimeOptions r = opts.runtime();
            plainOpts = opts.withRuntime(new io.plmwb.engine.runtime.RuntimeOptions(r.interOpThreads(),
                    r.intraOpThreads(), profile.resolve("plain"), r.prepackWeights()));
            probedOpts = opts.withRuntime(new io.plmwb.engine.runtime.RuntimeOptions(r.interOpThreads(),
                    r.intraOpThreads(), profile.resolve("probed"), r.prepackWeights()));
        }
        double[] a = new double[repeats];
        double[] b = new double[repeats];
        double[] ca = new double[repeats];
        double[] cb = new double[repeats];
        int layers;
        int usedThreads;
        int usedChunk;
        try (LoadedModel plain = ModelLoader.load(model, plainOpts, TaskContext.none());
             SparsityProbeRunner probed = SparsityProbeRunner.open(model, probedOpts, TaskContext.none())) {
            int vocab = Math.min(plain.config().vocabSize(), plain.tokenizer().vocabSize());
            Random r = new Random(42);
            int[] ids = new int[tokens];
            for (int i = 0; i < tokens; i++) {
                ids[i] = r.nextInt(vocab);
            }
            probed.withChunkTokens(usedChunkFor(ids));
            // warm-up of both
            plain.session().reset();
            plainPrefill(plain, ids, usedChunkFor(ids));
            probed.capture("bench", ids, null, TaskContext.none());
            for (int i = 0; i < repeats; i++) {
                // after a switch of sessions, one untimed run each: the other session's ORT worker threads keep
                // spinning for a while after its last run and would take one of the cores from the timed run
                for (int w = 0; w < switchWarmup; w++) {
                    plain.session().reset();
                    plainPrefill(plain, ids, usedChunkFor(ids));
                }
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                plain.session().reset();
                plainPrefill(plain, ids, usedChunkFor(ids));
                a[i] = (System.nanoTime() - t0) / 1e6;
                ca[i] = (cpuNanos() - c0) / 1e6;
                for (int w = 0; w < switchWarmup; w++) {
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
        double[] ratio = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            ratio[i] = b[i] / a[i] - 1;
        }
        double pairedOverhead = median(ratio);
        double mina = Arrays.stream(a).min().orElse(0);
        double minb = Arrays.stream(b).min().orElse(0);
        ObjectNode p = root.putObject("prefill");
        p.put("model", model.toAbsolutePath().normalize().toString());
        p.put("layers", layers);
        p.put("tokens", tokens);
        p.put("threads", usedThreads);
        p.put("probed_chunk", usedChunk);
        p.put("plain_chunk", usedChunk);
        p.put("switch_warmup", switchWarmup);
        p.put("plain_ms_median", ma);
        p.put("probed_ms_median", mb);
        p.put("overhead", mb / ma - 1);
        p.put("overhead_paired_median", pairedOverhead);
        p.put("plain_ms_min", mina);
        p.put("probed_ms_min", minb);
        p.put("overhead_min", minb / mina - 1);
        double cpuA = Arrays.stream(ca).sum() / repeats;
        double cpuB = Arrays.stream(cb).sum() / repeats;
        p.put("plain_cpu_ms_mean", cpuA);
        p.put("probed_cpu_ms_mean", cpuB);
        p.put("overhead_cpu", cpuB / cpuA - 1);
        p.put("plain_ms", Arrays.toString(a));
        p.put("probed_ms", Arrays.toString(b));
        if (!json) {
            out.printf(Locale.ROOT, "prefill %d tokens, %s (%d layers, %d threads): plain %.1f ms, probed %.1f ms "
                            + "(chunk %d) -> overhead %+.1f%% (ratio of the medians of %d; median of the %d paired "
                            + "ratios %+.1f%%; best runs %.1f / %.1f ms: %+.1f%%; process CPU time per run (mean) "
                            + "%.1f / %.1f ms: %+.1f%%; plain %s, probed %s)%n",
                    tokens, model.getFileName(), layers, usedThreads, ma, mb, usedChunk, 100 * (mb / ma - 1),
                    repeats, repeats, 100 * pairedOverhead, mina, minb, 100 * (minb / mina - 1), cpuA, cpuB,
                    100 * (cpuB / cpuA - 1), fmt(a), fmt(b));
        }
        if (profile != null) {
            profileSummary(out, p, 1 + repeats * (1 + switchWarmup));
        }
    }

    /** Kernel time per prefill in the two ORT profiles (sessions closed, so the files are written). */
    private void profileSummary(PrintWriter out, ObjectNode p, int runs) throws java.io.IOException {
        ObjectNode prof = p.putObject("profile");
        double[] totals = new double[2];
        java.util.Map<String, Double> probeOps = new java.util.TreeMap<>();
        String[] which = {"plain", "probed"};
        for (int i = 0; i < 2; i++) {
            Path file;
            try (var files = Files.list(profile)) {
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
        if (!json) {
            StringBuilder sb = new StringBuilder();
            probeOps.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                    .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue())));
            out.printf(Locale.ROOT, "ORT kernel time per prefill: plain graph %.1f ms, probed graph %.1f ms, of which "
                    + "probe nodes %.1f ms (%+.1f%% of the plain kernel time):%s%n", totals[0], totals[1], probe,
                    100 * probe / totals[0], sb);
        }
    }

    private int usedChunkFor(int[] ids) {
        return chunk == 0 ? ids.length : chunk;
    }

    /** The plain prefill in the same chunks as the probed one, so both sides run the same attention shapes. */
    private static void plainPrefill(LoadedModel plain, int[] ids, int chunkTokens) {
        for (int from = 0; from < ids.length; from += chunkTokens) {
            plain.session().prefill(Arrays.copyOfRange(ids, from, Math.min(ids.length, from + chunkTokens)), false,
                    TaskContext.none());
        }
    }

    private void heatmap(PrintWriter out, ObjectNode root) {
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
        int n = Math.max(10, repeats * 4);
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
        if (!json) {
            out.printf(Locale.ROOT, "heat map %dx%d cells into %dx%d px: rasterised %.2f ms, one rectangle per cell "
                            + "%.2f ms (x%.1f) (medians of %d)%n", rows, cols, w, h, median(raster), median(cells),
                    median(cells) / median(raster), n);
        }
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
