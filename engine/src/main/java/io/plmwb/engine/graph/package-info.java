/**
 * ONNX decoder graphs: {@link io.plmwb.engine.graph.OnnxGraphBuilder} emits a PLM (MLA, latent or expanded KV cache)
 * or llama/qwen2 (GQA) decoder with weights in an external-data sidecar; {@link io.plmwb.engine.graph.GraphCache}
 * keeps built graphs keyed by checkpoint identity and build options.
 */
package io.plmwb.engine.graph;
