package io.plmwb.experiments.variants;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.util.List;
import java.util.Objects;

/** What {@link VariantsStudy} found: the comparison and its two charts (speed; relative to fp32). */
public final class VariantsReport implements StudyReport<NoSelection> {

    private final VariantsStudy.Settings settings;
    private final VariantComparison.Result result;
    private final List<ChartSpec> charts;

    VariantsReport(VariantsStudy.Settings settings, VariantComparison.Result result) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.result = Objects.requireNonNull(result, "result");
        this.charts = List.of(VariantCharts.speed(result), VariantCharts.relative(result));
    }

    public VariantsStudy.Settings settings() {
        return settings;
    }

    /** fp32 first, then the quantized variants. */
    public VariantComparison.Result result() {
        return result;
    }

    /** Speed per variant, then bytes, speed and top-1 relative to fp32. */
    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return charts;
    }

    /** The two charts (the table is in {@link #toJson()}). */
    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.ofCharts(charts);
    }

    @Override
    public ObjectNode toJson() {
        VariantComparison.Result r = result;
        ObjectNode root = StudyJson.object();
        root.put("model", r.source().toString());
        root.put("synthetic", r.synthetic());
        root.put("text", settings.text().toAbsolutePath().normalize().toString());
        root.put("eval_tokens", r.evalTokens());
        root.put("prefill_tokens", r.prefillTokens());
        root.put("decode_tokens", r.decodeTokens());
        root.put("threads", r.threads());
        root.put("cache_mode", r.cacheMode());
        ArrayNode arr = root.putArray("variants");
        for (VariantComparison.Variant v : r.variants()) {
            ObjectNode x = arr.addObject();
            x.put("label", v.label());
            x.put("weights", v.weights());
            x.put("model", v.model().toString());
            x.put("file_bytes", v.fileBytes());
            x.put("graph_weight_bytes", v.graphBytes());
            x.put("resident_bytes", v.residentBytes());
            x.put("prefill_tokens_per_second", v.prefillTokensPerSecond());
            x.put("decode_tokens_per_second", v.decodeTokensPerSecond());
            x.put("perplexity", v.perplexity());
            x.put("mean_kl", v.meanKl());
            x.put("top1_agreement", v.top1Agreement());
        }
        return root;
    }
}
