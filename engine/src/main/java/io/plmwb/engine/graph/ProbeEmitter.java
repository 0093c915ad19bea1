package io.plmwb.engine.graph;

import static io.plmwb.engine.onnx.OnnxGraph.attr;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.plmwb.engine.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/** The in-graph sparsity probes of the MLP activations (decisions 0012, 0013), for {@link OnnxGraphBuilder}. */
final class ProbeEmitter {

    private static final TensorProto.DataType F = TensorProto.DataType.FLOAT;
    private static final TensorProto.DataType I32 = TensorProto.DataType.INT32;

    private final OnnxGraph g;
    private final int intermediate;
    private final int layers;
    /** Shared probe inputs (null until the first probed layer). */
    private String probeGrid;
    private String probeOnesT;
    /** Per-layer probe tensors to stack: token fires, neuron fires, top values, top indices. */
    private final List<List<String>> probeParts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());

    ProbeEmitter(OnnxGraph g, int intermediate, int layers) {
        this.g = g;
        this.intermediate = intermediate;
        this.layers = layers;
    }

    /**
     * Reduces the activation a [T, F] of one layer to its probe tensors (see {@link ProbeGrid},
     * decisions 0012 and 0013); {@link #finish} stacks them over the layers into four graph outputs:
     * {@code probe.token_fires} int32 [L·E, T, 1]: per layer, grid point ε_e and token, how many of the F activations
     * have |a| &gt; ε_e (ε₀ = 0); {@code probe.neuron_fires} int32 [L·M, 1, F]: per layer and neuron, on how many of
     * the T tokens |a| &gt; ε at the M per-neuron grid points; {@code probe.top_values} float [L·T, k] /
     * {@code probe.top_indices} int32 [L·T, k]: the k neurons of largest |a| per token with their signed values, in
     * no particular order (TopK unsorted; the reader sorts).
     * <p>One broadcast {@code Greater} against the [E, 1, 1] grid, one {@code Cast} of that to uint8 (a quarter of
     * the bytes of an fp32 indicator; ORT's Cast is single-threaded, so there is only one), and two
     * {@code MatMulInteger}s against ones — over F for the per-token counts (indicator × int8 ones), over T for the
     * per-neuron counts (uint8 ones × indicator): exact int32 sums. For relu² a ≥ 0, so |a| = a and the TopK values
     * are the signed values. Nothing of size T×F leaves the graph.
     */
    void probe(String n, String a, int f, boolean nonNegative) {
        int eps = ProbeGrid.EPSILONS;
        String abs = nonNegative ? a : g.op(n + "/abs", "Abs", a);
        if (probeGrid == null) {
            float[] grid = new float[eps];
            for (int e = 0; e < eps; e++) {
                grid[e] = (float) ProbeGrid.epsilon(e);
            }
            probeGrid = g.f32Tensor("probe/epsilons", grid, eps, 1, 1);
            // ones [1, T] for the per-neuron sums over T (T = the step's token count = input_ids' second dimension)
            probeOnesT = g.op("probe/ones_t", "Expand", g.fill(TensorProto.DataType.UINT8, 1, 1, 1),
                    g.op("probe/ids_shape", "Shape", "input_ids"));
        }
        int m = ProbeGrid.NEURON_EPSILONS;
        String gt = g.op(n + "/gt", "Greater", abs, probeGrid);
        String firesU8 = g.op(n + "/fires_u8", "Cast", new String[] {gt},
                attr("to", (long) TensorProto.DataType.UINT8.getNumber()));
        probeParts.get(0).add(g.op(n + "/token_fires", "MatMulInteger", firesU8,
                g.fill(TensorProto.DataType.INT8, 1, f, 1)));
        String neuronInput = firesU8;
        if (m != eps) {
            long[] rows = new long[m];
            for (int i = 0; i < m; i++) {
                rows[i] = ProbeGrid.neuronGridIndex(i);
            }
            neuronInput = g.op(n + "/neuron_rows", "Gather", new String[] {firesU8, g.ints(rows)}, attr("axis", 0L));
        }
        probeParts.get(1).add(g.op(n + "/neuron_fires", "MatMulInteger", probeOnesT, neuronInput));
        // top-k neurons by |a|, with signed values
        int top = Math.min(ProbeGrid.TOP_K, f);
        String[] tk = g.opMulti(n + "/topk", "TopK", new String[] {abs, g.ints(top)},
                new String[] {n + "/top_abs", n + "/top_indices"}, attr("axis", -1L), attr("largest", 1L),
                attr("sorted", 0L));
        probeParts.get(2).add(nonNegative ? tk[0] : g.op(n + "/top_values", "GatherElements",
                new String[] {a, tk[1]}, attr("axis", 1L)));
        probeParts.get(3).add(tk[1]);
    }

    /** Stacks the layers' probe tensors into the four probe outputs (see {@link #probe}). */
    void finish() {
        int eps = ProbeGrid.EPSILONS;
        int m = ProbeGrid.NEURON_EPSILONS;
        int f = intermediate;
        long top = Math.min(ProbeGrid.TOP_K, f);
        long layers = this.layers;
        String[] what = {"token_fires", "neuron_fires", "top_values", "top_indices"};
        for (int i = 0; i < what.length; i++) {
            String[] out = {i == 3 ? "probe/top_indices_i64" : OnnxGraphBuilder.probeOutput(what[i])};
            g.opMulti("probe/" + what[i], "Concat", probeParts.get(i).toArray(new String[0]), out, attr("axis", 0L));
        }
        // neuron indices < F fit int32: half the bytes to copy out
        g.opMulti("probe/top_indices_i32", "Cast", new String[] {"probe/top_indices_i64"},
                new String[] {OnnxGraphBuilder.probeOutput("top_indices")}, attr("to", (long) I32.getNumber()));
        g.output(OnnxGraphBuilder.probeOutput("token_fires"), I32, layers * eps, "seq", 1L);
        g.output(OnnxGraphBuilder.probeOutput("neuron_fires"), I32, layers * m, 1L, (long) f);
        g.output(OnnxGraphBuilder.probeOutput("top_values"), F, "layers_x_seq", top);
        g.output(OnnxGraphBuilder.probeOutput("top_indices"), I32, "layers_x_seq", top);
    }
}
