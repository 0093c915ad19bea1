package io.plmwb.experiments.kv;

import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The KV Cache workspace's workflow: the analytic costs of every layout at a cache dtype and context, the longest
 * context per device budget and the two charts ({@link #analyze}, instant), and, when asked, the cache tensors the
 * engine holds after filling a session to the context in each cache mode (loads the checkpoint once per mode).
 */
public final class KvStudy implements Study<KvStudy.Settings, KvReport> {

    /**
     * What is analysed: a display name, the config, and where it came from (a preset name or a checkpoint folder;
     * both null for a config shown without either).
     */
    public record Source(String name, ModelConfig config, String preset, Path checkpoint) {
        public Source {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(config, "config");
            if (preset != null && checkpoint != null) {
                throw new IllegalArgumentException("a source is a preset or a checkpoint, not both");
            }
        }

        /** A published architecture by name. */
        public static Source preset(String name) {
            ModelConfig c = Presets.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown preset '"
                    + name + "' (known: " + String.join(", ", Presets.names()) + ")"));
            return new Source(name, c, name, null);
        }

        /** A checkpoint folder (or .gguf file) whose config has been read. */
        public static Source checkpoint(String name, ModelConfig config, Path checkpoint) {
            return new Source(name, config, null, Objects.requireNonNull(checkpoint, "checkpoint"));
        }
    }

    /**
     * How to measure.
     *
     * @param modes cache modes to fill and read, in order; empty: latent and expanded for MLA, expanded otherwise
     * @param spec  the session asked of the study's host (weights, runtime); the mode and context limit are set per
     *              run
     */
    public record Measurement(List<CacheMode> modes, SessionSpec spec) {
        public Measurement {
            modes = List.copyOf(modes);
            Objects.requireNonNull(spec, "spec");
        }

        /** The default modes on the host's sessions. */
        public static Measurement onHost() {
            return new Measurement(List.of(), SessionSpec.defaults());
        }

        /** The default modes with {@code threads} intra-op threads (0: the host's setting). */
        public static Measurement withThreads(int threads) {
            return new Measurement(List.of(), threads > 0 ? SessionSpec.defaults().withThreads(threads)
                    : SessionSpec.defaults());
        }

        /** The modes measured for {@code cfg}. */
        public List<CacheMode> modesFor(ModelConfig cfg) {
            if (modes.isEmpty()) {
                return cfg.family().isMla() ? List.of(CacheMode.LATENT, CacheMode.EXPANDED)
                        : List.of(CacheMode.EXPANDED);
            }
            for (CacheMode m : modes) {
                if (m == CacheMode.LATENT && !cfg.family().isMla()) {
                    throw new IllegalArgumentException("measuring the latent cache needs an MLA model (PLM); " + cfg.modelType()
                            + " caches expanded K/V");
                }
            }
            return modes;
        }
    }

    /**
     * The study's settings.
     *
     * @param source      the model
     * @param cacheType   cache dtype of the analytic figures
     * @param weightsType weight dtype of the memory to run
     * @param context     context length; 0: the model's max_position_embeddings
     * @param budgets     device budgets, in order
     * @param measurement how to measure, or null for the analytic figures only
     */
    public record Settings(Source source, StorageType cacheType, StorageType weightsType, long context,
                           List<DeviceBudget> budgets, Measurement measurement) {
        public Settings {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(cacheType, "cacheType");
            Objects.requireNonNull(weightsType, "weightsType");
            budgets = List.copyOf(budgets);
            long resolved = context == 0 ? source.config().maxPositionEmbeddings() : context;
            if (context < 0 || resolved < 1 || resolved > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the context must be between 1 and " + Integer.MAX_VALUE);
            }
            if (measurement != null && source.checkpoint() == null) {
                throw new IllegalArgumentException("measuring needs a checkpoint folder: "
                        + (source.preset() != null ? "a preset has no weights" : "the model has no folder"));
            }
            if (measurement != null) {
                measurement.modesFor(source.config());
            }
        }

        /** The context analysed: {@link #context()}, or max_position_embeddings when that is 0. */
        public long resolvedContext() {
            return context == 0 ? source.config().maxPositionEmbeddings() : context;
        }

        /** The same settings without measurement. */
        public Settings analyticOnly() {
            return new Settings(source, cacheType, weightsType, context, budgets, null);
        }

        /** The same settings measuring as {@code m}. */
        public Settings measuring(Measurement m) {
            return new Settings(source, cacheType, weightsType, context, budgets, m);
        }
    }

    private final ModelSessions host;

    /** Measures on the process-wide host ({@link ModelSessions#shared()}). */
    public KvStudy() {
        this(ModelSessions.shared());
    }

    /** Measures on sessions leased from {@code host}. */
    public KvStudy(ModelSessions host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The analytic report (no measurement, no model loaded): fast enough to recompute on every edit. */
    public static KvReport analyze(Settings s) {
        return new KvReport(s.analyticOnly(), List.of());
    }

    @Override
    public KvReport run(Settings s, TaskContext ctx) throws Exception {
        KvReport analytic = analyze(s);
        if (s.measurement() == null) {
            return analytic;
        }
        int context = (int) s.resolvedContext();
        List<KvCacheProbe.Result> results = new ArrayList<>();
        for (CacheMode mode : s.measurement().modesFor(s.source().config())) {
            ctx.checkCancelled();
            ctx.message("Loading " + mode.key() + " graph");
            SessionSpec spec = s.measurement().spec().withMode(mode).withContextLimit(context + 1);
            try (LoadedModel m = host.lease(s.source().checkpoint(), spec, ctx).model()) {
                results.add(KvCacheProbe.measure(m, context, ctx));
            }
        }
        return new KvReport(s, results);
    }
}
