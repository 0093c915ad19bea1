package io.plmwb.engine.runtime;

import java.util.List;

/**
 * What a generation produced and how fast.
 *
 * @param text                  the generated text (stop token excluded, cut before a stop string)
 * @param tokens                the generated tokens in order (a stop token is not included)
 * @param promptTokens          tokens of the prompt (after the chat template, if any)
 * @param prefillMs             the prompt's forward pass
 * @param decodeMs              sum of the decode steps (tokens 1..n−1)
 * @param decodeTokensPerSecond decode steps per second (0 when there were none)
 * @param stopReason            why it ended
 * @param stopTokenId           the stop id sampled, or null
 * @param cacheBytes            native cache bytes at the end
 */
public record GenerationResult(String text, List<GeneratedToken> tokens, int promptTokens, double prefillMs,
                               double decodeMs, double decodeTokensPerSecond, StopReason stopReason,
                               Integer stopTokenId, long cacheBytes) {

    public GenerationResult {
        tokens = List.copyOf(tokens);
    }

    /** The generated ids in order. */
    public int[] ids() {
        return tokens.stream().mapToInt(GeneratedToken::id).toArray();
    }
}
