package io.plmwb.engine.task;

/** The work of a task. It may throw; failures reach the task's failure callback, not a log line. */
@FunctionalInterface
public interface TaskBody<T> {
    T run(TaskContext context) throws Exception;
}
