package io.plmwb.engine.runtime;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphOptions;

/**
 * What session a caller asks a {@link ModelHandle} for. Unset parts take the checkpoint's or the host's value.
 *
 * @param mode           cache layout; null: latent for MLA models, expanded otherwise
 * @param weights        graph weight dtype ("f32", "q8", "q4"); null: the checkpoint's native width
 *                       ({@link ModelLoader#nativeWeights})
 * @param sparsityProbes true: the graph carries the sparsity probe outputs (a separate graph-cache entry)
 * @param contextLimit   most tokens a generation may hold; 0: the config's max_position_embeddings
 * @param runtime        ONNX Runtime options; null: the host's one thread setting ({@link ModelSessions#threads()}).
 *                       Set only where a benchmark sweeps threads or profiles (a profiled session is never shared)
 */
public record SessionSpec(CacheMode mode, String weights, boolean sparsityProbes, int contextLimit,
                          RuntimeOptions runtime) {

    public SessionSpec {
        if (weights != null && !GraphOptions.DTYPES.contains(weights)) {
            throw new IllegalArgumentException("weights must be one of " + GraphOptions.DTYPES + ", got " + weights);
        }
        if (contextLimit < 0) {
            throw new IllegalArgumentException("context limit must be ≥ 0, got " + contextLimit);
        }
    }

    /** Native mode and weights, no probes, the model's own context, the host's threads. */
    public static SessionSpec defaults() {
        return new SessionSpec(null, null, false, 0, null);
    }

    public SessionSpec withMode(CacheMode m) {
        return new SessionSpec(m, weights, sparsityProbes, contextLimit, runtime);
    }

    public SessionSpec withWeights(String w) {
        return new SessionSpec(mode, w, sparsityProbes, contextLimit, runtime);
    }

    public SessionSpec withSparsityProbes(boolean on) {
        return new SessionSpec(mode, weights, on, contextLimit, runtime);
    }

    public SessionSpec withContextLimit(int c) {
        return new SessionSpec(mode, weights, sparsityProbes, c, runtime);
    }

    /** Explicit runtime options instead of the host's (thread sweeps, profiling). */
    public SessionSpec withRuntime(RuntimeOptions r) {
        return new SessionSpec(mode, weights, sparsityProbes, contextLimit, r);
    }

    /** One inter-op and {@code intraOpThreads} intra-op threads instead of the host's setting (thread sweeps). */
    public SessionSpec withThreads(int intraOpThreads) {
        return withRuntime(RuntimeOptions.threads(1, intraOpThreads));
    }
}
