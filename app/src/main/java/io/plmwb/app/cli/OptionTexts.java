package io.plmwb.app.cli;

import java.util.ListResourceBundle;

/**
 * The help texts of the shared option mixins ({@link JsonOption}, {@link OverwriteOption}, {@link ThreadsOption})
 * per command: picocli looks up {@code workbench.<command>.mixin.<name>} first, then {@code mixin.<name>} (the {@code mixin.} prefix
 * keeps these texts off the same-named options that are still declared in place).
 */
public final class OptionTexts extends ListResourceBundle {

    @Override
    protected Object[][] getContents() {
        return new Object[][] {
            {"mixin.json", "print JSON"},
            {"mixin.overwrite", "replace existing files (otherwise existing files are never touched)"},
            {"mixin.threads", "ORT intra-op threads (2)"},
            {"workbench.chart.mixin.json", "print what was written as JSON"},
            {"workbench.generate.mixin.json", "print one JSON object instead of streaming text"},
            {"workbench.generate.mixin.threads", "ONNX Runtime intra-op threads (default: all cores)"},
            {"workbench.logits.mixin.threads", "ONNX Runtime intra-op threads (default: all cores)"},
            {"workbench.logits.mixin.overwrite", "replace an existing --out file (otherwise it is never touched)"},
            {"workbench.kernels.mixin.threads", "intra-op threads (2)"},
            {"workbench.latency.mixin.overwrite", "replace existing files"},
            {"workbench.bench-logs.mixin.json", "print the timings as JSON"},
            {"workbench.quantize.mixin.json", "print a summary as JSON (with the per-tensor error)"},
            {"workbench.synth.mixin.json", "print a summary as JSON"},
            {"workbench.rounds.mixin.json", "print one JSON object"},
            {"workbench.rounds.mixin.overwrite", "replace existing files in --out"},
            {"workbench.rounds.stats.mixin.json", "print one JSON object"},
            {"workbench.rounds.export.mixin.json", "print one JSON object"},
            {"workbench.rounds.export.mixin.overwrite", "replace existing files"},
            {"workbench.rounds.generate.mixin.json", "print a JSON summary"},
            {"workbench.rounds.generate.mixin.threads", "ONNX Runtime intra-op threads (default: all cores)"},
            {"workbench.rounds.generate.mixin.overwrite", "replace --out if it exists"},
            {"workbench.schedule.mixin.json", "print the parsed schedule and the written files as JSON"},
            {"workbench.schedule.fit.mixin.json", "print the fit as JSON: kind, parameters (spec names), residual"},
            {"workbench.replay.mixin.json", "print the runs read and the files written as JSON"},
            {"workbench.sparsity.mixin.threads", "ONNX Runtime intra-op threads (default: all cores)"},
            {"workbench.sparsity.mixin.overwrite", "replace existing files in --out"},
            {"workbench.sparsity.mixin.json", "print the statistics as JSON"},
            {"workbench.sparsity-bench.mixin.threads", "intra-op threads (default: all cores)"},
            {"workbench.sparsity-bench.mixin.json", "print the results as JSON"},
        };
    }
}
