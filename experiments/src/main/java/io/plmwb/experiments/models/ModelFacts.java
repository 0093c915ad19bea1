package io.plmwb.experiments.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.runtime.LoadTimings;
import io.plmwb.engine.runtime.LoadedModel;
import java.nio.file.Path;

/**
 * How a model was loaded, kept after it is closed: checkpoint, cache mode, SYNTHETIC flag, threads, context limit
 * and load timings.
 */
public record ModelFacts(Path checkpoint, CacheMode cacheMode, boolean synthetic, int threads, int contextLimit,
                         LoadTimings timings) {

    /** The facts of a loaded model. */
    public static ModelFacts of(LoadedModel m) {
        return new ModelFacts(m.checkpoint(), m.cacheMode(), m.synthetic(), m.runtimeOptions().intraOpThreads(),
                m.contextLimit(), m.timings());
    }

    /** The {@code load} object of {@code workbench generate --json}. */
    public ObjectNode loadJson(ObjectNode load) {
        load.put("graph_cache_hit", timings.cacheHit());
        load.put("compile_ms", round(timings.compileMs()));
        load.put("session_open_ms", round(timings.sessionOpenMs()));
        load.put("total_ms", round(timings.totalMs()));
        return load;
    }

    /** Milliseconds and rates in JSON: three decimals. */
    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
