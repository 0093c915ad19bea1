package io.plmwb.app.cli;

import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import picocli.CommandLine.Option;

/** How commands that run a model open it: {@code --prepack} / {@code --no-prepack} and {@code --no-memory-check}. */
public final class LoadOptions {

    @Option(names = "--prepack", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "let ORT pre-pack the GEMM weights at load (copies them into its packed layout: ~5x slower "
                    + "load, about twice the memory, no faster here). Default: off (--no-prepack), the weights "
                    + "stay memory-mapped")
    boolean prepack;

    @Option(names = "--no-memory-check", description = "skip the memory guard")
    boolean noMemoryCheck;

    @Option(names = "--weights", paramLabel = "f32|q8|q4",
            description = "linear-layer weights of the graph: f32, or block-quantized 8/4-bit run by ORT's MatMulNBits "
                    + "(default: f32 for checkpoint folders, the file's own width for quantized .gguf files)")
    String weights;

    /** The model argument must be an existing folder or GGUF file (anything else is bad input, exit 2). */
    static void requireCheckpointFolder(java.nio.file.Path model) {
        if (!java.nio.file.Files.isDirectory(model) && !io.plmwb.engine.runtime.ModelFiles.isGguf(model)) {
            throw new BadInputException(model + (java.nio.file.Files.exists(model)
                    ? " is neither a checkpoint folder nor a .gguf file" : " does not exist"));
        }
    }

    /** True with {@code --prepack}. */
    boolean prepack() {
        return prepack;
    }

    /** Loader options with {@code threads} intra-op threads (0: all cores) and these flags applied. */
    ModelLoader.Options apply(ModelLoader.Options base, int threads) {
        RuntimeOptions runtime = (threads > 0 ? RuntimeOptions.threads(1, threads) : RuntimeOptions.defaults())
                .withPrepack(prepack());
        if (weights != null && !io.plmwb.engine.graph.GraphOptions.DTYPES.contains(weights)) {
            throw new BadInputException("--weights must be f32, q8 or q4, got '" + weights + "'");
        }
        return base.withRuntime(runtime).withGuard(noMemoryCheck ? MemoryGuard.disabled() : MemoryGuard.system())
                .withWeights(weights);
    }

    /**
     * The command's session host: {@code threads} intra-op threads (0: all cores), the default graph cache, the
     * memory guard unless {@code --no-memory-check}. One per command run, so one per CLI process.
     */
    io.plmwb.engine.runtime.ModelSessions host(int threads) {
        return new io.plmwb.engine.runtime.ModelSessions(threads > 0 ? threads
                : RuntimeOptions.defaults().intraOpThreads(), io.plmwb.engine.graph.GraphCache.atDefaultLocation(),
                noMemoryCheck ? MemoryGuard.disabled() : MemoryGuard.system());
    }

    /**
     * The session spec of these flags on {@link #host(int)}: {@code --weights}, and with {@code --prepack} that
     * host's {@code threads} with pre-packing.
     */
    io.plmwb.engine.runtime.SessionSpec spec(int threads) {
        if (weights != null && !io.plmwb.engine.graph.GraphOptions.DTYPES.contains(weights)) {
            throw new BadInputException("--weights must be f32, q8 or q4, got '" + weights + "'");
        }
        io.plmwb.engine.runtime.SessionSpec s = io.plmwb.engine.runtime.SessionSpec.defaults().withWeights(weights);
        return prepack() ? s.withRuntime(RuntimeOptions.threads(1, threads > 0 ? threads
                : RuntimeOptions.defaults().intraOpThreads()).withPrepack(true)) : s;
    }

    /** Load-study settings for {@code model} with these flags applied ({@code threads} 0: all cores). */
    io.plmwb.experiments.models.ModelLoadStudy.Settings settings(java.nio.file.Path model, int threads,
            io.plmwb.engine.graph.CacheMode mode, int contextLimit) {
        if (weights != null && !io.plmwb.engine.graph.GraphOptions.DTYPES.contains(weights)) {
            throw new BadInputException("--weights must be f32, q8 or q4, got '" + weights + "'");
        }
        return new io.plmwb.experiments.models.ModelLoadStudy.Settings(model, mode, threads, contextLimit, weights,
                prepack(), !noMemoryCheck);
    }
}
