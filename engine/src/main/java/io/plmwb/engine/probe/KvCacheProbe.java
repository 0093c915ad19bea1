package io.plmwb.engine.probe;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.task.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Measures the KV cache a running model really holds: fills a session's cache to a context length with chunked
 * prefills, then reads the shapes and element types of the native cache tensors the session keeps between steps,
 * and sets them beside the analytic bytes of {@link ArchitectureSummary} for the same layout and dtype.
 */
public final class KvCacheProbe {

    /** Tokens per prefill chunk while filling the cache. */
    public static final int CHUNK = 256;

    private KvCacheProbe() {
    }

    /**
     * The measured cache of one layer next to its analytic size.
     *
     * @param layer          layer index (from the tensor names, as an integer)
     * @param tensors        the layer's cache tensors
     * @param measuredBytes  sum of their bytes
     * @param analyticBytes  the analytic bytes of the layout at this context and dtype, one layer
     */
    public record LayerRow(int layer, List<DecoderSession.CacheTensor> tensors, long measuredBytes,
                           long analyticBytes) {
        public LayerRow {
            tensors = List.copyOf(tensors);
        }

        public boolean matches() {
            return measuredBytes == analyticBytes;
        }
    }

    /**
     * A measurement.
     *
     * @param mode          the session's cache mode
     * @param layout        the analytic layout it corresponds to (latent or expanded)
     * @param context       tokens in the cache when it was read
     * @param dtype         the cache's element type as measured
     * @param storage       that type as a {@link StorageType} (what the analytic figure is costed at)
     * @param layers        per layer, ordered by integer layer index
     * @param measuredBytes all cache tensors
     * @param analyticBytes {@link ArchitectureSummary#kvBytes} for the layout, dtype and context
     * @param fillMs        time to fill the cache
     */
    public record Result(CacheMode mode, KvLayout layout, int context, String dtype, StorageType storage,
                         List<LayerRow> layers, long measuredBytes, long analyticBytes, double fillMs) {
        public Result {
            layers = List.copyOf(layers);
        }

        /** True when every layer and the total match the analytic bytes exactly. */
        public boolean matches() {
            return measuredBytes == analyticBytes && layers.stream().allMatch(LayerRow::matches);
        }

        /** Measured bytes per token (all layers). */
        public double bytesPerToken() {
            return context == 0 ? 0 : (double) measuredBytes / context;
        }
    }

    /** The layout whose analytic size a cache mode should have. */
    public static KvLayout layoutOf(CacheMode mode) {
        return mode == CacheMode.LATENT ? KvLayout.LATENT : KvLayout.EXPANDED;
    }

    /** The storage type of a DJL dtype name ("float32", "float16", "bfloat16"), if it has one. */
    public static Optional<StorageType> storageOf(String dtype) {
        return switch (dtype) {
            case "float32" -> Optional.of(StorageType.FP32);
            case "float16" -> Optional.of(StorageType.FP16);
            case "bfloat16" -> Optional.of(StorageType.BF16);
            default -> Optional.empty();
        };
    }

    /**
     * Resets the model's session, fills its cache with {@code context} seeded random token ids in chunks of
     * {@link #CHUNK} (progress and cancel through {@code ctx}), then reads the cache tensors. The session's previous
     * cache is lost.
     */
    public static Result measure(LoadedModel model, int context, TaskContext ctx) {
        if (context < 1) {
            throw new IllegalArgumentException("context must be ≥ 1, got " + context);
        }
        ModelConfig cfg = model.config();
        DecoderSession s = model.session();
        SplittableRandom r = new SplittableRandom(7);
        int vocab = Math.min(cfg.vocabSize(), s.vocabSize() > 0 ? s.vocabSize() : cfg.vocabSize());
        s.reset();
        long t0 = System.nanoTime();
        for (int at = 0; at < context; at += CHUNK) {
            ctx.checkCancelled();
            int n = Math.min(CHUNK, context - at);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = r.nextInt(vocab);
            }
            s.prefill(ids);
            ctx.progress(at + n, context);
            ctx.message("Filled " + (at + n) + " of " + context + " tokens");
        }
        double fillMs = (System.nanoTime() - t0) / 1e6;
        return compare(cfg, model.cacheMode(), context, s.cacheTensors(), fillMs);
    }

    /** Sets measured cache tensors beside the analytic figures (exposed for tests and offline traces). */
    public static Result compare(ModelConfig cfg, CacheMode mode, int context, List<DecoderSession.CacheTensor> tensors,
            double fillMs) {
        if (tensors.isEmpty()) {
            throw new IllegalStateException("the session holds no cache tensors");
        }
        String dtype = tensors.get(0).dtype();
        for (DecoderSession.CacheTensor t : tensors) {
            if (!t.dtype().equals(dtype)) {
                throw new IllegalStateException("cache tensors of mixed types: " + dtype + " and " + t.dtype() + " ("
                        + t.name() + ")");
            }
        }
        StorageType storage = storageOf(dtype).orElseThrow(
                () -> new IllegalStateException("no analytic storage type for cache dtype " + dtype));
        KvLayout layout = layoutOf(mode);
        ArchitectureSummary summary = ArchitectureSummary.of(cfg);
        long perLayerValues = summary.kvValuesPerTokenPerLayer(layout).orElseThrow(
                () -> new IllegalStateException(layout.key() + " layout does not apply to " + cfg.modelType()));
        long analyticLayer = storage.bytesFor(perLayerValues * context);
        List<List<DecoderSession.CacheTensor>> byLayer = new ArrayList<>();
        for (int i = 0; i < cfg.numLayers(); i++) {
            byLayer.add(new ArrayList<>());
        }
        for (DecoderSession.CacheTensor t : tensors) {
            int layer = t.layer();
            if (layer < 0 || layer >= cfg.numLayers()) {
                throw new IllegalStateException("cache tensor " + t.name() + " names no layer of this "
                        + cfg.numLayers() + "-layer model");
            }
            byLayer.get(layer).add(t);
        }
        List<LayerRow> rows = new ArrayList<>();
        long measured = 0;
        for (int i = 0; i < byLayer.size(); i++) {
            long b = byLayer.get(i).stream().mapToLong(DecoderSession.CacheTensor::bytes).sum();
            measured += b;
            rows.add(new LayerRow(i, byLayer.get(i), b, analyticLayer));
        }
        long analytic = summary.kvBytes(layout, storage, context).orElseThrow();
        return new Result(mode, layout, context, dtype, storage, rows, measured, analytic, fillMs);
    }
}
