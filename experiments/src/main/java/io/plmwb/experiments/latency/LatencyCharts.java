package io.plmwb.experiments.latency;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.latency.LayerBreakdown.Block;
import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The latency charts, as {@link ChartSpec}s drawn by the GUI and exported by the CLI through one service. */
public final class LatencyCharts {

    /** Block colours (attention, MLP, norms, other), fixed so prefill, decode and difference charts agree. */
    private static final String[] COLORS = {"#4C72B0", "#DD8452", "#55A868", "#8C8C8C"};
    private static final String[] NAMES = {"attention", "MLP", "norms", "other"};

    private LatencyCharts() {
    }

    /** "L0", "L1", … (by index). */
    public static List<String> layerLabels(int layers) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            c.add("L" + i);
        }
        return c;
    }

    private static String subtitle(LatencyResult r) {
        LatencyProfiler.Settings s = r.settings();
        return String.format(Locale.ROOT, "%s · %s cache · %s · median of %d, warm-up %d excluded",
                r.model(), r.mode().key(), threads(s.threads()), s.repeats(), s.warmup());
    }

    private static String threads(int n) {
        return n == 1 ? "1 thread" : n + " threads";
    }

    /** Stacked per-layer bars (attention / MLP / norms / other) of one phase, medians in ms. */
    public static ChartSpec perLayer(LatencyResult r, boolean decode) {
        LatencyResult.Phase p = decode ? r.decode() : r.prefill();
        List<String> cats = layerLabels(r.layers());
        ChartSpec.Builder b = ChartSpec.builder(decode ? "latency-decode" : "latency-prefill", ChartKind.STACKED_BAR)
                .title(decode ? "Decode per layer at context " + p.context() + " (ms/token)"
                        : "Prefill per layer, " + p.tokens() + " tokens (ms)")
                .subtitle(subtitle(r))
                .xAxis(Axis.of("layer", ""))
                .yAxis(Axis.of(decode ? "time per token" : "time", "ms"))
                .legend(true, LegendPosition.RIGHT);
        Block[] blocks = Block.values();
        for (int k = 0; k < blocks.length; k++) {
            double[] y = new double[r.layers()];
            for (int l = 0; l < r.layers(); l++) {
                y[l] = p.layers().get(l).blocks().get(blocks[k]).median();
            }
            b.addSeries(Series.categories(NAMES[k], cats, y).color(COLORS[k]).build());
        }
        return b.build();
    }

    /** Totals next to wall-clock: kernels, ORT model_run, wall-clock with and without the profiler, per phase. */
    public static ChartSpec totals(LatencyResult r) {
        List<String> cats = List.of("prefill " + r.prefill().tokens() + " tok (ms)", "decode (ms/token)");
        LatencyResult.Phase[] ph = {r.prefill(), r.decode()};
        String[] names = {"layers+outside", "kernels", "ORT run", "wall (profiled)", "wall (no profiler)"};
        ChartSpec.Builder b = ChartSpec.builder("latency-totals", ChartKind.BAR)
                .title("Profiled totals vs wall-clock")
                .subtitle(subtitle(r))
                .xAxis(Axis.of("phase", ""))
                .yAxis(Axis.of("time", "ms"))
                .legend(true, LegendPosition.RIGHT);
        for (int k = 0; k < names.length; k++) {
            double[] y = new double[2];
            for (int i = 0; i < 2; i++) {
                y[i] = switch (k) {
                    case 0 -> ph[i].attributedMedianMs();
                    case 1 -> ph[i].kernelTotal().median();
                    case 2 -> ph[i].profiled().median();
                    case 3 -> ph[i].wallProfiled().median();
                    default -> ph[i].wallUnprofiled().median();
                };
            }
            b.addSeries(Series.categories(names[k], cats, y).build());
        }
        return b.build();
    }

    /** Per-layer difference B − A of one phase, per block (side-by-side bars; negative = B faster). */
    public static ChartSpec difference(LatencyResult a, LatencyResult bRun, boolean decode) {
        if (a.layers() != bRun.layers()) {
            throw new IllegalArgumentException("run A has " + a.layers() + " layers, run B " + bRun.layers()
                    + "; per-layer differences need the same depth");
        }
        LatencyResult.Phase pa = decode ? a.decode() : a.prefill();
        LatencyResult.Phase pb = decode ? bRun.decode() : bRun.prefill();
        List<String> cats = layerLabels(a.layers());
        ChartSpec.Builder c = ChartSpec.builder(decode ? "latency-diff-decode" : "latency-diff-prefill",
                        ChartKind.BAR)
                .title((decode ? "Decode" : "Prefill") + " per layer: B − A (" + (decode ? "ms/token" : "ms") + ")")
                .subtitle("A: " + describe(a) + "  ·  B: " + describe(bRun))
                .xAxis(Axis.of("layer", ""))
                .yAxis(Axis.of("B − A", "ms"))
                .legend(true, LegendPosition.RIGHT);
        Block[] blocks = Block.values();
        for (int k = 0; k < blocks.length; k++) {
            double[] y = new double[a.layers()];
            for (int l = 0; l < a.layers(); l++) {
                y[l] = pb.layers().get(l).blocks().get(blocks[k]).median()
                        - pa.layers().get(l).blocks().get(blocks[k]).median();
            }
            c.addSeries(Series.categories(NAMES[k], cats, y).color(COLORS[k]).build());
        }
        return c.build();
    }

    /** One line describing a run's settings. */
    public static String describe(LatencyResult r) {
        LatencyProfiler.Settings s = r.settings();
        return String.format(Locale.ROOT, "%s %s, %s, prompt %d, ctx %d", r.model(), r.mode().key(),
                threads(s.threads()), s.promptTokens(), s.decodeContext());
    }

    /** Decode ms/token (median over the steps) vs context, one line per cache mode. */
    public static ChartSpec decodeVsContext(String model, Map<CacheMode, List<LatencyProfiler.Point>> byMode,
                                            int threads) {
        ChartSpec.Builder b = ChartSpec.builder("latency-vs-context", ChartKind.LINE)
                .title("Decode latency vs context: latent vs expanded cache")
                .subtitle(model + " · " + threads(threads) + " · wall-clock, no profiler, modes interleaved · median per step")
                .xAxis(Axis.of("context", "tokens"))
                .yAxis(Axis.of("decode", "ms/token"))
                .legend(true, LegendPosition.BOTTOM);
        for (Map.Entry<CacheMode, List<LatencyProfiler.Point>> e : byMode.entrySet()) {
            List<LatencyProfiler.Point> pts = e.getValue();
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            for (int i = 0; i < pts.size(); i++) {
                x[i] = pts.get(i).x();
                y[i] = pts.get(i).ms().median();
            }
            b.addSeries(Series.xy(e.getKey().key(), x, y).markers(true).build());
        }
        return b.build();
    }

    /** Prefill ms and decode ms/token (medians) vs intra-op threads. */
    public static ChartSpec threadSweep(String model, List<LatencyProfiler.ThreadPoint> pts, int promptTokens) {
        double[] x = new double[pts.size()];
        double[] pre = new double[pts.size()];
        double[] dec = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            x[i] = pts.get(i).threads();
            pre[i] = pts.get(i).prefill().median();
            dec[i] = pts.get(i).decode().median();
        }
        return ChartSpec.builder("latency-threads", ChartKind.LINE)
                .title("Thread sweep")
                .subtitle(model + " · wall-clock, no profiler · medians")
                .xAxis(Axis.of("intra-op threads", ""))
                .yAxis(Axis.of("time", "ms"))
                .legend(true, LegendPosition.BOTTOM)
                .addSeries(Series.xy("prefill " + promptTokens + " tok (ms)", x, pre).markers(true).build())
                .addSeries(Series.xy("decode (ms/token)", x, dec).markers(true).build())
                .build();
    }
}
