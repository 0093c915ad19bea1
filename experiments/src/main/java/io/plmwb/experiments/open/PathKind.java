package io.plmwb.experiments.open;

/** What a file or folder the user opened turned out to be. */
public enum PathKind {
    /** An HF checkpoint folder (config.json, safetensors) or its config.json / safetensors file. */
    HF_CHECKPOINT("model checkpoint"),
    /** A GGUF model file (llama.cpp). */
    GGUF_MODEL("GGUF model"),
    /** A table of numbers: CSV/TSV training logs. */
    TABLE("table (CSV/TSV)"),
    /** JSON or JSON Lines data: logs, trainer_state.json, refinement rounds, AlpacaEval outputs. */
    JSON_DATA("JSON data"),
    /** A saved Sparsity workspace result ({@code *.sparsity.json}). */
    SPARSITY_RESULT("sparsity result"),
    /** A TensorBoard event file. */
    TENSORBOARD_EVENTS("TensorBoard event file"),
    /** Refinement rounds: plmwb rounds JSONL, AlpacaEval outputs/annotations (file or folder), Arena-Hard answers. */
    ROUND_DATA("refinement-round data");

    private final String description;

    PathKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** True for models, false for data files. */
    public boolean isModel() {
        return this == HF_CHECKPOINT || this == GGUF_MODEL;
    }
}
