package io.plmwb.experiments.bench;

import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.LogitsComparison;
import io.plmwb.engine.runtime.LogitsRunner;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Logits of token ids from position 0 through the model's ONNX graph (built once and cached), written as raw
 * little-endian float32 [position][vocab], optionally compared with a reference file.
 */
public final class LogitsStudy implements Study<LogitsStudy.Settings, LogitsReport> {

    /**
     * What to run.
     *
     * @param model checkpoint folder or .gguf file
     * @param ids token ids from position 0
     * @param mode KV cache mode; null: latent for MLA models, expanded otherwise
     * @param incremental one id at a time through the cache instead of one prefill
     * @param out the .f32 file to write
     * @param overwrite replace an existing {@code out}
     * @param reference reference logits to compare with, or null
     * @param threads ONNX Runtime intra-op threads (0: all cores)
     * @param weights graph weights: f32, q8 or q4
     */
    public record Settings(Path model, int[] ids, CacheMode mode, boolean incremental, Path out, boolean overwrite,
                           Path reference, int threads, String weights) {
        /** Checks what needs no file. */
        public Settings {
            ids = ids.clone();
            if (!GraphOptions.DTYPES.contains(weights)) {
                throw new IllegalArgumentException("--weights must be f32, q8 or q4, got '" + weights + "'");
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be ≥ 0, got " + threads);
            }
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }
    }

    @Override
    public LogitsReport run(Settings s, TaskContext ctx) throws Exception {
        if (!Files.exists(s.model())) {
            throw new IllegalArgumentException(s.model() + " does not exist");
        }
        ModelConfig config = ModelFiles.config(s.model());
        CacheMode mode = s.mode() == null ? (config.family().isMla() ? CacheMode.LATENT : CacheMode.EXPANDED)
                : s.mode();
        if (mode == CacheMode.LATENT && !config.family().isMla()) {
            throw new IllegalArgumentException("--mode latent needs an MLA model (PLM); " + config.modelType()
                    + " caches expanded K/V");
        }
        int[] ids = s.ids();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("id " + ids[i] + " (position " + i + ") is outside the vocabulary 0.."
                        + (config.vocabSize() - 1));
            }
        }
        AtomicFiles.refuseExisting(s.out(), s.overwrite());
        if (s.reference() != null && !Files.isRegularFile(s.reference())) {
            throw new IllegalArgumentException(s.reference() + " does not exist");
        }
        RuntimeOptions rt = s.threads() > 0 ? RuntimeOptions.threads(1, s.threads()) : RuntimeOptions.defaults();
        long t0 = System.nanoTime();
        GraphOptions options = new GraphOptions(mode, s.weights());
        GraphCache.Entry entry = GraphCache.atDefaultLocation().getOrBuild(s.model(), options, (file, c) -> {
            try (WeightSource weights = ModelFiles.openWeights(s.model())) {
                OnnxGraphBuilder.build(config, weights, options, file, c);
            }
        }, ctx);
        long t1 = System.nanoTime();
        float[][] logits;
        try (DecoderSession session = DecoderSession.open(entry.onnxFile(), rt)) {
            logits = LogitsRunner.run(session, ids, s.incremental(), ctx);
        }
        long t2 = System.nanoTime();
        LogitsRunner.writeF32(s.out(), logits, s.overwrite());
        LogitsComparison cmp = s.reference() == null ? null
                : LogitsRunner.compare(logits, LogitsRunner.readF32(s.reference(), config.vocabSize()));
        int[] argmax = new int[logits.length];
        for (int i = 0; i < argmax.length; i++) {
            argmax[i] = LogitsRunner.argmax(logits[i]);
        }
        return new LogitsReport(s, mode, config.vocabSize(), entry.onnxFile(), entry.hit(), (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, argmax, cmp);
    }
}
