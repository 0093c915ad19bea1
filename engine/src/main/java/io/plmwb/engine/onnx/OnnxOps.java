package io.plmwb.engine.onnx;

import static io.plmwb.engine.onnx.OnnxGraph.attr;
import static io.plmwb.engine.onnx.OnnxGraph.attrs;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.format.gguf.Quantizer;
import io.plmwb.engine.format.gguf.WeightQuantizer;
import io.plmwb.engine.model.ModelConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The emitting helpers the graph builder and the family blocks share: checked weight initializers, linear layers
 * (fp32 Gemm or MatMulNBits), RMSNorm, RoPE, causal softmax and grouped attention, on one {@link OnnxGraph}. Holds
 * the graph-wide tensors the builder's prologue made (causal mask, RoPE tables) and the cache mode.
 */
public final class OnnxOps {

    /**
     * MatMulNBits accuracy_level: 4 = int8 compute on activations quantized per block at run time (as llama.cpp does
     * for its quantized matmuls); decision 0050 has the measurements (fp32 compute, 0, is 25-150x slower at M=1).
     */
    public static final long ACCURACY_LEVEL = 4;

    /** Initializer names and geometry of one MatMulNBits weight. */
    public record NBits(String blob, String scales, String zeroPoints, int n, int k, int bits) {
    }

    /** One weight quantized into the graph, with what the quantizer reported. */
    public record Quantized(String name, WeightQuantizer.Result result) {
    }

    private final OnnxGraph g;
    private final ModelConfig cfg;
    private final WeightSource weights;
    private final int weightBits;
    private final boolean latent;
    private final List<Quantized> quantized = new ArrayList<>();
    private String mask;
    private String cos;
    private String sin;

    /**
     * @param weightBits 8 or 4 for MatMulNBits linear layers, 0 for fp32
     * @param latent     true when the graph caches the MLA latent
     */
    public OnnxOps(OnnxGraph g, ModelConfig cfg, WeightSource weights, int weightBits, boolean latent) {
        this.g = g;
        this.cfg = cfg;
        this.weights = weights;
        this.weightBits = weightBits;
        this.latent = latent;
    }

    public OnnxGraph graph() {
        return g;
    }

    public ModelConfig config() {
        return cfg;
    }

    /** 8 or 4 when linear weights are quantized, 0 for fp32. */
    public int weightBits() {
        return weightBits;
    }

    /** True when the graph caches the MLA latent (else expanded K/V). */
    public boolean latentCache() {
        return latent;
    }

    /** The weights quantized so far, in emission order. */
    public List<Quantized> quantized() {
        return List.copyOf(quantized);
    }

    /** Sets the graph-wide causal mask [T, S] and RoPE tables made by the builder's prologue. */
    public void shared(String causalMask, String ropeCos, String ropeSin) {
        this.mask = causalMask;
        this.cos = ropeCos;
        this.sin = ropeSin;
    }

    // ------------------------------------------------------------------ weights and linear layers

    /** x·Wᵀ (+ b) for a checkpoint weight [out, in]; MatMulNBits when the graph is quantized. */
    public String linear(String n, String x, String wName, int out, int in, String biasName)
            throws ModelFormatException, IOException {
        if (weightBits > 0) {
            String y = matMulNBits(n, x, nbits(wName, out, in));
            return biasName == null ? y : g.op(n + "/bias", "Add", y, weight(biasName, out));
        }
        String w = weight(wName, out, in);
        if (biasName == null) {
            return g.op(n, "Gemm", new String[] {x, w}, attr("transB", 1L));
        }
        String b = weight(biasName, out);
        return g.op(n, "Gemm", new String[] {x, w, b}, attr("transB", 1L));
    }

