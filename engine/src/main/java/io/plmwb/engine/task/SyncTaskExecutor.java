package io.plmwb.engine.task;

/** Runs each task to completion on the calling thread, callbacks included: for tests and simple CLI paths. */
public final class SyncTaskExecutor implements TaskExecutor {

    @Override
    public <T> TaskHandle execute(BackgroundTask<T> task) {
        RunningTask<T> running = new RunningTask<>(task, Runnable::run);
        running.run();
        return running;
    }

    @Override
    public void close() {
        // nothing to stop
    }
}
