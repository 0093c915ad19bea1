package io.plmwb.engine.runtime;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session host: the one place models are loaded. {@link #open} gives a {@link ModelHandle} per checkpoint
 * identity (config, weights metadata and tokenizer read once, shared by every caller); {@link ModelHandle#session}
 * gives {@link SessionLease}s on ONNX Runtime sessions keyed by {@link SessionKey} (checkpoint, graph options,
 * context, runtime options), shared by every caller and closed once when the last lease closes; a profiled session
 * is never shared. Engine threads come from the host's one setting ({@link #threads()}); a {@link SessionSpec}
 * overrides it only for thread sweeps and profiling. {@link #snapshot()} says what is loaded and the memory it holds
 * (it never waits for a checkpoint being read). Thread-safe.
 */
public final class ModelSessions implements AutoCloseable {

    private final int threads;
    private final GraphCache cache;
    private final MemoryGuard guard;
    private final Map<CheckpointIdentity, OpenCheckpoint> open = new ConcurrentHashMap<>();
    private final Object openLock = new Object();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong sessionsOpened = new AtomicLong();
    private final AtomicLong sessionsClosed = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param threads ONNX Runtime intra-op threads of every session (one inter-op thread)
     * @param cache   where compiled graphs live
     * @param guard   refuses sessions the host cannot hold ({@link MemoryGuard#system()} normally)
     */
    public ModelSessions(int threads, GraphCache cache, MemoryGuard guard) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        this.threads = threads;
        this.cache = Objects.requireNonNull(cache, "cache");
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** All cores, the default graph cache, the system memory guard. */
    public static ModelSessions system() {
        return new ModelSessions(RuntimeOptions.defaults().intraOpThreads(), GraphCache.atDefaultLocation(),
                MemoryGuard.system());
    }

    /**
     * The process-wide host: all cores, the default graph cache, the system memory guard; made on first use and never
     * closed. What a study made without a host uses, so every such caller in one process shares checkpoints and
     * sessions. One per graph-cache location ({@code -Dplmwb.cache.dir}), so a test that moves the cache gets a host
     * of its own; a process that never moves it has exactly one.
     */
    public static ModelSessions shared() {
        Path root = GraphCache.atDefaultLocation().root().toAbsolutePath().normalize();
        return SHARED.computeIfAbsent(root, r -> new ModelSessions(RuntimeOptions.defaults().intraOpThreads(),
                new GraphCache(r), MemoryGuard.system()));
    }

    private static final Map<Path, ModelSessions> SHARED = new ConcurrentHashMap<>();

    /** The engine's intra-op threads. */
    public int threads() {
        return threads;
    }

    /** The runtime options of every session that does not ask for its own. */
    public RuntimeOptions runtimeOptions() {
        return RuntimeOptions.threads(1, threads);
    }

    public GraphCache graphCache() {
        return cache;
    }

    public MemoryGuard guard() {
        return guard;
    }

    /**
     * Opens {@code checkpoint} (a folder or a .gguf file): the same identity gives the same config and tokenizer,
     * read once while any handle or lease of it is open.
     *
     * @throws ModelFormatException config, weights or tokenizer unusable (names the file and problem)
     * @throws java.util.concurrent.CancellationException when {@code ctx} is cancelled
     */
    public ModelHandle open(Path checkpoint, TaskContext ctx) throws ModelFormatException {
        CheckpointIdentity id = CheckpointIdentity.of(checkpoint);
        OpenCheckpoint cp;
        synchronized (openLock) {
            if (closed) {
                throw new IllegalStateException("the session host is closed");
            }
            cp = open.get(id);
            if (cp == null || !cp.retain()) {
                cp = OpenCheckpoint.read(this, id, ctx);
                cp.retain();
                open.put(id, cp);
            }
        }
        changed();
        return new ModelHandle(cp);
    }

    /** {@link #open(Path, TaskContext)} without progress. */
    public ModelHandle open(Path checkpoint) throws ModelFormatException {
        return open(checkpoint, TaskContext.none());
    }

    /** Opens {@code checkpoint} and leases the session for {@code spec} (the lease keeps the checkpoint open). */
    public SessionLease lease(Path checkpoint, SessionSpec spec, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        try (ModelHandle h = open(checkpoint, ctx)) {
            return h.session(spec, ctx);
        }
    }

    void forget(OpenCheckpoint cp) {
        open.remove(cp.identity(), cp);
    }

    void sessionOpened() {
        sessionsOpened.incrementAndGet();
    }

    void sessionClosed() {
        sessionsClosed.incrementAndGet();
    }

    /** Runs {@code listener} (on the thread that made the change) whenever a checkpoint or session opens or closes. */
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    void changed() {
        for (Runnable l : listeners) {
            l.run();
        }
    }

    /**
     * One open ONNX Runtime session.
     *
     * @param key        its resolved key
     * @param leases     leases using it now
     * @param shared     false for a profiled session (one lease only)
     * @param graphFile  the compiled graph it runs
     * @param graphBytes bytes of the graph's weight file (what ORT maps; smaller than the estimate for 8/4-bit)
     * @param estimate   the memory guard's estimate when it opened (fp32 weights, load overhead, cache at the context,
     *                   workspace)
     * @param cacheBytes KV cache bytes its leases hold right now
     */
    public record SessionState(SessionKey key, int leases, boolean shared, Path graphFile, long graphBytes,
                               MemoryGuard.Estimate estimate, long cacheBytes) {

        /** Native bytes this session holds: weights and load overhead as estimated, workspace, the live caches. */
        public long heldBytes() {
            return estimate.weightBytes() + estimate.loadOverhead() + estimate.workspaceBytes() + cacheBytes;
        }
    }

    /**
     * One open checkpoint.
     *
     * @param identity      path and file stamps
     * @param modelType     config model_type
     * @param synthetic     random weights from {@code workbench synth}
     * @param nativeWeights the dtype it runs at by default
     * @param handles       open handles (leases not counted)
     * @param sessions      its ONNX Runtime sessions
     */
    public record CheckpointState(CheckpointIdentity identity, String modelType, boolean synthetic,
                                  String nativeWeights, int handles, List<SessionState> sessions) {
        public CheckpointState {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * What the host holds now.
     *
     * @param threads         the engine thread setting
     * @param checkpoints     open checkpoints
     * @param sessionsOpened  ORT sessions opened since the host was made
     * @param sessionsClosed  ORT sessions closed since then
     */
    public record Snapshot(int threads, List<CheckpointState> checkpoints, long sessionsOpened,
                           long sessionsClosed) {
        public Snapshot {
            checkpoints = List.copyOf(checkpoints);
        }

        public int sessionCount() {
            return checkpoints.stream().mapToInt(c -> c.sessions().size()).sum();
        }

        public int leaseCount() {
            return checkpoints.stream().flatMap(c -> c.sessions().stream()).mapToInt(SessionState::leases).sum();
        }

        /** {@link SessionState#heldBytes()} over every session. */
        public long heldBytes() {
            return checkpoints.stream().flatMap(c -> c.sessions().stream()).mapToLong(SessionState::heldBytes).sum();
        }

        /** One line for a status bar: "plm-nano: 2 sessions (3 leases), ~0.1 GiB · 2 threads". */
        public String summary() {
            if (checkpoints.isEmpty()) {
                return "no model loaded · " + threads + " threads";
            }
            List<String> names = new ArrayList<>();
            for (CheckpointState c : checkpoints) {
                names.add(c.identity().path().getFileName().toString());
            }
            int s = sessionCount();
            int l = leaseCount();
            return String.join(", ", names) + ": " + s + " session" + (s == 1 ? "" : "s") + " (" + l + " lease"
                    + (l == 1 ? "" : "s") + "), ~" + MemoryGuard.gib(heldBytes()) + " · " + threads + " threads";
        }
    }

    /** What is loaded now: checkpoints, their sessions with keys and lease counts, and the memory held. */
    public Snapshot snapshot() {
        List<OpenCheckpoint> cps = new ArrayList<>(open.values());
        List<CheckpointState> out = new ArrayList<>();
        for (OpenCheckpoint cp : cps) {
            if (!cp.isClosed()) {
                out.add(cp.state());
            }
        }
        out.sort(java.util.Comparator.comparing(c -> c.identity().path().toString()));
        return new Snapshot(threads, out, sessionsOpened.get(), sessionsClosed.get());
    }

    /** Closes every session and checkpoint still open (at shutdown); leases still held stop working. */
    @Override
    public void close() {
        List<OpenCheckpoint> cps;
        synchronized (openLock) {
            if (closed) {
                return;
            }
            closed = true;
            cps = new ArrayList<>(open.values());
            open.clear();
        }
        for (OpenCheckpoint cp : cps) {
            cp.closeNow();
        }
        changed();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ModelSessions[%s]", snapshot().summary());
    }
}
