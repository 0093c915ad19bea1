package io.plmwb.engine.task;

/** Runs {@link BackgroundTask}s: in the background (GUI, CLI) or synchronously (tests). */
public interface TaskExecutor extends AutoCloseable {

    /** Starts the task and returns its handle. */
    <T> TaskHandle execute(BackgroundTask<T> task);

    @Override
    void close();
}
