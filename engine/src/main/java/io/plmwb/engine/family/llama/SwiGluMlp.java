package io.plmwb.engine.family.llama;

import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.onnx.OnnxGraph;
import io.plmwb.engine.onnx.OnnxOps;
import java.io.IOException;

/** SwiGLU MLP: down(silu(gate(x)) · up(x)). */
public final class SwiGluMlp {

    private SwiGluMlp() {
    }

    /** Emits the MLP (see {@link ModelFamily#mlp}). */
    public static String emit(OnnxOps ops, String n, String w, String x, ModelFamily.ActivationTap tap)
            throws ModelFormatException, IOException {
        OnnxGraph g = ops.graph();
        ModelConfig cfg = ops.config();
        int d = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        String up = ops.linear(n + "/up_proj", x, w + "up_proj.weight", f, d, null);
        String gate = ops.linear(n + "/gate_proj", x, w + "gate_proj.weight", f, d, null);
        String silu = g.op(n + "/silu", "Mul", gate, g.op(n + "/sigmoid", "Sigmoid", gate));
        String a = g.op(n + "/gated", "Mul", silu, up);
        tap.activation(n + "/probe", a, f, false);
        return ops.linear(n + "/down_proj", a, w + "down_proj.weight", d, f, null);
    }
}
