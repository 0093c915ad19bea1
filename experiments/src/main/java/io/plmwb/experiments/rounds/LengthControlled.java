package io.plmwb.experiments.rounds;

/**
 * A length-adjusted win rate, AlpacaEval-style but without the instruction-difficulty term.
 *
 * <p>AlpacaEval 2's length-controlled win rate fits, per model, a logistic regression of P(model beats baseline) on
 * tanh(standardised length difference), an instruction-difficulty term and a bias, and reports the mean prediction
 * with the length term set to zero. The difficulties come from a file that is not available offline, so this fits
 * only the bias and the length term, on soft labels y = preference − 1 (maximum likelihood, Newton's method):
 * <pre>  P = σ(b₀ + b₁·tanh(Δlen / sd(Δlen)))   →   LC ≈ 100·σ(b₀)</pre>
 * where Δlen = characters of the answer − characters of the baseline answer and sd is the sample standard deviation
 * over the judged prompts. It is an approximation: it does not equal the leaderboard's LC (on the AlpacaEval fixture
 * it gives 18.4 vs the published 9.87 for oasst-sft-llama-33b and 9.9 vs 7.97 for oasst-rlhf-llama-33b), but it moves
 * the same way when a round wins by being longer.
 *
 * @param winRate     100·σ(b₀), in percent
 * @param bias        b₀
 * @param lengthSlope b₁ (positive: longer answers win more often)
 * @param n           prompts used (judged, with a baseline answer)
 */
public record LengthControlled(double winRate, double bias, double lengthSlope, int n) {

    /** The method in one sentence, for tables, tooltips and JSON. */
    public static final String METHOD = "approximation of AlpacaEval 2 LC without the instruction-difficulty term: "
            + "logistic fit of (preference − 1) on tanh(Δchars / sd) + bias, LC = 100·σ(bias)";

    /**
     * Fits the model; null when there are fewer than 10 points or the length differences do not vary.
     *
     * @param y     preference − 1 per prompt, in [0, 1]
     * @param delta answer length − baseline length per prompt
     */
    public static LengthControlled fit(double[] y, double[] delta) {
        int n = y.length;
        if (n < 10 || delta.length != n) {
            return null;
        }
        double sd = Math.sqrt(RoundStatistics.sampleVariance(delta));
        if (!(sd > 0)) {
            return null;
        }
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = Math.tanh(delta[i] / sd);
        }
        double b0 = 0;
        double b1 = 0;
        for (int it = 0; it < 100; it++) {
            double g0 = 0;
            double g1 = 0;
            double h00 = 1e-9;
            double h01 = 0;
            double h11 = 1e-9;
            for (int i = 0; i < n; i++) {
                double p = sigmoid(b0 + b1 * t[i]);
                double r = y[i] - p;
                g0 += r;
                g1 += r * t[i];
                double w = p * (1 - p);
                h00 += w;
                h01 += w * t[i];
                h11 += w * t[i] * t[i];
            }
            double det = h00 * h11 - h01 * h01;
            if (!(det > 0)) {
                return null;
            }
            double d0 = (h11 * g0 - h01 * g1) / det;
            double d1 = (-h01 * g0 + h00 * g1) / det;
            b0 += d0;
            b1 += d1;
            if (Math.abs(d0) < 1e-12 && Math.abs(d1) < 1e-12) {
                break;
            }
        }
        if (!Double.isFinite(b0) || !Double.isFinite(b1)) {
            return null;
        }
        return new LengthControlled(100 * sigmoid(b0), b0, b1, n);
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
