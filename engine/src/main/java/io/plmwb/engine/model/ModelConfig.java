package io.plmwb.engine.model;

import java.util.Objects;

/**
 * The architecture of a decoder, as read from an HF {@code config.json} (or a GGUF header, or a preset).
 *
 * <p>For PLM (MLA) the attention fields are {@code kvLoraRank}, {@code qkNopeHeadDim}, {@code qkRopeHeadDim},
 * {@code vHeadDim}, {@code qLoraRank} (null: one full q_proj); {@code headDim} is then nope + rope. For the GQA
 * families {@code headDim} is the per-head size of q/k/v and the MLA fields are 0.
 *
 * @param family               model family (see {@code io.plmwb.engine.family.ModelFamilies})
 * @param modelType            the config's model_type as written (e.g. "plm", "edgellm", "llama", "qwen2")
 * @param vocabSize            rows of the embedding matrix
 * @param hiddenSize           model width
 * @param intermediateSize     MLP width
 * @param numLayers            decoder blocks
 * @param numHeads             attention (query) heads
 * @param numKvHeads           key/value heads (equal to numHeads for PLM)
 * @param headDim              query/key head size (PLM: nope + rope)
 * @param qLoraRank            PLM query compression rank, null when there is none
 * @param kvLoraRank           PLM latent size (0 for GQA families)
 * @param qkNopeHeadDim        PLM per-head non-rotary query/key size
 * @param qkRopeHeadDim        PLM rotary query/key size (shared rope key)
 * @param vHeadDim             value head size (GQA families: headDim)
 * @param hiddenAct            MLP activation ("relu2" for PLM, "silu" for SwiGLU peers)
 * @param maxPositionEmbeddings trained context length
 * @param ropeTheta            RoPE base
 * @param ropeInterleave       true when RoPE rotates adjacent pairs (PLM), false for NeoX halves (llama/qwen2 in HF)
 * @param rmsNormEps           RMSNorm epsilon
 * @param tieWordEmbeddings    output head shares the embedding matrix
 * @param attentionBias        q/k/v projections have a bias (qwen2)
 * @param torchDtype           the checkpoint's declared dtype ("bfloat16", "float32", …)
 * @param bosTokenId           may be null
 * @param eosTokenId           may be null
 * @param synthetic            true for seeded random checkpoints made by {@code workbench synth}
 * @param ropeScaling          the config's rope_scaling (linear or llama3), null when RoPE is unscaled
 */
public record ModelConfig(
        FamilyId family,
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        Integer qLoraRank,
        int kvLoraRank,
        int qkNopeHeadDim,
        int qkRopeHeadDim,
        int vHeadDim,
        String hiddenAct,
        int maxPositionEmbeddings,
        double ropeTheta,
        boolean ropeInterleave,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        String torchDtype,
        Integer bosTokenId,
        Integer eosTokenId,
        boolean synthetic,
        RopeScaling ropeScaling) {

    public ModelConfig {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(hiddenAct, "hiddenAct");
        Objects.requireNonNull(torchDtype, "torchDtype");
    }

    /** Query (and key) size of one head: nope + rope for MLA, headDim otherwise. */
    public int qHeadDim() {
        return family.isMla() ? qkNopeHeadDim + qkRopeHeadDim : headDim;
    }

    /** Width of the kv_a projection output for MLA: latent + shared rope key (576 for PLM-1.8B). */
    public int kvAWidth() {
        return kvLoraRank + qkRopeHeadDim;
    }

    /** The scale applied to attention scores: 1/√(query head size), i.e. 1/√(nope+rope) for PLM. */
    public double attentionScale() {
        return 1.0 / Math.sqrt(qHeadDim());
    }

    /** Rotary dimension: qk_rope_head_dim for MLA, head_dim otherwise. */
    public int ropeDim() {
        return family.isMla() ? qkRopeHeadDim : headDim;
    }

    /** The rotary inverse frequencies of this config, with its {@link #ropeScaling()} applied. */
    public double[] ropeInverseFrequencies() {
        return RopeScaling.inverseFrequencies(ropeTheta, ropeDim(), ropeScaling);
    }

    /** A copy with a different rope_scaling (null: none). */
    public ModelConfig withRopeScaling(RopeScaling scaling) {
        return new ModelConfig(family, modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads,
                numKvHeads, headDim, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, hiddenAct,
                maxPositionEmbeddings, ropeTheta, ropeInterleave, rmsNormEps, tieWordEmbeddings, attentionBias,
                torchDtype, bosTokenId, eosTokenId, synthetic, scaling);
    }

    /** Number of query heads sharing one KV head. */
    public int kvGroupSize() {
        return numHeads / numKvHeads;
    }

    /** A copy with a different layer count (for fast synthetic checkpoints and truncated scale runs). */
    public ModelConfig withLayers(int layers) {
        return new ModelConfig(family, modelType, vocabSize, hiddenSize, intermediateSize, layers, numHeads, numKvHeads,
                headDim, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, hiddenAct,
                maxPositionEmbeddings, ropeTheta, ropeInterleave, rmsNormEps, tieWordEmbeddings, attentionBias,
                torchDtype, bosTokenId, eosTokenId, synthetic, ropeScaling);
    }

    /** A copy marked (or unmarked) as synthetic. */
    public ModelConfig withSynthetic(boolean isSynthetic) {
        return new ModelConfig(family, modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads,
                numKvHeads, headDim, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, hiddenAct,
                maxPositionEmbeddings, ropeTheta, ropeInterleave, rmsNormEps, tieWordEmbeddings, attentionBias,
                torchDtype, bosTokenId, eosTokenId, isSynthetic, ropeScaling);
    }
}
