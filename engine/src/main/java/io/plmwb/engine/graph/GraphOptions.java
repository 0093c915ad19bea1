package io.plmwb.engine.graph;

import java.util.Objects;

/**
 * Options that change the emitted graph (and therefore the graph-cache key).
 *
 * @param mode  KV cache layout
 * @param dtype weight/activation type of the graph; only "f32" is implemented
 */
public record GraphOptions(CacheMode mode, String dtype) {

    public GraphOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(dtype, "dtype");
        if (!dtype.equals("f32")) {
            throw new IllegalArgumentException("graph dtype '" + dtype + "' is not implemented (only f32)");
        }
    }

    /** fp32 graph with the given cache mode. */
    public static GraphOptions of(CacheMode mode) {
        return new GraphOptions(mode, "f32");
    }
}
