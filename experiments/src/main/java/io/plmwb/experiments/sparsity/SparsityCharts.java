package io.plmwb.experiments.sparsity;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Sparsity workspace's charts as {@link ChartSpec}s (screen and export alike). */
public final class SparsityCharts {

    /** Chart ids (and export file names). */
    public static final String HEATMAP = "sparsity-heatmap";
    public static final String HEATMAP_B = "sparsity-heatmap-b";
    public static final String DIFFERENCE = "sparsity-difference";
    public static final String PER_LAYER = "sparsity-per-layer";
    public static final String HISTOGRAM = "sparsity-neuron-histogram";

    /** Histogram bins of the neuron-frequency chart. */
    public static final int HISTOGRAM_BINS = 20;

    private SparsityCharts() {
    }

    /** "ε = 0 (exact zeros)" or "ε = 1.0e-03". */
    public static String epsText(int epsIndex) {
        return "ε = " + ProbeGrid.label(epsIndex);
    }

    /** A token as a column label: its index and its text on one line. */
    public static String tokenLabel(SparsityCapture c, int t) {
        return t + " " + printable(c.tokenText(t));
    }

    /** Token text with whitespace made visible (· for space, ⏎ for newline). */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(switch (ch) {
                case ' ' -> '·';
                case '\n' -> '⏎';
                case '\t' -> '⇥';
                case '\r' -> '↵';
                default -> Character.isISOControl(ch) ? '�' : ch;
            });
        }
        return b.toString();
    }

    private static List<String> layerLabels(int layers) {
        List<String> r = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            r.add("layer " + l);
        }
        return r;
    }

    /** Zero fraction per layer (rows, layer 0 at the bottom) and token (columns), fixed colour range 0…1. */
    public static HeatMatrix matrix(SparsityCapture c, int epsIndex) {
        List<String> cols = new ArrayList<>(c.tokens());
        for (int t = 0; t < c.tokens(); t++) {
            cols.add(tokenLabel(c, t));
        }
        return new HeatMatrix(cols, layerLabels(c.layers()), c.zeroFractionMatrix(epsIndex), 0, 1,
                HeatMatrix.Scale.SEQUENTIAL, "zero fraction");
    }

    /** The heat map of one capture. */
    public static ChartSpec heatmap(SparsityCapture c, int epsIndex) {
        return heatmap(HEATMAP, c, epsIndex);
    }

    /** The heat map of one capture under a chart id ({@link #HEATMAP} for side A, {@link #HEATMAP_B} for B). */
    public static ChartSpec heatmap(String id, SparsityCapture c, int epsIndex) {
        return ChartSpec.builder(id, ChartKind.HEATMAP)
                .title("Zero fraction per layer and token — " + c.model().name())
                .subtitle(epsText(epsIndex) + " · |a| ≤ ε counts as zero · " + c.tokens() + " tokens · "
                        + c.label())
                .xAxis(Axis.of("token", "")).yAxis(Axis.of("layer", ""))
                .heat(matrix(c, epsIndex)).build();
    }

    /**
     * A − B per layer and token, over the first min(T_A, T_B) tokens (aligned by position) and the layers both
     * have; colour range ±1 (diverging, white = equal).
     */
    public static HeatMatrix difference(SparsityCapture a, SparsityCapture b, int epsIndex) {
        int layers = Math.min(a.layers(), b.layers());
        int tokens = Math.min(a.tokens(), b.tokens());
        double[][] ma = a.zeroFractionMatrix(epsIndex);
        double[][] mb = b.zeroFractionMatrix(epsIndex);
        double[][] d = new double[layers][tokens];
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < tokens; t++) {
                d[l][t] = ma[l][t] - mb[l][t];
            }
        }
        List<String> cols = new ArrayList<>(tokens);
        for (int t = 0; t < tokens; t++) {
            cols.add(tokenLabel(a, t));
        }
        return new HeatMatrix(cols, layerLabels(layers), d, -1, 1, HeatMatrix.Scale.DIVERGING,
                "zero fraction difference");
    }

    /** The difference heat map as a chart. */
    public static ChartSpec differenceChart(SparsityCapture a, SparsityCapture b, int epsIndex) {
        HeatMatrix m = difference(a, b, epsIndex);
        return ChartSpec.builder(DIFFERENCE, ChartKind.HEATMAP)
                .title("Zero fraction difference: " + a.model().name() + " − " + b.model().name())
                .subtitle(epsText(epsIndex) + " · red: A sparser, blue: B sparser · " + m.columns()
                        + " aligned tokens, " + m.rows() + " layers")
                .xAxis(Axis.of("token", "")).yAxis(Axis.of("layer", "")).heat(m).build();
    }

    /** One line of the per-layer chart. */
    public record Line(String name, SparsityStats.LayerStat[] layers) {
    }

    /** Mean zero fraction per layer with ± one standard deviation over the tokens, one line per model/prompt. */
    public static ChartSpec perLayer(List<Line> lines, int epsIndex) {
        int maxLayers = lines.stream().mapToInt(l -> l.layers().length).max().orElse(1);
        ChartSpec.Builder b = ChartSpec.builder(PER_LAYER, ChartKind.LINE)
                .title("Mean zero fraction per layer (± 1 s.d. over tokens)")
                .subtitle(epsText(epsIndex))
                // a fixed 0 … L−1 range gives whole-number layer ticks
                .xAxis(Axis.of("layer", "").withRange(0.0, (double) Math.max(1, maxLayers - 1))).yAxis(Axis.of("zero fraction", "").withRange(0.0, 1.0))
                .legend(lines.size() > 1, LegendPosition.BOTTOM);
        for (Line line : lines) {
            int n = line.layers().length;
            double[] x = new double[n];
            double[] y = new double[n];
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i;
                y[i] = line.layers()[i].mean();
                e[i] = line.layers()[i].std();
            }
            b.addSeries(Series.xy(line.name(), x, y).yError(e).markers(true).build());
        }
        return b.build();
    }

    /**
     * How often the neurons of one layer fire: a histogram of firing frequency (share of captured tokens with
     * |a| &gt; ε) over {@value #HISTOGRAM_BINS} bins of [0, 1]. With a log count axis, empty bins are gaps.
     */
    public static ChartSpec neuronHistogram(String modelName, long[] firingCounts, long tokens, int layer,
                                            int epsIndex, boolean logCounts) {
        double[] freq = new double[firingCounts.length];
        for (int i = 0; i < freq.length; i++) {
            freq[i] = tokens == 0 ? 0 : firingCounts[i] / (double) tokens;
        }
        double[] counts = new double[HISTOGRAM_BINS];
        List<String> labels = new ArrayList<>();
        for (double f : freq) {
            int bin = Math.min(HISTOGRAM_BINS - 1, (int) Math.floor(f * HISTOGRAM_BINS));
            counts[bin]++;
        }
        for (int i = 0; i < HISTOGRAM_BINS; i++) {
            labels.add(String.format(Locale.ROOT, "%.2f–%.2f", i / (double) HISTOGRAM_BINS,
                    (i + 1) / (double) HISTOGRAM_BINS));
            if (logCounts && counts[i] == 0) {
                counts[i] = Double.NaN;
            }
        }
        return ChartSpec.builder(HISTOGRAM, ChartKind.HISTOGRAM)
                .title("Neuron firing frequency, layer " + layer + " — " + modelName)
                .subtitle(epsText(epsIndex) + " · fires = |a| > ε · " + firingCounts.length + " neurons over "
                        + tokens + " tokens")
                .xAxis(Axis.of("share of tokens on which the neuron fires", ""))
                .yAxis(Axis.of("neurons", "").withLog(logCounts))
                .legend(false, LegendPosition.RIGHT)
                .addSeries(Series.categories("neurons", labels, counts).build()).build();
    }
}
