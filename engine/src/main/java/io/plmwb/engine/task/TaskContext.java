package io.plmwb.engine.task;

import java.util.concurrent.CancellationException;

/** What a running task sees: report progress and messages, and notice cancellation between steps. */
public interface TaskContext {

    /** Reports progress as {@code done} of {@code total} work units (total ≤ 0 means indeterminate). */
    void progress(double done, double total);

    /** Reports what the task is doing now ("Compiling layer 7 of 32"). */
    void message(String message);

    /** True once the user (or the caller) asked the task to stop. */
    boolean isCancelled();

    /** Throws {@link CancellationException} when cancellation was asked for; call between steps. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled");
        }
    }

    /** A context that reports nowhere and is never cancelled: for calls outside any task. */
    static TaskContext none() {
        return NoTaskContext.INSTANCE;
    }
}
