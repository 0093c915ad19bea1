package io.plmwb.engine.arch;

/** Ways to lay out a KV cache, so that the same model can be costed under each. */
public enum KvLayout {
    /** MLA latent: [c ; RoPE(k̃)] per token per layer (kv_lora_rank + rope dims). Only for MLA models. */
    LATENT("latent", "MLA latent [c ; k_rope]"),
    /** What the public runtimes cache: K per head (native key size) and V per head (native value size). */
    EXPANDED("expanded", "expanded K/V per head (public runtimes)"),
    /** Multi-head attention with all query heads at hidden/heads per head, K and V. */
    MHA("mha", "MHA-equivalent (heads × hidden/heads, K and V)"),
    /** Grouped-query equivalent: the model's KV heads for GQA models, heads/4 KV heads for MHA/MLA models. */
    GQA("gqa", "GQA-equivalent (KV heads × hidden/heads, K and V)");

    private final String key;
    private final String description;

    KvLayout(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The JSON/CLI key. */
    public String key() {
        return key;
    }

    /** A one-line description for tables and legends. */
    public String description() {
        return description;
    }
}
