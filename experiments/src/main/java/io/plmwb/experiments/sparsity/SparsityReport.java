package io.plmwb.experiments.sparsity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.study.StudyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SparsityStudy} captured: the result of side A and, when comparing, of side B. Every view — heat maps,
 * per-layer chart, neuron histogram, hot/cold budget, activated parameters, the files of an export — is recomputed
 * from the captured counts for a {@link Selection} (ε, P, shown prompt, histogram layer), without the model.
 */
public final class SparsityReport implements StudyReport<SparsityReport.Selection> {

    /** The saved result of side A in an export. */
    public static final String RESULT_FILE = "result" + SparsityResultFile.SUFFIX;
    /** The saved result of side B in an export. */
    public static final String RESULT_FILE_B = "result-b" + SparsityResultFile.SUFFIX;

    /** A heat map: side A, side B, or A − B. */
    public enum Which { A, B, DIFF }

    /**
     * What the user picks on the report.
     *
     * @param epsIndex  index into {@link ProbeGrid#epsilons()}: |a| ≤ ε counts as zero
     * @param percent   P of the hot/cold budget, 0–100
     * @param prompt    the prompt of the batch shown in the heat maps (clamped to the captures of each side)
     * @param layer     the layer of the neuron histogram, or {@link #SPARSEST_LAYER} for A's sparsest layer at ε
     * @param logCounts a log count axis on the histogram
     */
    public record Selection(int epsIndex, double percent, int prompt, int layer, boolean logCounts) {
        /** {@link #layer()} value for "the sparsest layer of A". */
        public static final int SPARSEST_LAYER = -1;

