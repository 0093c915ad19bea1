package io.plmwb.experiments.rounds;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One answer in a self-refinement chain: step {@code k = 0} is the direct answer, {@code k ≥ 1} the k-th refinement
 * of the previous step.
 *
 * @param k        refinement step (0 = direct answer)
 * @param text     the answer text
 * @param tokens   its length in tokens of a named tokenizer, or null when not counted
 * @param scores   named scores (e.g. {@code reward}, {@code mean_logprob}); insertion-ordered, finite values only
 * @param verdicts judge verdicts on this answer against a baseline
 */
public record RefinementStep(int k, String text, Integer tokens, Map<String, Double> scores,
                             List<JudgeVerdict> verdicts) {

    /** The score name of the reward model, when a file carries one. */
    public static final String REWARD = "reward";

    public RefinementStep {
        if (k < 0) {
            throw new IllegalArgumentException("refinement step must be ≥ 0, got " + k);
        }
        text = Objects.requireNonNull(text, "text");
        if (tokens != null && tokens < 0) {
            throw new IllegalArgumentException("token count must be ≥ 0, got " + tokens);
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        if (scores != null) {
            scores.forEach((name, v) -> {
                if (v != null && Double.isFinite(v)) {
                    copy.put(name, v);
                }
            });
        }
        scores = Collections.unmodifiableMap(copy);
        verdicts = verdicts == null ? List.of() : List.copyOf(verdicts);
    }

    /** A step with text only. */
    public static RefinementStep of(int k, String text) {
        return new RefinementStep(k, text, null, Map.of(), List.of());
    }

    /** Length in Unicode code points (what AlpacaEval's {@code avg_length} counts: Python's {@code len}). */
    public int chars() {
        return text.codePointCount(0, text.length());
    }

    /** The reward score, or null. */
    public Double reward() {
        return scores.get(REWARD);
    }

    /** The named score, or null. */
    public Double score(String name) {
        return scores.get(name);
    }

    /** The first verdict's preference (1 = baseline wins … 2 = this answer wins), or null without verdicts. */
    public Double preference() {
        return verdicts.isEmpty() ? null : verdicts.get(0).preference();
    }

    public RefinementStep withTokens(Integer n) {
        return new RefinementStep(k, text, n, scores, verdicts);
    }

    public RefinementStep withScore(String name, double value) {
        Map<String, Double> s = new LinkedHashMap<>(scores);
        s.put(name, value);
        return new RefinementStep(k, text, tokens, s, verdicts);
    }

    public RefinementStep withVerdicts(List<JudgeVerdict> v) {
        return new RefinementStep(k, text, tokens, scores, v);
    }
}
