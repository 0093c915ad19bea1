package io.plmwb.engine.family.plm;

import static io.plmwb.engine.onnx.OnnxGraph.attr;
import static io.plmwb.engine.onnx.OnnxGraph.attrs;

import io.plmwb.engine.family.CacheTensor;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.onnx.OnnxGraph;
import io.plmwb.engine.onnx.OnnxOps;
import java.io.IOException;
import java.util.List;

/**
 * PLM's Multi-head Latent Attention block: q (optionally through a q LoRA), the kv_a latent and shared rotary key;
 * with a latent cache, attention by absorption of kv_b into the query and the output (the cache row
 * [c ; RoPE(k̃)] is never expanded); with an expanded cache, kv_b expands the latent into per-head K/V.
 */
final class MlaAttention {

    private MlaAttention() {
    }

    static String emit(OnnxOps ops, int layer, String n, String w, String x, List<CacheTensor> cache)
            throws ModelFormatException, IOException {
        OnnxGraph g = ops.graph();
        ModelConfig cfg = ops.config();
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int nope = cfg.qkNopeHeadDim();
        int rope = cfg.qkRopeHeadDim();
        int vd = cfg.vHeadDim();
        int qd = nope + rope;
        int lat = cfg.kvLoraRank();
        String q;
        if (cfg.qLoraRank() == null) {
            q = ops.linear(n + "/q_proj", x, w + "q_proj.weight", heads * qd, d, null);
        } else {
            int qr = cfg.qLoraRank();
            String qa = ops.linear(n + "/q_a_proj", x, w + "q_a_proj.weight", qr, d, null);
            qa = ops.rmsNorm(n + "/q_a_norm", qa, ops.weight(w + "q_a_layernorm.weight", qr));
            q = ops.linear(n + "/q_b_proj", qa, w + "q_b_proj.weight", heads * qd, qr, null);
        }
        String q3 = g.op(n + "/q_heads", "Reshape", q, g.ints(-1, heads, qd));
        String qt = g.op(n + "/q_transpose", "Transpose", new String[] {q3}, attrs("perm", 1, 0, 2));
        String qNope = ops.slice(n + "/q_nope", qt, 0, nope, 2);
        String qPe = ops.rope(n + "/q_rope", ops.slice(n + "/q_pe", qt, nope, qd, 2), heads, rope);
        String ckr = ops.linear(n + "/kv_a_proj", x, w + "kv_a_proj_with_mqa.weight", lat + rope, d, null);
        String c = ops.rmsNorm(n + "/kv_a_norm", ops.slice(n + "/latent_raw", ckr, 0, lat, 1),
                ops.weight(w + "kv_a_layernorm.weight", lat));
        String kpe = g.op(n + "/k_pe_3d", "Reshape", ops.slice(n + "/k_pe", ckr, lat, lat + rope, 1),
                g.ints(1, -1, rope));
        kpe = ops.rope(n + "/k_rope", kpe, 1, rope);
        float scale = (float) cfg.attentionScale();
        float[] kvb = ops.read(w + "kv_b_proj.weight", (long) heads * (nope + vd) * lat);
        String o;
        if (ops.latentCache()) {
            // per head: W_UK,i [nope, lat] and W_UV,i^T [lat, v] from kv_b rows [k_nope ; v]
            float[] wuk = new float[heads * nope * lat];
            float[] wuvT = new float[heads * lat * vd];
            for (int hh = 0; hh < heads; hh++) {
                int base = hh * (nope + vd) * lat;
                System.arraycopy(kvb, base, wuk, hh * nope * lat, nope * lat);
                for (int r = 0; r < vd; r++) {
                    for (int k = 0; k < lat; k++) {
                        wuvT[hh * lat * vd + k * vd + r] = kvb[base + (nope + r) * lat + k];
                    }
                }
            }
            kvb = null;
            String wUk = g.weight(w + "kv_b_proj.w_uk", wuk, heads, nope, lat);
            String wUvT = g.weight(w + "kv_b_proj.w_uv_t", wuvT, heads, lat, vd);
            String kpe2 = g.op(n + "/k_pe_2d", "Reshape", kpe, g.ints(-1, rope));
            String entry = g.op(n + "/cache_entry", "Concat", new String[] {c, kpe2}, attr("axis", 1L));
            String entry3 = g.op(n + "/cache_entry_3d", "Unsqueeze", entry, g.ints(0));
            String presentName = cache.get(0).present(layer);
            g.opMulti(n + "/present_latent", "Concat", new String[] {cache.get(0).past(layer), entry3},
                    new String[] {presentName}, attr("axis", 1L));
            // absorbed attention on the whole cache row [c ; k_pe] (no slicing of the cache):
            // score_ij = [W_UK,i^T q_nope,i ; q_rope,i] . [c_j ; k_pe,j],  context_i = W_UV,i (sum_j p_ij c_j)
            String all = g.op(n + "/cache_all", "Squeeze", presentName, g.ints(0));
            String qAbs = g.op(n + "/q_absorb", "MatMul", qNope, wUk);
            String qCat = g.op(n + "/q_latent", "Concat", new String[] {qAbs, qPe}, attr("axis", 2L));
            String allT = g.op(n + "/cache_t", "Transpose", new String[] {all}, attrs("perm", 1, 0));
            String s = g.op(n + "/scores", "MatMul", qCat, allT);
            String p = ops.softmax(n, s, scale);
            String ctxAll = g.op(n + "/context_cache", "MatMul", p, all);
            String ctxLat = ops.slice(n + "/context_latent", ctxAll, 0, lat, 2);
            o = g.op(n + "/context", "MatMul", ctxLat, wUvT);
        } else {
            String kvbW = g.weight(w + "kv_b_proj.weight", kvb, heads * (nope + vd), lat);
            kvb = null;
            String kv = g.op(n + "/kv_b_proj", "Gemm", new String[] {c, kvbW}, attr("transB", 1L));
            String kv3 = g.op(n + "/kv_heads", "Reshape", kv, g.ints(-1, heads, nope + vd));
            String kvt = g.op(n + "/kv_transpose", "Transpose", new String[] {kv3}, attrs("perm", 1, 0, 2));
            String kNope = ops.slice(n + "/k_nope", kvt, 0, nope, 2);
            String v = ops.slice(n + "/v", kvt, nope, nope + vd, 2);
            String kpeH = g.op(n + "/k_pe_heads", "Expand", kpe, g.ints(heads, 1, 1));
            String k = g.op(n + "/k", "Concat", new String[] {kNope, kpeH}, attr("axis", 2L));
            String qq = g.op(n + "/q", "Concat", new String[] {qNope, qPe}, attr("axis", 2L));
            String[] kvAll = ops.appendExpanded(n, k, v, cache.get(0).past(layer), cache.get(1).past(layer),
                    cache.get(0).present(layer), cache.get(1).present(layer));
            o = ops.attend(n, qq, kvAll[0], kvAll[1], heads, heads, scale);
        }
        return ops.outputProjection(n, o, w + "o_proj.weight", heads, vd);
    }
}
