package io.plmwb.engine.probe;

import io.plmwb.engine.graph.ProbeGrid;
import java.util.List;
import java.util.Objects;

/**
 * What the sparsity probes captured for one token sequence (a prompt, optionally followed by generated tokens) of
 * one model: for every layer and token the histogram of |a| over the {@link ProbeGrid} buckets (F activations per
 * token), for every layer and neuron its firing counts (tokens with |a| &gt; ε) at the
 * {@value ProbeGrid#NEURON_EPSILONS} per-neuron grid points, and the top-k neurons of every token. Every per-token
 * statistic at any ε of the grid is computed from these counts, per-neuron ones at the per-neuron grid point at or
 * below ε ({@link ProbeGrid#neuronEpsilon}); nothing here is tied to a running model.
 *
 * <p>Memory: layers × tokens × {@value ProbeGrid#BUCKETS} ints + layers × F × {@value ProbeGrid#NEURON_EPSILONS}
 * longs + layers × tokens × k (index, value): bounded by the token count, never by tokens × F.
 */
public final class SparsityCapture {

    /** Model facts the statistics need. */
    public record ModelFacts(String name, String family, String activation, int layers, int hidden, int neurons,
                             boolean synthetic) {
        public ModelFacts {
            Objects.requireNonNull(name, "name");
            if (layers < 1 || neurons < 1 || hidden < 1) {
                throw new IllegalArgumentException("layers, hidden and neurons must be ≥ 1");
            }
        }

        /** Input projections per MLP neuron: 1 (up) for relu², 2 (gate and up) for SwiGLU. */
        public int inputProjections() {
            return "silu".equalsIgnoreCase(activation) ? 2 : 1;
        }
    }

    private final String label;
    private final ModelFacts model;
    private final int[] ids;
    private final List<String> tokenTexts;
    private final int promptTokens;
    private final int[][] tokenHist;
    private final long[][] neuronHist;
    private final int topK;
    private final int[][] topIndices;
    private final float[][] topValues;

    /**
     * @param label        what was run (prompt text, shortened, or a file line)
     * @param ids          the ids that went through the model, in order
     * @param tokenTexts   their texts
     * @param promptTokens how many of them are the prompt (the rest were generated)
     * @param tokenHist    [layer][token × B + bucket]
     * @param neuronHist   [layer][neuron × M + m]: tokens with |a| &gt; ε at per-neuron grid point m, or null when the per-neuron counts are kept elsewhere (a
     *                     batch keeps one sum for all its prompts)
     * @param topK         neurons per token in the top lists
     * @param topIndices   [layer][token × k + j]
     * @param topValues    [layer][token × k + j] signed activations
     */
    public SparsityCapture(String label, ModelFacts model, int[] ids, List<String> tokenTexts, int promptTokens,
                           int[][] tokenHist, long[][] neuronHist, int topK, int[][] topIndices,
                           float[][] topValues) {
        this.label = Objects.requireNonNull(label, "label");
        this.model = Objects.requireNonNull(model, "model");
        this.ids = ids.clone();
        this.tokenTexts = List.copyOf(tokenTexts);
        int t = ids.length;
        int b = ProbeGrid.BUCKETS;
        if (tokenTexts.size() != t) {
            throw new IllegalArgumentException(tokenTexts.size() + " token texts for " + t + " ids");
        }
        if (promptTokens < 0 || promptTokens > t) {
            throw new IllegalArgumentException("prompt tokens " + promptTokens + " outside 0.." + t);
        }
        if (tokenHist.length != model.layers() || (neuronHist != null && neuronHist.length != model.layers())
                || topIndices.length != model.layers() || topValues.length != model.layers()) {
            throw new IllegalArgumentException("probe arrays do not have one entry per layer (" + model.layers() + ")");
        }
        for (int l = 0; l < model.layers(); l++) {
            if (tokenHist[l].length != t * b
                    || (neuronHist != null
                        && neuronHist[l].length != (long) model.neurons() * ProbeGrid.NEURON_EPSILONS)
                    || topIndices[l].length != t * topK || topValues[l].length != t * topK) {
                throw new IllegalArgumentException("layer " + l + ": probe array sizes do not match " + t
                        + " tokens × " + model.neurons() + " neurons");
            }
        }
        this.promptTokens = promptTokens;
        this.tokenHist = tokenHist;
        this.neuronHist = neuronHist;
        this.topK = topK;
        this.topIndices = topIndices;
        this.topValues = topValues;
    }

    public String label() {
        return label;
    }

    public ModelFacts model() {
        return model;
    }

    public int layers() {
        return model.layers();
    }

    /** F: MLP neurons per layer. */
    public int neurons() {
        return model.neurons();
    }

    public int tokens() {
        return ids.length;
    }

    public int promptTokens() {
        return promptTokens;
    }

    /** True for a token the model generated (after the prompt). */
    public boolean generated(int token) {
        return token >= promptTokens;
    }

    public int id(int token) {
        return ids[token];
    }

    public int[] ids() {
        return ids.clone();
    }

    public String tokenText(int token) {
        return tokenTexts.get(token);
    }

    public List<String> tokenTexts() {
        return tokenTexts;
    }

