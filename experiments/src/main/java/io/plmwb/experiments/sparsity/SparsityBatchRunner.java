package io.plmwb.experiments.sparsity;

import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.engine.probe.SparsityProbeRunner;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.task.TaskContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a list of prompts (one, or a prompt file) through a probed model and collects the captures into a
 * {@link SparsityResult}; progress counts prompts (and tokens inside a prompt), cancellation is checked between
 * chunks and prompts. Used by the GUI and the CLI alike.
 */
public final class SparsityBatchRunner {

    private SparsityBatchRunner() {
    }

    /**
     * @param generate tokens to generate after each prompt (captured too), or null for prompts only
     */
    public static SparsityResult run(SparsityProbeRunner runner, String source, List<String> prompts,
                                     GenerationOptions generate, TaskContext ctx) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to run");
        }
        List<SparsityCapture> caps = new ArrayList<>();
        long[][] neuronSum = SparsityResult.emptyNeuronHist(runner.facts());
        int n = prompts.size();
        for (int i = 0; i < n; i++) {
            ctx.checkCancelled();
            final int index = i;
            TaskContext inner = new TaskContext() {
                @Override
                public void progress(double done, double total) {
                    ctx.progress(index + (total > 0 ? done / total : 0), n);
                }

                @Override
                public void message(String message) {
                    ctx.message(n == 1 ? message : "Prompt " + (index + 1) + " of " + n + ": " + message);
                }

                @Override
                public boolean isCancelled() {
                    return ctx.isCancelled();
                }
            };
            SparsityCapture c = runner.capture(prompts.get(i), generate, inner);
            // one per-neuron sum for the whole batch: memory does not grow with the number of prompts
            SparsityResult.addNeuronHist(neuronSum, c);
            caps.add(c.withoutNeuronHistogram());
            ctx.progress(i + 1, n);
        }
        var config = runner.model().config();
        return new SparsityResult(runner.facts(), io.plmwb.engine.arch.ArchitectureSummary.of(config).total(),
                SparsityResult.bytesPerParam(config.torchDtype()), config.torchDtype(), source, caps, neuronSum);
    }
}
