package io.plmwb.experiments.sparsity;

import io.plmwb.engine.probe.SparsityCapture;

/**
 * Activated parameters per token, averaged over the captured tokens at ε (what "activated parameters" means here,
 * stated in the UI and the CLI):
 * <ul>
 *   <li><b>dense</b>: every parameter of the model (the total);</li>
 *   <li><b>without a predictor</b>: the W_up (and W_gate) rows must all be computed to learn which activations are
 *       zero, so only the W_down columns of inactive neurons (|a| ≤ ε) are skipped:
 *       total − Σ_layers zeros × D;</li>
 *   <li><b>with a perfect predictor</b> (an oracle that knows the active set before the MLP runs; the predictor's own
 *       parameters and mistakes are not counted): the W_up/W_gate rows of inactive neurons are skipped too:
 *       total − Σ_layers zeros × D × (1 or 2 + 1).</li>
 * </ul>
 * Attention, norms, embedding and head are counted in full in all three.
 */
public record ActivatedParams(long total, double withoutPredictor, double withPredictor, int epsIndex) {

    /** Computes the three numbers for a result. */
    public static ActivatedParams compute(SparsityResult r, int epsIndex) {
        double zeros = 0;
        long tokens = 0;
        for (SparsityCapture c : r.captures()) {
            for (int t = 0; t < c.tokens(); t++) {
                for (int l = 0; l < c.layers(); l++) {
                    zeros += c.zeroCount(l, t, epsIndex);
                }
            }
            tokens += c.tokens();
        }
        double zerosPerToken = tokens == 0 ? 0 : zeros / tokens; // summed over layers
        double d = r.model().hidden();
        double without = r.totalParams() - zerosPerToken * d;
        double with = r.totalParams() - zerosPerToken * d * (r.model().inputProjections() + 1);
        return new ActivatedParams(r.totalParams(), without, with, epsIndex);
    }

    public double withoutShare() {
        return withoutPredictor / total;
    }

    public double withShare() {
        return withPredictor / total;
    }
}
