package io.plmwb.experiments.rounds;

import java.util.List;
import java.util.Objects;

/**
 * One prompt of a round with its refinement chain (k = 0, 1, …) and, optionally, the chosen/rejected pair.
 *
 * @param id          the prompt's id in its source (a uid, or the line/array index), never null
 * @param instruction the exact instruction text (prompts are matched across rounds by it)
 * @param dataset     the eval subset or category ("helpful_base", "koala", …), may be empty
 * @param steps       the chain, ordered by k, at least one step
 * @param pair        the selected pair, or null
 */
public record RoundPrompt(String id, String instruction, String dataset, List<RefinementStep> steps,
                          PreferencePair pair) {

    public RoundPrompt {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instruction, "instruction");
        dataset = dataset == null ? "" : dataset;
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("prompt " + id + " has no answer");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).k() <= steps.get(i - 1).k()) {
                throw new IllegalArgumentException("prompt " + id + ": refinement steps must increase, got k="
                        + steps.get(i - 1).k() + " then k=" + steps.get(i).k());
            }
        }
        if (pair != null && (find(steps, pair.chosenStep()) == null || find(steps, pair.rejectedStep()) == null)) {
            throw new IllegalArgumentException("prompt " + id + ": the pair names step " + pair.chosenStep() + "/"
                    + pair.rejectedStep() + ", which the chain does not have");
        }
    }

    /** The step with this k, or null. */
    public RefinementStep step(int k) {
        return find(steps, k);
    }

    private static RefinementStep find(List<RefinementStep> steps, int k) {
        for (RefinementStep s : steps) {
            if (s.k() == k) {
                return s;
            }
        }
        return null;
    }

    /**
     * The round's answer to this prompt: the chosen step when a pair was selected, else the last step of the
     * chain.
     */
    public RefinementStep answer() {
        return pair != null ? step(pair.chosenStep()) : steps.get(steps.size() - 1);
    }

    /**
     * The judge preference of the round's answer: the answer step's first verdict, else the last step that carries
     * one; null when no step was judged.
     */
    public Double preference() {
        Double p = answer().preference();
        if (p != null) {
            return p;
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).preference() != null) {
                return steps.get(i).preference();
            }
        }
        return null;
    }

    /** The verdict behind {@link #preference()}, or null. */
    public JudgeVerdict verdict() {
        if (!answer().verdicts().isEmpty()) {
            return answer().verdicts().get(0);
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (!steps.get(i).verdicts().isEmpty()) {
                return steps.get(i).verdicts().get(0);
            }
        }
        return null;
    }

    public RoundPrompt withSteps(List<RefinementStep> newSteps) {
        return new RoundPrompt(id, instruction, dataset, newSteps, pair);
    }

    public RoundPrompt withPair(PreferencePair p) {
        return new RoundPrompt(id, instruction, dataset, steps, p);
    }
}
