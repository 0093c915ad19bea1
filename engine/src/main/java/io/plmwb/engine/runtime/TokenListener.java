package io.plmwb.engine.runtime;

/** Receives each token as soon as it is produced (on the generating thread). */
@FunctionalInterface
public interface TokenListener {

    /** A new token; {@code token.text()} is the text it completed. */
    void onToken(GeneratedToken token);

    /** A listener that ignores tokens. */
    static TokenListener none() {
        return t -> { };
    }
}
