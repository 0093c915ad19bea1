package io.plmwb.engine.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskExecutorTest {

    @Test
    void syncExecutorDeliversResultAndProgress() {
        AtomicReference<Integer> result = new AtomicReference<>();
        List<String> events = new ArrayList<>();
        try (SyncTaskExecutor ex = new SyncTaskExecutor()) {
            TaskHandle h = ex.execute(BackgroundTask.of("sum", ctx -> {
                int s = 0;
                for (int i = 1; i <= 10; i++) {
                    s += i;
                    ctx.progress(i, 10);
                }
                ctx.message("done");
                return s;
            }).onSuccess(result::set).onFinished(() -> events.add("finished")));
            assertEquals(55, result.get());
            assertEquals(TaskState.SUCCEEDED, h.state());
            assertEquals(1.0, h.progress());
            assertEquals("done", h.message());
            assertEquals(List.of("finished"), events);
        }
    }

    @Test
    void failureReachesTheFailureCallbackNotTheCaller() {
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicReference<Object> value = new AtomicReference<>();
        try (SyncTaskExecutor ex = new SyncTaskExecutor()) {
            TaskHandle h = ex.execute(BackgroundTask.<Object>of("broken", ctx -> {
                throw new IllegalStateException("weights are corrupt");
            }).onSuccess(value::set).onFailure(error::set));
            assertEquals(TaskState.FAILED, h.state());
            assertInstanceOf(IllegalStateException.class, error.get());
            assertEquals("weights are corrupt", error.get().getMessage());
            assertNull(value.get());
        }
    }

    @Test
    void cancellationStopsBetweenStepsAndCallsOnCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<String> outcome = new AtomicReference<>();
        AtomicReference<Integer> stepsRun = new AtomicReference<>(0);
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        try (ThreadedTaskExecutor ex = new ThreadedTaskExecutor(1, callbacks)) {
            TaskHandle h = ex.execute(BackgroundTask.of("long", ctx -> {
                started.countDown();
                for (int i = 0; i < 10_000; i++) {
                    ctx.checkCancelled();
                    stepsRun.set(i + 1);
                    Thread.sleep(1);
                }
                return "completed";
            }).onSuccess(outcome::set).onCancelled(() -> outcome.set("cancelled"))
                    .onFinished(finished::countDown));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            h.cancel();
            assertTrue(finished.await(5, TimeUnit.SECONDS));
            assertEquals("cancelled", outcome.get());
            assertEquals(TaskState.CANCELLED, h.state());
            assertTrue(stepsRun.get() < 10_000, "the loop must stop early, ran " + stepsRun.get());
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void callbacksRunOnTheCallbackExecutor() throws Exception {
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "ui-thread"));
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<String> workerThread = new AtomicReference<>();
        try (ThreadedTaskExecutor ex = new ThreadedTaskExecutor(1, callbacks)) {
            ex.execute(BackgroundTask.of("where", ctx -> {
                workerThread.set(Thread.currentThread().getName());
                return 1;
            }).onSuccess(v -> thread.set(Thread.currentThread().getName())).onFinished(done::countDown));
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals("ui-thread", thread.get());
            assertTrue(workerThread.get().startsWith("plmwb-task-"), workerThread.get());
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void indeterminateProgressIsNegativeAndProgressIsClamped() {
        try (SyncTaskExecutor ex = new SyncTaskExecutor()) {
            AtomicReference<Double> seen = new AtomicReference<>();
            AtomicReference<Double> clamped = new AtomicReference<>();
            ex.execute(BackgroundTask.of("p", ctx -> {
                ctx.progress(3, 0);
                seen.set(((TaskHandle) ctx).progress());
                ctx.progress(12, 10);
                clamped.set(((TaskHandle) ctx).progress());
                return null;
            }));
            assertTrue(seen.get() < 0);
            assertEquals(1.0, clamped.get());
        }
    }
}
