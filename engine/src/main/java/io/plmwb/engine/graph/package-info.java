/**
 * ONNX decoder graphs: {@link io.plmwb.engine.graph.OnnxGraphBuilder} assembles a decoder from the family's blocks
 * (see {@code io.plmwb.engine.family}) with weights in an external-data sidecar, optionally with the sparsity probes
 * of {@link io.plmwb.engine.graph.ProbeGrid}; {@link io.plmwb.engine.graph.GraphCache} keeps built graphs keyed by
 * checkpoint identity and build options.
 */
package io.plmwb.engine.graph;
