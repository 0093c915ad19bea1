package io.plmwb.experiments.rounds;

import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.util.ArrayList;
import java.util.List;

/** Counts answer lengths in tokens of a model's tokenizer (the engine's {@link PlmTokenizer}). */
public final class RoundTokens {

    private RoundTokens() {
    }

    /**
     * Rounds whose every step carries its token count under {@code tokenizer}; steps already counted by the same
     * tokenizer keep their count, counts of another tokenizer are replaced.
     *
     * @param name how the tokenizer is named in the rounds ("plm-nano")
     */
    public static List<Round> count(List<Round> rounds, PlmTokenizer tokenizer, String name, TaskContext ctx) {
        int total = rounds.stream().mapToInt(r -> r.prompts().size()).sum();
        int done = 0;
        List<Round> out = new ArrayList<>();
        for (Round r : rounds) {
            boolean same = name.equals(r.tokenizer());
            List<RoundPrompt> ps = new ArrayList<>();
            for (RoundPrompt p : r.prompts()) {
                ctx.checkCancelled();
                List<RefinementStep> steps = new ArrayList<>();
                for (RefinementStep s : p.steps()) {
                    steps.add(same && s.tokens() != null ? s
                            : s.withTokens(RefinementGenerator.count(tokenizer, s.text())));
                }
                ps.add(p.withSteps(steps));
                ctx.progress(++done, total);
            }
            out.add(r.withPrompts(ps).withTokenizer(name));
        }
        return out;
    }
}
