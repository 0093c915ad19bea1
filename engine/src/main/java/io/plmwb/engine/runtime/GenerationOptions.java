package io.plmwb.engine.runtime;

import java.util.List;
import java.util.Set;

/**
 * How to generate.
 *
 * @param maxTokens    most tokens to generate (≥ 1)
 * @param temperature  0: greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK         keep the k most likely tokens (0: all)
 * @param topP         keep the smallest set of most likely tokens whose probability reaches p (1: all)
 * @param seed         sampling seed: the same seed, prompt and model give the same tokens
 * @param stopTokenIds ids that end generation; null: the tokenizer's stop ids ({@code <|im_end|>},
 *                     {@code <|endoftext|>}, EOS)
 * @param stopStrings  texts that end generation (the result's text is cut before them); may be empty
 * @param chat         wrap a text prompt as one user turn in the ChatML template, with the assistant prompt
 */
public record GenerationOptions(int maxTokens, double temperature, int topK, double topP, long seed,
                                Set<Integer> stopTokenIds, List<String> stopStrings, boolean chat) {

    public GenerationOptions {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be ≥ 1, got " + maxTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be ≥ 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be ≥ 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        stopTokenIds = stopTokenIds == null ? null : Set.copyOf(stopTokenIds);
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    /** 128 tokens, greedy, tokenizer stop ids, no stop strings, plain prompt. */
    public static GenerationOptions greedy(int maxTokens) {
        return new GenerationOptions(maxTokens, 0, 0, 1, 0, null, List.of(), false);
    }

    public GenerationOptions withSampling(double t, int k, double p, long s) {
        return new GenerationOptions(maxTokens, t, k, p, s, stopTokenIds, stopStrings, chat);
    }

    public GenerationOptions withStopTokenIds(Set<Integer> ids) {
        return new GenerationOptions(maxTokens, temperature, topK, topP, seed, ids, stopStrings, chat);
    }

    public GenerationOptions withStopStrings(List<String> strings) {
        return new GenerationOptions(maxTokens, temperature, topK, topP, seed, stopTokenIds, strings, chat);
    }

    public GenerationOptions withChat(boolean c) {
        return new GenerationOptions(maxTokens, temperature, topK, topP, seed, stopTokenIds, stopStrings, c);
    }

    public GenerationOptions withMaxTokens(int n) {
        return new GenerationOptions(n, temperature, topK, topP, seed, stopTokenIds, stopStrings, chat);
    }
}
