package io.plmwb.experiments.rounds;

import java.util.Objects;

/**
 * A chosen/rejected pair of refinement steps of one prompt, as preference training uses it.
 *
 * @param chosenStep   k of the chosen answer
 * @param rejectedStep k of the rejected answer
 * @param method       how they were selected ("mean_logprob", "last_answering", "score:reward", "human")
 */
public record PreferencePair(int chosenStep, int rejectedStep, String method) {

    public PreferencePair {
        if (chosenStep < 0 || rejectedStep < 0) {
            throw new IllegalArgumentException("pair steps must be ≥ 0, got " + chosenStep + "/" + rejectedStep);
        }
        method = Objects.requireNonNullElse(method, "");
    }
}
