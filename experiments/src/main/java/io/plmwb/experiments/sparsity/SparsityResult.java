package io.plmwb.experiments.sparsity;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.probe.SparsityCapture;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Captures of one model (one prompt, or every prompt of a batch) plus the model facts the budgets need, so a saved
 * result can be reopened and re-analysed at any ε and P without the model. The per-neuron histograms are kept once,
 * summed over all captures ({@code neuronHist}), so a batch of many prompts costs layers × F × buckets counts, not
 * that per prompt; the captures themselves carry only per-token data.
 *
 * @param model         layers, hidden size, MLP width, activation
 * @param totalParams   all parameters of the model (as the Models workspace counts them)
 * @param bytesPerParam bytes per stored weight (2 for bf16/fp16 checkpoints, 4 for fp32)
 * @param weightDtype   the checkpoint's torch_dtype
 * @param source        where the prompts came from ("prompt" or a prompt file name)
 * @param captures      one per prompt, in order (all of this model)
 * @param neuronHist    [layer][neuron × B + bucket] summed over the captures
 */
public record SparsityResult(SparsityCapture.ModelFacts model, long totalParams, int bytesPerParam,
                             String weightDtype, String source, List<SparsityCapture> captures,
                             long[][] neuronHist) {

    public SparsityResult {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(neuronHist, "neuronHist");
        captures = List.copyOf(captures);
        if (neuronHist.length != model.layers()) {
            throw new IllegalArgumentException("per-neuron counts for " + neuronHist.length + " layers, the model has "
                    + model.layers());
        }
        for (long[] h : neuronHist) {
            if (h.length != (long) model.neurons() * io.plmwb.engine.graph.ProbeGrid.NEURON_EPSILONS) {
                throw new IllegalArgumentException("per-neuron counts do not match " + model.neurons() + " neurons");
            }
        }
        if (captures.isEmpty()) {
            throw new IllegalArgumentException("a sparsity result needs at least one capture");
        }
        for (SparsityCapture c : captures) {
            if (c.layers() != model.layers() || c.neurons() != model.neurons()) {
                throw new IllegalArgumentException("capture '" + c.label() + "' has " + c.layers() + " layers × "
                        + c.neurons() + " neurons; the result's model has " + model.layers() + " × " + model.neurons());
            }
        }
        if (bytesPerParam < 1) {
            throw new IllegalArgumentException("bytes per parameter must be ≥ 1");
        }
    }

    /** A result for a model of this config; the captures' own per-neuron histograms are summed and dropped. */
    public static SparsityResult of(ModelConfig config, SparsityCapture.ModelFacts facts, String source,
                                    List<SparsityCapture> captures) {
        return aggregate(facts, ArchitectureSummary.of(config).total(), bytesPerParam(config.torchDtype()),
                config.torchDtype(), source, captures);
    }

    /** Sums the captures' per-neuron histograms into the result and keeps the captures without them. */
    public static SparsityResult aggregate(SparsityCapture.ModelFacts facts, long totalParams, int bytesPerParam,
                                           String weightDtype, String source, List<SparsityCapture> captures) {
        long[][] sum = emptyNeuronHist(facts);
        List<SparsityCapture> stripped = new java.util.ArrayList<>();
        for (SparsityCapture c : captures) {
            addNeuronHist(sum, c);
            stripped.add(c.hasNeuronHistogram() ? c.withoutNeuronHistogram() : c);
        }
        return new SparsityResult(facts, totalParams, bytesPerParam, weightDtype, source, stripped, sum);
    }

    /** Zero per-neuron counts for a model. */
    public static long[][] emptyNeuronHist(SparsityCapture.ModelFacts facts) {
        return new long[facts.layers()][facts.neurons() * io.plmwb.engine.graph.ProbeGrid.NEURON_EPSILONS];
    }

    /** Adds a capture's per-neuron histograms to {@code sum} (no-op when it keeps none). */
    public static void addNeuronHist(long[][] sum, SparsityCapture c) {
        if (!c.hasNeuronHistogram()) {
            return;
        }
        for (int l = 0; l < sum.length; l++) {
            long[] h = c.neuronHistogram(l);
            for (int i = 0; i < h.length; i++) {
                sum[l][i] += h[i];
            }
        }
    }

    /** Per neuron of {@code layer}: tokens (over all captures) on which it fired, |a| &gt; ε. */
    public long[] firingCounts(int layer, int epsIndex) {
        return SparsityCapture.firingCounts(neuronHist[layer], model.neurons(), epsIndex);
    }

    /** 2 for bfloat16/float16, 1 for int8-ish, 4 otherwise. */
    public static int bytesPerParam(String torchDtype) {
        String d = torchDtype == null ? "" : torchDtype.toLowerCase(Locale.ROOT);
        if (d.contains("16")) {
            return 2;
        }
        if (d.contains("int8") || d.contains("fp8") || d.contains("float8")) {
            return 1;
        }
        return 4;
    }

    /** Tokens over all captures. */
    public int totalTokens() {
        return captures.stream().mapToInt(SparsityCapture::tokens).sum();
    }

    /** MLP parameters per layer: F × D × (input projections + 1). */
    public long mlpParamsPerLayer() {
        return (long) model.neurons() * model.hidden() * (model.inputProjections() + 1);
    }

    /** Weights per MLP neuron: its W_up (and W_gate) row and its W_down column. */
    public long paramsPerNeuron() {
        return (long) model.hidden() * (model.inputProjections() + 1);
    }

    /** True for SwiGLU models, whose activations are almost never exactly zero. */
    public boolean gated() {
        return model.inputProjections() == 2;
    }
}
