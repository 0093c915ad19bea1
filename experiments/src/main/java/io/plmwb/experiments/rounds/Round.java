package io.plmwb.experiments.rounds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One round of preference training's data (0 = SFT, 1, 2, …) or one evaluated model: its prompts with their
 * refinement chains.
 *
 * @param name      display name ("SFT", "iter1", "oasst-rlhf-llama-33b")
 * @param index     the round number (0 = SFT); used as the x value of the metrics-over-rounds chart
 * @param source    where it was read from ("…/model_outputs.json"), may be empty
 * @param generator the model that wrote the answers, may be empty
 * @param tokenizer which tokenizer counted {@link RefinementStep#tokens()}, may be empty
 * @param prompts   the prompts in file order
 * @param meta      other header fields (template, selection rule, seed, …) as strings
 */
public record Round(String name, int index, String source, String generator, String tokenizer,
                    List<RoundPrompt> prompts, Map<String, String> meta) {

    public Round {
        Objects.requireNonNull(name, "name");
        source = source == null ? "" : source;
        generator = generator == null ? "" : generator;
        tokenizer = tokenizer == null ? "" : tokenizer;
        prompts = List.copyOf(prompts);
        meta = meta == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    }

    /** The prompt with this exact instruction, or null. */
    public RoundPrompt byInstruction(String instruction) {
        for (RoundPrompt p : prompts) {
            if (p.instruction().equals(instruction)) {
                return p;
            }
        }
        return null;
    }

    /** The largest refinement step of any prompt (0 when every chain is a single answer). */
    public int maxStep() {
        int m = 0;
        for (RoundPrompt p : prompts) {
            m = Math.max(m, p.steps().get(p.steps().size() - 1).k());
        }
        return m;
    }

    public Round withName(String n) {
        return new Round(n, index, source, generator, tokenizer, prompts, meta);
    }

    public Round withIndex(int i) {
        return new Round(name, i, source, generator, tokenizer, prompts, meta);
    }

    public Round withPrompts(List<RoundPrompt> p) {
        return new Round(name, index, source, generator, tokenizer, p, meta);
    }

    public Round withTokenizer(String t) {
        return new Round(name, index, source, generator, t, prompts, meta);
    }
}
