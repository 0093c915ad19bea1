/**
 * ONNX emitting primitives shared by the graph builder and the family blocks: {@link io.plmwb.engine.onnx.OnnxGraph}
 * (nodes, constants, weights streamed to an external-data sidecar) and {@link io.plmwb.engine.onnx.OnnxOps}
 * (checked weights, linear layers fp32 or MatMulNBits, RMSNorm, RoPE, causal attention).
 */
package io.plmwb.engine.onnx;
