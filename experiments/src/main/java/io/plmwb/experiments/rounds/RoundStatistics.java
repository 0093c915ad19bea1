package io.plmwb.experiments.rounds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Win-rate statistics with AlpacaEval's definitions, for one round and for two rounds on their shared prompts.
 *
 * <ul>
 *   <li>win rate = 100·mean(p − 1) over prompts with a finite preference p ∈ [1, 2] (0 counts as 1.5);</li>
 *   <li>standard error = 100·sd(p − 1)/√n with the sample standard deviation (ddof 1);</li>
 *   <li>wins p &gt; 1.5, baseline wins p &lt; 1.5, draws p = 1.5; discrete win rate = 100·(wins + draws/2)/n;</li>
 *   <li>a bootstrap 95% interval: prompts resampled with replacement, percentile method, seeded;</li>
 *   <li>avg length = mean characters (Unicode code points, as Python's {@code len}) of the answers.</li>
 * </ul>
 */
public final class RoundStatistics {

    /** Default bootstrap resamples. */
    public static final int DEFAULT_BOOTSTRAP = 2000;
    /** Default bootstrap seed. */
    public static final long DEFAULT_SEED = 20250205L;

    private RoundStatistics() {
    }

    /** Statistics of a round with the default bootstrap (2000 resamples, fixed seed). */
    public static RoundStats of(Round round) {
        return of(round, DEFAULT_BOOTSTRAP, DEFAULT_SEED);
    }

    public static RoundStats of(Round round, int bootstrapSamples, long seed) {
        List<Double> prefs = new ArrayList<>();
        List<Double> deltas = new ArrayList<>();
        List<Double> lcY = new ArrayList<>();
        double chars = 0;
        double tokens = 0;
        boolean allTokens = true;
        double reward = 0;
        int rewarded = 0;
        for (RoundPrompt p : round.prompts()) {
            RefinementStep a = p.answer();
            chars += a.chars();
            if (a.tokens() == null) {
                allTokens = false;
            } else {
                tokens += a.tokens();
            }
            if (a.reward() != null) {
                reward += a.reward();
                rewarded++;
            }
            JudgeVerdict v = p.verdict();
            if (v != null && !Double.isNaN(v.preference())) {
                prefs.add(v.preference());
                if (v.baselineOutput() != null) {
                    lcY.add(v.preference() - 1);
                    deltas.add((double) (a.chars() - v.baselineOutput().codePointCount(0,
                            v.baselineOutput().length())));
                }
            }
        }
        int n = prefs.size();
        double[] d = new double[n];
        int wins = 0;
        int losses = 0;
        int draws = 0;
        for (int i = 0; i < n; i++) {
            double p = prefs.get(i);
            d[i] = p - 1;
            if (p > 1.5) {
                wins++;
            } else if (p < 1.5) {
                losses++;
            } else {
                draws++;
            }
        }
        double wr = n == 0 ? Double.NaN : 100 * mean(d);
        double se = n < 2 ? Double.NaN : 100 * Math.sqrt(sampleVariance(d) / n);
        double discrete = n == 0 ? Double.NaN : 100.0 * (wins + draws / 2.0) / n;
        double[] ci = n == 0 ? new double[] {Double.NaN, Double.NaN} : bootstrapMeanCi(d, bootstrapSamples, seed);
        int np = round.prompts().size();
        LengthControlled lc = LengthControlled.fit(toArray(lcY), toArray(deltas));
        return new RoundStats(round.name(), round.index(), np, n, wr, se, wins, losses, draws, discrete,
                100 * ci[0], 100 * ci[1], np == 0 ? Double.NaN : chars / np,
                allTokens && np > 0 ? tokens / np : Double.NaN, rewarded == 0 ? Double.NaN : reward / rewarded, lc,
                bootstrapSamples, seed);
    }

    /** A round-vs-round comparison on the prompts both rounds have. */
    public static PairedComparison paired(RoundComparison c, int a, int b) {
        return paired(c, a, b, DEFAULT_BOOTSTRAP, DEFAULT_SEED);
    }

    /**
     * Compares round {@code b} with round {@code a} on their shared instructions: per-prompt differences (b − a) of
     * the judge preference (in win-rate points), of the answer length and of the reward.
     */
    public static PairedComparison paired(RoundComparison c, int a, int b, int bootstrapSamples, long seed) {
        List<Double> dp = new ArrayList<>();
        double dLen = 0;
        int shared = 0;
        double dReward = 0;
        int rewarded = 0;
        int bBetter = 0;
        int aBetter = 0;
        int equal = 0;
        for (MatchedPrompt m : c.prompts()) {
            RoundPrompt pa = m.in(a);
            RoundPrompt pb = m.in(b);
            if (pa == null || pb == null) {
                continue;
            }
            shared++;
            dLen += pb.answer().chars() - pa.answer().chars();
            Double ra = pa.answer().reward();
            Double rb = pb.answer().reward();
            if (ra != null && rb != null) {
                dReward += rb - ra;
                rewarded++;
            }
            Double xa = pa.preference();
            Double xb = pb.preference();
            if (xa != null && xb != null && !xa.isNaN() && !xb.isNaN()) {
                double diff = xb - xa;
                dp.add(diff);
                if (diff > 0) {
                    bBetter++;
                } else if (diff < 0) {
                    aBetter++;
                } else {
                    equal++;
                }
            }
        }
        double[] d = toArray(dp);
        int n = d.length;
        double mean = n == 0 ? Double.NaN : 100 * mean(d);
        double se = n < 2 ? Double.NaN : 100 * Math.sqrt(sampleVariance(d) / n);
        double[] ci = n == 0 ? new double[] {Double.NaN, Double.NaN} : bootstrapMeanCi(d, bootstrapSamples, seed);
        List<Round> rs = c.rounds();
        return new PairedComparison(rs.get(a).name(), rs.get(b).name(), shared, n, mean, se, 100 * ci[0], 100 * ci[1],
                bBetter, aBetter, equal, shared == 0 ? Double.NaN : dLen / shared,
                rewarded == 0 ? Double.NaN : dReward / rewarded, rewarded);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample variance (ddof 1), two-pass; NaN for fewer than two values. */
    static double sampleVariance(double[] x) {
        if (x.length < 2) {
            return Double.NaN;
        }
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / (x.length - 1);
    }

    /** Percentile bootstrap 95% interval of the mean (resample with replacement, seeded). */
    static double[] bootstrapMeanCi(double[] x, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("bootstrap samples must be ≥ 1, got " + samples);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[samples];
        int n = x.length;
        for (int b = 0; b < samples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[rnd.nextInt(n)];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        return new double[] {quantile(means, 0.025), quantile(means, 0.975)};
    }

    /** Linear-interpolated quantile of sorted values (NumPy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
