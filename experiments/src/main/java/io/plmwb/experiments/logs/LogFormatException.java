package io.plmwb.experiments.logs;

import io.plmwb.experiments.open.UnopenablePathException;
import java.nio.file.Path;

/** A training-log file that cannot be read at all; the message names the file and the problem (with the line). */
public final class LogFormatException extends UnopenablePathException {
    private static final long serialVersionUID = 1L;

    public LogFormatException(Path file, String problem) {
        super(file, problem);
    }
}
