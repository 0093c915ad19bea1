package io.plmwb.engine.runtime;

import java.nio.file.Path;

/**
 * A graph call produced NaN or infinite logits: the weights (or their quantization scales) hold NaN/Inf or values so
 * large that the arithmetic overflows. An answer computed from them would be garbage, so it is an error naming the
 * first bad position.
 */
public final class NonFiniteLogitsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int position;

    public NonFiniteLogitsException(Path graph, int position, int tokenId, float value) {
        super("the model produced " + value + " logits at position " + position + " (token id " + tokenId
                + "): its weights or quantization scales hold NaN/Inf or overflow (graph " + graph + ")");
        this.position = position;
    }

    /** The position in the sequence (0-based, counting the cache) of the first non-finite logit. */
    public int position() {
        return position;
    }
}
