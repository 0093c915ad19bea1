package io.plmwb.experiments.rounds;

import java.nio.file.Path;

/**
 * A problem found while reading a round file; the rest of the file was still read.
 *
 * @param file    the file
 * @param line    1-based line of the problem, or 0 when it concerns the whole file
 * @param message what is wrong, in words
 */
public record ImportIssue(Path file, int line, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
