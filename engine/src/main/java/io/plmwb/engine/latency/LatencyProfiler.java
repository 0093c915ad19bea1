package io.plmwb.engine.latency;

import io.plmwb.engine.bench.HostProbe;
import io.plmwb.engine.bench.ModeBenchmark;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.InsufficientMemoryException;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.runtime.Sampler;
import io.plmwb.engine.runtime.SessionLease;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Per-layer latency of a checkpoint from ONNX Runtime's profiler.
 *
 * <p>{@link #profile} opens a session with the profiler on and runs, in this order: {@code warmup + repeats} prefills
 * of the prompt (each after a reset), a fill of the cache to the context (chunks of 512, not counted), {@code warmup}
 * decode steps, then {@code repeats} blocks of {@code decodeTokens} decode steps. When the session closes ORT writes
 * its trace; its {@code model_run} events are matched one to one, in order, with these calls (a count mismatch is an
 * error), so warm-up calls are dropped by position. The same sequence then runs in a second session without the
 * profiler for the wall-clock the profiler's overhead is measured against.
 *
 * <p>{@link #decodeVsContext} and {@link #threadSweep} time wall-clock only (no profiler).
 *
 * <p>Sessions are leased from a {@link ModelSessions} host, at the thread count of the {@link Settings} (a benchmark
 * sweeps threads, so it overrides the host's setting); the profiled one is never shared.
 */
public final class LatencyProfiler {

    /** Tokens per prefill call when the cache is filled to a context. */
    public static final int FILL_CHUNK = 512;

    private final ModelSessions host;
    private final boolean prepack;

    /** A profiler whose sessions come from {@code host} (graph cache, memory guard), without weight pre-packing. */
    public LatencyProfiler(ModelSessions host) {
        this(host, false);
    }

    /** A profiler whose sessions come from {@code host}, with ORT weight pre-packing when {@code prepack}. */
    public LatencyProfiler(ModelSessions host, boolean prepack) {
        this.host = host;
        this.prepack = prepack;
    }

    /**
     * @param base loader options (graph cache, memory guard, prepacking) for a host of this profiler's own; threads,
     *             mode and profiling are set here
     */
    public LatencyProfiler(ModelLoader.Options base) {
        this(ModelLoader.host(base), base.runtime().prepackWeights());
    }

    /**
     * What to run.
     *
     * @param promptTokens prefill length N
     * @param decodeTokens decode steps per repeat M (times are per token)
     * @param context      tokens in the cache before decode C (0: the prompt length)
     * @param repeats      timed repeats R
     * @param warmup       untimed calls before each phase
     * @param threads      ORT intra-op threads
     * @param mode         cache mode (null: the model's native mode)
     */
    public record Settings(int promptTokens, int decodeTokens, int context, int repeats, int warmup, int threads,
                           CacheMode mode) {
        public Settings {
            if (promptTokens < 1 || decodeTokens < 1 || repeats < 1 || threads < 1) {
                throw new IllegalArgumentException("prompt tokens, decode tokens, repeats and threads must be ≥ 1");
            }
            if (context < 0 || warmup < 0) {
                throw new IllegalArgumentException("context and warm-up must be ≥ 0");
            }
        }

        /** Decode context: {@link #context} or, when 0, the prompt length. */
        public int decodeContext() {
            return context == 0 ? promptTokens : context;
        }

        /** Cache tokens the run needs at most. */
        public int tokensNeeded() {
            return Math.max(promptTokens, decodeContext()) + warmup + repeats * decodeTokens + 1;
        }

        public Settings withThreads(int t) {
            return new Settings(promptTokens, decodeTokens, context, repeats, warmup, t, mode);
        }

        public Settings withMode(CacheMode m) {
            return new Settings(promptTokens, decodeTokens, context, repeats, warmup, threads, m);
        }

        public Settings withContext(int c) {
            return new Settings(promptTokens, decodeTokens, c, repeats, warmup, threads, mode);
        }
    }

    /** Wall-clock times of the calls of one session run, ms. */
    private record Wall(double[] prefill, double[] decodePerToken) {
    }

    /**
     * Profiles {@code checkpoint}.
     *
     * @throws java.util.concurrent.CancellationException when cancelled (the trace is deleted)
     */
    public LatencyResult profile(Path checkpoint, Settings s, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        try (ModelHandle h = host.open(checkpoint)) {
            return profile(h, s, ctx);
        }
    }

    /** {@link #profile(Path, Settings, TaskContext)} on an open checkpoint. */
    public LatencyResult profile(ModelHandle checkpoint, Settings s, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        Path traceDir = Files.createTempDirectory("plmwb-trace");
        Path prefix = traceDir.resolve("latency");
        int layers;
        String name;
        CacheMode mode;
        Wall profiled;
        long units = 2L * ((long) s.warmup() + s.repeats() + s.warmup() + (long) s.repeats() * s.decodeTokens());
        Progress progress = new Progress(ctx, units);
        List<String> calls = new ArrayList<>();
        try {
            ctx.message("Opening a profiled session (" + s.threads() + " threads)");
            try (SessionLease lease = checkpoint.session(spec(s, prefix))) {
                LoadedModel lm = lease.model();
                layers = lm.config().numLayers();
                name = lm.checkpoint().getFileName().toString();
                mode = lm.cacheMode();
                profiled = runSequence(lm, s, calls, progress, "profiled");
            }
            ctx.message("Reading the ONNX Runtime trace");
            Path trace = findTrace(traceDir);
            OrtTrace t = OrtTrace.read(trace);
            if (t.runs().size() != calls.size()) {
                throw new IllegalStateException(trace + ": " + t.runs().size() + " model_run events, but the session "
                        + "made " + calls.size() + " calls");
            }
            ctx.message("Opening a session without the profiler");
            Wall plain;
            try (SessionLease lease = checkpoint.session(spec(s, null))) {
                plain = runSequence(lease.model(), s, new ArrayList<>(), progress, "unprofiled");
            }
            LatencyResult.Phase prefill = prefillPhase(t, calls, s, layers, profiled, plain);
            LatencyResult.Phase decode = decodePhase(t, calls, s, layers, profiled, plain);
            trace.toFile().deleteOnExit();
            traceDir.toFile().deleteOnExit();
            return new LatencyResult(name, layers, mode, s, prefill, decode, trace, HostProbe.loadAverage());
        } catch (IOException | ModelFormatException | InsufficientMemoryException | RuntimeException e) {
            deleteTree(traceDir);
            throw e;
        }
    }

    private SessionSpec spec(Settings s, Path profile) {
        return SessionSpec.defaults().withMode(s.mode()).withContextLimit(s.tokensNeeded())
                .withRuntime(new RuntimeOptions(1, s.threads(), profile, prepack));
    }

    private static final class Progress {
        private final TaskContext ctx;
        private final long total;
        private long done;

        Progress(TaskContext ctx, long total) {
            this.ctx = ctx;
            this.total = total;
        }

        void step(String what) {
            ctx.checkCancelled();
            done++;
            ctx.progress(done, total);
            ctx.message(what);
        }
    }

    /** Runs the call sequence, recording a label per session call (in order) and the wall-clock per timed call. */
    private static Wall runSequence(LoadedModel lm, Settings s, List<String> calls, Progress p, String label) {
        DecoderSession ses = lm.session();
        int vocab = Math.min(lm.config().vocabSize(), 256);
        int[] ids = ModeBenchmark.promptIds(Math.max(s.promptTokens(), FILL_CHUNK), vocab, 7);
        int[] prompt = java.util.Arrays.copyOf(ids, s.promptTokens());
        double[] pre = new double[s.repeats()];
        for (int i = 0; i < s.warmup() + s.repeats(); i++) {
            p.step(label + " prefill " + (i < s.warmup() ? "warm-up" : (i - s.warmup() + 1) + " of " + s.repeats()));
            ses.reset();
            long t0 = System.nanoTime();
            ses.prefill(prompt);
            double ms = (System.nanoTime() - t0) / 1e6;
            calls.add(i < s.warmup() ? "prefill-warmup" : "prefill");
            if (i >= s.warmup()) {
                pre[i - s.warmup()] = ms;
            }
        }
        ses.reset();
        float[] logits = null;
        int c = s.decodeContext();
        for (int at = 0; at < c; at += FILL_CHUNK) {
            p.ctx.checkCancelled();
            int n = Math.min(FILL_CHUNK, c - at);
            int[] part = new int[n];
            for (int i = 0; i < n; i++) {
                part[i] = ids[(at + i) % ids.length];
            }
            logits = ses.prefill(part);
            calls.add("fill");
            p.ctx.message(label + ": filled " + (at + n) + " of " + c + " context tokens");
        }
        for (int i = 0; i < s.warmup(); i++) {
            p.step(label + " decode warm-up");
            logits = ses.decode(Sampler.argmax(logits) % vocab);
            calls.add("decode-warmup");
        }
        double[] dec = new double[s.repeats()];
        for (int r = 0; r < s.repeats(); r++) {
            double total = 0;
            for (int k = 0; k < s.decodeTokens(); k++) {
                p.step(label + " decode repeat " + (r + 1) + " of " + s.repeats());
                int id = Sampler.argmax(logits) % vocab;
                long t0 = System.nanoTime();
                logits = ses.decode(id);
                total += (System.nanoTime() - t0) / 1e6;
                calls.add("decode-" + r);
            }
            dec[r] = total / s.decodeTokens();
        }
        return new Wall(pre, dec);
    }

    private static LatencyResult.Phase prefillPhase(OrtTrace t, List<String> calls, Settings s, int layers,
                                                    Wall prof, Wall plain) {
        List<LayerBreakdown> reps = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).equals("prefill")) {
                reps.add(LayerBreakdown.of(List.of(t.runs().get(i)), layers, 1));
            }
        }
        return phase("prefill", s.promptTokens(), 0, reps, layers, prof.prefill(), plain.prefill());
    }

    private static LatencyResult.Phase decodePhase(OrtTrace t, List<String> calls, Settings s, int layers,
                                                   Wall prof, Wall plain) {
        List<LayerBreakdown> reps = new ArrayList<>();
        for (int r = 0; r < s.repeats(); r++) {
            List<OrtTrace.Run> runs = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).equals("decode-" + r)) {
                    runs.add(t.runs().get(i));
                }
            }
            reps.add(LayerBreakdown.of(runs, layers, runs.size()));
        }
        return phase("decode", 1, s.decodeContext() + s.warmup(), reps, layers, prof.decodePerToken(),
                plain.decodePerToken());
    }

    private static LatencyResult.Phase phase(String name, int tokens, int context, List<LayerBreakdown> reps,
                                             int layers, double[] wallProf, double[] wallPlain) {
        int n = reps.size();
        List<LatencyResult.LayerTimes> lt = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            Map<LayerBreakdown.Block, Stat> blocks = new EnumMap<>(LayerBreakdown.Block.class);
            for (LayerBreakdown.Block b : LayerBreakdown.Block.values()) {
                double[] v = new double[n];
                for (int r = 0; r < n; r++) {
                    v[r] = reps.get(r).us(l, b) / 1000;
                }
                blocks.put(b, Stat.of(v));
            }
            double[] tot = new double[n];
            for (int r = 0; r < n; r++) {
                tot[r] = reps.get(r).layerUs(l) / 1000;
            }
            lt.add(new LatencyResult.LayerTimes(l, blocks, Stat.of(tot)));
        }
        Map<LayerBreakdown.Outside, Stat> outside = new EnumMap<>(LayerBreakdown.Outside.class);
        for (LayerBreakdown.Outside o : LayerBreakdown.Outside.values()) {
            double[] v = new double[n];
            for (int r = 0; r < n; r++) {
                v[r] = reps.get(r).us(o) / 1000;
            }
            outside.put(o, Stat.of(v));
        }
        double[] k = new double[n];
        double[] run = new double[n];
        double[] attributed = new double[n];
        for (int r = 0; r < n; r++) {
            LayerBreakdown b = reps.get(r);
            k[r] = b.kernelUs() / 1000;
            run[r] = b.runUs() / 1000;
            double a = 0;
            for (int l = 0; l < layers; l++) {
                a += b.layerUs(l);
            }
            for (LayerBreakdown.Outside o : LayerBreakdown.Outside.values()) {
                a += b.us(o);
            }
            attributed[r] = a / 1000;
        }
        return new LatencyResult.Phase(name, tokens, context, List.copyOf(lt), outside, Stat.of(k), Stat.of(run),
                Stat.of(wallProf), Stat.of(wallPlain), attributed, k);
    }

    private static Path findTrace(Path dir) throws IOException {
        try (Stream<Path> st = Files.list(dir)) {
            List<Path> files = st.filter(f -> f.getFileName().toString().startsWith("latency")
                    && f.getFileName().toString().endsWith(".json")).toList();
            if (files.size() != 1) {
                throw new IOException(dir + ": expected one ONNX Runtime profile, found " + files.size());
            }
            return files.get(0);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> st = Files.list(dir)) {
            for (Path f : st.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary folder; nothing more to do
        }
    }

    // ------------------------------------------------------------------ wall-clock sweeps

    /**
     * One point of a sweep.
     *
     * @param x     context tokens or thread count
     * @param ms    decode ms per token (or prefill ms per call)
     */
    public record Point(int x, Stat ms) {
    }

    /** Decode ms/token at each context in one mode; see {@link #decodeVsContext(Path, List, int[], int, int, int, TaskContext)}. */
    public List<Point> decodeVsContext(Path checkpoint, CacheMode mode, int[] contexts, int steps, int warmup,
                                       int threads, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return decodeVsContext(checkpoint, List.of(mode), contexts, steps, warmup, threads, ctx).get(mode);
    }

    /**
     * Decode ms/token at each context, for each cache mode, measured interleaved: one session per mode is open at
     * the same time; at each context every session's cache is filled (chunks of 512), then {@code warmup} untimed
     * and {@code steps} timed decode steps alternate between the modes step by step, so on a shared machine both
     * modes are timed under the same load. Median and min/max over the steps.
     */
    public Map<CacheMode, List<Point>> decodeVsContext(Path checkpoint, List<CacheMode> modes, int[] contexts,
                                                       int steps, int warmup, int threads, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        try (ModelHandle h = host.open(checkpoint)) {
            return decodeVsContext(h, modes, contexts, steps, warmup, threads, ctx);
        }
    }

    /** {@link #decodeVsContext(Path, List, int[], int, int, int, TaskContext)} on an open checkpoint. */
    public Map<CacheMode, List<Point>> decodeVsContext(ModelHandle checkpoint, List<CacheMode> modes, int[] contexts,
                                                       int steps, int warmup, int threads, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        int max = 0;
        for (int c : contexts) {
            if (c < 1) {
                throw new IllegalArgumentException("contexts must be ≥ 1, got " + c);
            }
            max = Math.max(max, c);
        }
        if (steps < 1 || modes.isEmpty()) {
            throw new IllegalArgumentException("steps must be ≥ 1 and at least one mode given");
        }
        Map<CacheMode, List<Point>> out = new java.util.LinkedHashMap<>();
        List<SessionLease> leases = new ArrayList<>();
        List<LoadedModel> open = new ArrayList<>();
        try {
            for (CacheMode m : modes) {
                ctx.checkCancelled();
                ctx.message("Opening the " + m.key() + " session (" + threads + " threads)");
                Settings s = new Settings(1, steps, max, 1, warmup, threads, m);
                SessionLease lease = checkpoint.session(spec(s, null));
                leases.add(lease);
                open.add(lease.model());
                out.put(m, new ArrayList<>());
            }
            int vocab = Math.min(open.get(0).config().vocabSize(), 256);
            int[] ids = ModeBenchmark.promptIds(FILL_CHUNK, vocab, 7);
            for (int ci = 0; ci < contexts.length; ci++) {
                int c = contexts[ci];
                float[][] logits = new float[open.size()][];
                for (int k = 0; k < open.size(); k++) {
                    DecoderSession ses = open.get(k).session();
                    ses.reset();
                    for (int at = 0; at < c; at += FILL_CHUNK) {
                        ctx.checkCancelled();
                        int n = Math.min(FILL_CHUNK, c - at);
                        int[] part = new int[n];
                        for (int i = 0; i < n; i++) {
                            part[i] = ids[(at + i) % ids.length];
                        }
                        logits[k] = ses.prefill(part);
                        ctx.message(modes.get(k).key() + ": filled " + (at + n) + " of " + c + " tokens");
                    }
                }
                double[][] ms = new double[open.size()][steps];
                for (int i = 0; i < warmup + steps; i++) {
                    for (int k = 0; k < open.size(); k++) {
                        ctx.checkCancelled();
                        int id = Sampler.argmax(logits[k]) % vocab;
                        long t0 = System.nanoTime();
                        logits[k] = open.get(k).session().decode(id);
                        if (i >= warmup) {
                            ms[k][i - warmup] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                for (int k = 0; k < open.size(); k++) {
                    out.get(modes.get(k)).add(new Point(c, Stat.of(ms[k])));
                }
                ctx.progress(ci + 1, contexts.length);
            }
        } finally {
            for (SessionLease lease : leases) {
                lease.close();
            }
        }
        return out;
    }

    /**
     * Thread sweep point: prefill ms (median over {@code repeats}) and decode ms/token at the prompt's end.
     *
     * @param threads intra-op threads
     * @param prefill prefill ms per call
     * @param decode  decode ms per token
     */
    public record ThreadPoint(int threads, Stat prefill, Stat decode) {
    }

    /** Runs {@link #profile}'s call sequence without the profiler once per thread count (wall-clock). */
    public List<ThreadPoint> threadSweep(Path checkpoint, Settings s, int[] threadCounts, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        try (ModelHandle h = host.open(checkpoint)) {
            return threadSweep(h, s, threadCounts, ctx);
        }
    }

    /** {@link #threadSweep(Path, Settings, int[], TaskContext)} on an open checkpoint. */
    public List<ThreadPoint> threadSweep(ModelHandle checkpoint, Settings s, int[] threadCounts, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        List<ThreadPoint> out = new ArrayList<>();
        long units = (long) threadCounts.length
                * (s.warmup() + s.repeats() + s.warmup() + (long) s.repeats() * s.decodeTokens());
        Progress p = new Progress(ctx, units);
        for (int t : threadCounts) {
            if (t < 1) {
                throw new IllegalArgumentException("thread counts must be ≥ 1, got " + t);
            }
            Settings st = s.withThreads(t);
            try (SessionLease lease = checkpoint.session(spec(st, null))) {
                Wall w = runSequence(lease.model(), st, new ArrayList<>(), p, t + " threads");
                out.add(new ThreadPoint(t, Stat.of(w.prefill()), Stat.of(w.decodePerToken())));
            }
        }
        return out;
    }
}
