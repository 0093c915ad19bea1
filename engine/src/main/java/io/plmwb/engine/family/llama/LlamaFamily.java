package io.plmwb.engine.family.llama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.family.CacheTensor;
import io.plmwb.engine.family.HfConfig;
import io.plmwb.engine.family.ModelFamily;
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
import java.util.Optional;

/**
 * Llama: grouped-query attention (q/k/v/o, bias when the config says attention_bias) and a SwiGLU MLP (gate, up,
 * down); K/V cached per KV head. llama.cpp stores q/k rows permuted ({@link #permute}). Qwen2 extends it.
 */
public class LlamaFamily implements ModelFamily {

    /** The id llama configs carry. */
    public static final FamilyId ID = new FamilyId("llama", false);
    /** The registered instance. */
    public static final LlamaFamily INSTANCE = new LlamaFamily(ID, "llama", "LlamaForCausalLM");

    private static final Map<String, String> GGUF_BLOCKS = Map.ofEntries(
            Map.entry("attn_norm", "input_layernorm"),
            Map.entry("attn_q", "self_attn.q_proj"),
            Map.entry("attn_k", "self_attn.k_proj"),
            Map.entry("attn_v", "self_attn.v_proj"),
            Map.entry("attn_output", "self_attn.o_proj"),
            Map.entry("ffn_norm", "post_attention_layernorm"),
            Map.entry("ffn_gate", "mlp.gate_proj"),
            Map.entry("ffn_up", "mlp.up_proj"),
            Map.entry("ffn_down", "mlp.down_proj"));

    private final FamilyId id;
    private final String modelType;
    private final String hfArchitecture;

    /** A GQA + SwiGLU family whose model_type and GGUF architecture are {@code modelType}. */
    protected LlamaFamily(FamilyId id, String modelType, String hfArchitecture) {
        this.id = id;
        this.modelType = modelType;
        this.hfArchitecture = hfArchitecture;
    }

    @Override
    public final FamilyId id() {
        return id;
    }

    @Override
    public final List<String> modelTypes() {
        return List.of(modelType);
    }

    @Override
    public final String ggufArchitecture() {
        return modelType;
    }

    @Override
    public final String hfArchitecture() {
        return hfArchitecture;
    }

    /** True when q/k/v have a bias whatever the config says (qwen2). */
    protected boolean alwaysAttentionBias() {
        return false;
    }

    // ------------------------------------------------------------------ config mapping

    @Override
    public ModelConfig fromHfConfig(HfConfig json, HfConfig.Common c) throws ModelFormatException {
        if (c.hidden() % c.heads() != 0 && !json.root().has("head_dim")) {
            throw new ModelFormatException(json.file(), "hidden_size " + c.hidden()
                    + " is not a multiple of num_attention_heads " + c.heads() + " and no head_dim is given");
        }
        int headDim = json.present("head_dim") ? json.positive("head_dim") : c.hidden() / c.heads();
        if (headDim % 2 != 0) {
            throw new ModelFormatException(json.file(), "head_dim " + headDim + " must be even (RoPE rotates pairs)");
        }
        String act = json.text("hidden_act", "silu");
        boolean bias = alwaysAttentionBias() || json.bool("attention_bias", false);
        boolean tie = json.bool("tie_word_embeddings", false);
        return new ModelConfig(id, c.modelType(), c.vocab(), c.hidden(), c.intermediate(), c.layers(), c.heads(),
                c.kvHeads(), headDim, null, 0, 0, 0, headDim, act, c.maxPositions(), c.ropeTheta(), false,
                c.rmsNormEps(), tie, bias, c.torchDtype(), c.bos(), c.eos(), c.synthetic(), c.ropeScaling());
    }

    @Override
    public void writeHfAttention(ModelConfig c, ObjectNode o) {
        o.put("head_dim", c.headDim());
    }

    @Override
    public void readGgufMetadata(GgufFile g, String arch, ObjectNode o) throws ModelFormatException {
        Optional<Long> key = g.integer(arch + ".attention.key_length");
        if (key.isPresent()) {
            o.put("head_dim", key.get());
        }
        o.put("hidden_act", "silu");
    }

    @Override
    public void writeGgufMetadata(ModelConfig c, String arch, Map<String, GgufValue> meta, Path config) {
        meta.put(arch + ".attention.key_length", GgufValue.u32(c.headDim()));
        meta.put(arch + ".attention.value_length", GgufValue.u32(c.headDim()));
        meta.put(arch + ".rope.dimension_count", GgufValue.u32(c.headDim()));
    }

    // ------------------------------------------------------------------ tensor names

