package io.plmwb.engine.task;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs task bodies on daemon worker threads and delivers every callback through {@code callbacks}: the GUI passes
 * {@code Platform::runLater}, the CLI a direct executor.
 */
public class ThreadedTaskExecutor implements TaskExecutor {

    /**
     * Stack of a worker thread: ONNX Runtime's environment creation and graph building recurse deeply, and the
     * default 1 MB stack is not always enough (only touched pages are committed).
     */
    public static final long WORKER_STACK_BYTES = 256L << 20;

    private final ExecutorService workers;
    private final Executor callbacks;

    public ThreadedTaskExecutor(int threads, Executor callbacks) {
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(null, r, "plmwb-task-" + n.incrementAndGet(), WORKER_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        this.callbacks = callbacks;
    }

    @Override
    public <T> TaskHandle execute(BackgroundTask<T> task) {
        RunningTask<T> running = new RunningTask<>(task, callbacks);
        workers.execute(running::run);
        return running;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
