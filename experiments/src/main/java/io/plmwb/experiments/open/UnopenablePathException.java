package io.plmwb.experiments.open;

import java.nio.file.Path;

/** The path cannot be opened; the message says why in words a researcher understands and names the path. */
public class UnopenablePathException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnopenablePathException(Path path, String problem) {
        super(path + ": " + problem);
    }
}
