package io.plmwb.experiments.models;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.runtime.GeneratedToken;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.StopReason;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.util.List;
import java.util.Objects;

/**
 * What {@link GenerateStudy} produced: the text, each token with its milliseconds, prefill time, decode tokens per
 * second, the stop reason, and how the model was loaded. No charts, no files; {@link #toJson()} is
 * {@code workbench generate --json}.
 */
public final class GenerateReport implements StudyReport<NoSelection> {

    private final GenerationResult result;
    private final ModelFacts model;

    GenerateReport(GenerationResult result, ModelFacts model) {
        this.result = Objects.requireNonNull(result, "result");
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The generated text (stop token excluded, cut before a stop string). */
    public String text() {
        return result.text();
    }

    /** The generated tokens in order, each with the milliseconds it took. */
    public List<GeneratedToken> tokens() {
        return result.tokens();
    }

    public int promptTokens() {
        return result.promptTokens();
    }

    public double prefillMs() {
        return result.prefillMs();
    }

    /** Decode steps per second (0 when there were none). */
    public double tokensPerSecond() {
        return result.decodeTokensPerSecond();
    }

    public StopReason stopReason() {
        return result.stopReason();
    }

    /** The stop id sampled, or null. */
    public Integer stopTokenId() {
        return result.stopTokenId();
    }

    /** Native cache bytes at the end. */
    public long cacheBytes() {
        return result.cacheBytes();
    }

    /** How the model was loaded. */
    public ModelFacts model() {
        return model;
    }

    /** The engine's result. */
    public GenerationResult result() {
        return result;
    }

    /**
     * The text a streaming printer still owes after printing every token's piece: the streamed pieces may hold back
     * an unfinished character that the final text completes. Empty when the pieces are the whole text.
     */
    public String unstreamedTail() {
        StringBuilder streamed = new StringBuilder();
        result.tokens().forEach(t -> streamed.append(t.text()));
        String text = result.text();
        return text.length() > streamed.length() && text.startsWith(streamed.toString())
                ? text.substring(streamed.length()) : "";
    }

    @Override
    public List<ChartSpec> charts(NoSelection selection) {
        return List.of();
    }

    @Override
    public Bundle bundle(NoSelection selection) {
        return Bundle.empty();
    }

    /** {@code workbench generate --json}. */
    @Override
    public ObjectNode toJson() {
        ObjectNode o = StudyJson.object();
        o.put("text", result.text());
        ArrayNode tokens = o.putArray("tokens");
        for (GeneratedToken t : result.tokens()) {
            ObjectNode tn = tokens.addObject();
            tn.put("id", t.id());
            tn.put("text", t.text());
            tn.put("ms", ModelFacts.round(t.ms()));
        }
        o.put("prefill_ms", ModelFacts.round(result.prefillMs()));
        o.put("decode_tokens_per_second", ModelFacts.round(result.decodeTokensPerSecond()));
        o.put("prompt_tokens", result.promptTokens());
        o.put("generated_tokens", result.tokens().size());
        o.put("stop_reason", result.stopReason().key());
        if (result.stopTokenId() != null) {
            o.put("stop_token_id", result.stopTokenId());
        } else {
            o.putNull("stop_token_id");
        }
        o.put("cache_mode", model.cacheMode().key());
        o.put("cache_bytes", result.cacheBytes());
        o.put("synthetic", model.synthetic());
        o.put("model", model.checkpoint().toString());
        o.put("threads", model.threads());
        model.loadJson(o.putObject("load"));
        return o;
    }
}
