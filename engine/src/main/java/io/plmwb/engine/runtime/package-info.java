/**
 * Running decoder graphs with ONNX Runtime through DJL: {@link io.plmwb.engine.runtime.DecoderSession} (prefill,
 * decode, native KV cache) and {@link io.plmwb.engine.runtime.LogitsRunner} (logits files and comparisons).
 */
package io.plmwb.engine.runtime;
