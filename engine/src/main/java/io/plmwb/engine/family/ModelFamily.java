package io.plmwb.engine.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.format.gguf.GgufValue;
import io.plmwb.engine.model.FamilyId;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.onnx.OnnxOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Everything the engine knows about one decoder family, in one place (as Jlama's ModelSupport): how its HF
 * config.json and GGUF metadata map onto a {@link ModelConfig}, its tensor names (HF and GGUF), the attention and MLP
 * blocks the graph builder calls, its KV-cache layout, and the parameter/KV accounting of
 * {@code engine.arch.ArchitectureSummary}. Implementations are registered in {@link ModelFamilies}; adding a family
 * is one package plus one registry entry.
 */
public interface ModelFamily {

    /** The family's identity as configs carry it. */
    FamilyId id();

    /** Lower-case registry name ("plm"). */
    default String name() {
        return id().name();
    }

    /** HF {@code model_type} values of this family (the first is the canonical one). */
    List<String> modelTypes();

    /** GGUF {@code general.architecture} of this family. */
    String ggufArchitecture();

    /** HF {@code architectures[0]} written to a config.json. */
    String hfArchitecture();

    // ------------------------------------------------------------------ config mapping

    /**
     * The config of a config.json whose shared fields have been read into {@code common}; reads the family's own
     * fields from {@code json}.
     */
    ModelConfig fromHfConfig(HfConfig json, HfConfig.Common common) throws ModelFormatException;

    /** Writes the family's attention fields of a config.json (between num_key_value_heads and hidden_act). */
    void writeHfAttention(ModelConfig c, ObjectNode o);

    /**
     * Adds the family's fields to the config.json form {@code o} of a GGUF header ({@code arch} = the metadata
     * prefix), so that {@link #fromHfConfig} can read it.
     */
    void readGgufMetadata(GgufFile g, String arch, ObjectNode o) throws ModelFormatException;

    /**
     * Adds the family's attention metadata of a GGUF file written from {@code c}.
     *
     * @throws ModelFormatException when {@code c} cannot be expressed in this family's GGUF (naming {@code config})
     */
    void writeGgufMetadata(ModelConfig c, String arch, Map<String, GgufValue> meta, Path config)
            throws ModelFormatException;

    // ------------------------------------------------------------------ tensor names

    /** HF names and shapes ([out, in]) of one layer's attention tensors, {@code p} = "model.layers.N.", in order. */
    Map<String, long[]> attentionTensors(ModelConfig c, String p);

    /** HF names and shapes of one layer's MLP tensors, in order. */
    Map<String, long[]> mlpTensors(ModelConfig c, String p);

    /** GGUF block tensor part → HF part ("attn_q" → "self_attn.q_proj") of this family's tensors. */
    Map<String, String> ggufBlockNames();

    /** A tensor read from GGUF as HF stores it (llama.cpp permutes llama's q/k rows); {@code rowLength} = ne[0]. */
    default float[] fromGguf(ModelConfig c, String hfName, float[] v, int rowLength) {
        return v;
    }

    /** The inverse of {@link #fromGguf}: an HF tensor as GGUF stores it. */
    default float[] toGguf(ModelConfig c, String hfName, float[] v, int rowLength) {
        return v;
    }

    // ------------------------------------------------------------------ graph blocks

    /**
     * Emits layer {@code layer}'s attention on the normed input {@code x} [T, hidden], appending to the layer's
     * cache inputs and writing its cache outputs; returns the o_proj output [T, hidden]. {@code n} prefixes node
     * names, {@code w} = "model.layers.N.self_attn.".
     */
    String attention(OnnxOps ops, int layer, String n, String w, String x) throws ModelFormatException, IOException;

    /**
     * Emits the MLP on {@code x}; {@code tap} sees the activation [T, intermediate] before down_proj (the sparsity
     * probes). {@code w} = "model.layers.N.mlp.".
     */
    String mlp(OnnxOps ops, String n, String w, String x, ActivationTap tap) throws ModelFormatException, IOException;

    /** Receives an MLP activation as it is emitted. */
    @FunctionalInterface
    interface ActivationTap {
        /**
         * @param n           node name prefix of the probe
         * @param activation  tensor [T, width]
         * @param width       neurons
         * @param nonNegative true when every value is ≥ 0 (relu²)
         */
        void activation(String n, String activation, int width, boolean nonNegative);
    }

    // ------------------------------------------------------------------ cache layout

    /** True when the family can cache the MLA latent instead of expanded K/V. */
    default boolean hasLatentCache() {
        return id().isMla();
    }

    /**
     * One layer's cache tensors in the latent or expanded layout, in graph order.
     *
     * @throws IllegalArgumentException for the latent layout of a family without one
     */
    List<CacheTensor> cacheTensors(ModelConfig c, boolean latent);

    // ------------------------------------------------------------------ accounting

    /** True when the MLP is gated (gate, up, down). */
    boolean gatedMlp();

    /** The config hidden_act the family's MLP block implements ("relu2", "silu"). */
    String activation();

    /** KV heads of the GQA-equivalent cost layout. */
    int gqaEquivalentKvHeads(ModelConfig c);

    /** The family's attention fields of the architecture summary's JSON. */
    void describe(ModelConfig c, ObjectNode model);

    /**
     * One layer's prefill FLOPs of {@code t} tokens attending to {@code s1} positions, given {@code matrixFlops} =
     * 2·t·(attention + MLP parameters): the family adds its score and context products (and removes what it folds).
     */
    double attentionFlops(ModelConfig c, boolean latent, long t, long s1, double matrixFlops);

    /** Parameters per tensor of one decoder block by HF short name (weight and bias together), in forward order. */
    default Map<String, Long> perLayerParameters(ModelConfig c) {
        Map<String, Long> t = new LinkedHashMap<>();
        t.put("input_layernorm", (long) c.hiddenSize());
        count(t, attentionTensors(c, "model.layers.0."));
        t.put("post_attention_layernorm", (long) c.hiddenSize());
        count(t, mlpTensors(c, "model.layers.0."));
        return t;
    }

    /** Cached values per token in one layer, latent or expanded; empty where the layout does not apply. */
    default OptionalLong cacheValuesPerToken(ModelConfig c, boolean latent) {
        if (latent && !hasLatentCache()) {
            return OptionalLong.empty();
        }
        long n = 0;
        for (CacheTensor t : cacheTensors(c, latent)) {
            n += t.valuesPerToken();
        }
        return OptionalLong.of(n);
    }

    private static void count(Map<String, Long> into, Map<String, long[]> tensors) {
        for (Map.Entry<String, long[]> e : tensors.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            long k = 1;
            for (long d : e.getValue()) {
                k *= d;
            }
            into.merge(parts[parts.length - 2], k, Long::sum);
        }
    }
}
