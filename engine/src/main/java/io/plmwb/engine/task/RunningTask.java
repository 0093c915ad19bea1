package io.plmwb.engine.task;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared state machine behind both executors: the body's context on the worker side, the handle on the caller
 * side. Listener notifications are coalesced, so a task that reports progress a million times does not flood the
 * callback thread.
 */
final class RunningTask<T> implements TaskHandle, TaskContext {

    private final BackgroundTask<T> task;
    private final Executor callbacks;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean notifyPending = new AtomicBoolean();
    private volatile boolean cancelRequested;
    private volatile TaskState state = TaskState.SCHEDULED;
    private volatile double progress = -1;
    private volatile String message = "";
    private volatile Thread worker;

    RunningTask(BackgroundTask<T> task, Executor callbacks) {
        this.task = task;
        this.callbacks = callbacks;
    }

    /** Runs the body on the current thread and delivers the outcome through the callback executor. */
    void run() {
        if (cancelRequested) {
            finish(TaskState.CANCELLED, null, null);
            return;
        }
        worker = Thread.currentThread();
        state = TaskState.RUNNING;
        requestNotify();
        try {
            T value = task.body().run(this);
            if (cancelRequested) {
                finish(TaskState.CANCELLED, null, null);
            } else {
                finish(TaskState.SUCCEEDED, value, null);
            }
        } catch (CancellationException e) {
            finish(TaskState.CANCELLED, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(cancelRequested ? TaskState.CANCELLED : TaskState.FAILED, null, e);
        } catch (Throwable e) { // NOPMD: every failure must reach the user
            if (cancelRequested) {
                finish(TaskState.CANCELLED, null, null);
            } else {
                finish(TaskState.FAILED, null, e);
            }
        } finally {
            worker = null;
        }
    }

    private void finish(TaskState end, T value, Throwable error) {
        callbacks.execute(() -> {
            state = end;
            if (end == TaskState.SUCCEEDED) {
                progress = 1;
            }
            try {
                switch (end) {
                    case SUCCEEDED -> task.successCallback().accept(value);
                    case FAILED -> task.failureCallback().accept(error);
                    case CANCELLED -> task.cancelledCallback().run();
                    default -> throw new IllegalStateException(end.name());
                }
            } finally {
                task.finishedCallback().run();
                listeners.forEach(Runnable::run);
            }
        });
    }

    private void requestNotify() {
        if (notifyPending.compareAndSet(false, true)) {
            callbacks.execute(() -> {
                notifyPending.set(false);
                listeners.forEach(Runnable::run);
            });
        }
    }

    // ---- TaskContext (worker side)

    @Override
    public void progress(double done, double total) {
        progress = total > 0 ? Math.max(0, Math.min(1, done / total)) : -1;
        requestNotify();
    }

    @Override
    public void message(String text) {
        message = text == null ? "" : text;
        requestNotify();
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested;
    }

    // ---- TaskHandle (caller side)

    @Override
    public String title() {
        return task.title();
    }

    @Override
    public void cancel() {
        if (!state.isDone()) {
            cancelRequested = true;
            message = "Cancelling…";
            requestNotify();
        }
    }

    @Override
    public TaskState state() {
        return state;
    }

    @Override
    public double progress() {
        return progress;
    }

    @Override
    public String message() {
        return message;
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** The worker thread while the body runs (for diagnostics). */
    Thread worker() {
        return worker;
    }
}
