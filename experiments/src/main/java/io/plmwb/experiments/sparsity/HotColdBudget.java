package io.plmwb.experiments.sparsity;

import io.plmwb.engine.probe.SparsityCapture;
import java.util.Arrays;
import java.util.List;

/**
 * The hot/cold neuron budget (PowerInfer-style): per layer, the fewest neurons that together account for P % of all
 * firings (|a| &gt; ε) over the captured tokens — the "hot" set to keep resident — and what their weights weigh.
 * A neuron's weights are its W_up row (and W_gate row for SwiGLU) and its W_down column: D × (1 or 2 + 1)
 * parameters at the checkpoint's bytes per parameter.
 */
public final class HotColdBudget {

    /** One layer's budget. */
    public record LayerBudget(int layer, int hotNeurons, int neurons, long firings, double bytes) {
        /** Hot neurons as a share of the layer's neurons. */
        public double hotShare() {
            return hotNeurons / (double) neurons;
        }
    }

    /** All layers. */
    public record Budget(double percent, int epsIndex, LayerBudget[] layers, double hotBytes, double mlpBytes) {
        /** Hot neurons summed over the layers. */
        public long hotNeurons() {
            return Arrays.stream(layers).mapToLong(LayerBudget::hotNeurons).sum();
        }
    }

    private HotColdBudget() {
    }

    /** The smallest n such that the n most frequent neurons cover ≥ percent % of the firings (0 when none fired). */
    public static int neuronsToCover(long[] firingCounts, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("P must be 0–100 %, was " + percent);
        }
        long total = 0;
        for (long c : firingCounts) {
            total += c;
        }
        if (total == 0 || percent == 0) {
            return 0;
        }
        long[] sorted = firingCounts.clone();
        Arrays.sort(sorted);
        double need = percent / 100.0 * total;
        long acc = 0;
        int n = 0;
        for (int i = sorted.length - 1; i >= 0; i--) {
            acc += sorted[i];
            n++;
            if (acc >= need - 1e-9) {
                return n;
            }
        }
        return n;
    }

    /** The budget of a result at ε and P. */
    public static Budget compute(SparsityResult r, int epsIndex, double percent) {
        List<SparsityCapture> caps = r.captures();
        int layers = r.model().layers();
        LayerBudget[] out = new LayerBudget[layers];
        double bytesPerNeuron = r.paramsPerNeuron() * (double) r.bytesPerParam();
        double hot = 0;
        for (int l = 0; l < layers; l++) {
            long[] counts = r.firingCounts(l, epsIndex);
            int n = neuronsToCover(counts, percent);
            long firings = Arrays.stream(counts).sum();
            out[l] = new LayerBudget(l, n, r.model().neurons(), firings, n * bytesPerNeuron);
            hot += n * bytesPerNeuron;
        }
        double mlp = layers * (double) r.model().neurons() * bytesPerNeuron;
        return new Budget(percent, epsIndex, out, hot, mlp);
    }
}
