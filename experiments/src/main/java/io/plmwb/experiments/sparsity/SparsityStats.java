package io.plmwb.experiments.sparsity;

import io.plmwb.engine.probe.SparsityCapture;
import java.util.List;

/**
 * Statistics of captured activations at one ε of the grid, computed from the bucket counts (no model run).
 *
 * <p>Definitions: the zero fraction of (layer, token) is the share of the layer's F MLP activations with |a| ≤ ε. A
 * layer's mean is over all captured tokens (all prompts of a batch), its spread the population standard deviation
 * of the per-token fractions. The overall mean zero fraction is the mean over all (layer, token) cells, i.e. the mean
 * of the layer means.
 */
public final class SparsityStats {

    /** One layer's zero fractions over the tokens. */
    public record LayerStat(int layer, double mean, double std, double min, double max, long tokens) {
    }

    private SparsityStats() {
    }

    /** Per-layer statistics over every token of every capture. */
    public static LayerStat[] perLayer(List<SparsityCapture> captures, int epsIndex) {
        int layers = captures.get(0).layers();
        LayerStat[] out = new LayerStat[layers];
        for (int l = 0; l < layers; l++) {
            double s = 0;
            double ss = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            long n = 0;
            for (SparsityCapture c : captures) {
                for (int t = 0; t < c.tokens(); t++) {
                    double z = c.zeroFraction(l, t, epsIndex);
                    s += z;
                    ss += z * z;
                    min = Math.min(min, z);
                    max = Math.max(max, z);
                    n++;
                }
            }
            double mean = n == 0 ? Double.NaN : s / n;
            double var = n == 0 ? Double.NaN : Math.max(0, ss / n - mean * mean);
            out[l] = new LayerStat(l, mean, Math.sqrt(var), n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max, n);
        }
        return out;
    }

    /** Mean of the layer means (= mean over all layer × token cells). */
    public static double meanZeroFraction(LayerStat[] layers) {
        double s = 0;
        for (LayerStat l : layers) {
            s += l.mean();
        }
        return s / layers.length;
    }
}
