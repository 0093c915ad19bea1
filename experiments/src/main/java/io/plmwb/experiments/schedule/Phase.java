package io.plmwb.experiments.schedule;

/**
 * A named stretch of a schedule on its axis: [start, end); end is +∞ for an open tail.
 *
 * @param name  "warmup", "stable", "decay", "constant", "cosine", "segment 3", …
 * @param start first position (step or token)
 * @param end   first position after the phase
 */
public record Phase(String name, double start, double end) {
}
