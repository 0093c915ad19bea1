package io.plmwb.experiments.variants;

import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.Series;
import java.util.List;
import java.util.Locale;

/** Charts of a {@link VariantComparison.Result}: speed per variant, and size/quality relative to fp32. */
public final class VariantCharts {

    private VariantCharts() {
    }

    /** Prefill and decode tokens/s per variant (side-by-side bars). */
    public static ChartSpec speed(VariantComparison.Result r) {
        List<String> labels = r.variants().stream().map(VariantComparison.Variant::label).toList();
        double[] prefill = r.variants().stream().mapToDouble(VariantComparison.Variant::prefillTokensPerSecond)
                .toArray();
        double[] decode = r.variants().stream().mapToDouble(VariantComparison.Variant::decodeTokensPerSecond)
                .toArray();
        return ChartSpec.builder("variants-speed-" + slug(r.name()), ChartKind.BAR)
                .title(r.name() + (r.synthetic() ? " (SYNTHETIC)" : "") + ": speed by weight precision")
                .subtitle(String.format(Locale.ROOT, "prefill %d tok, decode %d tok, %s, %d threads", r.prefillTokens(),
                        r.decodeTokens(), r.cacheMode(), r.threads()))
                .xAxis(Axis.of("Variant", ""))
                .yAxis(Axis.of("Speed", "tokens/s"))
                .addSeries(Series.categories("Prefill", labels, prefill).build())
                .addSeries(Series.categories("Decode", labels, decode).build())
                .legend(true, LegendPosition.RIGHT)
                .build();
    }

    /**
     * Graph weight bytes and decode speed relative to fp32, and top-1 agreement with fp32 (all ratios, so one axis
     * holds them).
     */
    public static ChartSpec relative(VariantComparison.Result r) {
        VariantComparison.Variant f = r.variants().get(0);
        List<String> labels = r.variants().stream().map(VariantComparison.Variant::label).toList();
        double[] bytes = r.variants().stream().mapToDouble(v -> (double) v.graphBytes() / f.graphBytes()).toArray();
        double[] decode = r.variants().stream().mapToDouble(v -> v.decodeTokensPerSecond()
                / f.decodeTokensPerSecond()).toArray();
        double[] top1 = r.variants().stream().mapToDouble(VariantComparison.Variant::top1Agreement).toArray();
        return ChartSpec.builder("variants-relative-" + slug(r.name()), ChartKind.BAR)
                .title(r.name() + (r.synthetic() ? " (SYNTHETIC)" : "") + ": variants relative to fp32")
                .subtitle(String.format(Locale.ROOT, "quality on %d held-out tokens", r.evalTokens()))
                .xAxis(Axis.of("Variant", ""))
                .yAxis(Axis.of("Relative to fp32", "×"))
                .addSeries(Series.categories("Weight bytes", labels, bytes).build())
                .addSeries(Series.categories("Decode speed", labels, decode).build())
                .addSeries(Series.categories("Top-1 agreement", labels, top1).build())
                .legend(true, LegendPosition.RIGHT)
                .build();
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