    /** Quantizes a checkpoint weight [out, in] and streams its blob and scales into the sidecar. */
    public NBits nbits(String name, int out, int in) throws ModelFormatException, IOException {
        if (weights.info(name).isEmpty()) {
            throw new ModelFormatException(weights.origin(), "missing tensor " + name + " (needed by the "
                    + cfg.family() + " graph)");
        }
        long[] shape = weights.info(name).get().shape();
        if (shape.length != 2 || shape[0] != out || shape[1] != in) {
            throw new ModelFormatException(weights.origin(), "tensor " + name + " has shape "
                    + Arrays.toString(shape) + "; the config implies [" + out + ", " + in + "]");
        }
        WeightQuantizer.Result r = WeightQuantizer.quantize(weights, name, out, in, weightBits);
        Quantizer.NBits q = r.nbits();
        quantized.add(new Quantized(name, r));
        int kb = in / 32;
        String blob = g.bytes(name + ".nbits", ai.onnx.proto.OnnxMl.TensorProto.DataType.UINT8, q.blob(), out, kb,
                32L * q.bits() / 8);
        String scales = g.weight(name + ".scales", q.scales(), (long) out * kb);
        String zp = q.zeroPoints() == null ? null : g.weight(name + ".zero_points", q.zeroPoints(), (long) out * kb);
        return new NBits(blob, scales, zp, out, in, q.bits());
    }

    /** com.microsoft.MatMulNBits of x with a quantized weight. */
    public String matMulNBits(String n, String x, NBits w) {
        String[] in = w.zeroPoints() == null ? new String[] {x, w.blob(), w.scales()}
                : new String[] {x, w.blob(), w.scales(), w.zeroPoints()};
        return g.opDomain(n, "com.microsoft", "MatMulNBits", in,
                attr("K", (long) w.k()), attr("N", (long) w.n()), attr("bits", (long) w.bits()),
                attr("block_size", 32L), attr("accuracy_level", ACCURACY_LEVEL));
    }

    /** Reads a checkpoint tensor, checks its size, streams it into the sidecar. */
    public String weight(String name, long... dims) throws ModelFormatException, IOException {
        long numel = 1;
        for (long dd : dims) {
            numel *= dd;
        }
        return g.weight(name, read(name, numel), dims);
    }

    /** Reads a checkpoint tensor of {@code expected} values (naming it when missing or of another size). */
    public float[] read(String name, long expected) throws ModelFormatException {
        if (weights.info(name).isEmpty()) {
            throw new ModelFormatException(weights.origin(), "missing tensor " + name + " (needed by the "
                    + cfg.family() + " graph)");
        }
        float[] v = weights.readFloats(name);
        if (v.length != expected) {
            throw new ModelFormatException(weights.origin(), "tensor " + name + " has " + v.length
                    + " values; the config implies " + expected);
        }
        return v;
    }

    // ------------------------------------------------------------------ shapes, norms, attention

    public String slice(String n, String x, long start, long end, long axis) {
        return g.op(n, "Slice", new String[] {x, g.ints(start), g.ints(end), g.ints(axis)});
    }

    /** [T, heads*dim] → [heads, T, dim]. */
    public String heads(String n, String x, int heads, int dim) {
        String r = g.op(n + "_heads", "Reshape", x, g.ints(-1, heads, dim));
        return g.op(n + "_transpose", "Transpose", new String[] {r}, attrs("perm", 1, 0, 2));
    }

    /** x * 1/sqrt(mean(x²) + eps) * w over the last axis, in fp32. */
    public String rmsNorm(String n, String x, String w) {
        String sq = g.op(n + "/pow", "Pow", x, g.f32(2f));
        String mean = g.op(n + "/mean", "ReduceMean", new String[] {sq}, attrs("axes", -1), attr("keepdims", 1L));
        String ve = g.op(n + "/add_eps", "Add", mean, g.f32((float) cfg.rmsNormEps()));
        String rs = g.op(n + "/sqrt", "Sqrt", ve);
        String y = g.op(n + "/div", "Div", x, rs);
        return g.op(n + "/scale", "Mul", y, w);
    }

    /** softmax(scores·scale + causal mask) over the last axis. */
    public String softmax(String n, String scores, float scale) {
        String s = g.op(n + "/scores_scaled", "Mul", scores, g.f32(scale));
        String m = g.op(n + "/scores_masked", "Where", new String[] {mask, s, g.f32(Float.NEGATIVE_INFINITY)});
        return g.op(n + "/probs", "Softmax", new String[] {m}, attr("axis", -1L));
    }

