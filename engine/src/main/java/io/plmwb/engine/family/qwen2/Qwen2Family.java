package io.plmwb.engine.family.qwen2;

import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.model.FamilyId;
import io.plmwb.engine.model.ModelConfig;

/**
 * Qwen2: llama's GQA + SwiGLU with q/k/v biases always present; llama.cpp stores its q/k rows unpermuted.
 */
public final class Qwen2Family extends LlamaFamily {

    /** The id qwen2 configs carry. */
    public static final FamilyId ID = new FamilyId("qwen2", false);
    /** The registered instance. */
    public static final Qwen2Family INSTANCE = new Qwen2Family();

    private Qwen2Family() {
        super(ID, "qwen2", "Qwen2ForCausalLM");
    }

    @Override
    protected boolean alwaysAttentionBias() {
        return true;
    }

    @Override
    public float[] fromGguf(ModelConfig c, String hfName, float[] v, int rowLength) {
        return v;
    }

    @Override
    public float[] toGguf(ModelConfig c, String hfName, float[] v, int rowLength) {
        return v;
    }
}