    @Override
    public Map<String, long[]> attentionTensors(ModelConfig c, String p) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        m.put(p + "self_attn.q_proj.weight", new long[] {q, h});
        if (c.attentionBias()) {
            m.put(p + "self_attn.q_proj.bias", new long[] {q});
        }
        m.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
        if (c.attentionBias()) {
            m.put(p + "self_attn.k_proj.bias", new long[] {kv});
        }
        m.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
        if (c.attentionBias()) {
            m.put(p + "self_attn.v_proj.bias", new long[] {kv});
        }
        m.put(p + "self_attn.o_proj.weight", new long[] {h, q});
        return m;
    }

    @Override
    public Map<String, long[]> mlpTensors(ModelConfig c, String p) {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), c.hiddenSize()});
        m.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), c.hiddenSize()});
        m.put(p + "mlp.down_proj.weight", new long[] {c.hiddenSize(), c.intermediateSize()});
        return m;
    }

    @Override
    public Map<String, String> ggufBlockNames() {
        return GGUF_BLOCKS;
    }

    /** Undoes llama.cpp's permutation of q/k weight and bias rows. */
    @Override
    public float[] fromGguf(ModelConfig c, String hfName, float[] v, int rowLength) {
        if (hfName.endsWith("self_attn.q_proj.weight") || hfName.endsWith("self_attn.q_proj.bias")) {
            return unpermute(v, c.numHeads(), rowLength);
        }
        if (hfName.endsWith("self_attn.k_proj.weight") || hfName.endsWith("self_attn.k_proj.bias")) {
            return unpermute(v, c.numKvHeads(), rowLength);
        }
        return v;
    }

    /** Applies llama.cpp's permutation to q/k weights. */
    @Override
    public float[] toGguf(ModelConfig c, String hfName, float[] v, int rowLength) {
        if (hfName.endsWith("q_proj.weight")) {
            return permute(v, c.numHeads(), rowLength);
        }
        if (hfName.endsWith("k_proj.weight")) {
            return permute(v, c.numKvHeads(), rowLength);
        }
        return v;
    }

    /**
     * Undoes llama.cpp's {@code permute(w, n_head)}: per head of {@code d} rows, GGUF row {@code 2i + j} (j ∈ {0,1})
     * is HF row {@code i + j·d/2}.
     */
    public static float[] unpermute(float[] w, int heads, int rowLen) {
        int rows = w.length / rowLen;
        int d = rows / heads;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int src = h * d + 2 * i + j;
                    int dst = h * d + i + j * (d / 2);
                    System.arraycopy(w, src * rowLen, out, dst * rowLen, rowLen);
                }
            }
        }
        return out;
    }

    /** llama.cpp's {@code permute}: the inverse of {@link #unpermute}. */
    public static float[] permute(float[] w, int heads, int rowLen) {
        int rows = w.length / rowLen;
        int d = rows / heads;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    System.arraycopy(w, (h * d + i + j * (d / 2)) * rowLen, out, (h * d + 2 * i + j) * rowLen, rowLen);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ graph blocks

    @Override
    public String attention(OnnxOps ops, int layer, String n, String w, String x)
            throws ModelFormatException, IOException {
        return GqaAttention.emit(ops, layer, n, w, x, cacheTensors(ops.config(), false));
    }

    @Override
    public String mlp(OnnxOps ops, String n, String w, String x, ActivationTap tap)
            throws ModelFormatException, IOException {
        return SwiGluMlp.emit(ops, n, w, x, tap);
    }

    // ------------------------------------------------------------------ cache layout and accounting

    /** K [1, kvHeads, S, head] and V [1, kvHeads, S, head]; there is no latent layout. */
    @Override
    public List<CacheTensor> cacheTensors(ModelConfig c, boolean latent) {
        if (latent) {
            throw new IllegalArgumentException("latent cache mode needs an MLA model; " + c.family()
                    + " has no latent KV (use expanded)");
        }
        return List.of(new CacheTensor("key", new long[] {1, c.numKvHeads(), -1, c.qHeadDim()}),
                new CacheTensor("value", new long[] {1, c.numKvHeads(), -1, c.vHeadDim()}));
    }

    @Override
    public String activation() {
        return "silu";
    }

    @Override
    public boolean gatedMlp() {
        return true;
    }

    /** The model's own KV heads, or heads/4 (at least 1) when it has as many KV heads as heads (MHA). */
    @Override
    public int gqaEquivalentKvHeads(ModelConfig c) {
        if (c.numKvHeads() == c.numHeads()) {
            return Math.max(1, c.numHeads() / 4);
        }
        return c.numKvHeads();
    }

    /** Every query head scores against S cached keys and mixes S values of head_dim. */
    @Override
    public double attentionFlops(ModelConfig c, boolean latent, long t, long s1, double matrixFlops) {
        return matrixFlops + 2.0 * c.numHeads() * t * s1 * (c.headDim() * 2.0);
    }

    @Override
    public void describe(ModelConfig c, ObjectNode model) {
        model.put("head_dim", c.headDim());
    }
}