        public Selection {
            if (epsIndex < 0 || epsIndex >= ProbeGrid.EPSILONS) {
                throw new IllegalArgumentException("ε index must be 0–" + (ProbeGrid.EPSILONS - 1) + ", was "
                        + epsIndex);
            }
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("P must be 0–100 %, was " + percent);
            }
            if (prompt < 0 || layer < SPARSEST_LAYER) {
                throw new IllegalArgumentException("prompt must be ≥ 0 and layer ≥ 0 (or the sparsest layer)");
            }
        }
    }

    /** The charts the screen draws, by place (the B and A − B heat maps are null without B). */
    public record Screen(ChartSpec heatA, ChartSpec heatB, ChartSpec difference, ChartSpec perLayer,
                         ChartSpec histogram) {
        /** The charts in screen order, without the absent ones. */
        public List<ChartSpec> list() {
            List<ChartSpec> out = new ArrayList<>();
            for (ChartSpec c : new ChartSpec[] {heatA, heatB, difference, perLayer, histogram}) {
                if (c != null) {
                    out.add(c);
                }
            }
            return List.copyOf(out);
        }
    }

    private final SparsityResult a;
    private final Path checkpointA;
    private final SparsityResult b;
    private final Path checkpointB;
    private final double epsilon;
    private final double percent;

    /**
     * @param checkpointA where A was captured (null when reopened from a file)
     * @param b           side B, or null
     * @param epsilon     the requested ε of the initial selection
     * @param percent     P of the initial selection
     */
    public SparsityReport(SparsityResult a, Path checkpointA, SparsityResult b, Path checkpointB, double epsilon,
                          double percent) {
        this.a = Objects.requireNonNull(a, "a");
        this.checkpointA = checkpointA;
        this.b = b;
        this.checkpointB = b == null ? null : checkpointB;
        this.epsilon = epsilon;
        this.percent = percent;
        initialSelection(); // checks ε and P
    }

    public SparsityResult a() {
        return a;
    }

    /** Side B, or null. */
    public SparsityResult b() {
        return b;
    }

    public boolean comparing() {
        return b != null;
    }

    /** Where A was captured, or null (reopened from a file). */
    public Path checkpointA() {
        return checkpointA;
    }

    /** This report without side B. */
    public SparsityReport withoutB() {
        return new SparsityReport(a, checkpointA, null, null, epsilon, percent);
    }

    /** The selection of the study's settings: ε snapped down, P, first prompt, A's sparsest layer, linear counts. */
    public Selection initialSelection() {
        return new Selection(ProbeGrid.snap(epsilon), percent, 0, Selection.SPARSEST_LAYER, false);
    }

    private SparsityResult result(Which side) {
        return side == Which.B ? b : a;
    }

    /** The shown capture of a side (null for B without B). */
    public SparsityCapture shown(Which side, Selection sel) {
        SparsityResult r = result(side);
        if (r == null) {
            return null;
        }
        return r.captures().get(Math.min(sel.prompt(), r.captures().size() - 1));
    }

    /** The histogram's layer: the selected one (clamped), or A's sparsest at ε (the first of equals). */
    public int layer(Selection sel) {
        if (sel.layer() >= 0) {
            return Math.min(sel.layer(), a.model().layers() - 1);
        }
        SparsityStats.LayerStat[] stats = layerStats(Which.A, sel.epsIndex());
        int layer = 0;
        for (SparsityStats.LayerStat s : stats) {
            if (s.mean() > stats[layer].mean()) {
                layer = s.layer();
            }
        }
        return layer;
    }

    /** Per-layer statistics of a side over all its prompts. */
    public SparsityStats.LayerStat[] layerStats(Which side, int epsIndex) {
        return SparsityStats.perLayer(result(side).captures(), epsIndex);
    }

    /** Mean zero fraction of a side over all its layers and tokens. */
    public double meanZeroFraction(Which side, int epsIndex) {
        return SparsityStats.meanZeroFraction(layerStats(side, epsIndex));
    }

    /** A's hot/cold budget at the selection's ε and P. */
    public HotColdBudget.Budget budget(Selection sel) {
        return HotColdBudget.compute(a, sel.epsIndex(), sel.percent());
    }

    /** A's activated parameters at the selection's ε. */
    public ActivatedParams activated(Selection sel) {
        return ActivatedParams.compute(a, sel.epsIndex());
    }

    /** "1. label" for each prompt of A. */
    public List<String> promptLabels() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < a.captures().size(); i++) {
            labels.add((i + 1) + ". " + a.captures().get(i).label());
        }
        return List.copyOf(labels);
    }

    /** The name of a side's line in the per-layer chart. */
    public String lineName(Which side) {
        if (side == Which.A) {
            return "A: " + a.model().name();
        }
        return "B: " + b.model().name() + (b.model().name().equals(a.model().name()) ? " (2nd prompt)" : "");
    }

    /** The charts the screen draws for {@code sel}, by place. */
    public Screen screen(Selection sel) {
        int eps = sel.epsIndex();
        SparsityCapture ca = shown(Which.A, sel);
        List<SparsityCharts.Line> lines = new ArrayList<>();
        lines.add(new SparsityCharts.Line(lineName(Which.A), layerStats(Which.A, eps)));
        ChartSpec heatB = null;
        ChartSpec diff = null;
        if (b != null) {
            SparsityCapture cb = shown(Which.B, sel);
            heatB = SparsityCharts.heatmap(SparsityCharts.HEATMAP_B, cb, eps);
            diff = SparsityCharts.differenceChart(ca, cb, eps);
            lines.add(new SparsityCharts.Line(lineName(Which.B), layerStats(Which.B, eps)));
        }
        int l = layer(sel);
        ChartSpec histogram = SparsityCharts.neuronHistogram(a.model().name(), a.firingCounts(l, eps),
                a.totalTokens(), l, eps, sel.logCounts());
        return new Screen(SparsityCharts.heatmap(SparsityCharts.HEATMAP, ca, eps), heatB, diff,
                SparsityCharts.perLayer(lines, eps), histogram);
    }

    @Override
    public List<ChartSpec> charts(Selection sel) {
        return screen(sel).list();
    }

    /**
     * The charts of {@link #charts}, then per side the matrix and per-neuron CSVs at ε and the saved result:
     * {@code sparsity-matrix.csv}, {@code sparsity-neurons.csv}, {@value #RESULT_FILE} (and {@code -b} for B).
     */
    @Override
    public Bundle bundle(Selection sel) {
        Bundle.Builder out = Bundle.builder();
        charts(sel).forEach(out::chart);
        int eps = sel.epsIndex();
        out.text("sparsity-matrix.csv", SparsityCsvWriter.matrixCsv(a, eps))
                .text("sparsity-neurons.csv", SparsityCsvWriter.neuronsCsv(a, eps))
                .bytes(RESULT_FILE, SparsityResultFile.toBytes(a));
        if (b != null) {
            out.text("sparsity-matrix-b.csv", SparsityCsvWriter.matrixCsv(b, eps))
                    .text("sparsity-neurons-b.csv", SparsityCsvWriter.neuronsCsv(b, eps))
                    .bytes(RESULT_FILE_B, SparsityResultFile.toBytes(b));
        }
        return out.build();
    }

    /** {@link #toJson(Selection)} at the initial selection, with the ε that was asked for. */
    @Override
    public ObjectNode toJson() {
        return toJson(initialSelection(), epsilon);
    }

    /** The statistics at a selection: A's per layer, mean, activated parameters, hot/cold budget; B's when compared. */
    public ObjectNode toJson(Selection sel) {
        return toJson(sel, null);
    }

    private ObjectNode toJson(Selection sel, Double requested) {
        int eps = sel.epsIndex();
        ObjectNode root = StudyJson.object();
        root.put("model", checkpointA != null ? checkpointA.toString() : a.model().name());
        root.put("activation", a.model().activation());
        root.put("synthetic", a.model().synthetic());
        root.put("epsilon", ProbeGrid.epsilon(eps));
        if (requested != null) {
            root.put("epsilon_requested", requested);
        }
        root.put("definition", "zero_fraction = share of a layer's " + a.model().neurons()
                + " MLP activations with |a| <= epsilon, averaged over tokens");
        root.put("prompts", a.captures().size());
        root.put("tokens", a.totalTokens());
        SparsityStats.LayerStat[] layers = layerStats(Which.A, eps);
        root.put("mean_zero_fraction", SparsityStats.meanZeroFraction(layers));
        HotColdBudget.Budget budget = budget(sel);
        ArrayNode ls = root.putArray("layers");
        for (SparsityStats.LayerStat s : layers) {
            layerJson(ls.addObject(), s).put("hot_neurons", budget.layers()[s.layer()].hotNeurons());
        }
        ActivatedParams act = activated(sel);
        ObjectNode ap = root.putObject("activated_params");
        ap.put("total", act.total());
        ap.put("without_predictor", Math.round(act.withoutPredictor()));
        ap.put("with_oracle_predictor", Math.round(act.withPredictor()));
        ObjectNode h = root.putObject("hot_cold");
        h.put("percent", sel.percent());
        h.put("hot_neurons", budget.hotNeurons());
        h.put("hot_mib", budget.hotBytes() / (1 << 20));
        h.put("mlp_mib", budget.mlpBytes() / (1 << 20));
        if (b != null) {
            ObjectNode c = root.putObject("compare");
            c.put("model", checkpointB != null ? checkpointB.toString() : b.model().name());
            c.put("activation", b.model().activation());
            c.put("prompts", b.captures().size());
            c.put("tokens", b.totalTokens());
            SparsityStats.LayerStat[] lb = layerStats(Which.B, eps);
            c.put("mean_zero_fraction", SparsityStats.meanZeroFraction(lb));
            ArrayNode cl = c.putArray("layers");
            for (SparsityStats.LayerStat s : lb) {
                layerJson(cl.addObject(), s);
            }
        }
        return root;
    }

    private static ObjectNode layerJson(ObjectNode o, SparsityStats.LayerStat s) {
        o.put("layer", s.layer());
        o.put("zero_fraction", s.mean());
        o.put("std", s.std());
        o.put("min", s.min());
        o.put("max", s.max());
        return o;
    }

    /** The command line's text report at a selection. */
    public List<String> textLines(Selection sel) {
        int eps = sel.epsIndex();
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%s, %d prompt(s), %d tokens, epsilon %s", a.model().name(),
                a.captures().size(), a.totalTokens(), ProbeGrid.label(eps)));
        SparsityStats.LayerStat[] layers = layerStats(Which.A, eps);
        HotColdBudget.Budget budget = budget(sel);
        for (SparsityStats.LayerStat s : layers) {
            out.add(String.format(Locale.ROOT, "  layer %2d  zero fraction %.4f ± %.4f  (hot %d of %d neurons for "
                            + "%.0f%%)", s.layer(), s.mean(), s.std(), budget.layers()[s.layer()].hotNeurons(),
                    a.model().neurons(), sel.percent()));
        }
        out.add(String.format(Locale.ROOT, "mean zero fraction %.4f", SparsityStats.meanZeroFraction(layers)));
        ActivatedParams act = activated(sel);
        out.add(String.format(Locale.ROOT, "activated parameters per token: %,d total, %,.0f without a predictor, "
                + "%,.0f with a perfect predictor", act.total(), act.withoutPredictor(), act.withPredictor()));
        if (b != null) {
            out.add(String.format(Locale.ROOT, "B: %s, %d prompt(s), %d tokens, mean zero fraction %.4f",
                    b.model().name(), b.captures().size(), b.totalTokens(), meanZeroFraction(Which.B, eps)));
        }
        return out;
    }

    /** The description of one heat-map cell (tooltip and detail line); empty outside the matrix. */
    public String describeCell(Which which, int layer, int token, Selection sel) {
        int eps = sel.epsIndex();
        if (which == Which.DIFF) {
            SparsityCapture ca = shown(Which.A, sel);
            SparsityCapture cb = shown(Which.B, sel);
            if (cb == null || layer < 0 || token < 0 || layer >= Math.min(ca.layers(), cb.layers())
                    || token >= Math.min(ca.tokens(), cb.tokens())) {
                return "";
            }
            return String.format(Locale.ROOT, "token %s · layer %d%nA − B zero fraction %+.3f",
                    SparsityCharts.tokenLabel(ca, token), layer,
                    ca.zeroFraction(layer, token, eps) - cb.zeroFraction(layer, token, eps));
        }
        SparsityCapture c = shown(which, sel);
        if (c == null || layer < 0 || token < 0 || layer >= c.layers() || token >= c.tokens()) {
            return "";
        }
        StringBuilder top = new StringBuilder();
        int[] idx = c.topNeurons(layer, token);
        float[] val = c.topValues(layer, token);
        for (int j = 0; j < idx.length; j++) {
            top.append(j == 0 ? "" : ", ").append('#').append(idx[j])
                    .append(String.format(Locale.ROOT, " (%.3g)", val[j]));
        }
        return String.format(Locale.ROOT, "token %d '%s'%s · layer %d%nzero fraction %.3f at %s%nactive neurons %d "
                        + "of %d%ntop neurons: %s", token, SparsityCharts.printable(c.tokenText(token)),
                c.generated(token) ? " (generated)" : "", layer, c.zeroFraction(layer, token, eps),
                SparsityCharts.epsText(eps), c.activeCount(layer, token, eps), c.neurons(), top);
    }

    /** First generated token of a side's shown capture, or -1 when it has none (or there is no such side). */
    public int generatedFrom(Which side, Selection sel) {
        SparsityCapture c = shown(side == Which.B ? Which.B : Which.A, sel);
        return c == null || c.promptTokens() >= c.tokens() ? -1 : c.promptTokens();
    }

    /** The printable token texts of a side's shown capture (the token strip). */
    public List<String> tokenStrip(Which side, Selection sel) {
        SparsityCapture c = shown(side == Which.B ? Which.B : Which.A, sel);
        if (c == null) {
            return List.of();
        }
        List<String> r = new ArrayList<>(c.tokens());
        for (int t = 0; t < c.tokens(); t++) {
            r.add(SparsityCharts.printable(c.tokenText(t)));
        }
        return List.copyOf(r);
    }
}
