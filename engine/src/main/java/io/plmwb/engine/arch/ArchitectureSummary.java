package io.plmwb.engine.arch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.model.ModelConfig;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parameter counts, weight bytes and KV-cache sizes of an architecture, worked out from its config alone.
 *
 * <p>Counts follow the tensors the checkpoint holds (see ../shared/reference/plm.md for PLM-1.8B: total
 * 1,825,458,176; latent KV 576 values per token per layer).
 */
public final class ArchitectureSummary {

    /** Scratch memory for activations, logits and the runtime's own buffers, as a floor. */
    static final long WORKSPACE_FLOOR_BYTES = 256L * 1024 * 1024;

    private final ModelConfig config;
    private final ModelFamily family;
    private final Map<String, Long> perLayerTensors;
    private final long embedding;
    private final long lmHead;
    private final long finalNorm;
    private final long perLayerAttention;
    private final long perLayerMlp;
    private final long perLayerNorms;

    private ArchitectureSummary(ModelConfig c) {
        this.config = c;
        this.family = ModelFamilies.of(c);
        long h = c.hiddenSize();
        Map<String, Long> t = family.perLayerParameters(c);
        this.perLayerTensors = Collections.unmodifiableMap(t);

        long norms = 0;
        long mlp = 0;
        long attn = 0;
        for (Map.Entry<String, Long> e : t.entrySet()) {
            String k = e.getKey();
            if (k.equals("input_layernorm") || k.equals("post_attention_layernorm")) {
                norms += e.getValue();
            } else if (k.endsWith("_proj") && (k.startsWith("gate") || k.startsWith("up") || k.startsWith("down"))) {
                mlp += e.getValue();
            } else {
                attn += e.getValue();
            }
        }
        this.perLayerNorms = norms;
        this.perLayerMlp = mlp;
        this.perLayerAttention = attn;
        this.embedding = (long) c.vocabSize() * h;
        this.lmHead = c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * h;
        this.finalNorm = h;
    }

    /** Summarises an architecture. */
    public static ArchitectureSummary of(ModelConfig config) {
        return new ArchitectureSummary(config);
    }

    /** True when the MLP is gated (SwiGLU: gate, up, down); PLM's squared ReLU has only up and down. */
    public static boolean gated(ModelConfig c) {
        return ModelFamilies.of(c).gatedMlp();
    }

    public ModelConfig config() {
        return config;
    }

    /** Parameters of each tensor of one decoder block, by HF short name, in forward order. */
    public Map<String, Long> perLayerTensors() {
        return perLayerTensors;
    }

    public long embedding() {
        return embedding;
    }

    /** Parameters of a separate output head (0 when tied to the embedding). */
    public long lmHead() {
        return lmHead;
    }

    public long finalNorm() {
        return finalNorm;
    }

    public long perLayerAttention() {
        return perLayerAttention;
    }

    public long perLayerMlp() {
        return perLayerMlp;
    }

    public long perLayerNorms() {
        return perLayerNorms;
    }

    public long perLayer() {
        return perLayerAttention + perLayerMlp + perLayerNorms;
    }

    public long attention() {
        return perLayerAttention * config.numLayers();
    }

    public long mlp() {
        return perLayerMlp * config.numLayers();
    }

    /** All RMSNorm weights: two per block plus the final norm (kv_a_layernorm counts as attention). */
    public long norms() {
        return perLayerNorms * config.numLayers() + finalNorm;
    }

    public long total() {
        return embedding + lmHead + perLayer() * config.numLayers() + finalNorm;
    }

    /** Bytes of all weights stored as {@code type}. */
    public long weightBytes(StorageType type) {
        return type.bytesFor(total());
    }

    /**
     * Cached values per token in one layer for a layout, or empty where the layout does not apply (latent on a
     * model without MLA).
     */
    public OptionalLong kvValuesPerTokenPerLayer(KvLayout layout) {
        ModelConfig c = config;
        int mhaHeadDim = c.hiddenSize() / c.numHeads();
        return switch (layout) {
            case LATENT -> family.cacheValuesPerToken(c, true);
            case EXPANDED -> family.cacheValuesPerToken(c, false);
            case MHA -> OptionalLong.of(2L * c.numHeads() * mhaHeadDim);
            case GQA -> OptionalLong.of(2L * gqaKvHeads() * mhaHeadDim);
        };
    }

    /** KV heads of the GQA-equivalent layout: the model's own for GQA models, heads/4 (at least 1) otherwise. */
    public int gqaKvHeads() {
        return family.gqaEquivalentKvHeads(config);
    }

    /** Cache bytes per token over all layers. */
    public OptionalLong kvBytesPerToken(KvLayout layout, StorageType type) {
        OptionalLong v = kvValuesPerTokenPerLayer(layout);
        return v.isPresent() ? OptionalLong.of(type.bytesFor(v.getAsLong()) * config.numLayers()) : OptionalLong.empty();
    }

