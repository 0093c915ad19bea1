package io.plmwb.engine.testutil;

import io.plmwb.engine.family.plm.PlmFamily;
import io.plmwb.engine.family.qwen2.Qwen2Family;
import io.plmwb.engine.format.InMemoryWeights;
import io.plmwb.engine.model.FamilyId;
import io.plmwb.engine.model.ModelConfig;
import java.nio.file.Path;
import java.util.Random;

/** Tiny random checkpoints (config + in-memory weights) for graph-vs-reference tests. */
public final class TinyModels {
    private TinyModels() {
    }

    /** A config plus its weights. */
    public record Tiny(ModelConfig config, InMemoryWeights weights) {
    }

    /** PLM: hidden 64, 2 layers, 4 heads, latent 32, nope 16 / rope 8 / v 16, vocab 97. */
    public static Tiny plm(long seed, Integer qLoraRank) {
        ModelConfig c = new ModelConfig(PlmFamily.ID, "plm", 97, 64, 96, 2, 4, 4, 24, qLoraRank, 32, 16, 8, 16,
                "relu2", 256, 100000.0, true, 1e-6, true, false, "float32", null, null, true, null);
        InMemoryWeights w = new InMemoryWeights(Path.of("tiny-plm"));
        Random r = new Random(seed);
        common(w, r, c);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".self_attn.";
            int qd = c.numHeads() * c.qHeadDim();
            if (qLoraRank == null) {
                mat(w, r, p + "q_proj.weight", 0.15, qd, c.hiddenSize());
            } else {
                mat(w, r, p + "q_a_proj.weight", 0.15, qLoraRank, c.hiddenSize());
                norm(w, r, p + "q_a_layernorm.weight", qLoraRank);
                mat(w, r, p + "q_b_proj.weight", 0.2, qd, qLoraRank);
            }
            mat(w, r, p + "kv_a_proj_with_mqa.weight", 0.15, c.kvAWidth(), c.hiddenSize());
            norm(w, r, p + "kv_a_layernorm.weight", c.kvLoraRank());
            mat(w, r, p + "kv_b_proj.weight", 0.2, c.numHeads() * (c.qkNopeHeadDim() + c.vHeadDim()), c.kvLoraRank());
            mat(w, r, p + "o_proj.weight", 0.05, c.hiddenSize(), c.numHeads() * c.vHeadDim());
            String m = "model.layers." + i + ".mlp.";
            mat(w, r, m + "up_proj.weight", 0.15, c.intermediateSize(), c.hiddenSize());
            mat(w, r, m + "down_proj.weight", 0.05, c.hiddenSize(), c.intermediateSize());
        }
        return new Tiny(c, w);
    }

    /** llama (GQA 4 heads / 2 KV heads, SwiGLU, untied head) or qwen2 (same plus q/k/v bias, tied head). */
    public static Tiny gqa(long seed, FamilyId family) {
        boolean qwen = family.equals(Qwen2Family.ID);
        ModelConfig c = new ModelConfig(family, qwen ? "qwen2" : "llama", 97, 64, 96, 2, 4, 2, 16, null, 0, 0, 0, 16,
                "silu", 256, 10000.0, false, 1e-5, qwen, qwen, "float32", null, null, true, null);
        InMemoryWeights w = new InMemoryWeights(Path.of("tiny-" + c.modelType()));
        Random r = new Random(seed);
        common(w, r, c);
        if (!c.tieWordEmbeddings()) {
            mat(w, r, "lm_head.weight", 0.1, c.vocabSize(), c.hiddenSize());
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".self_attn.";
            int hd = c.headDim();
            mat(w, r, p + "q_proj.weight", 0.25, c.numHeads() * hd, c.hiddenSize());
            mat(w, r, p + "k_proj.weight", 0.25, c.numKvHeads() * hd, c.hiddenSize());
            mat(w, r, p + "v_proj.weight", 0.2, c.numKvHeads() * hd, c.hiddenSize());
            if (qwen) {
                mat(w, r, p + "q_proj.bias", 0.3, c.numHeads() * hd);
                mat(w, r, p + "k_proj.bias", 0.3, c.numKvHeads() * hd);
                mat(w, r, p + "v_proj.bias", 0.3, c.numKvHeads() * hd);
            }
            mat(w, r, p + "o_proj.weight", 0.05, c.hiddenSize(), c.numHeads() * hd);
            String m = "model.layers." + i + ".mlp.";
            mat(w, r, m + "gate_proj.weight", 0.2, c.intermediateSize(), c.hiddenSize());
            mat(w, r, m + "up_proj.weight", 0.2, c.intermediateSize(), c.hiddenSize());
            mat(w, r, m + "down_proj.weight", 0.05, c.hiddenSize(), c.intermediateSize());
        }
        return new Tiny(c, w);
    }

    private static void common(InMemoryWeights w, Random r, ModelConfig c) {
        mat(w, r, "model.embed_tokens.weight", 0.5, c.vocabSize(), c.hiddenSize());
        norm(w, r, "model.norm.weight", c.hiddenSize());
        for (int i = 0; i < c.numLayers(); i++) {
            norm(w, r, "model.layers." + i + ".input_layernorm.weight", c.hiddenSize());
            norm(w, r, "model.layers." + i + ".post_attention_layernorm.weight", c.hiddenSize());
        }
    }

    private static void mat(InMemoryWeights w, Random r, String name, double std, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        w.put(name, v, shape);
    }

    private static void norm(InMemoryWeights w, Random r, String name, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.8 + 0.4 * r.nextDouble());
        }
        w.put(name, v, n);
    }

    /** Random ids in [0, vocab). */
    public static int[] ids(long seed, int n, int vocab) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }
}
