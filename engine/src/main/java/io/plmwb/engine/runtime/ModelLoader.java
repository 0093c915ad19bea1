package io.plmwb.engine.runtime;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.format.gguf.GgufTensor;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The loader's options and rules (native cache mode and weight width) and {@link #load}, a thin delegate to a
 * {@link ModelSessions} host of its own: the host is the only place a model is loaded. Callers move to a shared
 * {@link ModelSessions} (one per application); until then each {@code load} gives a model with its own session,
 * closed with it, as before.
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
            return nativeWeights(g);
        }
    }

    /** {@link #nativeWeights(Path)} of an open GGUF file. */
    static String nativeWeights(GgufFile g) {
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
     * graph-cache entry; see {@link io.plmwb.engine.probe.SparsityProbeRunner}): a lease of a host made for this call
     * with the options' runtime, graph cache and memory guard.
     */
    public static LoadedModel load(Path checkpoint, Options options, boolean sparsityProbes, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return host(options).lease(checkpoint, spec(options, sparsityProbes), ctx).model();
    }

    /** A host with the options' intra-op threads, graph cache and memory guard (for the loader-style delegates). */
    public static ModelSessions host(Options options) {
        return new ModelSessions(options.runtime().intraOpThreads(), options.cache(), options.guard());
    }

    /** The session spec equivalent to {@code options} (runtime options explicit, as the loader took them). */
    public static SessionSpec spec(Options options, boolean sparsityProbes) {
        return new SessionSpec(options.mode(), options.weights(), sparsityProbes, options.contextLimit(),
                options.runtime());
    }
}
