/**
 * Sparsity probes: MLP activations reduced inside the ONNX graph (threshold histograms per token and per neuron,
 * top-k neurons per token), captured over chunked prefills and decode steps without the activation tensors ever
 * reaching the Java heap.
 */
package io.plmwb.engine.probe;
