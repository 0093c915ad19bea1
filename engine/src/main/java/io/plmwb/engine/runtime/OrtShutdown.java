package io.plmwb.engine.runtime;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Orderly shutdown of ONNX Runtime: on SIGTERM or Ctrl+C the JVM's shutdown hooks (ONNX Runtime's among them) run
 * while other threads may still be inside a session run, and freeing the environment under a running session
 * crashed the JVM. {@link #installSignalHandlers()} takes over both signals: new runs are refused (a
 * {@link CancellationException}, which every task treats as a cancel), running ones are waited for (bounded),
 * every open session is closed, and only then the JVM exits (143 for SIGTERM, 130 for Ctrl+C) and its hooks run.
 */
public final class OrtShutdown {

    /** How long a signal waits for running graph calls to finish. */
    public static final long WAIT_MS = 15_000;

    private static final ReentrantReadWriteLock RUNS = new ReentrantReadWriteLock();
    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean stopping;
    private static volatile boolean installed;

    private OrtShutdown() {
    }

    /** True once a shutdown began: long loops stop at their next step. */
    public static boolean isStopping() {
        return stopping;
    }

    static void register(AutoCloseable session) {
        OPEN.add(session);
    }

    static void unregister(AutoCloseable session) {
        OPEN.remove(session);
    }

    /** Enters a graph call; refused once shutdown began. Pair with {@link #exitRun()}. */
    static void enterRun() {
        if (stopping) {
            throw new CancellationException("the workbench is shutting down");
        }
        RUNS.readLock().lock();
        if (stopping) {
            RUNS.readLock().unlock();
            throw new CancellationException("the workbench is shutting down");
        }
    }

    static void exitRun() {
        RUNS.readLock().unlock();
    }

    /**
     * Refuses new runs, waits up to {@code waitMs} for running ones, then closes every open session.
     *
     * @return true when no run was still going at the end of the wait
     */
    public static boolean stopAndCloseAll(long waitMs) {
        stopping = true;
        boolean quiet = false;
        try {
            quiet = RUNS.writeLock().tryLock(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (quiet) {
                for (AutoCloseable s : Set.copyOf(OPEN)) {
                    try {
                        s.close();
                    } catch (Exception e) {
                        // closing during shutdown: nothing more to do
                    }
                }
            }
        } finally {
            if (quiet) {
                RUNS.writeLock().unlock();
            }
        }
        return quiet;
    }

    /**
     * Called by a thread that is about to exit the JVM on its own (the CLI's main thread after its command ended):
     * when a signal's shutdown is under way, never returns — the shutdown thread exits once the sessions are closed,
     * so the JVM's exit code is the signal's (143/130), never the interrupted command's, and no exit races the
     * closing of the sessions.
     */
    public static void awaitExitIfStopping() {
        if (!stopping) {
            return;
        }
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // keep waiting for the shutdown thread's exit
            }
        }
    }

    /** Number of sessions open now (tests). */
    static int openSessions() {
        return OPEN.size();
    }

    /**
     * Handles SIGTERM and SIGINT as described above (once per JVM; does nothing where the JVM offers no signal API).
     */
    public static synchronized void installSignalHandlers() {
        if (installed) {
            return;
        }
        installed = true;
        for (String[] sig : new String[][] {{"TERM", "143"}, {"INT", "130"}}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig[0]), s -> {
                    Thread t = new Thread(() -> {
                        int open = OPEN.size();
                        boolean quiet = stopAndCloseAll(WAIT_MS);
                        System.err.println("workbench: SIG" + sig[0] + ": " + (quiet ? "closed " + open
                                + " ONNX Runtime session(s), exiting" : "a graph call did not finish within "
                                + WAIT_MS / 1000 + " s; exiting without closing the sessions"));
                        System.err.flush();
                        Runtime.getRuntime().exit(Integer.parseInt(sig[1]));
                    }, "plmwb-shutdown");
                    t.setDaemon(false);
                    t.start();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // the signal is reserved or unknown here: the JVM's default applies
            }
        }
    }
}
