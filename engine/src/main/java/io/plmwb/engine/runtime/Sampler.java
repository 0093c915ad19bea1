package io.plmwb.engine.runtime;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: argmax at temperature 0; otherwise temperature, then top-k, then a softmax
 * (max subtracted, in double), then top-p over the probabilities sorted in descending order, then one draw from a
 * {@link SplittableRandom} seeded once, so a seed reproduces a run exactly. Ties at the top-k / top-p boundary are
 * kept (all tokens with the boundary value), which keeps the choice independent of sort stability.
 */
public final class Sampler {

    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom random;

    public Sampler(double temperature, int topK, double topP, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** A sampler for these options. */
    public static Sampler of(GenerationOptions o) {
        return new Sampler(o.temperature(), o.topK(), o.topP(), o.seed());
    }

    /** The next token id. */
    public int sample(float[] logits) {
        if (temperature <= 0) {
            return argmax(logits);
        }
        double[] p = probabilities(logits);
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        if (!(sum > 0)) {
            return argmax(logits);
        }
        double r = random.nextDouble() * sum;
        double acc = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                acc += p[i];
                last = i;
                if (r < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    /**
     * The (unnormalised after top-p, otherwise normalised) probabilities the draw uses: temperature, top-k,
     * softmax, top-p. Zero for excluded tokens.
     */
    double[] probabilities(float[] logits) {
        int n = logits.length;
        double[] x = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = logits[i];
            x[i] = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v / temperature;
            max = Math.max(max, x[i]);
        }
        double cut = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < n) {
            cut = kthLargest(x.clone(), topK);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (x[i] >= cut && x[i] > Double.NEGATIVE_INFINITY) {
                p[i] = Math.exp(x[i] - max);
                sum += p[i];
            }
        }
        if (!(sum > 0)) {
            return p;
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        if (topP < 1) {
            // Only the tokens that survived top-k take part: sort those, not the whole vocabulary.
            int m = 0;
            double[] sorted = new double[n];
            for (double v : p) {
                if (v > 0) {
                    sorted[m++] = v;
                }
            }
            sorted = Arrays.copyOf(sorted, m);
            Arrays.sort(sorted);
            double acc = 0;
            double threshold = 0;
            for (int i = m - 1; i >= 0; i--) {
                acc += sorted[i];
                threshold = sorted[i];
                if (acc >= topP) {
                    break;
                }
            }
            for (int i = 0; i < n; i++) {
                if (p[i] < threshold) {
                    p[i] = 0;
                }
            }
        }
        return p;
    }

    /**
     * The k-th largest value of {@code a} (1-based; -inf counts as a value), by quickselect in expected linear time.
     * Reorders {@code a}.
     */
    static double kthLargest(double[] a, int k) {
        int target = a.length - k; // the index it would have in ascending order
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }

    /** Index of the largest logit (first on ties; NaN never wins). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best] || Float.isNaN(logits[best])) {
                best = i;
            }
        }
        return best;
    }
}
