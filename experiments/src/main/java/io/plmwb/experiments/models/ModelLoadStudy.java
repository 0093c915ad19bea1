package io.plmwb.experiments.models;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads a checkpoint folder or .gguf file to run it (weights checked, graph compiled or taken from the graph cache,
 * session opened): the one place the Models workspace and {@code workbench generate} open a model. The report holds
 * the {@link LoadedModel}; whoever runs the study owns it and closes it.
 */
public final class ModelLoadStudy implements Study<ModelLoadStudy.Settings, LoadReport> {

    /**
     * How to load.
     *
     * @param model        checkpoint folder or .gguf file
     * @param mode         cache layout; null: latent for MLA models, expanded otherwise
     * @param threads      ONNX Runtime intra-op threads; 0: all cores
     * @param contextLimit most tokens a generation may hold; 0: the model's max_position_embeddings
     * @param weights      graph weights "f32", "q8" or "q4"; null: the file's own width
     * @param prepack      let ORT pre-pack the GEMM weights
     * @param memoryCheck  ask the memory guard before loading
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

    @Override
    public LoadReport run(Settings settings, TaskContext ctx) throws Exception {
        ModelLoader.Options options = settings.loaderOptions();
        LoadedModel m = ModelLoader.load(settings.model(), options, ctx);
        return new LoadReport(m);
    }
}
