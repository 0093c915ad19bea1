package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.kv.DeviceBudget;
import io.plmwb.experiments.kv.KvCacheAnalysis;
import io.plmwb.experiments.kv.KvCharts;
import io.plmwb.experiments.kv.KvReport;
import io.plmwb.experiments.kv.KvStudy;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.NoSelection;
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
        StorageType cache = StorageType.parse(cacheDtype).orElseThrow(
                () -> new BadInputException("unknown --cache-dtype '" + cacheDtype + "'"));
        StorageType weights = StorageType.parse(weightsDtype).orElseThrow(
                () -> new BadInputException("unknown --weights-dtype '" + weightsDtype + "'"));
        if (context == 0 || context < -1) {
            throw new BadInputException("--context must be between 1 and " + Integer.MAX_VALUE);
        }
        List<ExportFormat> wanted = wantedFormats();
        if (measure && selection.preset != null) {
            throw new BadInputException("--measure needs a checkpoint folder (--model DIR): a preset has no weights "
                    + "(make a synthetic one with `workbench synth --preset " + selection.preset + " --out DIR`)");
        }
        if (measure) {
            LoadOptions.requireCheckpointFolder(selection.model);
        }
        KvStudy.Source source = selection.preset != null ? KvStudy.Source.preset(selection.preset)
                : KvStudy.Source.checkpoint(selection.label(null), cfg, selection.model);
        KvStudy.Settings settings = new KvStudy.Settings(source, cache, weights, Math.max(0, context), budgets(),
                measure ? measurement(cfg) : null);
        CliProgress progress = new CliProgress(spec.commandLine().getErr(), "kv");
        KvReport report;
        try (io.plmwb.engine.runtime.ModelSessions host = loadOptions.host(threads)) {
            report = new KvStudy(host).run(settings, progress);
        } finally {
            progress.done();
        }
        ObjectNode root = report.toJson();
        List<Path> written = List.of();
        if (out != null) {
            written = new BundleWriter().write(report.bundle(NoSelection.ALL), out, wanted,
                    KvReport.EXPORT_OPTIONS.withOverwrite(overwrite), TaskContext.none());
            ArrayNode files = root.putArray("files");
            written.forEach(p -> files.add(p.toString()));
        }
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            pw.println(CliJson.pretty(root));
        } else {
            printText(pw, report);
            written.forEach(p -> pw.println("wrote " + p));
        }
        pw.flush();
        if (!report.allMatch()) {
            spec.commandLine().getErr().println("workbench kv: MISMATCH between the measured cache and the analytic "
                    + "bytes (see above)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    private List<ExportFormat> wantedFormats() {
        List<ExportFormat> wanted = new ArrayList<>();
        for (String f : formats) {
            try {
                wanted.add(ExportFormat.parse(f));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        return wanted;
    }

    private List<DeviceBudget> budgets() {
        if (devices == null || devices.isEmpty()) {
            return DeviceBudget.defaults();
        }
        List<DeviceBudget> budgets = new ArrayList<>();
        for (String d : devices) {
            try {
                budgets.add(DeviceBudget.parse(d));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--device: " + e.getMessage());
            }
        }
        return budgets;
    }

    private KvStudy.Measurement measurement(ModelConfig cfg) {
        List<CacheMode> list = new ArrayList<>();
        for (String m : modes == null ? List.<String>of() : modes) {
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
            list.add(cm);
        }
        // the command's host has the --threads setting; the spec adds --weights and --prepack
        return new KvStudy.Measurement(list, loadOptions.spec(threads));
    }

    private static void printText(PrintWriter pw, KvReport report) {
        KvCacheAnalysis a = report.analysis();
        ModelConfig c = a.config();
        pw.printf(Locale.ROOT, "%s: %d layers, cache %s, weights %s (%s), context %,d (max_position_embeddings %,d)%n",
                report.name(), c.numLayers(), a.cacheType().label(), a.weightType().label(), mib(a.weightBytes()),
                report.context(), c.maxPositionEmbeddings());
        pw.printf(Locale.ROOT, "  %-16s %10s %14s %14s %16s %8s%n", "layout", "values/tok/l", "bytes/tok/layer",
                "bytes/token", "at context", "× native");
        for (KvCacheAnalysis.LayoutRow r : report.rows()) {
            pw.printf(Locale.ROOT, "  %-16s %10d %,14d %,14d %16s %8.2f%n", KvCharts.label(r.layout()),
                    r.valuesPerTokenPerLayer(), r.bytesPerTokenPerLayer(), r.bytesPerToken(), mib(r.bytesAtContext()),
                    r.ratioToNative());
        }
        pw.println("  longest context that fits (weights + cache + workspace):");
        for (KvReport.DeviceFit d : report.devices()) {
            StringBuilder sb = new StringBuilder();
            for (KvCacheAnalysis.Fit f : d.fits()) {
                sb.append(String.format(Locale.ROOT, "  %s %s", KvCharts.label(f.layout()),
                        f.weightsDoNotFit() ? "weights do not fit" : f.unbounded() ? "≥ 64 Mi tokens"
                                : String.format(Locale.ROOT, "%,d", f.maxContext())));
            }
            pw.printf(Locale.ROOT, "    %-26s%s%n", d.device().label(), sb);
        }
        for (KvCacheProbe.Result m : report.measured()) {
            pw.printf(Locale.ROOT, "  measured %s cache at %,d tokens (%s): %,d bytes, analytic %,d → %s%n",
                    m.mode().key(), m.context(), m.dtype(), m.measuredBytes(), m.analyticBytes(),
                    m.matches() ? "match" : "MISMATCH");
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (double) (1L << 20));
    }
}
