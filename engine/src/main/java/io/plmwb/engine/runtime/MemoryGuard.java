package io.plmwb.engine.runtime;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Refuses to compile or load a model the host cannot hold, before anything big is allocated.
 *
 * <p>Estimated peak (bytes):
 * <ul>
 *   <li>native, while running: fp32 weights as compiled ({@link ArchitectureSummary#memoryAt}) plus a load
 *       overhead: ONNX Runtime reads the external data into its own buffers and pre-packs the GEMM weights, and a
 *       tied embedding is then held twice (once for Gather, once packed for the output head), plus
 *       {@link #LOAD_SLACK} of the weights (measured: the 2-layer PLM-1.8B synth, 1.51 GiB of fp32 weights, sits at
 *       2.77 GiB RSS after the session opens, 2.83 GiB peak); the cache at the context twice
 *       (each step concatenates past and new entries into a fresh present tensor while the past is still alive),
 *       and the workspace of {@code memoryAt};</li>
 *   <li>Java heap, while compiling (graph-cache miss only): the largest checkpoint tensor as a float[] twice (the
 *       tensor read from the checkpoint and a reshuffled copy) plus a floor; the JVM keeps that heap committed, so
 *       it counts against the host too.</li>
 * </ul>
 * The native + heap total is compared with {@code MemAvailable} of /proc/meminfo, and the compile heap with the
 * JVM's max heap. Host figures are injectable for tests.
 */
public final class MemoryGuard {

    /** Extra native bytes while ORT loads, as a fraction of the fp32 weights (on top of a second tied embedding). */
    public static final double LOAD_SLACK = 0.10;
    /** Heap floor for the graph build (protobuf graph, buffers). */
    static final long COMPILE_HEAP_FLOOR = 256L << 20;
    /** System property overriding MemAvailable (bytes). */
    public static final String AVAILABLE_PROPERTY = "plmwb.memory.available";
    /** Prefill chunk assumed for activations. */
    public static final int CHUNK_TOKENS = 512;

    private static final double GIB = 1024.0 * 1024 * 1024;

    /**
     * What the host can give.
     *
     * @param availableBytes MemAvailable (bytes), or -1 when unknown (then only the heap is checked)
     * @param maxHeapBytes   the JVM's max heap
     * @param usedHeapBytes  heap in use now
     */
    public record HostMemory(long availableBytes, long maxHeapBytes, long usedHeapBytes) {

        /**
         * This machine and JVM now. The system property {@value #AVAILABLE_PROPERTY} (bytes) replaces MemAvailable,
         * to rehearse a smaller machine (and for tests of the CLI's refusal).
         */
        public static HostMemory current() {
            Runtime rt = Runtime.getRuntime();
            String fake = System.getProperty(AVAILABLE_PROPERTY);
            long available = fake != null && !fake.isBlank() ? Long.parseLong(fake.trim())
                    : memAvailable(Path.of("/proc/meminfo"));
            return new HostMemory(available, rt.maxMemory(), rt.totalMemory() - rt.freeMemory());
        }

        /** MemAvailable of a meminfo file in bytes, -1 when it cannot be read. */
        static long memAvailable(Path meminfo) {
            try {
                for (String line : Files.readAllLines(meminfo)) {
                    if (line.startsWith("MemAvailable:")) {
                        String[] p = line.substring("MemAvailable:".length()).trim().split("\\s+");
                        return Long.parseLong(p[0]) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }

    /**
     * The estimate.
     *
     * @param weightBytes      fp32 weights as compiled
     * @param loadOverhead     extra native bytes while ORT loads/pre-packs the weights
     * @param cacheBytes       cache at the context (one copy)
     * @param cacheStepBytes   the second copy alive during a step
     * @param workspaceBytes   activations, logits, runtime buffers
     * @param compileHeapBytes Java heap for the graph build (0 when the graph is cached)
     */
    public record Estimate(long weightBytes, long loadOverhead, long cacheBytes, long cacheStepBytes,
                           long workspaceBytes, long compileHeapBytes) {

        /** Native bytes while running. */
        public long nativeBytes() {
            return weightBytes + loadOverhead + cacheBytes + cacheStepBytes + workspaceBytes;
        }

        /** Everything: native plus the compile heap. */
        public long peakBytes() {
            return nativeBytes() + compileHeapBytes;
        }

        /** One line: "weights 7.0 + load 1.7 + cache … GiB". */
        public String breakdown() {
            return String.format(Locale.ROOT, "weights %s + load overhead %s + cache %s ×2 + workspace %s%s",
                    gib(weightBytes), gib(loadOverhead), gib(cacheBytes), gib(workspaceBytes),
                    compileHeapBytes > 0 ? " + graph-build heap " + gib(compileHeapBytes) : "");
        }
    }

    private final Supplier<HostMemory> host;

    /** A guard reading the host's figures from {@code host} (tests inject fixed numbers). */
    public MemoryGuard(Supplier<HostMemory> host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /** A guard on this machine's /proc/meminfo and this JVM's heap. */
    public static MemoryGuard system() {
        return new MemoryGuard(HostMemory::current);
    }

    /** A guard that never refuses (for callers that checked already or want to try anyway). */
    public static MemoryGuard disabled() {
        return new MemoryGuard(() -> new HostMemory(-1, Long.MAX_VALUE, 0));
    }

    /** The estimate for a config in {@code mode} at {@code contextTokens}, compiling the graph or not. */
    public static Estimate estimate(ModelConfig cfg, CacheMode mode, long contextTokens, boolean compile) {
        ArchitectureSummary s = ArchitectureSummary.of(cfg);
        ArchitectureSummary.MemoryEstimate m = s.memoryAt(contextTokens, StorageType.FP32, mode.layout(),
                StorageType.FP32, CHUNK_TOKENS);
        long load = (long) (m.weightBytes() * LOAD_SLACK) + (cfg.tieWordEmbeddings() ? 4 * s.embedding() : 0);
        long compileHeap = 0;
        if (compile) {
            long largest = CheckpointLayout.largestTensorElements(cfg);
            compileHeap = 2 * 4 * largest + COMPILE_HEAP_FLOOR;
        }
        return new Estimate(m.weightBytes(), load, m.cacheBytes(), m.cacheBytes(), m.workspaceBytes(), compileHeap);
    }

    /**
     * Checks that the host can hold the model.
     *
     * @return the estimate, when it fits
     * @throws InsufficientMemoryException with what is needed and what there is
     */
    public Estimate check(ModelConfig cfg, CacheMode mode, long contextTokens, boolean compile)
            throws InsufficientMemoryException {
        Estimate e = estimate(cfg, mode, contextTokens, compile);
        HostMemory h = host.get();
        String what = cfg.modelType() + " (" + cfg.numLayers() + " layers, fp32) with the " + mode.key()
                + " KV cache at " + contextTokens + " tokens";
        if (compile) {
            long heapFree = h.maxHeapBytes() - h.usedHeapBytes();
            if (e.compileHeapBytes() > heapFree) {
                throw new InsufficientMemoryException("compiling " + what + " needs ~" + gib(e.compileHeapBytes())
                        + " of Java heap, only " + gib(heapFree) + " free under the JVM's max heap of "
                        + gib(h.maxHeapBytes()) + "; raise -Xmx (WORKBENCH_JAVA_OPTS=-Xmx…)",
                        e.compileHeapBytes(), heapFree);
            }
        }
        if (h.availableBytes() >= 0 && e.peakBytes() > h.availableBytes()) {
            throw new InsufficientMemoryException(what + " needs ~" + gib(e.peakBytes()) + " (" + e.breakdown()
                    + "), only " + gib(h.availableBytes()) + " available ("
                    + (System.getProperty(AVAILABLE_PROPERTY) != null ? AVAILABLE_PROPERTY : "MemAvailable")
                    + "); try a smaller context or a "
                    + "quantized variant", e.peakBytes(), h.availableBytes());
        }
        return e;
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }
}
