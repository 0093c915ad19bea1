/**
 * Per-layer latency from ONNX Runtime's profiler: {@link io.plmwb.engine.latency.OrtTrace} reads ORT's Chrome-trace
 * JSON (streaming), {@link io.plmwb.engine.latency.LayerBreakdown} maps kernel times to layers and blocks by the
 * graph's node names, and {@link io.plmwb.engine.latency.LatencyProfiler} runs prefill / decode with and without the
 * profiler.
 */
package io.plmwb.engine.latency;
