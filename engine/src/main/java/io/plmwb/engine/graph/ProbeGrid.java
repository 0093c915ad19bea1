package io.plmwb.engine.graph;

import java.util.Locale;

/**
 * The fixed threshold grid of the sparsity probes. An MLP activation a counts as "zero at ε" when |a| ≤ ε.
 * The grid is ε₀ = 0 (exact zeros) plus {@value #THRESHOLDS} log-spaced thresholds
 * ε_k = 10^({@value #LOG10_MIN} + (k−1)/{@value #PER_DECADE}), k = 1…{@value #THRESHOLDS}, i.e. 1e-3, 1e-2,
 * 1e-1, one per decade (decision 0012: the graph counts |a| &gt; ε_k with one comparison per grid point, so the grid's size is
 * what the capture costs). Every activation falls into one bucket:
 * <ul>
 *   <li>bucket 0: a = 0 exactly;</li>
 *   <li>bucket k (1…K): ε_{k−1} &lt; |a| ≤ ε_k (bucket 1: 0 &lt; |a| ≤ ε_1);</li>
 *   <li>bucket K+1: |a| &gt; ε_K.</li>
 * </ul>
 * The number of activations with |a| ≤ ε_k is the sum of buckets 0…k, so any ε on the grid is answered from the
 * captured bucket counts without running the model again; an ε between grid points is snapped down to the grid
 * ({@link #snap}), nothing is interpolated.
 */
public final class ProbeGrid {

    /** log10 of the smallest positive threshold. */
    public static final int LOG10_MIN = -3;
    /** Thresholds per decade. */
    public static final int PER_DECADE = 1;
    /** Decades covered (1e-3 … 1e-1). */
    public static final int DECADES = 2;
    /** Positive thresholds K. */
    public static final int THRESHOLDS = DECADES * PER_DECADE + 1;
    /** Buckets per activation histogram: exact zero, K ranges, above the top. */
    public static final int BUCKETS = THRESHOLDS + 2;
    /** Number of selectable ε values (0 plus the K thresholds). */
    public static final int EPSILONS = THRESHOLDS + 1;
    /** Bumped whenever the emitted probe nodes change; part of the graph-cache key of probed graphs. */
    public static final int PROBE_GRAPH_VERSION = 13;
    /**
     * Neurons reported per token, by |a|. Five, not eight: ORT's TopK costs ~45% more per row at k = 8 than at k = 5
     * (decision 0013), and the capture overhead target on plm-nano has no room for it. Captures and result files
     * carry their own k, so files saved with another k still open.
     */
    public static final int TOP_K = 5;

    /**
     * The grid indices at which per-neuron firing counts are captured (decision 0012): today every grid point
     * (0, 1e-3, 1e-2, 1e-1); the capture, the result file and {@link #neuronSlot} allow a subset, should a finer
     * per-token grid be wanted (each per-token point costs ~1.6% of a plm-nano prefill, each per-neuron one ~0.4%).
     */
    private static final int[] NEURON_GRID = {0, 1, 2, 3};
    /** Number of ε values with per-neuron counts. */
    public static final int NEURON_EPSILONS = NEURON_GRID.length;

    private static final double[] EPS = new double[EPSILONS];

    static {
        EPS[0] = 0;
        for (int k = 1; k <= THRESHOLDS; k++) {
            EPS[k] = Math.pow(10, LOG10_MIN + (k - 1) / (double) PER_DECADE);
        }
    }

    private ProbeGrid() {
    }

    /** ε of grid index {@code i} (0: exact zero). */
    public static double epsilon(int i) {
        if (i < 0 || i >= EPSILONS) {
            throw new IllegalArgumentException("ε index " + i + " is outside 0.." + (EPSILONS - 1));
        }
        return EPS[i];
    }

    /** All selectable ε values, ascending (a copy). */
    public static double[] epsilons() {
        return EPS.clone();
    }

