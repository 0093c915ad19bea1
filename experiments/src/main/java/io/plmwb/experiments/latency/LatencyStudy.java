package io.plmwb.experiments.latency;

import io.plmwb.engine.bench.HostProbe;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Latency workspace's workflow ({@code workbench latency} and the GUI's Latency screen): a profiled prefill/decode
 * run per layer ({@link LatencyProfiler#profile}), decode ms/token vs context per cache mode and a thread sweep, each
 * optional, into one {@link LatencyReport}.
 */
public final class LatencyStudy implements Study<LatencyStudy.Settings, LatencyReport> {

    private final ModelSessions host;
    private final boolean prepack;

    /** On the process-wide host ({@link ModelSessions#shared()}). */
    public LatencyStudy() {
        this(ModelSessions.shared());
    }

    /**
     * @param host where the checkpoint is opened and the sessions are leased (graph cache, memory guard); threads and
     *             mode come from the settings
     */
    public LatencyStudy(ModelSessions host) {
        this(host, false);
    }

    /** On {@code host}, with ORT weight pre-packing when {@code prepack} ({@code --prepack}). */
    public LatencyStudy(ModelSessions host, boolean prepack) {
        this.host = Objects.requireNonNull(host, "host");
        this.prepack = prepack;
    }

    /**
     * What to run.
     *
     * @param checkpoint   checkpoint folder (or .gguf file)
     * @param promptTokens prefill length N
     * @param decodeTokens decode steps per repeat (and per context of the context sweep); times are per token
     * @param context      tokens in the cache before the profiled decode (0: the prompt length)
     * @param repeats      timed repeats R
     * @param warmup       untimed calls per phase
     * @param threads      ORT intra-op threads
     * @param mode         cache mode (null: the model's native mode; the context sweep then runs latent and expanded
     *                     for MLA models, expanded otherwise)
     * @param profile      run the profiled prefill/decode
     * @param contexts     decode-vs-context lengths (empty: no context sweep)
     * @param sweepThreads thread counts of the thread sweep (empty: none)
     * @param saveTrace    where the raw ORT trace is to be kept (null: not asked); needs {@code profile}
     */
    public record Settings(Path checkpoint, int promptTokens, int decodeTokens, int context, int repeats, int warmup,
                           int threads, CacheMode mode, boolean profile, List<Integer> contexts,
                           List<Integer> sweepThreads, Path saveTrace) {
        public Settings {
            Objects.requireNonNull(checkpoint, "checkpoint");
            contexts = List.copyOf(contexts);
            sweepThreads = List.copyOf(sweepThreads);
            for (int c : contexts) {
                if (c < 1) {
                    throw new IllegalArgumentException("contexts must be ≥ 1, got " + c);
                }
            }
            for (int t : sweepThreads) {
                if (t < 1) {
                    throw new IllegalArgumentException("thread counts must be ≥ 1, got " + t);
                }
            }
            if (!profile && contexts.isEmpty() && sweepThreads.isEmpty()) {
                throw new IllegalArgumentException("nothing to run: no profile, no contexts, no thread counts");
            }
            if (saveTrace != null && !profile) {
                throw new IllegalArgumentException("saving the trace needs the profiled run");
            }
            profilerSettings(promptTokens, decodeTokens, context, repeats, warmup, threads, mode);
        }

        private static LatencyProfiler.Settings profilerSettings(int promptTokens, int decodeTokens, int context,
                int repeats, int warmup, int threads, CacheMode mode) {
            return new LatencyProfiler.Settings(promptTokens, decodeTokens, context, repeats, warmup, threads, mode);
        }

        /** The profiler's settings of the profiled run and the thread sweep. */
        public LatencyProfiler.Settings profilerSettings() {
            return profilerSettings(promptTokens, decodeTokens, context, repeats, warmup, threads, mode);
        }

        /** Cache tokens the runs need at most. */
        public int tokensNeeded() {
            int most = profile || !sweepThreads.isEmpty() ? profilerSettings().tokensNeeded() : 0;
            for (int c : contexts) {
                most = Math.max(most, c + decodeTokens + warmup + 1);
            }
            return most;
        }
    }

    @Override
    public LatencyReport run(Settings s, TaskContext ctx) throws Exception {
        try (ModelHandle h = host.open(s.checkpoint(), ctx)) {
            return run(h, s, ctx);
        }
    }

    private LatencyReport run(ModelHandle h, Settings s, TaskContext ctx) throws Exception {
        ModelConfig cfg = h.config();
        if (s.mode() == CacheMode.LATENT && !cfg.family().isMla()) {
            throw new IllegalArgumentException(s.checkpoint() + ": the latent cache needs an MLA model (PLM); "
                    + cfg.modelType() + " caches expanded K/V");
        }
        List<String> notes = new ArrayList<>();
        if (s.tokensNeeded() > cfg.maxPositionEmbeddings()) {
            notes.add(s.tokensNeeded() + " tokens exceed the model's max_position_embeddings "
                    + cfg.maxPositionEmbeddings() + " (speed is still measured)");
        }
        Path model = s.checkpoint().toAbsolutePath().normalize();
        String name = model.getFileName().toString();
        double[] loadStart = HostProbe.loadAverage();
        LatencyProfiler profiler = new LatencyProfiler(host, prepack);
        LatencyResult result = null;
        if (s.profile()) {
            ctx.message("Profiling prefill and decode");
            result = profiler.profile(h, s.profilerSettings(), ctx);
        }
        LatencyReport.ContextSweep contextSweep = null;
        if (!s.contexts().isEmpty()) {
            ctx.message("Decode vs context");
            Map<CacheMode, List<LatencyProfiler.Point>> byMode = profiler.decodeVsContext(h,
                    modes(s.mode(), cfg), ints(s.contexts()), s.decodeTokens(), s.warmup(), s.threads(), ctx);
            contextSweep = new LatencyReport.ContextSweep(name, byMode, s.decodeTokens(), s.warmup(), s.threads(),
                    HostProbe.loadAverage());
        }
        LatencyReport.ThreadSweep threadSweep = null;
        if (!s.sweepThreads().isEmpty()) {
            ctx.message("Thread sweep");
            threadSweep = new LatencyReport.ThreadSweep(name, profiler.threadSweep(h,
                    s.profilerSettings(), ints(s.sweepThreads()), ctx), s.promptTokens());
        }
        LatencyReport.Header header = new LatencyReport.Header(model.toString(), cfg.synthetic(), cfg.numLayers(),
                loadStart, HostProbe.loadAverage(), notes);
        return new LatencyReport(header, result, null, contextSweep, threadSweep, s.saveTrace());
    }

    /** The cache modes of the context sweep: the chosen one, else latent and expanded (MLA) or expanded. */
    static List<CacheMode> modes(CacheMode chosen, ModelConfig cfg) {
        if (chosen != null) {
            return List.of(chosen);
        }
        return cfg.family().isMla() ? List.of(CacheMode.LATENT, CacheMode.EXPANDED) : List.of(CacheMode.EXPANDED);
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
