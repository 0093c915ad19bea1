package io.plmwb.experiments.chart;

import java.io.IOException;
import java.nio.file.Path;

/** An export that failed; the message names the file and the reason. */
public class ChartExportException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final boolean targetExists;

    /** An export to {@code file} that failed for {@code reason}; {@code targetExists} when it was refused. */
    public ChartExportException(Path file, String reason, boolean targetExists, Throwable cause) {
        super("Cannot export to " + file + ": " + reason, cause);
        this.file = file;
        this.targetExists = targetExists;
    }

    /** The file that was to be written. */
    public Path file() {
        return file;
    }

    /** True when the export was refused because the file exists and overwriting was not allowed. */
    public boolean isTargetExists() {
        return targetExists;
    }
}
