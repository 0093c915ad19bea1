package io.plmwb.engine.graph;

import io.plmwb.engine.arch.KvLayout;
import java.util.Locale;

/** How the emitted decoder graph caches keys and values between steps. */
public enum CacheMode {
    /** MLA only: per layer [c ; RoPE(k̃)] of shape [1, S, kv_lora_rank + rope]; attention by absorption. */
    LATENT,
    /** Per-head K [1, kvHeads, S, key] and V [1, kvHeads, S, value], as the public runtimes cache. */
    EXPANDED;

    /** The CLI/JSON key ("latent", "expanded"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The matching {@link KvLayout} for cost tables. */
    public KvLayout layout() {
        return this == LATENT ? KvLayout.LATENT : KvLayout.EXPANDED;
    }

    /** Parses "latent" / "expanded" (case-insensitive). */
    public static CacheMode parse(String s) {
        for (CacheMode m : values()) {
            if (m.key().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown cache mode '" + s + "' (use latent or expanded)");
    }
}
