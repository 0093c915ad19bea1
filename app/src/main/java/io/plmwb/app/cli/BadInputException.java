package io.plmwb.app.cli;

/** The user gave input the command cannot use (exit code 2). */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
