package io.plmwb.engine.runtime;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One checkpoint as the host holds it: config, weights (safetensors index or GGUF header, validated against the
 * config) and tokenizer, each read once, plus the ONNX Runtime sessions opened on it. Shared by every
 * {@link ModelHandle} of the same {@link CheckpointIdentity}; closed when the last handle and lease are closed.
 */
final class OpenCheckpoint {

    /** One ONNX Runtime session and the leases running it. */
    static final class Shared {
        final SessionKey key;
        final OrtModel ort;
        final Path graphFile;
        final long graphBytes;
        final MemoryGuard.Estimate estimate;
        final double compileMs;
        final double sessionOpenMs;
        final double checkMs;
        final boolean cacheHit;
        final List<DecoderSession> views = new ArrayList<>();

        Shared(SessionKey key, OrtModel ort, Path graphFile, long graphBytes, MemoryGuard.Estimate estimate,
               double checkMs, double compileMs, double sessionOpenMs, boolean cacheHit) {
            this.key = key;
            this.ort = ort;
            this.graphFile = graphFile;
            this.graphBytes = graphBytes;
            this.estimate = estimate;
            this.checkMs = checkMs;
            this.compileMs = compileMs;
            this.sessionOpenMs = sessionOpenMs;
            this.cacheHit = cacheHit;
        }
    }

    private final ModelSessions host;
    private final CheckpointIdentity identity;
    private final ModelConfig config;
    private final ArchitectureSummary summary;
    private final WeightSource weights;
    private final PlmTokenizer tokenizer;
    private final String nativeWeights;
    private final double configMs;
    private final double validateMs;
    private final double tokenizerMs;
    private final Object openLock = new Object();
    private final Map<SessionKey, Shared> shared = new LinkedHashMap<>();
    private final List<Shared> unshared = new ArrayList<>();
    private int handles;
    private int leases;
    private boolean closed;

    private OpenCheckpoint(ModelSessions host, CheckpointIdentity identity, ModelConfig config, WeightSource weights,
                           PlmTokenizer tokenizer, String nativeWeights, double configMs, double validateMs,
                           double tokenizerMs) {
        this.host = host;
        this.identity = identity;
        this.config = config;
        this.summary = ArchitectureSummary.of(config);
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.nativeWeights = nativeWeights;
        this.configMs = configMs;
        this.validateMs = validateMs;
        this.tokenizerMs = tokenizerMs;
    }

    /**
     * Reads a checkpoint: config (config.json or the GGUF metadata), weights checked against it, tokenizer. A GGUF's
     * header is parsed once, for all three.
     */
    static OpenCheckpoint read(ModelSessions host, CheckpointIdentity id, TaskContext ctx)
            throws ModelFormatException {
        long t0 = System.nanoTime();
        Path dir = id.path();
        ctx.message("Reading " + dir.getFileName() + (id.gguf() ? " metadata" : "/config.json"));
        WeightSource weights = null;
        PlmTokenizer tokenizer = null;
        try {
            ModelConfig config;
            String nativeWeights;
            if (id.gguf()) {
                GgufCheckpoint g = GgufCheckpoint.open(dir);
                weights = g;
                config = g.config();
                nativeWeights = ModelLoader.nativeWeights(g.file());
            } else {
                config = ConfigLoader.load(dir);
                nativeWeights = "f32";
            }
            long t1 = System.nanoTime();
            ctx.checkCancelled();
            ctx.message("Checking weights against the config");
            if (weights == null) {
                weights = SafetensorsCheckpoint.open(dir);
            }
            CheckpointLayout.validate(weights, config);
            long t2 = System.nanoTime();
            ctx.checkCancelled();
            ctx.message("Loading tokenizer");
            tokenizer = weights instanceof GgufCheckpoint g ? GgufTokenizer.load(g.file()) : PlmTokenizer.load(dir);
            if (tokenizer.vocabSize() > config.vocabSize()) {
                throw new ModelFormatException(tokenizer.file(), "the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the model only " + config.vocabSize() + " embedding rows");
            }
            long t3 = System.nanoTime();
            return new OpenCheckpoint(host, id, config, weights, tokenizer, nativeWeights, ms(t0, t1), ms(t1, t2),
                    ms(t2, t3));
        } catch (ModelFormatException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            if (weights != null) {
                closeQuietly(weights);
            }
            throw e;
        }
    }

    CheckpointIdentity identity() {
        return identity;
    }

    ModelConfig config() {
        return config;
    }

    ArchitectureSummary summary() {
        return summary;
    }

    PlmTokenizer tokenizer() {
        return tokenizer;
    }

    WeightSource weights() {
        return weights;
    }

    String nativeWeights() {
        return nativeWeights;
    }

    /** One more handle; false when this checkpoint was closed already (the host then reads it again). */
    synchronized boolean retain() {
        if (closed) {
            return false;
        }
        handles++;
        return true;
    }

    void releaseHandle() {
        boolean last;
        synchronized (this) {
            handles--;
            last = closeIfUnused();
        }
        if (last) {
            host.forget(this);
        }
        host.changed();
    }

