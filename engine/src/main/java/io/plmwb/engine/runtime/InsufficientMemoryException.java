package io.plmwb.engine.runtime;

/**
 * The host cannot give what loading (or compiling) a model needs. Bad input rather than a crash: the message says
 * how much is needed, how much there is, and what to try (the CLI maps it to exit code 2).
 */
public class InsufficientMemoryException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long neededBytes;
    private final long availableBytes;

    public InsufficientMemoryException(String message, long neededBytes, long availableBytes) {
        super(message);
        this.neededBytes = neededBytes;
        this.availableBytes = availableBytes;
    }

    /** Estimated bytes needed. */
    public long neededBytes() {
        return neededBytes;
    }

    /** Bytes the host (or the JVM heap) can give. */
    public long availableBytes() {
        return availableBytes;
    }
}
