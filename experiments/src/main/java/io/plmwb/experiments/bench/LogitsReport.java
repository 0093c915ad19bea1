package io.plmwb.experiments.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.runtime.LogitsComparison;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What {@link LogitsStudy} ran and wrote: the cache mode used, the graph and its timings, the argmax per position and
 * the comparison with the reference (when one was given). No charts; the logits file is written by the study.
 */
public record LogitsReport(LogitsStudy.Settings settings, CacheMode mode, int vocab, Path graph, boolean graphCacheHit,
                           double graphSeconds, double runSeconds, int[] argmax, LogitsComparison comparison)
        implements io.plmwb.experiments.study.StudyReport<NoSelection> {

    /** Copies the argmax. */
    public LogitsReport {
        argmax = argmax.clone();
    }

    @Override
    public int[] argmax() {
        return argmax.clone();
    }

    /** The comparison with {@code --reference}, if one was given. */
    public Optional<LogitsComparison> compared() {
        return Optional.ofNullable(comparison);
    }

    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of();
    }

    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.empty();
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = StudyJson.object();
        o.put("model", settings.model().toAbsolutePath().normalize().toString());
        o.put("mode", mode.key());
        o.put("weights", settings.weights());
        o.put("incremental", settings.incremental());
        o.putPOJO("ids", settings.ids());
        o.put("positions", argmax.length);
        o.put("vocab", vocab);
        o.put("out", settings.out().toAbsolutePath().normalize().toString());
        o.put("graph", graph.toString());
        o.put("graph_cache_hit", graphCacheHit);
        o.put("graph_seconds", graphSeconds);
        o.put("run_seconds", runSeconds);
        ArrayNode am = o.putArray("argmax");
        for (int a : argmax) {
            am.add(a);
        }
        if (comparison != null) {
            ObjectNode c = comparison.toJson();
            c.put("reference", settings.reference().toAbsolutePath().normalize().toString());
            o.set("comparison", c);
        }
        return o;
    }

    /** The text report. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%d positions × %d logits (%s cache, %s) → %s%n", argmax.length, vocab, mode.key(),
                settings.incremental() ? "incremental" : "prefill", settings.out()));
        b.append(String.format("graph %s (%s, %.2f s), run %.2f s%n", graph, graphCacheHit ? "cached" : "built",
                graphSeconds, runSeconds));
        b.append("argmax ").append(Arrays.toString(argmax)).append(System.lineSeparator());
        if (comparison != null) {
            b.append(String.format("vs %s: max abs diff %.3e (position %d, token %d), argmax agree %d/%d%n",
                    settings.reference(), comparison.maxAbsDiff(), comparison.maxDiffPosition(),
                    comparison.maxDiffToken(), comparison.argmaxAgree(), comparison.positions()));
        }
        return b.toString();
    }
}
