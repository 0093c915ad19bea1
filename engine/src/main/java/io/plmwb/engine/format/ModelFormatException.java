package io.plmwb.engine.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    /** Opens a model file for reading; a missing or unreadable file is a ModelFormatException naming it. */
    public static FileChannel openForReading(Path file) throws ModelFormatException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot open: " + e.getMessage(), e);
        }
    }

    /** The file that is at fault. */
    public Path file() {
        return file;
    }
}
