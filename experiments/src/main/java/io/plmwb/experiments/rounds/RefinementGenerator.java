package io.plmwb.experiments.rounds;

import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.Generator;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.LogitsRunner;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Generates one round by self-refinement with a loaded model: for each prompt the direct answer (k = 0), then
 * {@code steps} refinements, each prompted by the editable refinement template with the previous answer filled in.
 * Every step gets its token count and its length-normalised log-likelihood under the model given the direct prompt
 * (score {@code mean_logprob}, computed from the engine's logits); the selection rule then picks the chosen/rejected
 * pair. Progress counts generated steps; cancellation is checked between tokens and steps.
 */
public final class RefinementGenerator {

    /** The direct-answer prompt: {@code {instruction}} is replaced. */
    public static final String DEFAULT_ANSWER_TEMPLATE = "{instruction}\n";
    /** The refinement prompt: {@code {instruction}} and {@code {previous}} are replaced. */
    public static final String DEFAULT_REFINE_TEMPLATE = "{instruction}\n{previous}\nAnd again, more plainly:\n";

    /**
     * How to generate.
     *
     * @param roundName        the round's name
     * @param roundIndex       its number
     * @param steps            refinement steps after the direct answer (K ≥ 0)
     * @param answerTemplate   prompt of the direct answer, must contain {@code {instruction}}
     * @param refineTemplate   prompt of a refinement, must contain {@code {previous}}
     * @param maxTokens        most tokens per answer
     * @param temperature      0 = greedy
     * @param seed             sampling seed (step k of prompt i uses seed + 1000·i + k)
     * @param rule             the selection rule
     */
    public record Settings(String roundName, int roundIndex, int steps, String answerTemplate, String refineTemplate,
                           int maxTokens, double temperature, long seed, SelectionRule rule) {
        public Settings {
            Objects.requireNonNull(roundName, "roundName");
            Objects.requireNonNull(rule, "rule");
            if (steps < 0 || steps > 16) {
                throw new IllegalArgumentException("refinement steps must be in 0..16, got " + steps);
            }
            if (answerTemplate == null || !answerTemplate.contains("{instruction}")) {
                throw new IllegalArgumentException("the answer template must contain {instruction}");
            }
            if (refineTemplate == null || !refineTemplate.contains("{previous}")) {
                throw new IllegalArgumentException("the refinement template must contain {previous}");
            }
            if (maxTokens < 1) {
                throw new IllegalArgumentException("max tokens must be ≥ 1, got " + maxTokens);
            }
        }

        /** K steps, default templates, 48 tokens, greedy, the mean log-likelihood rule. */
        public static Settings defaults(String name, int index, int steps) {
            return new Settings(name, index, steps, DEFAULT_ANSWER_TEMPLATE, DEFAULT_REFINE_TEMPLATE, 48, 0, 0,
                    SelectionRule.meanLogProb());
        }
    }

    private RefinementGenerator() {
    }

    /** Fills a template. */
    public static String fill(String template, String instruction, String previous) {
        return template.replace("{instruction}", instruction).replace("{previous}", previous == null ? "" : previous);
    }

    /** Generates the round. */
    public static Round generate(LoadedModel model, List<PromptSet.Prompt> prompts, Settings s, TaskContext ctx) {
        Generator gen = model.generator();
        PlmTokenizer tok = model.tokenizer();
        int total = prompts.size() * (s.steps() + 1);
        int done = 0;
        List<RoundPrompt> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            PromptSet.Prompt p = prompts.get(i);
            ctx.checkCancelled();
            int[] answerPrompt = tok.encode(fill(s.answerTemplate(), p.instruction(), ""));
            List<RefinementStep> steps = new ArrayList<>();
            String previous = null;
            for (int k = 0; k <= s.steps(); k++) {
                ctx.message("prompt " + (i + 1) + " of " + prompts.size() + ", step " + k);
                String promptText = k == 0 ? fill(s.answerTemplate(), p.instruction(), "")
                        : fill(s.refineTemplate(), p.instruction(), previous);
                int[] ids = tok.encode(promptText);
                int room = model.contextLimit() - ids.length;
                if (room < 2) {
                    break; // the refinement prompt no longer fits the context: the chain ends here
                }
                GenerationOptions opts = GenerationOptions.greedy(Math.min(s.maxTokens(), room - 1))
                        .withSampling(s.temperature(), s.temperature() > 0 ? 40 : 0, s.temperature() > 0 ? 0.95 : 1,
                                s.seed() + 1000L * i + k);
                GenerationResult r = gen.generate(ids, opts, t -> { }, TaskContext.none());
                ctx.checkCancelled();
                String text = r.text().strip();
                Map<String, Double> scores = new LinkedHashMap<>();
                double lp = meanLogProb(model, answerPrompt, tok.encode(text), ctx);
                if (!Double.isNaN(lp)) {
                    scores.put(SelectionRule.MEAN_LOGPROB, lp);
                }
                steps.add(new RefinementStep(k, text, count(tok, text), scores, List.of()));
                previous = text;
                done++;
                ctx.progress(done, total);
            }
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("prompt " + p.id() + " does not fit the model's context of "
                        + model.contextLimit() + " tokens");
            }
            PreferencePair pair = s.rule().select(p.instruction(), steps);
            out.add(new RoundPrompt(p.id(), p.instruction(), p.dataset(), steps, pair));
            done = (i + 1) * (s.steps() + 1);
            ctx.progress(done, total);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("answer_template", s.answerTemplate());
        meta.put("refine_template", s.refineTemplate());
        meta.put("steps", Integer.toString(s.steps()));
        meta.put("max_tokens", Integer.toString(s.maxTokens()));
        meta.put("temperature", Double.toString(s.temperature()));
        meta.put("seed", Long.toString(s.seed()));
        meta.put("selection", s.rule().name());
        String name = model.checkpoint().getFileName() == null ? model.checkpoint().toString()
                : model.checkpoint().getFileName().toString();
        meta.put("model", name);
        return new Round(s.roundName(), s.roundIndex(), "", name, name, out, meta);
    }

    /** Tokens of {@code text} under the tokenizer, without an automatically added BOS. */
    public static int count(PlmTokenizer tok, String text) {
        if (text.isEmpty()) {
            return 0;
        }
        int n = tok.encode(text).length;
        return tok.addsBos() ? n - 1 : n;
    }

    /**
     * Mean log-probability per token of {@code answer} after {@code prompt} under the model (one prefill over all
     * positions); answer tokens beyond the context are left out. NaN for an empty answer.
     */
    public static double meanLogProb(LoadedModel model, int[] prompt, int[] answer, TaskContext ctx) {
        int keep = Math.min(answer.length, model.contextLimit() - prompt.length);
        if (keep <= 0 || prompt.length == 0) {
            return Double.NaN;
        }
        int[] ids = new int[prompt.length + keep];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(answer, 0, ids, prompt.length, keep);
        float[][] logits = LogitsRunner.run(model.session(), ids, false, ctx);
        return meanLogProb(logits, ids, prompt.length);
    }

    /**
     * Mean of log softmax(logits[t − 1])[ids[t]] over t = from … ids.length − 1 (the logits at position t − 1 predict
     * token t).
     */
    public static double meanLogProb(float[][] logits, int[] ids, int from) {
        if (from < 1 || from >= ids.length) {
            return Double.NaN;
        }
        double sum = 0;
        for (int t = from; t < ids.length; t++) {
            float[] row = logits[t - 1];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : row) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (float v : row) {
                z += Math.exp(v - max);
            }
            sum += row[ids[t]] - max - Math.log(z);
        }
        return sum / (ids.length - from);
    }
}
