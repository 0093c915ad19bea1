package io.plmwb.engine.runtime;

import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.format.gguf.GgufTensor;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads an HF checkpoint folder or a GGUF file ({@link ModelFiles}) for generation: config → memory check → weights validated against the config →
 * tokenizer → graph from the {@link GraphCache} (compiled on a miss, with progress "Compiling layer 7 of 32" and
 * cancellation between layers) → ONNX Runtime session with explicit thread counts. Used by the CLI and the GUI.
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    /**
     * How to load.
     *
     * @param mode         cache layout; null: latent for MLA models, expanded otherwise
     * @param runtime      ONNX Runtime threads
     * @param contextLimit most tokens a generation may hold; 0: the config's max_position_embeddings
     * @param cache        where compiled graphs live
     * @param guard        the memory guard ({@link MemoryGuard#system()} normally)
     * @param weights      graph weight dtype ("f32", "q8", "q4", see {@link GraphOptions}); null: {@link #nativeWeights}
     */
    public record Options(CacheMode mode, RuntimeOptions runtime, int contextLimit, GraphCache cache,
                          MemoryGuard guard, String weights) {

        /** Options with the weight dtype chosen by {@link #nativeWeights}. */
        public Options(CacheMode mode, RuntimeOptions runtime, int contextLimit, GraphCache cache, MemoryGuard guard) {
            this(mode, runtime, contextLimit, cache, guard, null);
        }

        public Options {
            if (weights != null && !GraphOptions.DTYPES.contains(weights)) {
                throw new IllegalArgumentException("weights must be one of " + GraphOptions.DTYPES + ", got "
                        + weights);
            }
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(guard, "guard");
            if (contextLimit < 0) {
                throw new IllegalArgumentException("context limit must be ≥ 0, got " + contextLimit);
            }
        }

        /** Native mode, all cores, the model's own context, the default graph cache, the system memory guard. */
        public static Options defaults() {
            return new Options(null, RuntimeOptions.defaults(), 0, GraphCache.atDefaultLocation(),
                    MemoryGuard.system());
        }

        public Options withMode(CacheMode m) {
            return new Options(m, runtime, contextLimit, cache, guard, weights);
        }

        public Options withRuntime(RuntimeOptions r) {
            return new Options(mode, r, contextLimit, cache, guard, weights);
        }

        public Options withContextLimit(int c) {
            return new Options(mode, runtime, c, cache, guard, weights);
        }

        public Options withCache(GraphCache c) {
            return new Options(mode, runtime, contextLimit, c, guard, weights);
        }

        /** Graph weight dtype: "f32", "q8", "q4", or null for {@link ModelLoader#nativeWeights}. */
        public Options withWeights(String w) {
            return new Options(mode, runtime, contextLimit, cache, guard, w);
        }

        public Options withGuard(MemoryGuard g) {
            return new Options(mode, runtime, contextLimit, cache, g, weights);
        }
    }

    /** The cache mode used for {@code config} when none is asked for. */
    public static CacheMode nativeMode(ModelConfig config) {
        return config.family().isMla() ? CacheMode.LATENT : CacheMode.EXPANDED;
    }

    /**
     * The weight dtype a model runs with when none is asked for: f32 for checkpoint folders and F32/F16/BF16 GGUFs; for
     * quantized GGUFs the width most of the matrix bytes are stored at (q8 for Q8_0/Q5/Q6_K files, q4 for
     * Q4_0/Q4_1/Q4_K files), so a GGUF runs quantized by default.
     */
    public static String nativeWeights(Path model) throws ModelFormatException {
        if (!ModelFiles.isGguf(model)) {
            return "f32";
        }
        try (GgufFile g = GgufFile.open(model)) {
            long four = 0;
            long eight = 0;
            long flt = 0;
            for (GgufTensor t : g.tensors().values()) {
                if (t.ne().length != 2) {
                    continue;
                }
                long b = t.byteSize();
                if (!t.type().quantized()) {
                    flt += b;
                } else if (t.type().bitsPerWeight() > 5) {
                    eight += b;
                } else {
                    four += b;
                }
            }
            if (flt >= four && flt >= eight) {
                return "f32";
            }
            return four >= eight ? "q4" : "q8";
        }
    }

    /** The weight dtype of a loaded model's graph ("f32" when it has no quantization sidecar). */
    public static String weightsOf(LoadedModel m) {
        try {
            var q = OnnxGraphBuilder.readQuantization(m.graphFile());
            if (q.isEmpty()) {
                return "f32";
            }
            return q.stream().allMatch(w -> w.bits() == 8) ? "q8" : "q4";
        } catch (IOException e) {
            return "f32";
        }
    }

    /**
     * Loads {@code checkpoint}.
     *
     * @throws ModelFormatException        config, weights or tokenizer unusable (names the file and problem)
     * @throws InsufficientMemoryException the host cannot hold the model at this context
     * @throws IOException                 the graph cannot be written or ONNX Runtime refuses it
     * @throws java.util.concurrent.CancellationException when {@code ctx} is cancelled
     */
    public static LoadedModel load(Path checkpoint, Options options, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return load(checkpoint, options, false, ctx);
    }

    /**
     * Loads {@code checkpoint}, with the sparsity probe outputs in the graph when {@code sparsityProbes} (a separate
     * graph-cache entry; see {@link io.plmwb.engine.probe.SparsityProbeRunner}).
     */
    public static LoadedModel load(Path checkpoint, Options options, boolean sparsityProbes, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        long t0 = System.nanoTime();
        Path dir = checkpoint.toAbsolutePath().normalize();
        boolean gguf = ModelFiles.isGguf(dir);
        if (!Files.isDirectory(dir) && !gguf) {
            throw new ModelFormatException(dir, Files.exists(dir)
                    ? "not a folder or a .gguf file (give the checkpoint folder or the GGUF file)" : "does not exist");
        }
        ctx.message("Reading " + dir.getFileName() + (gguf ? " metadata" : "/config.json"));
        ModelConfig config = ModelFiles.config(dir);
        CacheMode mode = options.mode() == null ? nativeMode(config) : options.mode();
        if (mode == CacheMode.LATENT && !config.family().isMla()) {
            throw new IllegalArgumentException("latent cache mode needs an MLA model (PLM); " + config.modelType()
                    + " caches expanded K/V");
        }
        int limit = options.contextLimit() == 0 ? config.maxPositionEmbeddings() : options.contextLimit();
        GraphOptions graphOptions = new GraphOptions(mode, options.weights() != null ? options.weights()
                : nativeWeights(dir), sparsityProbes);
        GraphCache.Entry cached = options.cache().lookup(dir, graphOptions);
        ctx.message("Checking memory");
        MemoryGuard.Estimate estimate = options.guard().check(config, mode, limit, cached == null);
        long t1 = System.nanoTime();
        ctx.checkCancelled();

        PlmTokenizer tokenizer = null;
        try {
            GraphCache.Entry entry;
            long t2;
            long t3;
            ctx.message("Checking weights against the config");
            try (WeightSource weights = ModelFiles.openWeights(dir)) {
                CheckpointLayout.validate(weights, config);
                t2 = System.nanoTime();
                ctx.message("Loading tokenizer");
                tokenizer = ModelFiles.tokenizer(dir, weights);
                t3 = System.nanoTime();
                if (tokenizer.vocabSize() > config.vocabSize()) {
                    throw new ModelFormatException(tokenizer.file(), "the tokenizer has "
                            + tokenizer.vocabSize() + " tokens but the model only " + config.vocabSize()
                            + " embedding rows");
                }
                ctx.checkCancelled();
                entry = cached != null ? cached
                        : options.cache().getOrBuild(dir, graphOptions,
                                (file, c) -> OnnxGraphBuilder.build(config, weights, graphOptions, file, c), ctx);
            }
            long t4 = System.nanoTime();
            ctx.checkCancelled();
            // MatMulNBits only has its fast kernels on pre-packed weights (without pre-packing it dequantizes every
            // block on every call: 5-20x slower decode, measured in decision 0050), so quantized graphs pre-pack
            RuntimeOptions runtime = graphOptions.weightBits() > 0 ? options.runtime().withPrepack(true)
                    : options.runtime();
            ctx.message("Opening ONNX Runtime session (" + runtime.intraOpThreads() + " threads)");
            DecoderSession session = DecoderSession.open(entry.onnxFile(), runtime);
            long t5 = System.nanoTime();
            LoadTimings timings = new LoadTimings(ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5),
                    ms(t0, t5), cached != null || entry.hit());
            ctx.message("Loaded " + dir.getFileName() + (config.synthetic() ? " (SYNTHETIC)" : ""));
            return new LoadedModel(dir, config, tokenizer, session, mode, entry.onnxFile(), timings, estimate,
                    limit, runtime);
        } catch (IOException | ModelFormatException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw e;
        }
    }

    private static double ms(long a, long b) {
        return (b - a) / 1e6;
    }
}
