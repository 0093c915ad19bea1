/**
 * Model families behind a registry: {@link io.plmwb.engine.family.ModelFamily} is everything the engine knows about
 * one family (config mapping, HF and GGUF tensor names, attention and MLP graph blocks, cache layout, parameter and
 * KV accounting); {@link io.plmwb.engine.family.ModelFamilies} finds a family by HF model_type, GGUF architecture
 * or id. One sub-package per family: {@code plm} (MLA + relu²), {@code llama} (GQA + SwiGLU), {@code qwen2} (llama
 * with q/k/v bias). Depends on model, format and onnx only.
 */
package io.plmwb.engine.family;
