package io.plmwb.experiments.rounds;

import java.nio.file.Path;

/** A round file that yields nothing usable (unreadable, not a round format, no record at all). */
public class RoundFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public RoundFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public RoundFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