    public int topK() {
        return topK;
    }

    /** Activations of (layer, token) in bucket {@code b} of the grid. */
    public int bucket(int layer, int token, int b) {
        return tokenHist[layer][token * ProbeGrid.BUCKETS + b];
    }

    /** Tokens of {@code layer} on which {@code neuron} fired (|a| &gt; ε) at per-neuron grid point {@code m}. */
    public long neuronFirings(int layer, int neuron, int m) {
        return neurons(layer)[neuron * ProbeGrid.NEURON_EPSILONS + m];
    }

    /** True when this capture keeps its own per-neuron histograms. */
    public boolean hasNeuronHistogram() {
        return neuronHist != null;
    }

    /** The same capture without its per-neuron histograms (sharing the other arrays). */
    public SparsityCapture withoutNeuronHistogram() {
        return new SparsityCapture(label, model, ids, tokenTexts, promptTokens, tokenHist, null, topK, topIndices,
                topValues);
    }

    private long[] neurons(int layer) {
        if (neuronHist == null) {
            throw new IllegalStateException("capture '" + label + "' keeps no per-neuron counts (see its result)");
        }
        return neuronHist[layer];
    }

    /** Activations of (layer, token) with |a| ≤ ε_{epsIndex}. */
    public int zeroCount(int layer, int token, int epsIndex) {
        checkEps(epsIndex);
        int base = token * ProbeGrid.BUCKETS;
        int[] h = tokenHist[layer];
        int s = 0;
        for (int b = 0; b <= epsIndex; b++) {
            s += h[base + b];
        }
        return s;
    }

    /** Fraction of the F activations of (layer, token) with |a| ≤ ε. */
    public double zeroFraction(int layer, int token, int epsIndex) {
        return zeroCount(layer, token, epsIndex) / (double) neurons();
    }

    /** Neurons of (layer, token) with |a| &gt; ε. */
    public int activeCount(int layer, int token, int epsIndex) {
        return neurons() - zeroCount(layer, token, epsIndex);
    }

    /** zero fraction [layer][token] at ε. */
    public double[][] zeroFractionMatrix(int epsIndex) {
        checkEps(epsIndex);
        double[][] m = new double[layers()][tokens()];
        int b = ProbeGrid.BUCKETS;
        double f = neurons();
        for (int l = 0; l < layers(); l++) {
            int[] h = tokenHist[l];
            for (int t = 0; t < tokens(); t++) {
                int s = 0;
                int base = t * b;
                for (int k = 0; k <= epsIndex; k++) {
                    s += h[base + k];
                }
                m[l][t] = s / f;
            }
        }
        return m;
    }

    /**
     * Per neuron of {@code layer}: over how many tokens it fired (|a| &gt; ε), at the per-neuron grid point
     * {@link ProbeGrid#neuronEpsilon}(ε) — ε itself when it is on the per-neuron grid, else the next one below.
     */
    public long[] firingCounts(int layer, int epsIndex) {
        checkEps(epsIndex);
        long[] h = neurons(layer);
        return firingCounts(h, neurons(), epsIndex);
    }

    /**
     * Firing counts per neuron from per-neuron counts [neuron × M + m] at the per-neuron grid point
     * {@link ProbeGrid#neuronEpsilon}(ε).
     */
    public static long[] firingCounts(long[] h, int neuronCount, int epsIndex) {
        checkEps(epsIndex);
        int m = ProbeGrid.NEURON_EPSILONS;
        int slot = ProbeGrid.neuronSlot(epsIndex);
        long[] c = new long[neuronCount];
        for (int f = 0; f < c.length; f++) {
            c[f] = h[f * m + slot];
        }
        return c;
    }

    /** The top-k neuron indices of (layer, token), largest |a| first. */
    public int[] topNeurons(int layer, int token) {
        int[] r = new int[topK];
        System.arraycopy(topIndices[layer], token * topK, r, 0, topK);
        return r;
    }

    /** The signed activations of {@link #topNeurons}. */
    public float[] topValues(int layer, int token) {
        float[] r = new float[topK];
        System.arraycopy(topValues[layer], token * topK, r, 0, topK);
        return r;
    }

    /** The raw per-token histograms of a layer ([token × B + bucket], a copy). */
    public int[] tokenHistogram(int layer) {
        return tokenHist[layer].clone();
    }

    /** The raw per-neuron firing counts of a layer ([neuron × M + per-neuron grid point], a copy). */
    public long[] neuronHistogram(int layer) {
        return neurons(layer).clone();
    }

    /** The raw top-k indices of a layer ([token × k + j], a copy). */
    public int[] topIndexArray(int layer) {
        return topIndices[layer].clone();
    }

    /** The raw top-k values of a layer ([token × k + j], a copy). */
    public float[] topValueArray(int layer) {
        return topValues[layer].clone();
    }

    private static void checkEps(int epsIndex) {
        if (epsIndex < 0 || epsIndex >= ProbeGrid.EPSILONS) {
            throw new IllegalArgumentException("ε index " + epsIndex + " is outside 0.." + (ProbeGrid.EPSILONS - 1));
        }
    }
}
