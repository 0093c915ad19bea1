package io.plmwb.experiments.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.util.List;
import java.util.Objects;

/**
 * A loaded model and how it was loaded. The model is a native resource owned by whoever ran the study (closed with
 * {@link LoadedModel#close()}); the facts stay valid after it is closed. No charts, no files.
 */
public final class LoadReport implements StudyReport<NoSelection> {

    private final LoadedModel model;
    private final ModelFacts facts;

    LoadReport(LoadedModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.facts = ModelFacts.of(model);
    }

    /** The loaded model (the caller closes it). */
    public LoadedModel model() {
        return model;
    }

    public ModelFacts facts() {
        return facts;
    }

    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of();
    }

    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.empty();
    }

    /** Checkpoint, cache mode, SYNTHETIC flag, threads and the load timings. */
    @Override
    public ObjectNode toJson() {
        ObjectNode o = StudyJson.object();
        o.put("model", facts.checkpoint().toString());
        o.put("cache_mode", facts.cacheMode().key());
        o.put("synthetic", facts.synthetic());
        o.put("threads", facts.threads());
        o.put("context_limit", facts.contextLimit());
        facts.loadJson(o.putObject("load"));
        return o;
    }
}
