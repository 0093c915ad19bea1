package io.plmwb.engine.task;

/** Life cycle of a task. */
public enum TaskState {
    SCHEDULED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isDone() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
