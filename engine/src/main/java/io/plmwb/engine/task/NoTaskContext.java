package io.plmwb.engine.task;

/** The do-nothing context of {@link TaskContext#none()}. */
enum NoTaskContext implements TaskContext {
    INSTANCE;

    @Override
    public void progress(double done, double total) {
        // nowhere to report
    }

    @Override
    public void message(String message) {
        // nowhere to report
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
