package io.plmwb.engine.latency;

import io.plmwb.engine.graph.CacheMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One profiled latency run: prefill and decode, per layer and block, with medians and spread over the repeats.
 *
 * @param model      model name (checkpoint folder name)
 * @param layers     decoder layers
 * @param mode       cache mode
 * @param settings   what was run
 * @param prefill    prefill of {@code promptTokens} tokens (times per call)
 * @param decode     decode at the context (times per token)
 * @param trace      the raw ORT profile of the profiled session (a temporary file; copy it to keep it)
 * @param loadAverage 1/5/15-minute load average when the run ended (the machine may be shared)
 */
public record LatencyResult(String model, int layers, CacheMode mode, LatencyProfiler.Settings settings,
                            Phase prefill, Phase decode, Path trace, double[] loadAverage) {

    /**
     * One phase.
     *
     * @param name        "prefill" or "decode"
     * @param tokens      tokens per call (prompt tokens; 1 for decode)
     * @param context     tokens in the cache before the phase's first timed call
     * @param layers      per layer, by index (list position = layer index)
     * @param outside     parts outside the layers (embedding, head, other)
     * @param kernelTotal sum of all kernel times
     * @param profiled    ORT's model_run time (the profiled total)
     * @param wallProfiled   wall-clock of the calls with the profiler on
     * @param wallUnprofiled wall-clock of the same calls in a session without the profiler
     * @param attributedByRepeat per repeat: its per-layer times plus embedding / head / other, ms
     * @param kernelByRepeat     per repeat: the sum of all its kernel events, ms
     */
    public record Phase(String name, int tokens, int context, List<LayerTimes> layers,
                        Map<LayerBreakdown.Outside, Stat> outside, Stat kernelTotal, Stat profiled,
                        Stat wallProfiled, Stat wallUnprofiled, double[] attributedByRepeat,
                        double[] kernelByRepeat) {

        /** Largest relative difference, over the repeats, between the attributed parts and the kernel total. */
        public double attributionError() {
            double worst = 0;
            for (int i = 0; i < kernelByRepeat.length; i++) {
                double k = kernelByRepeat[i];
                worst = Math.max(worst, k == 0 ? 0 : Math.abs(attributedByRepeat[i] - k) / k);
            }
            return worst;
        }

        /** Share of ORT's model_run time spent inside kernels (medians). */
        public double kernelShare() {
            return kernelTotal.median() / profiled.median();
        }

        /**
         * Sum of the per-layer medians and the outside medians, ms. On a noisy machine it can sit below the median
         * total (medians drop a spike in one layer, a repeat's total keeps it).
         */
        public double attributedMedianMs() {
            double s = 0;
            for (LayerTimes l : layers) {
                s += l.total().median();
            }
            for (Stat o : outside.values()) {
                s += o.median();
            }
            return s;
        }

        /** Profiler overhead: wall-clock with the profiler ÷ without, minus 1 (medians). */
        public double overhead() {
            return wallProfiled.median() / wallUnprofiled.median() - 1;
        }
    }

    /**
     * One layer.
     *
     * @param layer  index
     * @param blocks per block (attention, MLP, norms, other)
     * @param total  the whole layer
     */
    public record LayerTimes(int layer, Map<LayerBreakdown.Block, Stat> blocks, Stat total) {
    }
}
