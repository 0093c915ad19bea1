package io.plmwb.engine.runtime;

import java.util.Locale;

/** Why generation ended. */
public enum StopReason {
    /** The requested number of tokens was generated. */
    MAX_TOKENS,
    /** A stop token id was sampled (it is not part of the result). */
    STOP_TOKEN,
    /** A stop string appeared in the text (the text is cut before it). */
    STOP_STRING,
    /** The task was cancelled between steps. */
    CANCELLED,
    /** The cache reached the context limit. */
    CONTEXT_FULL;

    /** The JSON key ("max_tokens", "stop_token", …). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
