package io.plmwb.engine.model;

import java.util.Locale;
import java.util.Optional;

/** The decoder families the engine understands, keyed by HF {@code model_type}. */
public enum ModelFamily {
    /** PLM: MLA attention with a latent KV cache, squared-ReLU MLP. {@code edgellm} is its pre-release name. */
    PLM,
    /** Llama: GQA attention, SwiGLU MLP. */
    LLAMA,
    /** Qwen2: GQA attention with q/k/v bias, SwiGLU MLP. */
    QWEN2;

    /** Maps an HF {@code model_type} to a family; empty when it is not one we support. */
    public static Optional<ModelFamily> fromModelType(String modelType) {
        if (modelType == null) {
            return Optional.empty();
        }
        return switch (modelType.toLowerCase(Locale.ROOT)) {
            case "plm", "edgellm" -> Optional.of(PLM);
            case "llama" -> Optional.of(LLAMA);
            case "qwen2" -> Optional.of(QWEN2);
            default -> Optional.empty();
        };
    }

    /** True when attention is Multi-head Latent Attention (a compressed KV latent). */
    public boolean isMla() {
        return this == PLM;
    }
}
