package io.plmwb.views.common;

import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.engine.task.ThreadedTaskExecutor;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The GUI's task executor: bodies run on worker threads, every callback and listener runs on the FX thread. It keeps
 * the list of running tasks so the status bar can show the newest with its progress and a cancel button.
 */
public final class FxTaskExecutor extends ThreadedTaskExecutor {

    private final ObservableList<TaskHandle> running = FXCollections.observableArrayList();
    private final ObservableList<TaskHandle> runningView = FXCollections.unmodifiableObservableList(running);
    private final ReadOnlyObjectWrapper<TaskHandle> current = new ReadOnlyObjectWrapper<>();

    public FxTaskExecutor(int threads) {
        super(threads, Platform::runLater);
    }

    @Override
    public <T> TaskHandle execute(BackgroundTask<T> task) {
        TaskHandle handle = super.execute(task);
        Runnable track = () -> {
            running.add(handle);
            current.set(handle);
            handle.addListener(() -> {
                if (handle.state().isDone()) {
                    running.remove(handle);
                    current.set(running.isEmpty() ? null : running.get(running.size() - 1));
                } else if (current.get() == handle) {
                    // re-fire so bound labels see progress/message updates of the same handle
                    current.set(null);
                    current.set(handle);
                }
            });
        };
        if (Platform.isFxApplicationThread()) {
            track.run();
        } else {
            Platform.runLater(track);
        }
        return handle;
    }

    /** Tasks that have not finished yet, oldest first. */
    public ObservableList<TaskHandle> runningTasks() {
        return runningView;
    }

    /** The newest running task, or null when idle. */
    public ReadOnlyObjectProperty<TaskHandle> currentTaskProperty() {
        return current.getReadOnlyProperty();
    }
}
