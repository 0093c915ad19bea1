/**
 * Checkpoints as the families see them: {@link io.plmwb.engine.checkpoint.ConfigLoader} (config.json ↔ ModelConfig),
 * {@link io.plmwb.engine.checkpoint.CheckpointLayout} (the tensors a config implies, validation),
 * {@link io.plmwb.engine.checkpoint.GgufCheckpoint} (a GGUF under HF names, config from metadata) and
 * {@link io.plmwb.engine.checkpoint.GgufConverter} (HF → GGUF Q8_0/Q4_0).
 */
package io.plmwb.engine.checkpoint;
