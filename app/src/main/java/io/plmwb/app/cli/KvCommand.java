package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.kv.DeviceBudget;
import io.plmwb.experiments.kv.KvCacheAnalysis;
import io.plmwb.experiments.kv.KvCharts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench kv}: KV-cache bytes per token and at a context for every layout, the longest context per device
 * budget, the two charts of the KV Cache workspace, and (with {@code --measure}) the cache tensors the engine really
 * holds after filling it to the context, beside the analytic figures.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"KV-cache memory: bytes per token per layer and in total for the MLA latent, expanded (as "
                + "public runtimes cache it), MHA- and GQA-equivalent layouts at a cache dtype; the longest context "
                + "that fits each device budget; the charts of the KV Cache workspace (--out).",
            "--measure runs the model (a checkpoint folder) to --context tokens and reads the cache tensors the "
                + "engine holds, next to the analytic bytes for the engine's cache dtype (fp32); a mismatch exits 1."})
public final class KvCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelSelection selection = new ModelSelection();

    @Option(names = "--context", paramLabel = "N", defaultValue = "-1",
            description = "context length (default: the model's max_position_embeddings)")
    long context;

    @Option(names = "--cache-dtype", paramLabel = "TYPE", defaultValue = "bf16",
            description = "cache dtype for the analytic figures: fp32, bf16, fp16, fp8, q8_0 (default ${DEFAULT-VALUE})")
    String cacheDtype;

    @Option(names = "--weights-dtype", paramLabel = "TYPE", defaultValue = "bf16",
            description = "weight dtype for the memory to run: fp32, bf16, fp16, q8_0, q4_0 (default ${DEFAULT-VALUE})")
    String weightsDtype;

    @Option(names = "--device", paramLabel = "NAME=SIZE",
            description = "device budget (repeatable; SIZE in GiB unless it says GB/MiB/MB), replaces the defaults: "
                    + "Raspberry Pi 5 8 GB, Jetson Orin Nano 8 GB, phone 12 GB, laptop 24 GB")
    List<String> devices;

    @Option(names = "--measure", description = "run the model to --context tokens and measure its cache tensors")
    boolean measure;

    @Option(names = "--modes", split = ",", paramLabel = "MODE,...",
            description = "cache modes to measure (default: latent,expanded for MLA models, expanded otherwise)")
    List<String> modes;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "ORT threads (0: all cores)")
    int threads;

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "write the charts here")
    Path out;

    @Option(names = "--format", split = ",", defaultValue = "png,svg,pdf,csv", paramLabel = "LIST",
            description = "chart formats: png, svg, pdf, csv (default ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--overwrite", description = "replace existing chart files (otherwise they are never touched)")
    boolean overwrite;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelConfig cfg = selection.config(null);
        String name = selection.label(null);
        StorageType cache = StorageType.parse(cacheDtype).orElseThrow(
                () -> new BadInputException("unknown --cache-dtype '" + cacheDtype + "'"));
        StorageType weights = StorageType.parse(weightsDtype).orElseThrow(
                () -> new BadInputException("unknown --weights-dtype '" + weightsDtype + "'"));
        long ctx = context > 0 ? context : cfg.maxPositionEmbeddings();
        if (context == 0 || context < -1 || ctx > Integer.MAX_VALUE) {
            throw new BadInputException("--context must be between 1 and " + Integer.MAX_VALUE);
        }
        List<DeviceBudget> budgets = new ArrayList<>();
        if (devices == null || devices.isEmpty()) {
            budgets.addAll(DeviceBudget.defaults());
        } else {
            for (String d : devices) {
                try {
                    budgets.add(DeviceBudget.parse(d));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--device: " + e.getMessage());
                }
            }
        }
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        if (measure && selection.preset != null) {
            throw new BadInputException("--measure needs a checkpoint folder (--model DIR): a preset has no weights "
                    + "(make a synthetic one with `workbench synth --preset " + selection.preset + " --out DIR`)");
        }
        if (measure) {
            LoadOptions.requireCheckpointFolder(selection.model);
        }
        List<CacheMode> modeList = measureModes(cfg);

        KvCacheAnalysis a = new KvCacheAnalysis(cfg, cache, weights);
        ObjectNode root = CliJson.object();
        ObjectNode source = root.putObject("source");
        if (selection.preset != null) {
            source.put("preset", selection.preset);
        } else {
            source.put("model_dir", selection.model.toAbsolutePath().normalize().toString());
        }
        root.put("model", name);
        root.put("layers", cfg.numLayers());
        root.put("cache_dtype", cache.label());
        root.put("weights_dtype", weights.label());
        root.put("context", ctx);
        root.put("max_position_embeddings", cfg.maxPositionEmbeddings());
        root.put("native_layout", a.summary().nativeLayout().key());
        root.put("weights_bytes", a.weightBytes());
        ObjectNode layouts = root.putObject("layouts");
        for (KvCacheAnalysis.LayoutRow r : a.rows(ctx)) {
            ObjectNode l = layouts.putObject(r.layout().key());
            l.put("description", r.layout().description());
            l.put("values_per_token_per_layer", r.valuesPerTokenPerLayer());
            l.put("bytes_per_token_per_layer", r.bytesPerTokenPerLayer());
            l.put("bytes_per_token", r.bytesPerToken());
            l.put("bytes_at_context", r.bytesAtContext());
            l.put("ratio_to_native", r.ratioToNative());
            l.put("memory_to_run_bytes", a.memoryAt(r.layout(), ctx));
        }
        ArrayNode dev = root.putArray("devices");
        for (DeviceBudget d : budgets) {
            ObjectNode o = dev.addObject();
            o.put("name", d.name());
            o.put("bytes", d.bytes());
            ObjectNode mc = o.putObject("max_context");
            for (KvCacheAnalysis.Fit f : a.fits(d)) {
                mc.put(f.layout().key(), f.maxContext());
            }
            o.put("weights_fit", a.fits(d).stream().noneMatch(KvCacheAnalysis.Fit::weightsDoNotFit));
        }

        boolean allMatch = true;
        if (measure) {
            ArrayNode ms = root.putArray("measured");
            for (CacheMode mode : modeList) {
                KvCacheProbe.Result r = measureMode(cfg, mode, (int) ctx);
                allMatch &= r.matches();
                ms.add(resultJson(r));
            }
        }

        List<Path> written = new ArrayList<>();
        if (out != null) {
            ExportOptions options = new ExportOptions(900, 540, 200, overwrite);
            ChartExportService service = new ChartExportService();
            for (ChartSpec c : List.of(KvCharts.cacheVsContext(name, a), KvCharts.memoryVsBudgets(name, a, budgets))) {
                written.addAll(service.exportAll(c, out, c.id(), wanted, options));
            }
            ArrayNode files = root.putArray("files");
            written.forEach(p -> files.add(p.toString()));
        }

        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(CliJson.pretty(root));
        } else {
            printText(pw, name, a, ctx, budgets, root);
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        if (!allMatch) {
            spec.commandLine().getErr().println("workbench kv: MISMATCH between the measured cache and the analytic "
                    + "bytes (see above)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    private List<CacheMode> measureModes(ModelConfig cfg) {
        List<CacheMode> out = new ArrayList<>();
        if (modes == null || modes.isEmpty()) {
            if (cfg.family().isMla()) {
                out.add(CacheMode.LATENT);
            }
            out.add(CacheMode.EXPANDED);
            return out;
        }
        for (String m : modes) {
            CacheMode cm;
            try {
                cm = CacheMode.parse(m);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            if (cm == CacheMode.LATENT && !cfg.family().isMla()) {
                throw new BadInputException("--modes latent needs an MLA model (PLM); " + cfg.modelType()
                        + " caches expanded K/V");
            }
            out.add(cm);
        }
        return out;
    }

    private KvCacheProbe.Result measureMode(ModelConfig cfg, CacheMode mode, int ctx) throws Exception {
        ModelLoader.Options load = loadOptions.apply(ModelLoader.Options.defaults(), threads).withMode(mode)
                .withContextLimit(ctx + 1).withCache(GraphCache.atDefaultLocation());
        CliProgress progress = new CliProgress(spec.commandLine().getErr(), "kv " + mode.key());
        try (LoadedModel m = ModelLoader.load(selection.model, load, progress)) {
            return KvCacheProbe.measure(m, ctx, progress);
        } finally {
            progress.done();
        }
    }

    private static ObjectNode resultJson(KvCacheProbe.Result r) {
        ObjectNode o = CliJson.object();
        o.put("mode", r.mode().key());
        o.put("layout", r.layout().key());
        o.put("context", r.context());
        o.put("dtype", r.dtype());
        o.put("measured_bytes", r.measuredBytes());
        o.put("analytic_bytes", r.analyticBytes());
        o.put("match", r.matches());
        o.put("bytes_per_token", r.bytesPerToken());
        o.put("fill_ms", Math.round(r.fillMs() * 10) / 10.0);
        ArrayNode layers = o.putArray("layers");
        for (KvCacheProbe.LayerRow l : r.layers()) {
            ObjectNode lj = layers.addObject();
            lj.put("layer", l.layer());
            lj.put("measured_bytes", l.measuredBytes());
            lj.put("analytic_bytes", l.analyticBytes());
            ArrayNode ts = lj.putArray("tensors");
            for (DecoderSession.CacheTensor t : l.tensors()) {
                ObjectNode tj = ts.addObject();
                tj.put("name", t.name());
                ArrayNode shape = tj.putArray("shape");
                for (long d : t.shape()) {
                    shape.add(d);
                }
                tj.put("dtype", t.dtype());
                tj.put("bytes", t.bytes());
            }
        }
        return o;
    }

    private static void printText(PrintWriter pw, String name, KvCacheAnalysis a, long ctx,
            List<DeviceBudget> budgets, ObjectNode root) {
        ModelConfig c = a.config();
        pw.printf(Locale.ROOT, "%s: %d layers, cache %s, weights %s (%s), context %,d (max_position_embeddings %,d)%n",
                name, c.numLayers(), a.cacheType().label(), a.weightType().label(), mib(a.weightBytes()), ctx,
                c.maxPositionEmbeddings());
        pw.printf(Locale.ROOT, "  %-16s %10s %14s %14s %16s %8s%n", "layout", "values/tok/l", "bytes/tok/layer",
                "bytes/token", "at context", "× native");
        for (KvCacheAnalysis.LayoutRow r : a.rows(ctx)) {
            pw.printf(Locale.ROOT, "  %-16s %10d %,14d %,14d %16s %8.2f%n", KvCharts.label(r.layout()),
                    r.valuesPerTokenPerLayer(), r.bytesPerTokenPerLayer(), r.bytesPerToken(), mib(r.bytesAtContext()),
                    r.ratioToNative());
        }
        pw.println("  longest context that fits (weights + cache + workspace):");
        for (DeviceBudget d : budgets) {
            StringBuilder sb = new StringBuilder();
            for (KvCacheAnalysis.Fit f : a.fits(d)) {
                sb.append(String.format(Locale.ROOT, "  %s %s", KvCharts.label(f.layout()),
                        f.weightsDoNotFit() ? "weights do not fit" : f.unbounded() ? "≥ 64 Mi tokens"
                                : String.format(Locale.ROOT, "%,d", f.maxContext())));
            }
            pw.printf(Locale.ROOT, "    %-26s%s%n", d.label(), sb);
        }
        if (root.has("measured")) {
            for (var m : root.get("measured")) {
                pw.printf(Locale.ROOT, "  measured %s cache at %,d tokens (%s): %,d bytes, analytic %,d → %s%n",
                        m.get("mode").asText(), m.get("context").asInt(), m.get("dtype").asText(),
                        m.get("measured_bytes").asLong(), m.get("analytic_bytes").asLong(),
                        m.get("match").asBoolean() ? "match" : "MISMATCH");
            }
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (double) (1L << 20));
    }
}
