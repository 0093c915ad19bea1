package io.plmwb.experiments.kv;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * KV-cache memory of one model under every layout (MLA latent, expanded as public runtimes cache it,
 * MHA-equivalent, GQA-equivalent) at a cache dtype, the memory needed to run at a context (weights at a weight
 * dtype + cache + workspace, from {@link ArchitectureSummary#memoryAt}) and the longest context that fits a device
 * budget. Pure arithmetic on the config: no model is run.
 */
public final class KvCacheAnalysis {

    /** Prefill chunk assumed for the activation workspace (what the engine uses). */
    public static final int CHUNK = 512;
    /** The longest context searched for when asking what fits a budget. */
    public static final long MAX_SEARCH = 1L << 26;

    private final ModelConfig config;
    private final ArchitectureSummary summary;
    private final StorageType cacheType;
    private final StorageType weightType;

    /**
     * One layout's costs.
     *
     * @param layout                 the layout
     * @param valuesPerTokenPerLayer cached values per token in one layer
     * @param bytesPerTokenPerLayer  at the cache dtype
     * @param bytesPerToken          all layers
     * @param bytesAtContext         all layers at the analysis context
     * @param ratioToNative          bytesPerToken ÷ the native layout's
     */
    public record LayoutRow(KvLayout layout, long valuesPerTokenPerLayer, long bytesPerTokenPerLayer,
                            long bytesPerToken, long bytesAtContext, double ratioToNative) {
    }

    /**
     * The longest context of one layout on one device.
     *
     * @param layout      the layout
     * @param maxContext  the longest context that fits; 0 when not even the weights (+ workspace) fit; equal to
     *                    {@link #MAX_SEARCH} when the search limit fits
     */
    public record Fit(KvLayout layout, long maxContext) {
        public boolean weightsDoNotFit() {
            return maxContext == 0;
        }

        public boolean unbounded() {
            return maxContext >= MAX_SEARCH;
        }
    }

    public KvCacheAnalysis(ModelConfig config, StorageType cacheType, StorageType weightType) {
        this.config = config;
        this.summary = ArchitectureSummary.of(config);
        this.cacheType = cacheType;
        this.weightType = weightType;
    }

    public ModelConfig config() {
        return config;
    }

    public ArchitectureSummary summary() {
        return summary;
    }

    public StorageType cacheType() {
        return cacheType;
    }

    public StorageType weightType() {
        return weightType;
    }

    /** The layouts that apply to this model (latent only for MLA), in enum order. */
    public List<KvLayout> layouts() {
        List<KvLayout> out = new ArrayList<>();
        for (KvLayout l : KvLayout.values()) {
            if (summary.kvValuesPerTokenPerLayer(l).isPresent()) {
                out.add(l);
            }
        }
        return out;
    }

    /** Costs of every applicable layout at {@code context} tokens. */
    public List<LayoutRow> rows(long context) {
        long nativePerToken = summary.kvBytesPerToken(summary.nativeLayout(), cacheType).orElseThrow();
        List<LayoutRow> out = new ArrayList<>();
        for (KvLayout l : layouts()) {
            long v = summary.kvValuesPerTokenPerLayer(l).getAsLong();
            long perToken = summary.kvBytesPerToken(l, cacheType).getAsLong();
            out.add(new LayoutRow(l, v, cacheType.bytesFor(v), perToken,
                    summary.kvBytes(l, cacheType, context).getAsLong(), perToken / (double) nativePerToken));
        }
        return out;
    }

    /** Cache bytes of a layout at a context (empty if the layout does not apply). */
    public OptionalLong cacheBytes(KvLayout layout, long context) {
        return summary.kvBytes(layout, cacheType, context);
    }

    /** Bytes of the weights at the weight dtype. */
    public long weightBytes() {
        return summary.weightBytes(weightType);
    }

    /** Weights + cache + workspace at a context. */
    public long memoryAt(KvLayout layout, long context) {
        return summary.memoryAt(context, weightType, layout, cacheType, CHUNK).total();
    }

    /** The longest context whose {@link #memoryAt} fits {@code budgetBytes} (binary search; memory grows with it). */
    public Fit fit(KvLayout layout, long budgetBytes) {
        if (memoryAt(layout, 0) > budgetBytes) {
            return new Fit(layout, 0);
        }
        if (memoryAt(layout, MAX_SEARCH) <= budgetBytes) {
            return new Fit(layout, MAX_SEARCH);
        }
        long lo = 0;
        long hi = MAX_SEARCH;
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (memoryAt(layout, mid) <= budgetBytes) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return new Fit(layout, lo);
    }

    /** The longest context per applicable layout for a device. */
    public List<Fit> fits(DeviceBudget device) {
        List<Fit> out = new ArrayList<>();
        for (KvLayout l : layouts()) {
            out.add(fit(l, device.bytes()));
        }
        return out;
    }
}
