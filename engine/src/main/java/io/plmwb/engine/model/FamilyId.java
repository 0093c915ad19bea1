package io.plmwb.engine.model;

import java.util.Locale;
import java.util.Objects;

/**
 * The model family a config belongs to, as a value: the family's registry name (see
 * {@code io.plmwb.engine.family.ModelFamilies}) and whether its attention is MLA (a compressed KV latent), which
 * the config's derived sizes ({@link ModelConfig#qHeadDim}, {@link ModelConfig#ropeDim}) depend on.
 *
 * @param name lower-case registry name ("plm", "llama", "qwen2")
 * @param mla  true for Multi-head Latent Attention
 */
public record FamilyId(String name, boolean mla) {

    public FamilyId {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("family name must be non-empty lower case: '" + name + "'");
        }
    }

    /** True when attention is Multi-head Latent Attention. */
    public boolean isMla() {
        return mla;
    }

    /** The upper-case name ("PLM"), as messages and graph metadata spell it. */
    @Override
    public String toString() {
        return name.toUpperCase(Locale.ROOT);
    }
}
