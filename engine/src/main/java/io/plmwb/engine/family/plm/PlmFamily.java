package io.plmwb.engine.family.plm;

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
 * PLM: Multi-head Latent Attention (a compressed KV latent plus a shared rotary key, cached as the latent or as
 * expanded per-head K/V) and a squared-ReLU MLP (up, down). {@code edgellm} is its pre-release model_type.
 */
public final class PlmFamily implements ModelFamily {

    /** The id PLM configs carry. */
    public static final FamilyId ID = new FamilyId("plm", true);
    /** The registered instance. */
    public static final PlmFamily INSTANCE = new PlmFamily();

    private static final Map<String, String> GGUF_BLOCKS = Map.ofEntries(
            Map.entry("attn_norm", "input_layernorm"),
            Map.entry("attn_q", "self_attn.q_proj"),
            Map.entry("attn_q_a", "self_attn.q_a_proj"),
            Map.entry("attn_q_a_norm", "self_attn.q_a_layernorm"),
            Map.entry("attn_q_b", "self_attn.q_b_proj"),
            Map.entry("attn_kv_a_mqa", "self_attn.kv_a_proj_with_mqa"),
            Map.entry("attn_kv_a_norm", "self_attn.kv_a_layernorm"),
            Map.entry("attn_kv_b", "self_attn.kv_b_proj"),
            Map.entry("attn_output", "self_attn.o_proj"),
            Map.entry("ffn_norm", "post_attention_layernorm"),
            Map.entry("ffn_up", "mlp.up_proj"),
            Map.entry("ffn_down", "mlp.down_proj"));

    private PlmFamily() {
    }

    @Override
    public FamilyId id() {
        return ID;
    }

    @Override
    public List<String> modelTypes() {
        return List.of("plm", "edgellm");
    }

    @Override
    public String ggufArchitecture() {
        return "plm";
    }

    @Override
    public String hfArchitecture() {
        return "PLMForCausalLM";
    }

    // ------------------------------------------------------------------ config mapping

    @Override
    public ModelConfig fromHfConfig(HfConfig json, HfConfig.Common c) throws ModelFormatException {
        Integer qLora = json.optionalInt("q_lora_rank");
        int kvLora = json.positive("kv_lora_rank");
        int nope = json.positive("qk_nope_head_dim");
        int rope = json.positive("qk_rope_head_dim");
        int v = json.positive("v_head_dim");
        if (rope % 2 != 0) {
            throw new ModelFormatException(json.file(), "qk_rope_head_dim " + rope
                    + " must be even (RoPE rotates pairs)");
        }
        String act = json.text("hidden_act", "relu2");
        boolean interleave = json.bool("rope_interleave", true);
        boolean tie = json.bool("tie_word_embeddings", true);
        return new ModelConfig(ID, c.modelType(), c.vocab(), c.hidden(), c.intermediate(), c.layers(), c.heads(),
                c.heads(), nope + rope, qLora, kvLora, nope, rope, v, act, c.maxPositions(), c.ropeTheta(), interleave,
                c.rmsNormEps(), tie, json.bool("attention_bias", false), c.torchDtype(), c.bos(), c.eos(),
                c.synthetic(), c.ropeScaling());
    }

    @Override
    public void writeHfAttention(ModelConfig c, ObjectNode o) {
        if (c.qLoraRank() == null) {
            o.putNull("q_lora_rank");
        } else {
            o.put("q_lora_rank", c.qLoraRank());
        }
        o.put("kv_lora_rank", c.kvLoraRank());
        o.put("qk_nope_head_dim", c.qkNopeHeadDim());
        o.put("qk_rope_head_dim", c.qkRopeHeadDim());
        o.put("v_head_dim", c.vHeadDim());
        o.put("rope_interleave", c.ropeInterleave());
    }

    @Override
    public void readGgufMetadata(GgufFile g, String arch, ObjectNode o) throws ModelFormatException {
        long kvLora = required(g, arch + ".attention.kv_lora_rank");
        long key = required(g, arch + ".attention.key_length");
        long value = required(g, arch + ".attention.value_length");
        long rope = required(g, arch + ".rope.dimension_count");
        if (rope >= key) {
            throw new ModelFormatException(g.file(), arch + ".rope.dimension_count " + rope + " must be smaller than "
                    + arch + ".attention.key_length " + key + " (key = nope + rope)");
        }
        o.put("kv_lora_rank", kvLora);
        o.put("qk_nope_head_dim", key - rope);
        o.put("qk_rope_head_dim", rope);
        o.put("v_head_dim", value);
        Optional<Long> qLora = g.integer(arch + ".attention.q_lora_rank");
        if (qLora.isPresent() && qLora.get() > 0) {
            o.put("q_lora_rank", qLora.get());
        } else {
            o.putNull("q_lora_rank");
        }
        o.put("hidden_act", "relu2");
        o.put("rope_interleave", true);
    }

    private static long required(GgufFile g, String key) throws ModelFormatException {
        return g.integer(key).orElseThrow(() -> new ModelFormatException(g.file(), "missing metadata " + key));
    }

