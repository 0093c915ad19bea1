package io.plmwb.engine.reference;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import java.util.Locale;

/**
 * An independent plain-Java forward pass (loops, double accumulation, no ONNX), written straight from the equations:
 * PLM with expanded K/V exactly as {@code plm.md} steps 1–10, and llama/qwen2 (GQA, SwiGLU, NeoX-half RoPE as HF llama
 * does, qwen2 q/k/v bias, optional tied head). It exists to check the ONNX graph; it is slow and meant for small
 * models. Weights are read one layer at a time, so only one layer (plus the embedding) is on the heap at once.
 */
public final class ReferenceForward {

    private final ModelConfig cfg;
    private final WeightSource weights;
    private java.util.function.ObjIntConsumer<double[][]> activationTap;

    /**
     * Receives every layer's MLP activation a [T][F] (relu(W_up x)² or silu(W_gate x)·W_up x) as computed, with the
     * layer index: lets tests check the sparsity probes against a direct computation. Null: none.
     */
    public ReferenceForward withActivationTap(java.util.function.ObjIntConsumer<double[][]> tap) {
        this.activationTap = tap;
        return this;
    }

    private int currentLayer;

    public ReferenceForward(ModelConfig cfg, WeightSource weights) {
        this.cfg = cfg;
        this.weights = weights;
    }

    /** Logits for every position of {@code ids} (positions 0..T-1): {@code float[T][vocab]}. */
    public static float[][] logits(ModelConfig cfg, WeightSource weights, int[] ids) throws ModelFormatException {
        return new ReferenceForward(cfg, weights).run(ids, TaskContext.none());
    }

