package io.plmwb.experiments.smoothing;

import java.util.Locale;

/**
 * Curve smoothing as users compare it with TensorBoard (../shared/reference/schedules.md):
 * <ul>
 *   <li>{@link #tensorBoardEma}: TensorBoard's debiased exponential moving average, the same arithmetic in the same
 *       order (so the same numbers): last = last·w + (1 − w)·v, n += 1, smoothed = last / (1 − wⁿ) over the finite
 *       values; non-finite values pass through; a series whose values are all equal is returned unchanged (the
 *       TensorBoard #786 fix), so a flat series stays exactly flat.</li>
 *   <li>{@link #trailingMean} and {@link #centredMean}: plain moving averages over the finite values in the window;
 *       a window whose values are all equal gives exactly that value.</li>
 * </ul>
 */
public final class Smoothing {

    /** A smoothing method and its parameter, as the GUI and the CLI choose it. */
    public enum Method {
        NONE, EMA, TRAILING, CENTRED;

        public String label() {
            return switch (this) {
                case NONE -> "none";
                case EMA -> "EMA (TensorBoard)";
                case TRAILING -> "moving average (trailing)";
                case CENTRED -> "moving average (centred)";
            };
        }

        public static Method parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "none", "off" -> NONE;
                case "ema", "tensorboard" -> EMA;
                case "trailing", "ma", "sma" -> TRAILING;
                case "centred", "centered" -> CENTRED;
                default -> throw new IllegalArgumentException("unknown smoothing '" + s
                        + "'; use none, ema, trailing or centred");
            };
        }
    }

    private Smoothing() {
    }

    /**
     * Applies a method: EMA with weight {@code weight} ∈ [0, 1); the moving averages with a window of
     * {@link #windowFor(double)} points, so one slider drives all three.
     */
    public static double[] apply(double[] values, Method method, double weight) {
        return switch (method) {
            case NONE -> values.clone();
            case EMA -> tensorBoardEma(values, weight);
            case TRAILING -> trailingMean(values, windowFor(weight));
            case CENTRED -> centredMean(values, windowFor(weight));
        };
    }

    /** The moving-average window equivalent to an EMA weight: round(1/(1 − w)), at least 1 (w = 0.9 → 10). */
    public static int windowFor(double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("smoothing weight must be in [0, 1), was " + weight);
        }
        return (int) Math.max(1, Math.round(1 / (1 - weight)));
    }

    /** TensorBoard's debiased EMA (its classicSmoothing), weight in [0, 1]. */
    public static double[] tensorBoardEma(double[] values, double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("smoothing weight must be in [0, 1], was " + weight);
        }
        double[] out = new double[values.length];
        double last = values.length > 0 ? 0 : Double.NaN;
        int numAccum = 0;
        boolean isConstant = true;
        for (double v : values) {
            // JavaScript's data.every((v) => v.y == data[0].y): NaN never equals, so NaN breaks constancy
            if (!(v == values[0])) {
                isConstant = false;
                break;
            }
        }
        for (int i = 0; i < values.length; i++) {
            double nextVal = values[i];
            if (isConstant || !Double.isFinite(nextVal)) {
                out[i] = nextVal;
            } else {
                last = last * weight + (1 - weight) * nextVal;
                numAccum++;
                double debiasWeight = 1;
                if (weight != 1) {
                    debiasWeight = 1 - StrictMath.pow(weight, numAccum);
                }
                out[i] = last / debiasWeight;
            }
        }
        return out;
    }

    /** Mean of the finite values among the last {@code window} points (this one included); NaN stays NaN. */
    public static double[] trailingMean(double[] values, int window) {
        return movingMean(values, window, window - 1, 0);
    }

    /** Mean of the finite values in a window centred on each point (window rounded up to odd; shrinks at the ends). */
    public static double[] centredMean(double[] values, int window) {
        int half = window / 2;
        return movingMean(values, 2 * half + 1, half, half);
    }

    private static double[] movingMean(double[] v, int window, int before, int after) {
        if (window < 1) {
            throw new IllegalArgumentException("moving-average window must be at least 1, was " + window);
        }
        int n = v.length;
        // prefix sums of (v - ref) and of finite counts; ref keeps sums small and makes flat stretches exact
        double ref = Double.NaN;
        for (double x : v) {
            if (Double.isFinite(x)) {
                ref = x;
                break;
            }
        }
        double[] sum = new double[n + 1];
        int[] cnt = new int[n + 1];
        // run[i]: length of the run of equal finite values ending at i
        int[] run = new int[n];
        for (int i = 0; i < n; i++) {
            boolean ok = Double.isFinite(v[i]);
            sum[i + 1] = sum[i] + (ok ? v[i] - ref : 0);
            cnt[i + 1] = cnt[i] + (ok ? 1 : 0);
            run[i] = ok ? (i > 0 && v[i - 1] == v[i] ? run[i - 1] + 1 : 1) : 0;
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(v[i])) {
                out[i] = v[i];
                continue;
            }
            int lo = Math.max(0, i - before);
            int hi = Math.min(n - 1, i + after);
            if (run[hi] >= hi - lo + 1) {
                out[i] = v[hi]; // all equal: exactly that value
                continue;
            }
            int c = cnt[hi + 1] - cnt[lo];
            out[i] = ref + (sum[hi + 1] - sum[lo]) / c;
        }
        return out;
    }
}
