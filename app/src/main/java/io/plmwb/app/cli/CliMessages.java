package io.plmwb.app.cli;

import io.plmwb.engine.task.TaskContext;
import java.io.PrintWriter;

/** A task's messages as lines on a stream ({@code prefix + message}); progress fractions are dropped. */
final class CliMessages implements TaskContext {

    private final PrintWriter to;
    private final String prefix;

    CliMessages(PrintWriter to, String prefix) {
        this.to = to;
        this.prefix = prefix;
    }

    @Override
    public void progress(double done, double total) {
        // messages are enough on a terminal
    }

    @Override
    public void message(String message) {
        to.println(prefix + message);
        to.flush();
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
