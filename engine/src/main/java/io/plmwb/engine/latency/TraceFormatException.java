package io.plmwb.engine.latency;

import java.io.IOException;
import java.nio.file.Path;

/** An ONNX Runtime profile that cannot be read; the message names the file and, where known, the line. */
public final class TraceFormatException extends IOException {

    private final transient Path file;

    public TraceFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public TraceFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The trace file. */
    public Path file() {
        return file;
    }
}
