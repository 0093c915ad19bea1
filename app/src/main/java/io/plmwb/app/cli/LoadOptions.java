package io.plmwb.app.cli;

import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import picocli.CommandLine.Option;

/** How commands that run a model open it: {@code --no-prepack} and {@code --no-memory-check}. */
public final class LoadOptions {

    @Option(names = "--no-prepack",
            description = "keep ORT from pre-packing the weights (session.disable_prepacking): the weights stay "
                    + "memory-mapped; much faster load, less memory")
    boolean noPrepack;

    @Option(names = "--no-memory-check", description = "skip the memory guard")
    boolean noMemoryCheck;

    /** The model argument must be an existing folder (a file or a missing path is bad input, exit 2). */
    static void requireCheckpointFolder(java.nio.file.Path model) {
        if (!java.nio.file.Files.isDirectory(model)) {
            throw new BadInputException(model + (java.nio.file.Files.exists(model) ? " is not a folder"
                    : " does not exist"));
        }
    }

    /** True unless {@code --no-prepack}. */
    boolean prepack() {
        return !noPrepack;
    }

    /** Loader options with {@code threads} intra-op threads (0: all cores) and these flags applied. */
    ModelLoader.Options apply(ModelLoader.Options base, int threads) {
        RuntimeOptions runtime = (threads > 0 ? RuntimeOptions.threads(1, threads) : RuntimeOptions.defaults())
                .withPrepack(prepack());
        return base.withRuntime(runtime).withGuard(noMemoryCheck ? MemoryGuard.disabled() : MemoryGuard.system());
    }
}