    /** The largest grid index whose ε is ≤ {@code eps} (0 for eps below 1e-3; the top for eps ≥ 1e-1). */
    public static int snap(double eps) {
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("ε must be ≥ 0, was " + eps);
        }
        int best = 0;
        for (int i = 1; i < EPSILONS; i++) {
            // tolerate the decimal spelling of a grid value ("1e-3" vs 10^-3 computed)
            if (EPS[i] <= eps * (1 + 1e-9)) {
                best = i;
            }
        }
        return best;
    }

    /** Grid index (into {@link #epsilon}) of per-neuron grid point {@code m}. */
    public static int neuronGridIndex(int m) {
        if (m < 0 || m >= NEURON_EPSILONS) {
            throw new IllegalArgumentException("neuron ε index " + m + " is outside 0.." + (NEURON_EPSILONS - 1));
        }
        return NEURON_GRID[m];
    }

    /** The per-neuron grid point used for ε index {@code epsIndex}: the largest neuron ε ≤ ε (snapped down). */
    public static int neuronSlot(int epsIndex) {
        if (epsIndex < 0 || epsIndex >= EPSILONS) {
            throw new IllegalArgumentException("ε index " + epsIndex + " is outside 0.." + (EPSILONS - 1));
        }
        int m = 0;
        for (int i = 1; i < NEURON_GRID.length; i++) {
            if (NEURON_GRID[i] <= epsIndex) {
                m = i;
            }
        }
        return m;
    }

    /** The ε grid index whose per-neuron counts answer ε index {@code epsIndex} (itself when it is on the neuron grid). */
    public static int neuronEpsilon(int epsIndex) {
        return NEURON_GRID[neuronSlot(epsIndex)];
    }

    /** The bucket of an activation (the definition the graph implements, computed here in double precision). */
    public static int bucketOf(double a) {
        double x = Math.abs(a);
        if (x == 0) {
            return 0;
        }
        for (int k = 1; k <= THRESHOLDS; k++) {
            if (x <= EPS[k]) {
                return k;
            }
        }
        return THRESHOLDS + 1;
    }

    /** A one-line description of the grid (part of the graph-cache key and of saved results). */
    public static String describe() {
        StringBuilder n = new StringBuilder();
        for (int i = 0; i < NEURON_GRID.length; i++) {
            n.append(i == 0 ? "" : ",").append(NEURON_GRID[i] == 0 ? "0"
                    : String.format(Locale.ROOT, "%.0e", EPS[NEURON_GRID[i]]));
        }
        return String.format(Locale.ROOT, "grid 0 + 10^%d..10^%d x%d/decade, neurons at %s, top-%d", LOG10_MIN,
                LOG10_MIN + DECADES, PER_DECADE, n, TOP_K);
    }

    /**
     * True when a saved result's grid description (see {@link #describe}) is this grid: the ε and per-neuron grids
     * must match; the top-k part may differ (every capture in a file records its own k).
     */
    public static boolean sameGrid(String saved) {
        return saved != null && stripTopK(saved).equals(stripTopK(describe()));
    }

    private static String stripTopK(String d) {
        int i = d.lastIndexOf(", top-");
        return i < 0 ? d : d.substring(0, i);
    }

    /** The selectable ε values for people: "0, 1e-3, 1e-2, 1e-1". */
    public static String listing() {
        StringBuilder b = new StringBuilder("0");
        for (int i = 1; i < EPSILONS; i++) {
            b.append(", ").append(String.format(Locale.ROOT, "%.0e", EPS[i]).replace("e-0", "e-").replace("e+0", "e"));
        }
        return b.toString();
    }

    /** ε formatted for people: "0 (exact zeros)" or "1.0e-03". */
    public static String label(int i) {
        return i == 0 ? "0 (exact zeros)" : String.format(Locale.ROOT, "%.1e", epsilon(i));
    }
}
