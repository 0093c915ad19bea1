package io.plmwb.engine.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Published architectures by name, for summaries, KV calculators and synthetic checkpoints. */
public final class Presets {

    private static final FamilyId PLM = new FamilyId("plm", true);
    private static final FamilyId QWEN2 = new FamilyId("qwen2", false);
    private static final FamilyId LLAMA = new FamilyId("llama", false);
    private static final Map<String, ModelConfig> PRESETS = new LinkedHashMap<>();

    static {
        // PLM-1.8B (plm-team): ../shared/reference/plm.md
        PRESETS.put("plm-1.8b", new ModelConfig(PLM, "plm", 151936, 2048, 8192, 32, 16, 16, 192, null, 512,
                128, 64, 128, "relu2", 4096, 100000.0, true, 1e-6, true, false, "bfloat16", 151643, 151645, false, null));
        // Qwen2.5-1.5B: GQA 12 heads / 2 KV heads, q/k/v bias, tied embeddings
        PRESETS.put("qwen2.5-1.5b", new ModelConfig(QWEN2, "qwen2", 151936, 1536, 8960, 28, 12, 2, 128, null,
                0, 0, 0, 128, "silu", 32768, 1000000.0, false, 1e-6, true, true, "bfloat16", 151643, 151645, false, null));
        // Llama-3.2-1B: GQA 32 heads / 8 KV heads, head_dim 64, tied embeddings
        PRESETS.put("llama-3.2-1b", new ModelConfig(LLAMA, "llama", 128256, 2048, 8192, 16, 32, 8, 64, null,
                0, 0, 0, 64, "silu", 131072, 500000.0, false, 1e-5, true, false, "bfloat16", 128000, 128001, false,
                RopeScaling.llama3(32.0, 1.0, 4.0, 8192)));
    }

    private Presets() {
    }

    /** The preset names, in display order. */
    public static Iterable<String> names() {
        return PRESETS.keySet();
    }

    /** Looks a preset up by name (case-insensitive). */
    public static Optional<ModelConfig> byName(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(PRESETS.get(name.toLowerCase(Locale.ROOT)));
    }
}
