package io.plmwb.engine.family.llama;

import io.plmwb.engine.family.CacheTensor;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.onnx.OnnxOps;
import java.io.IOException;
import java.util.List;

/** Grouped-query attention: q/k/v projections (with bias when the config has one), RoPE, expanded K/V cache. */
public final class GqaAttention {

    private GqaAttention() {
    }

    /** Emits one layer's attention (see {@link io.plmwb.engine.family.ModelFamily#attention}). */
    public static String emit(OnnxOps ops, int layer, String n, String w, String x, List<CacheTensor> cache)
            throws ModelFormatException, IOException {
        ModelConfig cfg = ops.config();
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int kvh = cfg.numKvHeads();
        int hd = cfg.headDim();
        boolean b = cfg.attentionBias();
        String q = ops.linear(n + "/q_proj", x, w + "q_proj.weight", heads * hd, d, b ? w + "q_proj.bias" : null);
        String k = ops.linear(n + "/k_proj", x, w + "k_proj.weight", kvh * hd, d, b ? w + "k_proj.bias" : null);
        String v = ops.linear(n + "/v_proj", x, w + "v_proj.weight", kvh * hd, d, b ? w + "v_proj.bias" : null);
        q = ops.heads(n + "/q", q, heads, hd);
        k = ops.heads(n + "/k", k, kvh, hd);
        v = ops.heads(n + "/v", v, kvh, hd);
        q = ops.rope(n + "/q_rope", q, heads, hd);
        k = ops.rope(n + "/k_rope", k, kvh, hd);
        String[] kvAll = ops.appendExpanded(n, k, v, cache.get(0).past(layer), cache.get(1).past(layer),
                cache.get(0).present(layer), cache.get(1).present(layer));
        String o = ops.attend(n, q, kvAll[0], kvAll[1], heads, kvh, (float) cfg.attentionScale());
        return ops.outputProjection(n, o, w + "o_proj.weight", heads, hd);
    }
}
