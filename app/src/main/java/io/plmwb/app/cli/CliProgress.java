package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import java.io.PrintWriter;

/**
 * Progress of a long CLI command on stderr: a single rewritten line on a terminal, a line per 10% otherwise (logs
 * stay short). Ctrl+C ends the JVM, whose shutdown hooks let tasks clean up.
 */
final class CliProgress implements TaskContext {

    private final PrintWriter err;
    private final boolean terminal = System.console() != null;
    private final String title;
    private volatile String message = "";
    private int lastDecile = -1;
    private int lastPercent = -1;

    CliProgress(PrintWriter err, String title) {
        this.err = err;
        this.title = title;
    }

    @Override
    public synchronized void progress(double done, double total) {
        if (total <= 0) {
            return;
        }
        int percent = (int) Math.floor(100.0 * Math.min(1, done / total));
        if (terminal) {
            if (percent != lastPercent) {
                lastPercent = percent;
                err.printf("\r%s [%3d%%] %-60.60s", title, percent, message);
                err.flush();
            }
        } else if (percent / 10 != lastDecile) {
            lastDecile = percent / 10;
            err.printf("%s [%3d%%] %s%n", title, percent, message);
            err.flush();
        }
    }

    @Override
    public void message(String text) {
        message = text == null ? "" : text;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    /** Ends the progress line. */
    synchronized void done() {
        if (terminal && lastPercent >= 0) {
            err.println();
            err.flush();
        }
    }
}
