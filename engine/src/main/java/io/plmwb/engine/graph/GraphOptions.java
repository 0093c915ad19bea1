package io.plmwb.engine.graph;

import java.util.Objects;

/**
 * Options that change the emitted graph (and therefore the graph-cache key).
 *
 * @param mode           KV cache layout
 * @param dtype          weight/activation type of the graph; only "f32" is implemented
 * @param sparsityProbes true: every layer's MLP activation is reduced inside the graph to the probe outputs of
 *                       {@link io.plmwb.engine.probe.ProbeGrid} (per-token threshold histograms, per-neuron
 *                       histograms, top-k neurons); the activations themselves never leave ONNX Runtime
 */
public record GraphOptions(CacheMode mode, String dtype, boolean sparsityProbes) {

    public GraphOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(dtype, "dtype");
        if (!dtype.equals("f32")) {
            throw new IllegalArgumentException("graph dtype '" + dtype + "' is not implemented (only f32)");
        }
    }

    /** Without probes. */
    public GraphOptions(CacheMode mode, String dtype) {
        this(mode, dtype, false);
    }

    /** fp32 graph with the given cache mode. */
    public static GraphOptions of(CacheMode mode) {
        return new GraphOptions(mode, "f32");
    }

    /** A copy with the sparsity probes on or off. */
    public GraphOptions withSparsityProbes(boolean on) {
        return new GraphOptions(mode, dtype, on);
    }
}
