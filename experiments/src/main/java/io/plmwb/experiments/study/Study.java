package io.plmwb.experiments.study;

import io.plmwb.engine.task.TaskContext;

/**
 * One workspace's workflow, the use-case seam between the surfaces and the research logic: settings in, a
 * {@link TaskContext} for progress and cancel, an immutable {@link StudyReport} out. The GUI's ViewModel runs it in a
 * background task and maps the report onto properties; the CLI command parses options into settings, runs it and
 * prints {@link StudyReport#toJson()} or writes {@link StudyReport#bundle(Object)}. Nothing else computes.
 *
 * @param <S> the settings (an immutable record)
 * @param <R> the report
 */
@FunctionalInterface
public interface Study<S, R extends StudyReport<?>> {

    /**
     * Runs the study.
     *
     * @throws java.util.concurrent.CancellationException when {@code ctx} is cancelled
     * @throws Exception bad input (a format exception naming the file) or a runtime failure
     */
    R run(S settings, TaskContext ctx) throws Exception;
}
