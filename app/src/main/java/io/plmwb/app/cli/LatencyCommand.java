package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.bench.HostProbe;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.latency.LayerBreakdown;
import io.plmwb.engine.latency.Stat;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.latency.LatencyCharts;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench latency}: per-layer latency from ONNX Runtime's profiler, plus decode-vs-context and thread sweeps. */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = {"Per-layer latency from ONNX Runtime's profiler: prefill of N tokens and decode at context C, "
                + "split into attention / MLP / norms / other per layer (mapped by node name and integer layer index), "
                + "median and min/max over R repeats (warm-up excluded), next to wall-clock measured in a second "
                + "session without the profiler (overhead shown).",
            "Optionally decode ms/token vs context for the latent and expanded cache (--contexts) and a thread sweep "
                + "(--sweep-threads), both wall-clock without the profiler. Writes every chart (PNG/SVG/PDF + CSV) "
                + "into --out. Timings on a shared machine are contended: the load average is reported."})
public final class LatencyCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder")
    Path model;

    @Option(names = "--prompt-tokens", defaultValue = "64", paramLabel = "N", description = "prefill length (64)")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "8", paramLabel = "M",
            description = "decode steps per repeat; decode times are per token (8)")
    int decodeTokens;

    @Option(names = "--context", defaultValue = "0", paramLabel = "C",
            description = "tokens in the cache before decode (0: the prompt length)")
    int context;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "T", description = "ORT intra-op threads (2)")
    int threads;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "R", description = "timed repeats (5)")
    int repeats;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "W", description = "untimed calls per phase (1)")
    int warmup;

    @Option(names = "--mode", paramLabel = "MODE", description = "latent|expanded (default: the model's native)")
    String mode;

    @Option(names = "--contexts", split = ",", paramLabel = "C,...",
            description = "also time decode vs context at these lengths, latent and expanded (MLA models) or expanded")
    List<Integer> contexts;

    @Option(names = "--sweep-threads", split = ",", paramLabel = "T,...", description = "also run a thread sweep")
    List<Integer> sweepThreads;

    @Option(names = "--skip-profile", description = "only the sweeps (--contexts / --sweep-threads), no profiled run")
    boolean skipProfile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the charts")
    Path out;

    @Option(names = "--format", split = ",", defaultValue = "png,svg,pdf,csv", paramLabel = "LIST",
            description = "chart formats (png,svg,pdf,csv)")
    List<String> formats;

    @Option(names = "--save-trace", paramLabel = "FILE", description = "copy the raw ORT profile (Chrome-trace JSON) here")
    Path saveTrace;

    @Option(names = "--overwrite", description = "replace existing files")
    boolean overwrite;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        if (promptTokens < 1 || decodeTokens < 1 || threads < 1 || repeats < 1 || warmup < 0 || context < 0) {
            throw new BadInputException("--prompt-tokens, --decode-tokens, --threads, --repeats must be ≥ 1, "
                    + "--warmup and --context ≥ 0");
        }
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException(out + " is a file; --out needs a folder");
        }
        if (saveTrace != null && Files.exists(saveTrace) && !overwrite) {
            throw new BadInputException(saveTrace + " already exists (use --overwrite to replace it)");
        }
        if (skipProfile && saveTrace != null) {
            throw new BadInputException("--save-trace needs the profiled run (drop --skip-profile)");
        }
        ModelConfig cfg = ConfigLoader.load(model);
        CacheMode cm = null;
        if (mode != null) {
            try {
                cm = CacheMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--mode: " + e.getMessage());
            }
            if (cm == CacheMode.LATENT && !cfg.family().isMla()) {
                throw new BadInputException("--mode latent needs an MLA model (PLM); " + cfg.modelType()
                        + " caches expanded K/V");
            }
        }
        int[] ctxs = ints(contexts, "--contexts");
        int[] sweep = ints(sweepThreads, "--sweep-threads");
        LatencyProfiler.Settings settings = new LatencyProfiler.Settings(promptTokens, decodeTokens, context,
                repeats, warmup, threads, cm);
        PrintWriter err = spec.commandLine().getErr();
        int most = Math.max(settings.tokensNeeded(), ctxs.length == 0 ? 0
                : java.util.Arrays.stream(ctxs).max().getAsInt() + decodeTokens + warmup + 1);
        if (most > cfg.maxPositionEmbeddings()) {
            err.printf("workbench latency: note: %d tokens exceed the model's max_position_embeddings %d (speed is "
                    + "still measured)%n", most, cfg.maxPositionEmbeddings());
        }
        LatencyProfiler profiler = new LatencyProfiler(loadOptions.apply(ModelLoader.Options.defaults(), threads));
        ObjectNode root = CliJson.object();
        root.put("model", model.toAbsolutePath().normalize().toString());
        root.put("synthetic", cfg.synthetic());
        root.put("num_layers", cfg.numLayers());
        root.putPOJO("load_average_start", HostProbe.loadAverage());
        List<ChartSpec> charts = new ArrayList<>();
        LatencyResult result = null;
        if (!skipProfile) {
            CliProgress progress = new CliProgress(err, "latency");
            try {
                result = profiler.profile(model, settings, progress);
            } finally {
                progress.done();
            }
            describe(root, result);
            charts.add(LatencyCharts.perLayer(result, false));
            charts.add(LatencyCharts.perLayer(result, true));
            charts.add(LatencyCharts.totals(result));
        }
        String name = model.toAbsolutePath().normalize().getFileName().toString();
        if (ctxs.length > 0) {
            List<CacheMode> modes = new ArrayList<>();
            if (cm != null) {
                modes.add(cm);
            } else {
                if (cfg.family().isMla()) {
                    modes.add(CacheMode.LATENT);
                }
                modes.add(CacheMode.EXPANDED);
            }
            ObjectNode dvc = root.putObject("decode_vs_context");
            dvc.put("steps", decodeTokens);
            dvc.put("warmup", warmup);
            dvc.put("threads", threads);
            dvc.put("method", "wall-clock per decode step without the profiler; one session per mode open at once, "
                    + "steps alternating between the modes; cache filled in chunks of " + LatencyProfiler.FILL_CHUNK
                    + "; median and min/max over the steps");
            CliProgress progress = new CliProgress(err, "decode vs context");
            Map<CacheMode, List<LatencyProfiler.Point>> byMode;
            try {
                byMode = profiler.decodeVsContext(model, modes, ctxs, decodeTokens, warmup, threads, progress);
            } finally {
                progress.done();
            }
            for (Map.Entry<CacheMode, List<LatencyProfiler.Point>> e : byMode.entrySet()) {
                ArrayNode arr = dvc.putArray(e.getKey().key());
                for (LatencyProfiler.Point p : e.getValue()) {
                    ObjectNode o = arr.addObject();
                    o.put("context", p.x());
                    stat(o, "ms_per_token", p.ms());
                }
            }
            dvc.putPOJO("load_average_after", HostProbe.loadAverage());
            charts.add(LatencyCharts.decodeVsContext(name, byMode, threads));
        }
        if (sweep.length > 0) {
            CliProgress progress = new CliProgress(err, "thread sweep");
            List<LatencyProfiler.ThreadPoint> pts;
            try {
                pts = profiler.threadSweep(model, settings, sweep, progress);
            } finally {
                progress.done();
            }
            ArrayNode arr = root.putArray("thread_sweep");
            for (LatencyProfiler.ThreadPoint p : pts) {
                ObjectNode o = arr.addObject();
                o.put("threads", p.threads());
                stat(o, "prefill_ms", p.prefill());
                stat(o, "decode_ms_per_token", p.decode());
            }
            charts.add(LatencyCharts.threadSweep(name, pts, promptTokens));
        }
        root.putPOJO("load_average_end", HostProbe.loadAverage());
        Files.createDirectories(out);
        ChartExportService service = new ChartExportService();
        ArrayNode files = root.putArray("files");
        for (ChartSpec c : charts) {
            for (Path p : service.exportAll(c, out, c.id(), wanted, ExportOptions.defaults().withOverwrite(overwrite))) {
                files.add(p.toString());
            }
        }
        if (saveTrace != null && result != null) {
            Path parent = saveTrace.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(result.trace(), saveTrace, StandardCopyOption.REPLACE_EXISTING);
            root.put("trace", saveTrace.toAbsolutePath().normalize().toString());
        }
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(CliJson.pretty(root));
        } else {
            printText(pw, root, result);
        }
        pw.flush();
        return 0;
    }

    private static int[] ints(List<Integer> list, String option) {
        if (list == null) {
            return new int[0];
        }
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            if (list.get(i) == null || list.get(i) < 1) {
                throw new BadInputException(option + " values must be ≥ 1, got " + list.get(i));
            }
            r[i] = list.get(i);
        }
        return r;
    }

    private static void describe(ObjectNode root, LatencyResult r) {
        LatencyProfiler.Settings s = r.settings();
        root.put("mode", r.mode().key());
        root.put("threads", s.threads());
        root.put("prompt_tokens", s.promptTokens());
        root.put("decode_tokens", s.decodeTokens());
        root.put("decode_context", r.decode().context());
        root.put("repeats", s.repeats());
        root.put("warmup", s.warmup());
        root.put("statistic", "median over the repeats; *_min/*_max: the spread; decode times are per token");
        ArrayNode layers = root.putArray("layers");
        for (int i = 0; i < r.layers(); i++) {
            ObjectNode l = layers.addObject();
            l.put("layer", i);
            l.set("prefill_ms", layerJson(r.prefill().layers().get(i)));
            l.set("decode_ms", layerJson(r.decode().layers().get(i)));
        }
        ObjectNode totals = root.putObject("totals");
        totals.set("prefill", totalsJson(r.prefill()));
        totals.set("decode", totalsJson(r.decode()));
    }

    private static ObjectNode layerJson(LatencyResult.LayerTimes lt) {
        ObjectNode o = CliJson.object();
        o.put("total", r(lt.total().median()));
        o.put("total_min", r(lt.total().min()));
        o.put("total_max", r(lt.total().max()));
        for (LayerBreakdown.Block b : LayerBreakdown.Block.values()) {
            o.put(b.key(), r(lt.blocks().get(b).median()));
        }
        return o;
    }

    private static ObjectNode totalsJson(LatencyResult.Phase p) {
        ObjectNode o = CliJson.object();
        o.put("tokens_per_call", p.tokens());
        o.put("context", p.context());
        ObjectNode outside = o.putObject("outside_layers_ms");
        for (LayerBreakdown.Outside x : LayerBreakdown.Outside.values()) {
            outside.put(x.key(), r(p.outside().get(x).median()));
        }
        o.put("layers_plus_outside_ms", r(p.attributedMedianMs()));
        stat(o, "kernel_total_ms", p.kernelTotal());
        stat(o, "profiled_total_ms", p.profiled());
        o.put("between_kernels_ms", r(p.profiled().median() - p.kernelTotal().median()));
        o.put("kernel_share_of_profiled", r(p.kernelShare()));
        o.put("attribution_error_max", r(p.attributionError()));
        stat(o, "wall_clock_profiled_ms", p.wallProfiled());
        stat(o, "wall_clock_ms", p.wallUnprofiled());
        o.put("profiler_overhead", r(p.overhead()));
        return o;
    }

    private static void stat(ObjectNode o, String key, Stat s) {
        o.put(key, r(s.median()));
        o.put(key + "_min", r(s.min()));
        o.put(key + "_max", r(s.max()));
    }

    private static void printText(PrintWriter out, ObjectNode root, LatencyResult r) {
        out.printf(Locale.ROOT, "%s (%s%d layers), load average at start %s%n", root.get("model").asText(),
                root.get("synthetic").asBoolean() ? "SYNTHETIC, " : "", root.get("num_layers").asInt(),
                root.get("load_average_start").toString());
        if (r != null) {
            out.printf(Locale.ROOT, "%s cache, %d threads, median of %d (warm-up %d), decode at context %d%n",
                    r.mode().key(), r.settings().threads(), r.settings().repeats(), r.settings().warmup(),
                    r.decode().context());
            out.printf(Locale.ROOT, "%-6s %10s %8s %8s %8s %8s   %10s %8s %8s %8s %8s%n", "layer", "prefill ms",
                    "attn", "mlp", "norms", "other", "decode ms", "attn", "mlp", "norms", "other");
            for (int i = 0; i < r.layers(); i++) {
                LatencyResult.LayerTimes p = r.prefill().layers().get(i);
                LatencyResult.LayerTimes d = r.decode().layers().get(i);
                out.printf(Locale.ROOT, "%-6d %10.3f %8.3f %8.3f %8.3f %8.3f   %10.3f %8.3f %8.3f %8.3f %8.3f%n", i,
                        p.total().median(), p.blocks().get(LayerBreakdown.Block.ATTENTION).median(),
                        p.blocks().get(LayerBreakdown.Block.MLP).median(),
                        p.blocks().get(LayerBreakdown.Block.NORMS).median(),
                        p.blocks().get(LayerBreakdown.Block.OTHER).median(), d.total().median(),
                        d.blocks().get(LayerBreakdown.Block.ATTENTION).median(),
                        d.blocks().get(LayerBreakdown.Block.MLP).median(),
                        d.blocks().get(LayerBreakdown.Block.NORMS).median(),
                        d.blocks().get(LayerBreakdown.Block.OTHER).median());
            }
            for (LatencyResult.Phase p : List.of(r.prefill(), r.decode())) {
                out.printf(Locale.ROOT, "%s: layers+outside %.3f ms (embedding %.3f, head %.3f, other %.3f), kernels "
                                + "%.3f, ORT run %.3f (kernels %.0f%%), wall-clock profiled %.3f vs %.3f without "
                                + "(overhead %+.0f%%)%n", p.name(), p.attributedMedianMs(),
                        p.outside().get(LayerBreakdown.Outside.EMBEDDING).median(),
                        p.outside().get(LayerBreakdown.Outside.HEAD).median(),
                        p.outside().get(LayerBreakdown.Outside.OTHER).median(), p.kernelTotal().median(),
                        p.profiled().median(), 100 * p.kernelShare(), p.wallProfiled().median(),
                        p.wallUnprofiled().median(), 100 * p.overhead());
            }
        }
        if (root.has("decode_vs_context")) {
            for (String m : List.of("latent", "expanded")) {
                if (root.at("/decode_vs_context/" + m).isArray()) {
                    for (var p : root.at("/decode_vs_context/" + m)) {
                        out.printf(Locale.ROOT, "decode %-8s context %6d: %.3f ms/token (min %.3f, max %.3f)%n", m,
                                p.get("context").asInt(), p.get("ms_per_token").asDouble(),
                                p.get("ms_per_token_min").asDouble(), p.get("ms_per_token_max").asDouble());
                    }
                }
            }
        }
        if (root.has("thread_sweep")) {
            for (var p : root.get("thread_sweep")) {
                out.printf(Locale.ROOT, "threads %2d: prefill %.3f ms, decode %.3f ms/token%n", p.get("threads").asInt(),
                        p.get("prefill_ms").asDouble(), p.get("decode_ms_per_token").asDouble());
            }
        }
        for (var f : root.get("files")) {
            out.println("wrote " + f.asText());
        }
        if (root.has("trace")) {
            out.println("trace " + root.get("trace").asText());
        }
    }

    private static double r(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