    /** Runs the full forward pass; checks for cancellation between layers. */
    public float[][] run(int[] ids, TaskContext ctx) throws ModelFormatException {
        int t = ids.length;
        int d = cfg.hiddenSize();
        if (t == 0) {
            return new float[0][];
        }
        float[] embed = read("model.embed_tokens.weight", (long) cfg.vocabSize() * d);
        double[][] h = new double[t][d];
        for (int i = 0; i < t; i++) {
            int id = ids[i];
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside the vocabulary (0.."
                        + (cfg.vocabSize() - 1) + ")");
            }
            for (int j = 0; j < d; j++) {
                h[i][j] = embed[id * d + j];
            }
        }
        for (int layer = 0; layer < cfg.numLayers(); layer++) {
            ctx.checkCancelled();
            ctx.message("Reference forward: layer " + (layer + 1) + " of " + cfg.numLayers());
            String p = "model.layers." + layer + ".";
            currentLayer = layer;
            double[][] x = rmsNorm(h, read(p + "input_layernorm.weight", d));
            double[][] attn = cfg.family().isMla() ? mlaAttention(p, x) : gqaAttention(p, x);
            addInPlace(h, attn);
            double[][] x2 = rmsNorm(h, read(p + "post_attention_layernorm.weight", d));
            addInPlace(h, mlp(p, x2));
            ctx.progress(layer + 1, cfg.numLayers());
        }
        double[][] hn = rmsNorm(h, read("model.norm.weight", d));
        float[] head = cfg.tieWordEmbeddings() ? embed : read("lm_head.weight", (long) cfg.vocabSize() * d);
        float[][] out = new float[t][cfg.vocabSize()];
        for (int i = 0; i < t; i++) {
            double[] y = matVec(head, cfg.vocabSize(), d, hn[i]);
            for (int v = 0; v < y.length; v++) {
                out[i][v] = (float) y[v];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- PLM (MLA), expanded K/V

    private double[][] mlaAttention(String p, double[][] x) throws ModelFormatException {
        int t = x.length;
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int nope = cfg.qkNopeHeadDim();
        int rope = cfg.qkRopeHeadDim();
        int vd = cfg.vHeadDim();
        int qd = nope + rope;
        int lat = cfg.kvLoraRank();
        String a = p + "self_attn.";
        // 2. q = W_q x (or the q-LoRA path when q_lora_rank is set)
        double[][] q;
        if (cfg.qLoraRank() == null) {
            q = linear(x, read(a + "q_proj.weight", (long) heads * qd * d), heads * qd, d, null);
        } else {
            int qr = cfg.qLoraRank();
            double[][] qa = linear(x, read(a + "q_a_proj.weight", (long) qr * d), qr, d, null);
            qa = rmsNorm(qa, read(a + "q_a_layernorm.weight", qr));
            q = linear(qa, read(a + "q_b_proj.weight", (long) heads * qd * qr), heads * qd, qr, null);
        }
        // 3. [c ; k~] = W_kv_a x
        double[][] ckr = linear(x, read(a + "kv_a_proj_with_mqa.weight", (long) (lat + rope) * d), lat + rope, d, null);
        double[][] c = new double[t][lat];
        double[][] kr = new double[t][rope];
        for (int i = 0; i < t; i++) {
            System.arraycopy(ckr[i], 0, c[i], 0, lat);
            System.arraycopy(ckr[i], lat, kr[i], 0, rope);
        }
        // 4. c = RMSNorm_lat(c)
        c = rmsNorm(c, read(a + "kv_a_layernorm.weight", lat));
        // 5. [k_nope,i ; v_i] = W_kv_b c, per head rows [nope ; v]
        double[][] kv = linear(c, read(a + "kv_b_proj.weight", (long) heads * (nope + vd) * lat), heads * (nope + vd), lat,
                null);
        // 6. RoPE on q_rope of every head and on k~
        for (int i = 0; i < t; i++) {
            rope(kr[i], 0, rope, i);
            for (int hh = 0; hh < heads; hh++) {
                rope(q[i], hh * qd + nope, rope, i);
            }
        }
        // 7. scores with the scale 1/sqrt(nope+rope), causal softmax, o_i = sum p_ij v_j
        double scale = 1.0 / Math.sqrt(qd);
        double[][] o = new double[t][heads * vd];
        double[] sc = new double[t];
        for (int hh = 0; hh < heads; hh++) {
            int kBase = hh * (nope + vd);
            for (int i = 0; i < t; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int k = 0; k < nope; k++) {
                        s += q[i][hh * qd + k] * kv[j][kBase + k];
                    }
                    for (int k = 0; k < rope; k++) {
                        s += q[i][hh * qd + nope + k] * kr[j][k];
                    }
                    sc[j] = s * scale;
                    max = Math.max(max, sc[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    sc[j] = Math.exp(sc[j] - max);
                    sum += sc[j];
                }
                for (int j = 0; j <= i; j++) {
                    double pj = sc[j] / sum;
                    for (int k = 0; k < vd; k++) {
                        o[i][hh * vd + k] += pj * kv[j][kBase + nope + k];
                    }
                }
            }
        }
        // 8. W_o concat(o_i)
        return linear(o, read(a + "o_proj.weight", (long) d * heads * vd), d, heads * vd, null);
    }

    // ---------------------------------------------------------------- llama / qwen2 (GQA)

    private double[][] gqaAttention(String p, double[][] x) throws ModelFormatException {
        int t = x.length;
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int kvHeads = cfg.numKvHeads();
        int hd = cfg.headDim();
        String a = p + "self_attn.";
        boolean bias = cfg.attentionBias();
        double[][] q = linear(x, read(a + "q_proj.weight", (long) heads * hd * d), heads * hd, d,
                bias ? read(a + "q_proj.bias", (long) heads * hd) : null);
        double[][] k = linear(x, read(a + "k_proj.weight", (long) kvHeads * hd * d), kvHeads * hd, d,
                bias ? read(a + "k_proj.bias", (long) kvHeads * hd) : null);
        double[][] v = linear(x, read(a + "v_proj.weight", (long) kvHeads * hd * d), kvHeads * hd, d,
                bias ? read(a + "v_proj.bias", (long) kvHeads * hd) : null);
        for (int i = 0; i < t; i++) {
            for (int hh = 0; hh < heads; hh++) {
                rope(q[i], hh * hd, hd, i);
            }
            for (int hh = 0; hh < kvHeads; hh++) {
                rope(k[i], hh * hd, hd, i);
            }
        }
        double scale = 1.0 / Math.sqrt(hd);
        int group = heads / kvHeads;
        double[][] o = new double[t][heads * hd];
        double[] sc = new double[t];
        for (int hh = 0; hh < heads; hh++) {
            int kh = hh / group;
            for (int i = 0; i < t; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < hd; e++) {
                        s += q[i][hh * hd + e] * k[j][kh * hd + e];
                    }
                    sc[j] = s * scale;
                    max = Math.max(max, sc[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    sc[j] = Math.exp(sc[j] - max);
                    sum += sc[j];
                }
                for (int j = 0; j <= i; j++) {
                    double pj = sc[j] / sum;
                    for (int e = 0; e < hd; e++) {
                        o[i][hh * hd + e] += pj * v[j][kh * hd + e];
                    }
                }
            }
        }
        return linear(o, read(a + "o_proj.weight", (long) d * heads * hd), d, heads * hd, null);
    }

    // ---------------------------------------------------------------- MLP

    private double[][] mlp(String p, double[][] x) throws ModelFormatException {
        int d = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        String m = p + "mlp.";
        String act = cfg.hiddenAct().toLowerCase(Locale.ROOT);
        double[][] up = linear(x, read(m + "up_proj.weight", (long) f * d), f, d, null);
        switch (act) {
            case "relu2" -> {
                for (double[] row : up) {
                    for (int k = 0; k < f; k++) {
                        double r = Math.max(0, row[k]);
                        row[k] = r * r;
                    }
                }
            }
            case "silu" -> {
                double[][] gate = linear(x, read(m + "gate_proj.weight", (long) f * d), f, d, null);
                for (int i = 0; i < up.length; i++) {
                    for (int k = 0; k < f; k++) {
                        double g = gate[i][k];
                        up[i][k] *= g / (1 + Math.exp(-g));
                    }
                }
            }
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + cfg.hiddenAct()
                    + "' (supported: relu2, silu)");
        }
        if (activationTap != null) {
            activationTap.accept(up, currentLayer);
        }
        return linear(up, read(m + "down_proj.weight", (long) d * f), d, f, null);
    }

    // ---------------------------------------------------------------- building blocks

    /**
     * RoPE on {@code x[off .. off+dim)} at position {@code pos}: adjacent pairs (2i, 2i+1) when the config says
     * interleave (PLM), otherwise NeoX halves (i, i+dim/2) as HF llama/qwen2. θ_i = base^(−2i/dim).
     */
    private void rope(double[] x, int off, int dim, int pos) {
        int half = dim / 2;
        for (int i = 0; i < half; i++) {
            double freq = scaledFrequency(Math.pow(cfg.ropeTheta(), -2.0 * i / dim));
            double ang = pos * freq;
            double cos = Math.cos(ang);
            double sin = Math.sin(ang);
            int a = cfg.ropeInterleave() ? off + 2 * i : off + i;
            int b = cfg.ropeInterleave() ? off + 2 * i + 1 : off + i + half;
            double x0 = x[a];
            double x1 = x[b];
            x[a] = x0 * cos - x1 * sin;
            x[b] = x1 * cos + x0 * sin;
        }
    }

    /**
     * rope_scaling, written out here from HF's {@code _compute_default_rope_parameters} / linear /
     * {@code _compute_llama3_parameters} independently of {@link io.plmwb.engine.model.RopeScaling#apply}, so the
     * graph-vs-reference test checks the builder's frequencies too.
     */
    private double scaledFrequency(double invFreq) {
        var rs = cfg.ropeScaling();
        if (rs == null) {
            return invFreq;
        }
        double factor = rs.factor();
        switch (rs.ropeType()) {
            case "linear":
                return invFreq / factor;
            case "llama3": {
                double old = rs.originalMaxPositionEmbeddings();
                double lowWavelen = old / rs.lowFreqFactor();
                double highWavelen = old / rs.highFreqFactor();
                double wavelen = 2 * Math.PI / invFreq;
                double scaled = wavelen > lowWavelen ? invFreq / factor : invFreq;
                boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
                if (medium) {
                    double smooth = (old / wavelen - rs.lowFreqFactor()) / (rs.highFreqFactor() - rs.lowFreqFactor());
                    return (1 - smooth) * scaled / factor + smooth * scaled;
                }
                return scaled;
            }
            default:
                throw new IllegalArgumentException("unsupported rope_type '" + rs.ropeType() + "'");
        }
    }

    private double[][] rmsNorm(double[][] x, float[] w) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i];
            double ss = 0;
            for (double v : row) {
                ss += v * v;
            }
            double inv = 1.0 / Math.sqrt(ss / row.length + cfg.rmsNormEps());
            double[] o = new double[row.length];
            for (int k = 0; k < row.length; k++) {
                o[k] = row[k] * inv * w[k];
            }
            out[i] = o;
        }
        return out;
    }

    /** y = W x (+ b) for every row of x; W is row-major [out, in]. */
    private static double[][] linear(double[][] x, float[] w, int out, int in, float[] bias) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = matVec(w, out, in, x[i]);
            if (bias != null) {
                for (int o = 0; o < out; o++) {
                    y[i][o] += bias[o];
                }
            }
        }
        return y;
    }

    private static double[] matVec(float[] w, int out, int in, double[] x) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = 0;
            int base = o * in;
            for (int k = 0; k < in; k++) {
                s += w[base + k] * x[k];
            }
            y[o] = s;
        }
        return y;
    }

    private static void addInPlace(double[][] h, double[][] delta) {
        for (int i = 0; i < h.length; i++) {
            for (int k = 0; k < h[i].length; k++) {
                h[i][k] += delta[i][k];
            }
        }
    }

    private float[] read(String name, long expected) throws ModelFormatException {
        float[] v = weights.readFloats(name);
        if (v.length != expected) {
            throw new ModelFormatException(weights.origin(), "tensor " + name + " has " + v.length
                    + " values, the config implies " + expected);
        }
        return v;
    }
}