    /** The session for {@code spec}: an open one of the same key is shared, otherwise one is opened. */
    SessionLease session(SessionSpec spec, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        CacheMode mode = spec.mode() == null ? ModelLoader.nativeMode(config) : spec.mode();
        if (mode == CacheMode.LATENT && !config.family().isMla()) {
            throw new IllegalArgumentException("latent cache mode needs an MLA model (PLM); " + config.modelType()
                    + " caches expanded K/V");
        }
        int limit = spec.contextLimit() == 0 ? config.maxPositionEmbeddings() : spec.contextLimit();
        GraphOptions graph = new GraphOptions(mode, spec.weights() != null ? spec.weights() : nativeWeights,
                spec.sparsityProbes());
        RuntimeOptions runtime = spec.runtime() != null ? spec.runtime() : host.runtimeOptions();
        // MatMulNBits only has its fast kernels on pre-packed weights (without pre-packing it dequantizes every
        // block on every call: 5-20x slower decode, measured in decision 0050), so quantized graphs pre-pack
        if (graph.weightBits() > 0) {
            runtime = runtime.withPrepack(true);
        }
        SessionKey key = new SessionKey(identity, graph, limit, runtime);
        SessionLease lease = null;
        synchronized (openLock) {
            synchronized (this) {
                checkOpen();
                Shared s = key.profiled() ? null : shared.get(key);
                if (s != null) {
                    lease = lease(s);
                }
            }
            if (lease != null) {
                ctx.message("Using the open " + key.describe() + " session of " + identity.path().getFileName());
                host.changed();
                return lease;
            }
            Shared s = openSession(key, ctx);
            synchronized (this) {
                if (closed) {
                    s.ort.close();
                    host.sessionClosed();
                    checkOpen();
                }
                if (key.profiled()) {
                    unshared.add(s);
                } else {
                    shared.put(key, s);
                }
                lease = lease(s);
            }
        }
        ctx.message("Loaded " + identity.path().getFileName() + (config.synthetic() ? " (SYNTHETIC)" : ""));
        host.changed();
        return lease;
    }

    private Shared openSession(SessionKey key, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        long t0 = System.nanoTime();
        Path dir = identity.path();
        GraphOptions graph = key.graph();
        GraphCache cache = host.graphCache();
        GraphCache.Entry cached = cache.lookup(dir, graph);
        ctx.message("Checking memory");
        MemoryGuard.Estimate estimate = host.guard().check(config, graph.mode(), key.contextLimit(), cached == null);
        long t1 = System.nanoTime();
        ctx.checkCancelled();
        GraphCache.Entry entry = cached != null ? cached
                : cache.getOrBuild(dir, graph, (file, c) -> OnnxGraphBuilder.build(config, weights, graph, file, c),
                        ctx);
        long t2 = System.nanoTime();
        ctx.checkCancelled();
        ctx.message("Opening ONNX Runtime session (" + key.runtime().intraOpThreads() + " threads)");
        OrtModel ort = OrtModel.open(entry.onnxFile(), key.runtime());
        host.sessionOpened();
        long t3 = System.nanoTime();
        Path data = entry.onnxFile().resolveSibling(entry.onnxFile().getFileName() + ".data");
        long graphBytes = Files.isRegularFile(data) ? Files.size(data) : 0;
        return new Shared(key, ort, entry.onnxFile(), graphBytes, estimate, ms(t0, t1), ms(t1, t2), ms(t2, t3),
                cached != null || entry.hit());
    }

    /** Caller holds the lock. */
    private SessionLease lease(Shared s) {
        DecoderSession view = DecoderSession.over(s.ort);
        s.views.add(view);
        leases++;
        LoadTimings timings = new LoadTimings(configMs + s.checkMs, validateMs, tokenizerMs, s.compileMs,
                s.sessionOpenMs, configMs + validateMs + tokenizerMs + s.checkMs + s.compileMs + s.sessionOpenMs,
                s.cacheHit);
        return new SessionLease(this, s, view, timings);
    }

    void release(Shared s, DecoderSession view) {
        boolean last;
        synchronized (this) {
            if (!s.views.remove(view)) {
                return;
            }
            view.close();
            leases--;
            if (s.views.isEmpty() && !s.ort.isClosed()) {
                s.ort.close();
                host.sessionClosed();
                if (shared.get(s.key) == s) {
                    shared.remove(s.key);
                }
                unshared.remove(s);
            }
            last = closeIfUnused();
        }
        if (last) {
            host.forget(this);
        }
        host.changed();
    }

    private boolean closeIfUnused() {
        if (closed || handles > 0 || leases > 0) {
            return false;
        }
        closeNow();
        return true;
    }

    /** Closes every session and the checkpoint's files (host shutdown, or nothing uses it any more). */
    synchronized void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        List<Shared> all = new ArrayList<>(shared.values());
        all.addAll(unshared);
        for (Shared s : all) {
            for (DecoderSession v : s.views) {
                v.close();
            }
            s.views.clear();
            if (!s.ort.isClosed()) {
                s.ort.close();
                host.sessionClosed();
            }
        }
        shared.clear();
        unshared.clear();
        try {
            tokenizer.close();
        } finally {
            closeQuietly(weights);
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(identity.path() + " was closed");
        }
    }

    /** What is open, for {@link ModelSessions#snapshot()}. */
    synchronized ModelSessions.CheckpointState state() {
        List<ModelSessions.SessionState> out = new ArrayList<>();
        List<Shared> all = new ArrayList<>(shared.values());
        all.addAll(unshared);
        for (Shared s : all) {
            long cacheBytes = 0;
            for (DecoderSession v : s.views) {
                cacheBytes += v.heldCacheBytes();
            }
            out.add(new ModelSessions.SessionState(s.key, s.views.size(), !s.key.profiled(), s.graphFile,
                    s.graphBytes, s.estimate, cacheBytes));
        }
        return new ModelSessions.CheckpointState(identity, config.modelType(), config.synthetic(), nativeWeights,
                handles, out);
    }

    private static void closeQuietly(WeightSource w) {
        try {
            w.close();
        } catch (Exception ignored) {
            // read-only files; nothing to recover
        }
    }

    private static double ms(long a, long b) {
        return (b - a) / 1e6;
    }
}
