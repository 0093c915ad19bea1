package io.plmwb.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.LogitsComparison;
import io.plmwb.engine.runtime.LogitsRunner;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench logits}: logits of token ids through the ONNX graph (latent or expanded KV cache). */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Runs token ids from position 0 through the model's ONNX graph (built once and cached) and "
                + "writes the logits as raw little-endian float32 [position][vocab]; optionally compares them with "
                + "a reference file (max abs diff, argmax agreement).")
public final class LogitsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF checkpoint folder or .gguf file")
    Path model;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "ID,ID,...", description = "token ids")
    int[] ids;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "KV cache: latent (MLA only) or expanded (default: latent for PLM, expanded otherwise)")
    String mode;

    @Option(names = "--incremental", description = "feed one id at a time through the KV cache (default: one prefill)")
    boolean incremental;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "logits output file (.f32)")
    Path out;

    @Option(names = "--reference", paramLabel = "FILE", description = "reference logits (.f32) to compare with")
    Path reference;

    @Option(names = "--tolerance", paramLabel = "X",
            description = "with --reference: exit 1 when the max abs diff exceeds X")
    Double tolerance;

    @CommandLine.Mixin
    ThreadsOption threads = ThreadsOption.allCores();

    @Option(names = "--weights", paramLabel = "f32|q8|q4",
            description = "graph weights: f32 (default: dequantized for .gguf files) or 8/4-bit MatMulNBits")
    String weights = "f32";

    @CommandLine.Mixin
    JsonOption json = new JsonOption();

    @CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(model)) {
            throw new BadInputException(model + " does not exist");
        }
        ModelConfig config = ModelFiles.config(model);
        CacheMode cacheMode = mode == null ? (config.family().isMla() ? CacheMode.LATENT : CacheMode.EXPANDED)
                : CacheMode.parse(mode);
        if (cacheMode == CacheMode.LATENT && !config.family().isMla()) {
            throw new BadInputException("--mode latent needs an MLA model (PLM); " + config.modelType()
                    + " caches expanded K/V");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new BadInputException("id " + ids[i] + " (position " + i + ") is outside the vocabulary 0.."
                        + (config.vocabSize() - 1));
            }
        }
        try {
            AtomicFiles.refuseExisting(out, overwrite.on());
        } catch (AtomicFiles.TargetExistsException e) {
            throw new BadInputException(e.getMessage());
        }
        if (reference != null && !Files.isRegularFile(reference)) {
            throw new BadInputException(reference + " does not exist");
        }
        RuntimeOptions rt = threads.get() > 0 ? RuntimeOptions.threads(1, threads.get()) : RuntimeOptions.defaults();
        GraphCache cache = GraphCache.atDefaultLocation();
        long t0 = System.nanoTime();
        if (!GraphOptions.DTYPES.contains(weights)) {
            throw new BadInputException("--weights must be f32, q8 or q4, got '" + weights + "'");
        }
        GraphOptions options = new GraphOptions(cacheMode, weights);
        TaskContext progress = new StderrProgress(spec.commandLine().getErr());
        GraphCache.Entry entry = cache.getOrBuild(model, options, (file, ctx) -> {
            try (WeightSource weights = ModelFiles.openWeights(model)) {
                OnnxGraphBuilder.build(config, weights, options, file, ctx);
            }
        }, progress);
        long t1 = System.nanoTime();
        float[][] logits;
        try (DecoderSession session = DecoderSession.open(entry.onnxFile(), rt)) {
            logits = LogitsRunner.run(session, ids, incremental, TaskContext.none());
        }
        long t2 = System.nanoTime();
        LogitsRunner.writeF32(out, logits, overwrite.on());
        LogitsComparison cmp = reference == null ? null
                : LogitsRunner.compare(logits, LogitsRunner.readF32(reference, config.vocabSize()));

        PrintWriter pw = spec.commandLine().getOut();
        if (json.on()) {
            ObjectNode o = CliJson.object();
            o.put("model", model.toAbsolutePath().normalize().toString());
            o.put("mode", cacheMode.key());
            o.put("weights", weights);
            o.put("incremental", incremental);
            o.putPOJO("ids", ids);
            o.put("positions", logits.length);
            o.put("vocab", config.vocabSize());
            o.put("out", out.toAbsolutePath().normalize().toString());
            o.put("graph", entry.onnxFile().toString());
            o.put("graph_cache_hit", entry.hit());
            o.put("graph_seconds", (t1 - t0) / 1e9);
            o.put("run_seconds", (t2 - t1) / 1e9);
            var am = o.putArray("argmax");
            for (float[] row : logits) {
                am.add(LogitsRunner.argmax(row));
            }
            if (cmp != null) {
                ObjectNode c = cmp.toJson();
                c.put("reference", reference.toAbsolutePath().normalize().toString());
                o.set("comparison", c);
            }
            pw.println(CliJson.pretty(o));
        } else {
            pw.printf("%d positions × %d logits (%s cache, %s) → %s%n", logits.length, config.vocabSize(),
                    cacheMode.key(), incremental ? "incremental" : "prefill", out);
            pw.printf("graph %s (%s, %.2f s), run %.2f s%n", entry.onnxFile(), entry.hit() ? "cached" : "built",
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            int[] am = new int[logits.length];
            for (int i = 0; i < am.length; i++) {
                am[i] = LogitsRunner.argmax(logits[i]);
            }
            pw.println("argmax " + Arrays.toString(am));
            if (cmp != null) {
                pw.printf("vs %s: max abs diff %.3e (position %d, token %d), argmax agree %d/%d%n", reference,
                        cmp.maxAbsDiff(), cmp.maxDiffPosition(), cmp.maxDiffToken(), cmp.argmaxAgree(),
                        cmp.positions());
            }
        }
        pw.flush();
        if (cmp != null && tolerance != null && !(cmp.maxAbsDiff() <= tolerance)) {
            spec.commandLine().getErr().printf("workbench logits: max abs diff %.3e exceeds --tolerance %.3e%n",
                    cmp.maxAbsDiff(), tolerance);
            return WorkbenchCli.FAILURE;
        }
        return 0;
    }

    /** Build messages on stderr (stdout stays clean for --json). */
    private static final class StderrProgress implements TaskContext {
        private final PrintWriter err;

        StderrProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void progress(double done, double total) {
            // messages are enough on a terminal
        }

        @Override
        public void message(String message) {
            err.println("workbench logits: " + message);
            err.flush();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
