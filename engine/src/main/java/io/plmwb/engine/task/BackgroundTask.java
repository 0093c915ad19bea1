package io.plmwb.engine.task;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A long operation described once and run by a {@link TaskExecutor}: a title, the work, and callbacks. The
 * executor decides on which thread callbacks run (the FX thread in the GUI, the calling thread in tests).
 *
 * <pre>{@code
 * BackgroundTask.of("Load plm-nano", ctx -> loader.load(dir, ctx))
 *         .onSuccess(model -> ...)
 *         .onFailure(error -> ...);
 * }</pre>
 */
public final class BackgroundTask<T> {

    private final String title;
    private final TaskBody<T> body;
    private Consumer<T> onSuccess = v -> { };
    private Consumer<Throwable> onFailure = e -> { };
    private Runnable onCancelled = () -> { };
    private Runnable onFinished = () -> { };

    private BackgroundTask(String title, TaskBody<T> body) {
        this.title = Objects.requireNonNull(title, "title");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** A task with a user-facing title ("Load model", "Export chart"). */
    public static <T> BackgroundTask<T> of(String title, TaskBody<T> body) {
        return new BackgroundTask<>(title, body);
    }

    public BackgroundTask<T> onSuccess(Consumer<T> callback) {
        this.onSuccess = Objects.requireNonNull(callback);
        return this;
    }

    public BackgroundTask<T> onFailure(Consumer<Throwable> callback) {
        this.onFailure = Objects.requireNonNull(callback);
        return this;
    }

    public BackgroundTask<T> onCancelled(Runnable callback) {
        this.onCancelled = Objects.requireNonNull(callback);
        return this;
    }

    /** Runs after success, failure or cancellation. */
    public BackgroundTask<T> onFinished(Runnable callback) {
        this.onFinished = Objects.requireNonNull(callback);
        return this;
    }

    public String title() {
        return title;
    }

    public TaskBody<T> body() {
        return body;
    }

    Consumer<T> successCallback() {
        return onSuccess;
    }

    Consumer<Throwable> failureCallback() {
        return onFailure;
    }

    Runnable cancelledCallback() {
        return onCancelled;
    }

    Runnable finishedCallback() {
        return onFinished;
    }
}
