package io.plmwb.engine.probe;

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
        Output[][] byLayer = new Output[layers][4];
        for (Output o : outputs) {
            String n = o.name();
            if (!n.startsWith("probe.")) {
                continue;
            }
            int dot = n.indexOf('.', 6);
            int layer = Integer.parseInt(n.substring(6, dot));
            String what = n.substring(dot + 1);
            int slot = switch (what) {
                case "token_fires" -> 0;
                case "neuron_fires" -> 1;
                case "top_indices" -> 2;
                case "top_values" -> 3;
                default -> -1;
            };
            if (slot >= 0 && layer < layers) {
                byLayer[layer][slot] = o;
            }
        }
        for (int l = 0; l < layers; l++) {
            for (Output o : byLayer[l]) {
                if (o == null) {
                    throw new IllegalStateException("the graph has no complete sparsity probe outputs for layer " + l
                            + " (was it built with sparsity probes?)");
                }
            }
        }
        int k = (int) byLayer[0][2].shape()[1];
        if (topK < 0) {
            topK = k;
        }
        ensure(tokens + t);
        System.arraycopy(stepIds, 0, ids, tokens, t);
        for (int l = 0; l < layers; l++) {
            float[] th = byLayer[l][0].floats();
            float[] nh = byLayer[l][1].floats();
            long[] ti = byLayer[l][2].longs();
            float[] tv = byLayer[l][3].floats();
            int e = ProbeGrid.EPSILONS;
            int m = ProbeGrid.NEURON_EPSILONS;
            if (th.length != t * e || nh.length != neurons * m || ti.length != t * topK || tv.length != t * topK) {
                throw new IllegalStateException("layer " + l + ": probe outputs have unexpected sizes");
            }
            int[] dst = tokenHist[l];
            for (int tok = 0; tok < t; tok++) {
                // fires_k = #(|a| > ε_k), non-increasing in k: bucket 0 = F − fires_0, bucket k = fires_{k−1} − fires_k,
                // the last bucket = fires at the top ε
                int off = (tokens + tok) * b;
                int prev = neurons;
                for (int g = 0; g < e; g++) {
                    int fires = Math.round(th[tok * e + g]);
                    dst[off + g] = prev - fires;
                    prev = fires;
                }
                dst[off + e] = prev;
            }
            long[] nd = neuronHist[l];
            for (int slot = 0; slot < m; slot++) {
                for (int f = 0; f < neurons; f++) {
                    nd[f * m + slot] += Math.round(nh[slot * neurons + f]);
                }
            }
            int toff = tokens * topK;
            for (int i = 0; i < ti.length; i++) {
                topIdx[l][toff + i] = (int) ti[i];
            }
            System.arraycopy(tv, 0, topVal[l], toff, tv.length);
        }
        tokens += t;
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
