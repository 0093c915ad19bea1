package io.plmwb.engine.runtime;

import java.nio.file.Path;

/**
 * ONNX Runtime session settings.
 *
 * @param interOpThreads  threads across independent nodes (DJL option interOpNumThreads)
 * @param intraOpThreads  threads inside one node (DJL option intraOpNumThreads)
 * @param profileOutput   when not null, ORT writes a Chrome-trace profile with this prefix when the session closes
 * @param prepackWeights  true: ORT pre-packs the GEMM weights at load (copies every weight into MLAS's packed
 *                        layout); false (the default, see docs/decisions/0004-no-weight-prepacking.md): session
 *                        config {@code session.disable_prepacking=1}, the weights stay in the memory-mapped
 *                        external-data file (see docs/benchmarks.md for the load-time and decode effects)
 */
public record RuntimeOptions(int interOpThreads, int intraOpThreads, Path profileOutput, boolean prepackWeights) {

    public RuntimeOptions {
        if (interOpThreads < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be >= 1, got inter " + interOpThreads + ", intra "
                    + intraOpThreads);
        }
    }

    /** Without weight pre-packing (the workbench default: 5× faster load, half the memory, same speed). */
    public RuntimeOptions(int interOpThreads, int intraOpThreads, Path profileOutput) {
        this(interOpThreads, intraOpThreads, profileOutput, false);
    }

    /** One inter-op thread, all cores intra-op, no profiling. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(1, Math.max(1, Runtime.getRuntime().availableProcessors()), null);
    }

    /** The given thread counts, no profiling. */
    public static RuntimeOptions threads(int inter, int intra) {
        return new RuntimeOptions(inter, intra, null);
    }

    /** A copy with weight pre-packing on or off. */
    public RuntimeOptions withPrepack(boolean prepack) {
        return new RuntimeOptions(interOpThreads, intraOpThreads, profileOutput, prepack);
    }
}
