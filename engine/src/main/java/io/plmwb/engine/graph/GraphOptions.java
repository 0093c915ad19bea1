package io.plmwb.engine.graph;

import java.util.Objects;

/**
 * Options that change the emitted graph (and therefore the graph-cache key).
 *
 * @param mode           KV cache layout
 * @param dtype          weight type of the linear layers: "f32" (everything fp32), "q8" or "q4" (linear weights and
 *                       the output head block-quantized, 32 values per block, run by
 *                       {@code com.microsoft.MatMulNBits}; see {@link io.plmwb.engine.format.gguf.WeightQuantizer}
 *                       for which tensors get which width); activations, norms and the KV cache stay fp32
 * @param sparsityProbes true: every layer's MLP activation is reduced inside the graph to the probe outputs of
 *                       {@link io.plmwb.engine.graph.ProbeGrid} (per-token threshold histograms, per-neuron
 *                       histograms, top-k neurons); the activations themselves never leave ONNX Runtime
 */
public record GraphOptions(CacheMode mode, String dtype, boolean sparsityProbes) {

    /** The accepted dtypes. */
    public static final java.util.List<String> DTYPES = java.util.List.of("f32", "q8", "q4");

    public GraphOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(dtype, "dtype");
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("graph dtype '" + dtype + "' is not implemented (f32, q8, q4)");
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

    /** A copy with another weight dtype. */
    public GraphOptions withDtype(String d) {
        return new GraphOptions(mode, d, sparsityProbes);
    }

    /** 8 or 4 for the quantized dtypes, 0 for f32. */
    public int weightBits() {
        return switch (dtype) {
            case "q8" -> 8;
            case "q4" -> 4;
            default -> 0;
        };
    }
}