    /** Cache bytes at a context length. */
    public OptionalLong kvBytes(KvLayout layout, StorageType type, long contextTokens) {
        OptionalLong v = kvValuesPerTokenPerLayer(layout);
        return v.isPresent()
                ? OptionalLong.of(type.bytesFor(v.getAsLong() * contextTokens) * config.numLayers())
                : OptionalLong.empty();
    }

    /** The layout the engine uses natively for this model: latent for MLA, expanded (its own GQA) otherwise. */
    public KvLayout nativeLayout() {
        return family.hasLatentCache() ? KvLayout.LATENT : KvLayout.EXPANDED;
    }

    /**
     * Memory needed to run at a context: weights + cache + a workspace for activations and logits (one prefill
     * chunk of {@code chunkTokens} tokens of hidden and MLP activations in fp32, the logits of one token, and a floor).
     */
    public MemoryEstimate memoryAt(long contextTokens, StorageType weights, KvLayout layout, StorageType cache,
            int chunkTokens) {
        long w = weightBytes(weights);
        long kv = kvBytes(layout, cache, contextTokens).orElseThrow(
                () -> new IllegalArgumentException(layout.key() + " cache does not apply to " + config.modelType()));
        long act = 4L * chunkTokens * (4L * config.hiddenSize() + 2L * config.intermediateSize()
                + (long) config.numHeads() * Math.min(contextTokens, Integer.MAX_VALUE));
        long logits = 4L * config.vocabSize() * 2;
        long workspace = Math.max(WORKSPACE_FLOOR_BYTES, act + logits);
        return new MemoryEstimate(w, kv, workspace);
    }

    /** Weights + cache + workspace, in bytes. */
    public record MemoryEstimate(long weightBytes, long cacheBytes, long workspaceBytes) {
        public long total() {
            return weightBytes + cacheBytes + workspaceBytes;
        }
    }

    /** The summary as JSON, with the cache costed at {@code cacheType} and memory at {@code context} tokens. */
    public ObjectNode toJson(StorageType cacheType, long context) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("family", family.name());
        model.put("model_type", config.modelType());
        model.put("layers", config.numLayers());
        model.put("hidden_size", config.hiddenSize());
        model.put("intermediate_size", config.intermediateSize());
        model.put("heads", config.numHeads());
        model.put("kv_heads", config.numKvHeads());
        model.put("vocab_size", config.vocabSize());
        model.put("hidden_act", config.hiddenAct());
        model.put("max_position_embeddings", config.maxPositionEmbeddings());
        model.put("tie_word_embeddings", config.tieWordEmbeddings());
        family.describe(config, model);
        model.put("synthetic", config.synthetic());

        ObjectNode p = root.putObject("params");
        p.put("total", total());
        p.put("embedding", embedding);
        p.put("lm_head", lmHead);
        p.put("attention", attention());
        p.put("mlp", mlp());
        p.put("norms", norms());
        p.put("per_layer", perLayer());
        ObjectNode pl = p.putObject("per_layer_tensors");
        perLayerTensors.forEach(pl::put);

        ObjectNode wb = root.putObject("weights").putObject("bytes");
        for (StorageType t : StorageType.values()) {
            if (t != StorageType.FP8) {
                wb.put(t.label(), weightBytes(t));
            }
        }

        ObjectNode kv = root.putObject("kv_cache");
        kv.put("dtype", cacheType.label());
        kv.put("native_layout", nativeLayout().key());
        ObjectNode vals = kv.putObject("values_per_token_per_layer");
        ObjectNode bpt = kv.putObject("bytes_per_token");
        ObjectNode atCtx = kv.putObject("bytes_at_context");
        for (KvLayout layout : KvLayout.values()) {
            OptionalLong v = kvValuesPerTokenPerLayer(layout);
            if (v.isPresent()) {
                vals.put(layout.key(), v.getAsLong());
                bpt.put(layout.key(), kvBytesPerToken(layout, cacheType).getAsLong());
                atCtx.put(layout.key(), kvBytes(layout, cacheType, context).getAsLong());
            } else {
                vals.putNull(layout.key());
                bpt.putNull(layout.key());
                atCtx.putNull(layout.key());
            }
        }
        ObjectNode mem = root.putObject("memory");
        mem.put("context", context);
        MemoryEstimate e = memoryAt(context, StorageType.FP32, nativeLayout(), cacheType, 512);
        mem.put("weights_dtype", StorageType.FP32.label());
        mem.put("weights_bytes", e.weightBytes());
        mem.put("cache_bytes", e.cacheBytes());
        mem.put("workspace_bytes", e.workspaceBytes());
        mem.put("total_bytes", e.total());
        return root;
    }
}
