package io.plmwb.engine.bench;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;

/**
 * Work per token of the graphs {@link io.plmwb.engine.graph.OnnxGraphBuilder} emits: bytes of fp32 weights a decode
 * step reads, and FLOPs of a prefill (as the graph computes them: the causal mask is applied after full
 * [T, S] score matrices, so attention costs T·S, not T·S/2).
 */
public final class ModelCost {

    private ModelCost() {
    }

    /**
     * fp32 weight bytes read by one decode step: every matrix once, the output head (the tied embedding read in
     * full), but only one row of an untied embedding table (Gather).
     */
    public static long decodeWeightBytes(ModelConfig c) {
        ArchitectureSummary s = ArchitectureSummary.of(c);
        long params = s.total();
        if (!c.tieWordEmbeddings()) {
            params -= s.embedding() - c.hiddenSize();
        }
        return 4 * params;
    }

    /** Cache bytes a decode step reads at {@code context} tokens (fp32). */
    public static long decodeCacheBytes(ModelConfig c, CacheMode mode, long context) {
        return ArchitectureSummary.of(c).kvBytes(mode.layout(), io.plmwb.engine.arch.StorageType.FP32, context)
                .orElse(0);
    }

    /** FLOPs of a prefill of {@code t} tokens after {@code past} cached ones, logits for the last position only. */
    public static double prefillFlops(ModelConfig c, CacheMode mode, long t, long past) {
        ArchitectureSummary s = ArchitectureSummary.of(c);
        long s1 = past + t;
        double matrixParams = s.perLayerAttention() + s.perLayerMlp();
        double perLayer = 2.0 * t * matrixParams;
        perLayer = ModelFamilies.of(c).attentionFlops(c, mode == CacheMode.LATENT, t, s1, perLayer);
        double head = 2.0 * c.vocabSize() * c.hiddenSize();
        return perLayer * c.numLayers() + head;
    }
}
