package io.plmwb.engine.task;

/** A submitted task: its live state, and the means to cancel it. */
public interface TaskHandle {

    String title();

    /** Asks the task to stop at its next {@link TaskContext#checkCancelled()}. */
    void cancel();

    TaskState state();

    /** Progress in [0, 1], or a negative number while indeterminate. */
    double progress();

    /** The latest message the task reported. */
    String message();

    /** Listens to state, progress and message changes (delivered on the executor's callback thread). */
    void addListener(Runnable listener);
}
