package io.plmwb.experiments.bench;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.models.ModelLoadStudy;
import io.plmwb.experiments.study.Study;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code workbench bench}: per KV-cache mode prefill/decode speed, peak RSS, cache bytes and load-to-first-token of
 * the compiled model, then the machine's read bandwidth and GEMM rate and the limits they imply. Loads the model
 * itself (through the engine loader, with {@link Settings#load()}'s options).
 */
public final class BenchStudy implements Study<BenchStudy.Settings, BenchReport> {

    /**
     * What to measure.
     *
     * @param load         the checkpoint and how to load it (threads, weights, pre-packing, memory guard; the context
     *                     limit is set from the token counts by {@link #of})
     * @param promptTokens prefill length, ≥ 1
     * @param decodeTokens timed decode steps, ≥ 1
     * @param modes        cache modes; empty: latent and expanded for MLA models, expanded otherwise
     * @param context      also time decode with the cache filled to this many tokens (0: off)
     * @param prefillRuns  prefill repeats (the best counts), ≥ 1
     * @param bandwidthMib bytes the bandwidth probe reads per pass, MiB
     * @param gemmSize     GEMM probe size N (N³)
     * @param skipMachine  skip the bandwidth and GEMM probes
     * @param pairedBlocks blocks of 16 decode steps each followed by the GEMV probe (0: off)
     */
    public record Settings(ModelLoadStudy.Settings load, int promptTokens, int decodeTokens, List<CacheMode> modes,
                           int context, int prefillRuns, long bandwidthMib, int gemmSize, boolean skipMachine,
                           int pairedBlocks) {
        /** Checks the ranges. */
        public Settings {
            Objects.requireNonNull(load, "load");
            modes = modes == null ? List.of() : List.copyOf(modes);
            if (promptTokens < 1 || decodeTokens < 1 || load.threads() < 1 || context < 0 || prefillRuns < 1
                    || pairedBlocks < 0) {
                throw new IllegalArgumentException("--prompt-tokens, --decode-tokens, --threads, --prefill-runs must "
                        + "be ≥ 1, --context and --paired-blocks ≥ 0");
            }
        }

        /** The context limit the run needs: the longer of prompt and context, plus the decode steps and one. */
        public static int contextLimit(int promptTokens, int context, int decodeTokens) {
            return Math.max(promptTokens, context) + decodeTokens + 1;
        }
    }

    @Override
    public BenchReport run(Settings settings, TaskContext ctx) throws Exception {
        return new BenchReport(new BenchRun(settings, ctx).run());
    }

    /** The modes to run: as asked (latent only for MLA models), or the model's defaults. */
    static List<CacheMode> modes(ModelConfig cfg, List<CacheMode> asked) {
        List<CacheMode> modeList = new ArrayList<>();
        if (asked.isEmpty()) {
            if (cfg.family().isMla()) {
                modeList.add(CacheMode.LATENT);
            }
            modeList.add(CacheMode.EXPANDED);
            return modeList;
        }
        for (CacheMode cm : asked) {
            if (cm == CacheMode.LATENT && !cfg.family().isMla()) {
                throw new IllegalArgumentException("--modes latent needs an MLA model (PLM); " + cfg.modelType()
                        + " caches expanded K/V");
            }
            modeList.add(cm);
        }
        return modeList;
    }
}
