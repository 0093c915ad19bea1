package io.plmwb.experiments.models;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads a checkpoint folder or .gguf file to run it (weights checked, graph compiled or taken from the graph cache,
 * session opened): the one place the Models workspace and {@code workbench generate} open a model. The model is a
 * lease of the study's {@link ModelSessions} host, so callers of one host share the checkpoint and, for equal session
 * keys, the ONNX Runtime session. The report holds the {@link LoadedModel}; whoever runs the study owns it and closes
 * it (closing the lease).
 */
public final class ModelLoadStudy implements Study<ModelLoadStudy.Settings, LoadReport> {

    /**
     * How to load.
     *
     * @param model        checkpoint folder or .gguf file
     * @param mode         cache layout; null: latent for MLA models, expanded otherwise
     * @param threads      ONNX Runtime intra-op threads; 0 or the host's count: the host's setting
     * @param contextLimit most tokens a generation may hold; 0: the model's max_position_embeddings
     * @param weights      graph weights "f32", "q8" or "q4"; null: the file's own width
     * @param prepack      let ORT pre-pack the GEMM weights
     * @param memoryCheck  ask the memory guard before loading (the host's guard; off: a session of its own
     *                     without the guard, as {@code --no-memory-check} asks)
     */
    public record Settings(Path model, CacheMode mode, int threads, int contextLimit, String weights,
                           boolean prepack, boolean memoryCheck) {
        public Settings {
            Objects.requireNonNull(model, "model");
            if (threads < 0 || contextLimit < 0) {
                throw new IllegalArgumentException("threads and context limit must be ≥ 0");
            }
        }

        /** Native mode and weights, the model's context, the memory guard on, no pre-packing. */
        public static Settings of(Path model, int threads) {
            return new Settings(model, null, threads, 0, null, false, true);
        }

        /** The session asked of {@code host}: runtime options of its own only for other threads or pre-packing. */
        public SessionSpec spec(ModelSessions host) {
            SessionSpec spec = SessionSpec.defaults().withMode(mode).withWeights(weights)
                    .withContextLimit(contextLimit);
            int t = threads > 0 ? threads : host.threads();
            if (t != host.threads() || prepack) {
                spec = spec.withRuntime(RuntimeOptions.threads(1, t).withPrepack(prepack));
            }
            return spec;
        }

        /** The engine loader's options for these settings (graphs in the default graph cache). */
        public ModelLoader.Options loaderOptions() {
            RuntimeOptions runtime = (threads > 0 ? RuntimeOptions.threads(1, threads) : RuntimeOptions.defaults())
                    .withPrepack(prepack);
            return ModelLoader.Options.defaults().withRuntime(runtime)
                    .withGuard(memoryCheck ? MemoryGuard.system() : MemoryGuard.disabled())
                    .withWeights(weights).withMode(mode).withContextLimit(contextLimit)
                    .withCache(GraphCache.atDefaultLocation());
        }
    }

    private final ModelSessions host;

    /** Leases from the process-wide host ({@link ModelSessions#shared()}). */
    public ModelLoadStudy() {
        this(ModelSessions.shared());
    }

    /** Leases from {@code host}. */
    public ModelLoadStudy(ModelSessions host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The host this study leases from. */
    public ModelSessions host() {
        return host;
    }

    @Override
    public LoadReport run(Settings settings, TaskContext ctx) throws Exception {
        // the guard belongs to the host: an unchecked load gets a host of its own with the same cache and threads
        ModelSessions from = settings.memoryCheck() ? host
                : new ModelSessions(host.threads(), host.graphCache(), MemoryGuard.disabled());
        LoadedModel m = from.lease(settings.model(), settings.spec(from), ctx).model();
        return new LoadReport(m);
    }
}
