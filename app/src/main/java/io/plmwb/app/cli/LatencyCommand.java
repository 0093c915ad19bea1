package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.latency.LatencyReport;
import io.plmwb.experiments.latency.LatencySelection;
import io.plmwb.experiments.latency.LatencyStudy;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.study.Study;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
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

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.fixed(2);

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

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @CommandLine.Mixin
    LoadOptions loadOptions = new LoadOptions();

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The study on the command's host (tests replace it to feed one report to the CLI and the GUI). */
    Function<ModelSessions, Study<LatencyStudy.Settings, LatencyReport>> studies;

    @Override
    public Integer call() throws Exception {
        LoadOptions.requireCheckpointFolder(model);
        List<ExportFormat> wanted = formats();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException(out + " is a file; --out needs a folder");
        }
        if (saveTrace != null && Files.exists(saveTrace) && !overwrite.on()) {
            throw new BadInputException(saveTrace + " already exists (use --overwrite to replace it)");
        }
        LatencyStudy.Settings settings = settings();
        PrintWriter err = spec.commandLine().getErr();
        CliProgress progress = new CliProgress(err, "latency");
        LatencyReport report;
        try (ModelSessions host = loadOptions.host(threads.get())) {
            Study<LatencyStudy.Settings, LatencyReport> study = studies != null ? studies.apply(host)
                    : new LatencyStudy(host, loadOptions.prepack());
            report = study.run(settings, progress);
        } finally {
            progress.done();
        }
        for (String note : report.header().notes()) {
            err.println("workbench latency: note: " + note);
        }
        BundleWriter writer = new BundleWriter();
        ExportOptions options = ExportOptions.defaults().withOverwrite(overwrite.on());
        List<Path> files = writer.write(report.bundle(LatencySelection.DEFAULT), out, wanted, options,
                TaskContext.none());
        Path trace = null;
        if (saveTrace != null) {
            trace = saveTrace.toAbsolutePath().normalize();
            writer.write(report.traceBundle(), trace.getParent(), List.of(), options, TaskContext.none());
        }
        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode root = report.toJson();
            ArrayNode list = root.putArray("files");
            files.forEach(f -> list.add(f.toString()));
            if (trace != null) {
                root.put("trace", trace.toString());
            }
            pw.println(CliJson.pretty(root));
        } else {
            pw.print(report.text());
            files.forEach(f -> pw.println("wrote " + f));
            if (trace != null) {
                pw.println("trace " + trace);
            }
        }
        pw.flush();
        return 0;
    }

    private List<ExportFormat> formats() {
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

    private LatencyStudy.Settings settings() {
        if (promptTokens < 1 || decodeTokens < 1 || threads.get() < 1 || repeats < 1 || warmup < 0 || context < 0) {
            throw new BadInputException("--prompt-tokens, --decode-tokens, --threads, --repeats must be ≥ 1, "
                    + "--warmup and --context ≥ 0");
        }
        if (skipProfile && saveTrace != null) {
            throw new BadInputException("--save-trace needs the profiled run (drop --skip-profile)");
        }
        CacheMode cm = null;
        if (mode != null) {
            try {
                cm = CacheMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--mode: " + e.getMessage());
            }
        }
        List<Integer> ctxs = positive(contexts, "--contexts");
        List<Integer> sweep = positive(sweepThreads, "--sweep-threads");
        if (skipProfile && ctxs.isEmpty() && sweep.isEmpty()) {
            throw new BadInputException("--skip-profile needs --contexts or --sweep-threads");
        }
        return new LatencyStudy.Settings(model, promptTokens, decodeTokens, context, repeats, warmup, threads.get(), cm,
                !skipProfile, ctxs, sweep, saveTrace);
    }

    private static List<Integer> positive(List<Integer> list, String option) {
        if (list == null) {
            return List.of();
        }
        for (Integer v : list) {
            if (v == null || v < 1) {
                throw new BadInputException(option + " values must be ≥ 1, got " + v);
            }
        }
        return List.copyOf(list);
    }
}
