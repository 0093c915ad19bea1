package io.plmwb.experiments.rounds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One instruction across rounds: the prompt of each round (null where the round lacks the instruction).
 *
 * @param number      1-based position in the comparison (first appearance order)
 * @param instruction the exact instruction text
 * @param dataset     the first non-empty dataset/category of its prompts
 * @param perRound    the prompt in each round, aligned with the comparison's rounds
 */
public record MatchedPrompt(int number, String instruction, String dataset, List<RoundPrompt> perRound) {

    public MatchedPrompt {
        perRound = Collections.unmodifiableList(new ArrayList<>(perRound));
    }

    /** True when every round has this instruction. */
    public boolean inAllRounds() {
        return perRound.stream().allMatch(java.util.Objects::nonNull);
    }

    /** The prompt of round {@code i}, or null. */
    public RoundPrompt in(int i) {
        return perRound.get(i);
    }
}