    @Override
    public void writeGgufMetadata(ModelConfig c, String arch, Map<String, GgufValue> meta, Path config)
            throws ModelFormatException {
        meta.put(arch + ".attention.kv_lora_rank", GgufValue.u32(c.kvLoraRank()));
        meta.put(arch + ".attention.key_length", GgufValue.u32(c.qHeadDim()));
        meta.put(arch + ".attention.value_length", GgufValue.u32(c.vHeadDim()));
        meta.put(arch + ".rope.dimension_count", GgufValue.u32(c.qkRopeHeadDim()));
        if (c.qLoraRank() != null) {
            meta.put(arch + ".attention.q_lora_rank", GgufValue.u32(c.qLoraRank()));
        }
        if (!c.ropeInterleave()) {
            throw new ModelFormatException(config, "rope_interleave false is not expressible "
                    + "in a plm GGUF (llama.cpp rotates adjacent pairs for plm)");
        }
    }

    // ------------------------------------------------------------------ tensor names

    @Override
    public Map<String, long[]> attentionTensors(ModelConfig c, String p) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long qOut = (long) c.numHeads() * c.qHeadDim();
        if (c.qLoraRank() == null) {
            m.put(p + "self_attn.q_proj.weight", new long[] {qOut, h});
        } else {
            m.put(p + "self_attn.q_a_proj.weight", new long[] {c.qLoraRank(), h});
            m.put(p + "self_attn.q_a_layernorm.weight", new long[] {c.qLoraRank()});
            m.put(p + "self_attn.q_b_proj.weight", new long[] {qOut, c.qLoraRank()});
        }
        m.put(p + "self_attn.kv_a_proj_with_mqa.weight", new long[] {c.kvAWidth(), h});
        m.put(p + "self_attn.kv_a_layernorm.weight", new long[] {c.kvLoraRank()});
        m.put(p + "self_attn.kv_b_proj.weight",
                new long[] {(long) c.numHeads() * (c.qkNopeHeadDim() + c.vHeadDim()), c.kvLoraRank()});
        m.put(p + "self_attn.o_proj.weight", new long[] {h, (long) c.numHeads() * c.vHeadDim()});
        return m;
    }

    @Override
    public Map<String, long[]> mlpTensors(ModelConfig c, String p) {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), c.hiddenSize()});
        m.put(p + "mlp.down_proj.weight", new long[] {c.hiddenSize(), c.intermediateSize()});
        return m;
    }

    @Override
    public Map<String, String> ggufBlockNames() {
        return GGUF_BLOCKS;
    }

    // ------------------------------------------------------------------ graph blocks

    @Override
    public String attention(OnnxOps ops, int layer, String n, String w, String x)
            throws ModelFormatException, IOException {
        return MlaAttention.emit(ops, layer, n, w, x, cacheTensors(ops.config(), ops.latentCache()));
    }

    @Override
    public String mlp(OnnxOps ops, String n, String w, String x, ActivationTap tap)
            throws ModelFormatException, IOException {
        ModelConfig cfg = ops.config();
        int d = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        String up = ops.linear(n + "/up_proj", x, w + "up_proj.weight", f, d, null);
        String r = ops.graph().op(n + "/relu", "Relu", up);
        String a = ops.graph().op(n + "/relu_squared", "Mul", r, r);
        tap.activation(n + "/probe", a, f, true);
        return ops.linear(n + "/down_proj", a, w + "down_proj.weight", d, f, null);
    }

    // ------------------------------------------------------------------ cache layout and accounting

    /** Latent: [1, S, kv_lora_rank + rope]; expanded: K [1, heads, S, nope + rope] and V [1, heads, S, v]. */
    @Override
    public List<CacheTensor> cacheTensors(ModelConfig c, boolean latent) {
        if (latent) {
            return List.of(new CacheTensor("latent", new long[] {1, -1, c.kvAWidth()}));
        }
        return List.of(new CacheTensor("key", new long[] {1, c.numHeads(), -1, c.qHeadDim()}),
                new CacheTensor("value", new long[] {1, c.numHeads(), -1, c.vHeadDim()}));
    }

    @Override
    public String activation() {
        return "relu2";
    }

    @Override
    public boolean gatedMlp() {
        return false;
    }

    /** MLA has no KV heads of its own: the GQA equivalent is heads/4 (at least 1). */
    @Override
    public int gqaEquivalentKvHeads(ModelConfig c) {
        return Math.max(1, c.numHeads() / 4);
    }

    /** Latent: kv_b folded into the absorbed products; expanded: per-head K/V of nope + rope and v. */
    @Override
    public double attentionFlops(ModelConfig c, boolean latent, long t, long s1, double matrixFlops) {
        double perLayer = matrixFlops;
        int h = c.numHeads();
        long kvb = (long) h * (c.qkNopeHeadDim() + c.vHeadDim()) * c.kvLoraRank();
        if (latent) {
            perLayer -= 2.0 * t * kvb; // kv_b is folded into the absorbed products below
            int lat = c.kvLoraRank();
            int row = c.kvAWidth();
            perLayer += 2.0 * h * t * c.qkNopeHeadDim() * lat; // q_nope · W_UK
            perLayer += 2.0 * h * t * s1 * row * 2; // scores and p · cache rows
            perLayer += 2.0 * h * t * lat * c.vHeadDim(); // · W_UV^T
        } else {
            perLayer += 2.0 * h * t * s1 * (c.qHeadDim() + c.vHeadDim());
        }
        return perLayer;
    }

    @Override
    public void describe(ModelConfig c, ObjectNode model) {
        model.put("kv_lora_rank", c.kvLoraRank());
        model.put("qk_nope_head_dim", c.qkNopeHeadDim());
        model.put("qk_rope_head_dim", c.qkRopeHeadDim());
        model.put("v_head_dim", c.vHeadDim());
    }
}
