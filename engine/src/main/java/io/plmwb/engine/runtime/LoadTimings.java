package io.plmwb.engine.runtime;

/**
 * Where the time of a model load went, in milliseconds.
 *
 * @param configMs      reading and checking config.json, the memory estimate
 * @param validateMs    opening the safetensors and checking every tensor against the config
 * @param tokenizerMs   loading tokenizer.json
 * @param compileMs     graph-cache lookup, plus building the ONNX graph on a miss
 * @param sessionOpenMs ONNX Runtime session creation (reads the weights, pre-packs them)
 * @param totalMs       all of it
 * @param cacheHit      true when the graph came from the cache (nothing compiled)
 */
public record LoadTimings(double configMs, double validateMs, double tokenizerMs, double compileMs,
                          double sessionOpenMs, double totalMs, boolean cacheHit) {
}
