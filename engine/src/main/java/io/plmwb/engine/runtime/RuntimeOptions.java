package io.plmwb.engine.runtime;

import java.nio.file.Path;

/**
 * ONNX Runtime session settings.
 *
 * @param interOpThreads  threads across independent nodes (DJL option interOpNumThreads)
 * @param intraOpThreads  threads inside one node (DJL option intraOpNumThreads)
 * @param profileOutput   when not null, ORT writes a Chrome-trace profile with this prefix when the session closes
 */
public record RuntimeOptions(int interOpThreads, int intraOpThreads, Path profileOutput) {

    public RuntimeOptions {
        if (interOpThreads < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be >= 1, got inter " + interOpThreads + ", intra "
                    + intraOpThreads);
        }
    }

    /** One inter-op thread, all cores intra-op, no profiling. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(1, Math.max(1, Runtime.getRuntime().availableProcessors()), null);
    }

    /** The given thread counts, no profiling. */
    public static RuntimeOptions threads(int inter, int intra) {
        return new RuntimeOptions(inter, intra, null);
    }
}
