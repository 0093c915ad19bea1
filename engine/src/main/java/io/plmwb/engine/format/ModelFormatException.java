package io.plmwb.engine.format;

import java.nio.file.Path;

/**
 * A model file that cannot be used: the message always names the file and, where one is involved, the tensor or
 * field, so the user can see what is wrong without a stack trace.
 */
public class ModelFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ModelFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that is at fault. */
    public Path file() {
        return file;
    }
}
