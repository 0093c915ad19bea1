package io.plmwb.engine.probe;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.runtime.OutputTap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the probe outputs of every step of a probed {@link io.plmwb.engine.runtime.DecoderSession} (chunked
 * prefills and decode steps alike) into growing per-layer arrays, and turns them into a {@link SparsityCapture}.
 * Only the reduced outputs are kept: per step O(layers × (T × buckets + F × neuron grid points)) numbers. The graph
 * reports "fires" counts (|a| &gt; ε) per grid point; the per-token ones are stored as bucket histograms (differences
 * of neighbouring grid points), the per-neuron ones as they are, summed over steps.
 */
public final class SparsityRecorder implements OutputTap {

    private final int layers;
    private final int neurons;
    private final int b = ProbeGrid.BUCKETS;
    private int topK = -1;
    private int tokens;
    private int[] ids = new int[64];
    private final int[][] tokenHist;
    private final long[][] neuronHist;
    private final int[][] topIdx;
    private final float[][] topVal;

    public SparsityRecorder(int layers, int neurons) {
        this.layers = layers;
        this.neurons = neurons;
        tokenHist = new int[layers][64 * b];
        neuronHist = new long[layers][neurons * ProbeGrid.NEURON_EPSILONS];
        topIdx = new int[layers][64 * ProbeGrid.TOP_K];
        topVal = new float[layers][64 * ProbeGrid.TOP_K];
    }

    /** Tokens recorded so far. */
    public int tokens() {
        return tokens;
    }

    /** The ids recorded so far. */
    public int[] ids() {
        return Arrays.copyOf(ids, tokens);
    }

    /** Forgets everything recorded. */
    public void reset() {
        tokens = 0;
        for (long[] h : neuronHist) {
            Arrays.fill(h, 0);
        }
    }

    @Override
    public void onStep(int[] stepIds, int startPosition, List<Output> outputs) {
        int t = stepIds.length;
        Output[] byKind = new Output[4];
        for (Output o : outputs) {
            int slot = switch (o.name()) {
                case "probe.token_fires" -> 0;
                case "probe.neuron_fires" -> 1;
                case "probe.top_indices" -> 2;
                case "probe.top_values" -> 3;
                default -> -1;
            };
            if (slot >= 0) {
                byKind[slot] = o;
            }
        }
        for (Output o : byKind) {
            if (o == null) {
                throw new IllegalStateException("the graph has no complete sparsity probe outputs"
                        + " (was it built with sparsity probes?)");
            }
        }
        int k = (int) byKind[2].shape()[1];
        if (topK < 0) {
            topK = k;
        }
        int e = ProbeGrid.EPSILONS;
        int m = ProbeGrid.NEURON_EPSILONS;
        int[] th = byKind[0].ints();
        int[] nh = byKind[1].ints();
        int[] ti = byKind[2].ints();
        float[] tv = byKind[3].floats();
        if (th == null || nh == null || ti == null || tv == null || k != topK || th.length != layers * e * t
                || nh.length != layers * m * neurons || ti.length != layers * t * k || tv.length != ti.length) {
            throw new IllegalStateException("the sparsity probe outputs have unexpected types or sizes for "
                    + layers + " layers × " + t + " tokens");
        }
        ensure(tokens + t);
        System.arraycopy(stepIds, 0, ids, tokens, t);
        for (int l = 0; l < layers; l++) {
            int[] dst = tokenHist[l];
            int base = l * e * t;
            for (int tok = 0; tok < t; tok++) {
                // fires_g = #(|a| > ε_g) (token_fires is [L·E, T]), non-increasing in g: bucket 0 = F − fires_0,
                // bucket g = fires_{g−1} − fires_g, the last bucket = fires at the top ε
                int off = (tokens + tok) * b;
                int prev = neurons;
                for (int g = 0; g < e; g++) {
                    int fires = th[base + g * t + tok];
                    dst[off + g] = prev - fires;
                    prev = fires;
                }
                dst[off + e] = prev;
            }
            long[] nd = neuronHist[l];
            int nbase = l * m * neurons;
            for (int slot = 0; slot < m; slot++) {
                for (int f = 0; f < neurons; f++) {
                    nd[f * m + slot] += nh[nbase + slot * neurons + f];
                }
            }
            int[] dIdx = topIdx[l];
            float[] dVal = topVal[l];
            for (int tok = 0; tok < t; tok++) {
                int src = (l * t + tok) * k;
                int dstOff = (tokens + tok) * k;
                System.arraycopy(ti, src, dIdx, dstOff, k);
                System.arraycopy(tv, src, dVal, dstOff, k);
                sortTop(dIdx, dVal, dstOff, k);
            }
        }
        tokens += t;
    }

    /**
     * Orders one token's top list as TopK(sorted) would: by |value| descending, equal magnitudes by neuron index
     * ascending (the graph's TopK runs unsorted, which is cheaper; k is small, so an insertion sort).
     */
    static void sortTop(int[] idx, float[] val, int off, int k) {
        for (int i = off + 1; i < off + k; i++) {
            int ci = idx[i];
            float cv = val[i];
            float ca = Math.abs(cv);
            int j = i - 1;
            while (j >= off && (Math.abs(val[j]) < ca || (Math.abs(val[j]) == ca && idx[j] > ci))) {
                idx[j + 1] = idx[j];
                val[j + 1] = val[j];
                j--;
            }
            idx[j + 1] = ci;
            val[j + 1] = cv;
        }
    }

    private void ensure(int n) {
        if (n <= ids.length) {
            return;
        }
        int cap = Math.max(n, ids.length * 2);
        ids = Arrays.copyOf(ids, cap);
        int k = Math.max(topK, 1);
        for (int l = 0; l < layers; l++) {
            tokenHist[l] = Arrays.copyOf(tokenHist[l], cap * b);
            topIdx[l] = Arrays.copyOf(topIdx[l], cap * k);
            topVal[l] = Arrays.copyOf(topVal[l], cap * k);
        }
    }

    /** The recorded tokens as a capture. */
    public SparsityCapture snapshot(String label, SparsityCapture.ModelFacts model, List<String> tokenTexts,
                                    int promptTokens) {
        int k = Math.max(topK, 0);
        int[][] th = new int[layers][];
        long[][] nh = new long[layers][];
        int[][] ti = new int[layers][];
        float[][] tv = new float[layers][];
        for (int l = 0; l < layers; l++) {
            th[l] = Arrays.copyOf(tokenHist[l], tokens * b);
            nh[l] = neuronHist[l].clone();
            ti[l] = Arrays.copyOf(topIdx[l], tokens * k);
            tv[l] = Arrays.copyOf(topVal[l], tokens * k);
        }
        return new SparsityCapture(label, model, Arrays.copyOf(ids, tokens), new ArrayList<>(tokenTexts),
                promptTokens, th, nh, k, ti, tv);
    }
}
