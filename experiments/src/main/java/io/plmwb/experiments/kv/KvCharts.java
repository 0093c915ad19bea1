package io.plmwb.experiments.kv;

import io.plmwb.engine.arch.KvLayout;
import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.LineStyle;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The KV Cache workspace's charts, shared by the GUI and {@code workbench kv}. */
public final class KvCharts {

    private static final double GIB = 1L << 30;
    /** The shortest context drawn. */
    public static final long MIN_CONTEXT = 128;

    private KvCharts() {
    }

    /**
     * Contexts drawn: powers of two from {@link #MIN_CONTEXT} to 4 × max_position_embeddings (at least 128 Ki), plus
     * max_position_embeddings itself.
     */
    public static long[] contexts(long maxPosition) {
        TreeSet<Long> c = new TreeSet<>();
        long end = Math.max(4 * maxPosition, 131072);
        for (long n = MIN_CONTEXT; n <= end; n *= 2) {
            c.add(n);
        }
        if (maxPosition >= MIN_CONTEXT) {
            c.add(maxPosition);
        }
        return c.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Cache bytes (GiB, log) against context (log) for every layout, with the weights as a dashed reference line and
     * a marker at max_position_embeddings.
     */
    public static ChartSpec cacheVsContext(String model, KvCacheAnalysis a) {
        long maxPos = a.config().maxPositionEmbeddings();
        long[] ctx = contexts(maxPos);
        double[] x = new double[ctx.length];
        for (int i = 0; i < ctx.length; i++) {
            x[i] = ctx[i];
        }
        ChartSpec.Builder b = ChartSpec.builder("kv-cache-vs-context-" + slug(model), ChartKind.LINE)
                .title(model + ": KV cache vs context")
                .subtitle(String.format(Locale.ROOT, "cache %s, weights %s (%s GiB); %d layers",
                        a.cacheType().label(), a.weightType().label(), gib(a.weightBytes()), a.config().numLayers()))
                .xAxis(Axis.of("context", "tokens").withLog(true))
                .yAxis(Axis.of("memory", "GiB").withLog(true))
                .legend(true, LegendPosition.RIGHT);
        for (KvLayout l : a.layouts()) {
            double[] y = new double[ctx.length];
            for (int i = 0; i < ctx.length; i++) {
                y[i] = a.cacheBytes(l, ctx[i]).getAsLong() / GIB;
            }
            b.addSeries(Series.xy(label(l), x, y).markers(true).build());
        }
        double[] w = new double[ctx.length];
        java.util.Arrays.fill(w, a.weightBytes() / GIB);
        b.addSeries(Series.xy("weights (" + a.weightType().label() + ")", x, w).lineStyle(LineStyle.DASHED)
                .color("#7f7f7f").build());
        if (maxPos >= MIN_CONTEXT) {
            b.addMarker(Marker.vertical(maxPos, "max_position_embeddings " + maxPos));
        }
        return b.build();
    }

    /**
     * Memory to run (weights + cache + workspace, GiB) against context for every layout, with each device budget as
     * a horizontal marker: where a line crosses a budget is the longest context that fits.
     */
    public static ChartSpec memoryVsBudgets(String model, KvCacheAnalysis a, List<DeviceBudget> devices) {
        // draw far enough to show where the native layout crosses the largest budget
        long reach = a.config().maxPositionEmbeddings();
        for (DeviceBudget d : devices) {
            KvCacheAnalysis.Fit f = a.fit(a.summary().nativeLayout(), d.bytes());
            reach = Math.max(reach, Math.min(2 * f.maxContext(), KvCacheAnalysis.MAX_SEARCH / 4));
        }
        long[] ctx = contexts(reach);
        double[] x = new double[ctx.length];
        for (int i = 0; i < ctx.length; i++) {
            x[i] = ctx[i];
        }
        ChartSpec.Builder b = ChartSpec.builder("kv-memory-vs-budgets-" + slug(model), ChartKind.LINE)
                .title(model + ": memory to run vs device budgets")
                .subtitle(String.format(Locale.ROOT, "weights %s + cache %s + workspace; budgets are physical RAM",
                        a.weightType().label(), a.cacheType().label()))
                .xAxis(Axis.of("context", "tokens").withLog(true))
                .yAxis(Axis.of("memory", "GiB").withLog(true))
                .legend(true, LegendPosition.RIGHT);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (KvLayout l : a.layouts()) {
            double[] y = new double[ctx.length];
            for (int i = 0; i < ctx.length; i++) {
                y[i] = a.memoryAt(l, ctx[i]) / GIB;
                lo = Math.min(lo, y[i]);
                hi = Math.max(hi, y[i]);
            }
            b.addSeries(Series.xy(label(l), x, y).markers(true).build());
        }
        // one marker per budget size (devices with the same budget share it), all inside the y range
        java.util.Map<Long, List<String>> bySize = new java.util.TreeMap<>();
        for (DeviceBudget d : devices) {
            bySize.computeIfAbsent(d.bytes(), k -> new ArrayList<>()).add(d.name());
        }
        for (var e : bySize.entrySet()) {
            double gib = e.getKey() / GIB;
            b.addMarker(Marker.horizontal(gib, String.join(", ", e.getValue()) + " · "
                    + new DeviceBudget("x", e.getKey()).label().substring(4)));
            lo = Math.min(lo, gib);
            hi = Math.max(hi, gib);
        }
        if (hi > 0) {
            double top = bySize.isEmpty() ? hi * 1.5 : Math.min(hi * 1.5, 3 * bySize.keySet().stream()
                    .mapToLong(Long::longValue).max().getAsLong() / GIB);
            // whole decades, so the log axis gets round tick labels
            b.yAxis(Axis.of("memory", "GiB").withLog(true).withRange(Math.pow(10, Math.floor(Math.log10(lo / 1.2))),
                    Math.pow(10, Math.ceil(Math.log10(top)))));
        }
        return b.build();
    }

    /** Legend label of a layout. */
    public static String label(KvLayout l) {
        return switch (l) {
            case LATENT -> "MLA latent";
            case EXPANDED -> "expanded K/V";
            case MHA -> "MHA-equivalent";
            case GQA -> "GQA-equivalent";
        };
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / GIB);
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