    /** RoPE on x [lead, T, dim] (interleaved adjacent pairs, or NeoX halves). */
    public String rope(String n, String x, int lead, int dim) {
        int half = dim / 2;
        if (cfg.ropeInterleave()) {
            String pairs = g.op(n + "/pairs", "Reshape", x, g.ints(lead, -1, half, 2));
            String x0 = slice(n + "/even", pairs, 0, 1, 3);
            String x1 = slice(n + "/odd", pairs, 1, 2, 3);
            String a = g.op(n + "/even_out", "Sub", g.op(n + "/even_cos", "Mul", x0, cos),
                    g.op(n + "/odd_sin", "Mul", x1, sin));
            String b = g.op(n + "/odd_out", "Add", g.op(n + "/odd_cos", "Mul", x1, cos),
                    g.op(n + "/even_sin", "Mul", x0, sin));
            String cat = g.op(n + "/pairs_out", "Concat", new String[] {a, b}, attr("axis", 3L));
            return g.op(n + "/out", "Reshape", cat, g.ints(lead, -1, dim));
        }
        String x1 = slice(n + "/first", x, 0, half, 2);
        String x2 = slice(n + "/second", x, half, dim, 2);
        String a = g.op(n + "/first_out", "Sub", g.op(n + "/first_cos", "Mul", x1, cos),
                g.op(n + "/second_sin", "Mul", x2, sin));
        String b = g.op(n + "/second_out", "Add", g.op(n + "/second_cos", "Mul", x2, cos),
                g.op(n + "/first_sin", "Mul", x1, sin));
        return g.op(n + "/out", "Concat", new String[] {a, b}, attr("axis", 2L));
    }

    /**
     * Concatenates new K/V [kvH, T, *] onto the past cache inputs into the present outputs; returns the full K, V
     * as [kvH, S, *].
     */
    public String[] appendExpanded(String n, String k, String v, String pastKey, String pastValue, String presentKey,
                                   String presentValue) {
        String k4 = g.op(n + "/k_new", "Unsqueeze", k, g.ints(0));
        String v4 = g.op(n + "/v_new", "Unsqueeze", v, g.ints(0));
        g.opMulti(n + "/present_key", "Concat", new String[] {pastKey, k4}, new String[] {presentKey},
                attr("axis", 2L));
        g.opMulti(n + "/present_value", "Concat", new String[] {pastValue, v4}, new String[] {presentValue},
                attr("axis", 2L));
        return new String[] {g.op(n + "/k_all", "Squeeze", presentKey, g.ints(0)),
            g.op(n + "/v_all", "Squeeze", presentValue, g.ints(0))};
    }

    /** softmax(q·Kᵀ·scale + causal mask)·V with q [H, T, D], K [kvH, S, D], V [kvH, S, Dv] → [H, T, Dv]. */
    public String attend(String n, String q, String k, String v, int heads, int kvHeads, float scale) {
        int group = heads / kvHeads;
        String qg = group == 1 ? q : g.op(n + "/q_grouped", "Reshape", q, g.ints(kvHeads, -1, cfg.qHeadDim()));
        String kt = g.op(n + "/k_t", "Transpose", new String[] {k}, attrs("perm", 0, 2, 1));
        String s = g.op(n + "/scores", "MatMul", qg, kt);
        if (group != 1) {
            s = g.op(n + "/scores_heads", "Reshape", s, g.ints(heads, -1, 0));
        }
        String p = softmax(n, s, scale);
        if (group != 1) {
            p = g.op(n + "/probs_grouped", "Reshape", p, g.ints(kvHeads, -1, 0));
        }
        String o = g.op(n + "/context", "MatMul", p, v);
        if (group != 1) {
            o = g.op(n + "/context_heads", "Reshape", o, g.ints(heads, -1, cfg.vHeadDim()));
        }
        return o;
    }

    /** [H, T, Dv] → o_proj([T, H·Dv]). */
    public String outputProjection(String n, String o, String wName, int heads, int vd)
            throws ModelFormatException, IOException {
        String ot = g.op(n + "/o_transpose", "Transpose", new String[] {o}, attrs("perm", 1, 0, 2));
        String o2 = g.op(n + "/o_flat", "Reshape", ot, g.ints(-1, (long) heads * vd));
        return linear(n + "/o_proj", o2, wName, cfg.hiddenSize(), heads * vd, null);
    }
}
