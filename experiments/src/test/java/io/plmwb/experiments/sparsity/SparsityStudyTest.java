package io.plmwb.experiments.sparsity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.experiments.study.BundleWriter;
import io.plmwb.experiments.sparsity.SparsityReport.Selection;
import io.plmwb.experiments.sparsity.SparsityReport.Which;
import io.plmwb.experiments.sparsity.SparsityStudy.Kept;
import io.plmwb.experiments.sparsity.SparsityStudy.Prompts;
import io.plmwb.experiments.sparsity.SparsityStudy.Run;
import io.plmwb.experiments.sparsity.SparsityStudy.Saved;
import io.plmwb.experiments.sparsity.SparsityStudy.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SparsityStudy} and {@link SparsityReport} on hand-made captures whose numbers are worked out in the comments,
 * and on plm-nano / llama-nano for the model path.
 */
class SparsityStudyTest {

    @TempDir
    Path tmp;

    private static final ModelLoader.Options LOAD = ModelLoader.Options.defaults()
            .withRuntime(RuntimeOptions.threads(1, 1));

    /** A capture of activations {@code a[layer][token][neuron]} (relu², hidden 10), top-2 by |a|. */
    static SparsityCapture capture(String label, double[][][] a, int promptTokens) {
        int layers = a.length;
        int tokens = a[0].length;
        int neurons = a[0][0].length;
        int b = ProbeGrid.BUCKETS;
        int m = ProbeGrid.NEURON_EPSILONS;
        int k = 2;
        int[][] th = new int[layers][tokens * b];
        long[][] nh = new long[layers][neurons * m];
        int[][] ti = new int[layers][tokens * k];
        float[][] tv = new float[layers][tokens * k];
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < tokens; t++) {
                double[] row = a[l][t];
                for (int n = 0; n < neurons; n++) {
                    int bucket = ProbeGrid.bucketOf(row[n]);
                    th[l][t * b + bucket]++;
                    for (int slot = 0; slot < m; slot++) {
                        nh[l][n * m + slot] += bucket > ProbeGrid.neuronGridIndex(slot) ? 1 : 0;
                    }
                }
                Integer[] order = new Integer[neurons];
                Arrays.setAll(order, i -> i);
                Arrays.sort(order, Comparator.comparingDouble(i -> -Math.abs(row[i])));
                for (int j = 0; j < k; j++) {
                    ti[l][t * k + j] = order[j];
                    tv[l][t * k + j] = (float) row[order[j]];
                }
            }
        }
        int[] ids = new int[tokens];
        List<String> texts = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            ids[t] = t;
            texts.add("x" + t);
        }
        return new SparsityCapture(label, new SparsityCapture.ModelFacts("m", "plm", "relu2", layers, 10, neurons,
                false), ids, texts, promptTokens, th, nh, k, ti, tv);
    }

    // zeros at ε = 0 per (layer, token) in the comments
    static final double[][][] FIRST = {
        {{0, 0, 0.5, 3}, {0, 0.005, 0.5, 0}},   // layer 0: 2, 2 (3 at ε = 1e-2)
        {{0, 0, 0, 1}, {0, 0, 0, 0}}};          // layer 1: 3, 4
    static final double[][][] SECOND = {
        {{1, 1, 1, 1}, {0, 1, 1, 1}, {0, 0, 1, 1}},  // layer 0: 0, 1, 2
        {{0, 0, 0, 2}, {0, 0, 0, 0}, {0, 0, 2, 2}}}; // layer 1: 3, 4, 2
    static final double[][][] OTHER = {
        {{0, 0, 0, 0}, {0, 0, 0, 1}},           // layer 0: 4, 3
        {{1, 1, 1, 1}, {0, 1, 1, 1}}};          // layer 1: 0, 1

    static SparsityResult resultA() {
        List<SparsityCapture> caps = List.of(capture("first", FIRST, 2), capture("second", SECOND, 2));
        return SparsityResult.aggregate(caps.get(0).model(), 1000, 2, "bfloat16", "prompts.txt", caps);
    }

    static SparsityResult resultB() {
        SparsityCapture c = capture("other", OTHER, 2);
        return SparsityResult.aggregate(c.model(), 1000, 2, "bfloat16", "prompt", List.of(c));
    }

    private SparsityReport handMade() throws Exception {
        try (SparsityStudy study = new SparsityStudy()) {
            return study.run(Settings.of(new Kept(resultA(), null), LOAD).withB(new Kept(resultB(), null))
                    .withSelection(0, 75), TaskContext.none());
        }
    }

    @Test
    void statisticsBudgetAndActivatedParametersOfTheHandMadeCaptures() throws Exception {
        SparsityReport r = handMade();
        // A layer 0 over 5 tokens: 0.5, 0.5, 0, 0.25, 0.5 → mean 0.35, var 0.1625 − 0.1225 = 0.04
        SparsityStats.LayerStat[] a = r.layerStats(Which.A, 0);
        assertEquals(0.35, a[0].mean(), 1e-12);
        assertEquals(0.2, a[0].std(), 1e-12);
        // layer 1: 0.75, 1, 0.75, 1, 0.5 → 0.8, var 0.675 − 0.64
        assertEquals(0.8, a[1].mean(), 1e-12);
        assertEquals(Math.sqrt(0.035), a[1].std(), 1e-12);
        assertEquals(0.575, r.meanZeroFraction(Which.A, 0), 1e-12);
        // B: layer 0 (1 + 0.75) / 2, layer 1 (0 + 0.25) / 2 → mean 0.5
        assertEquals(0.5, r.meanZeroFraction(Which.B, 0), 1e-12);
        // ε = 1e-2 also counts the 0.005: layer 0 token 1 of "first" has 3 zeros → (0.5+0.75+0+0.25+0.5)/5
        assertEquals(0.4, r.layerStats(Which.A, ProbeGrid.snap(1e-2))[0].mean(), 1e-12);
        // the sparsest layer at ε = 0 is layer 1
        assertEquals(1, r.layer(r.initialSelection()));
        assertEquals(0, r.layer(new Selection(0, 75, 0, 0, false)));
        // hot/cold at 75 %: layer 0 fires [1, 3, 5, 4] (13; 9.75 needed: 5+4+3 → 3 neurons), layer 1 [0, 0, 1, 3]
        // (4; 3 needed → 1 neuron); a neuron weighs 10 × 2 values × 2 bytes
        HotColdBudget.Budget budget = r.budget(r.initialSelection());
        assertEquals(3, budget.layers()[0].hotNeurons());
        assertEquals(1, budget.layers()[1].hotNeurons());
        assertEquals(160, budget.hotBytes(), 1e-9);
        // zeros per token summed over layers: (5 + 6 + 3 + 5 + 4) / 5 = 4.6; D = 10
        ActivatedParams act = r.activated(r.initialSelection());
        assertEquals(1000 - 46, act.withoutPredictor(), 1e-9);
        assertEquals(1000 - 92, act.withPredictor(), 1e-9);

        JsonNode j = r.toJson();
        assertEquals(0.575, j.get("mean_zero_fraction").asDouble(), 1e-12);
        assertEquals(0.0, j.get("epsilon_requested").asDouble());
        assertEquals(5, j.get("tokens").asInt());
        assertEquals(2, j.get("prompts").asInt());
        assertEquals(0.35, j.get("layers").get(0).get("zero_fraction").asDouble(), 1e-12);
        assertEquals(3, j.get("layers").get(0).get("hot_neurons").asInt());
        assertEquals(954, j.get("activated_params").get("without_predictor").asLong());
        assertEquals(908, j.get("activated_params").get("with_oracle_predictor").asLong());
        assertEquals(4, j.get("hot_cold").get("hot_neurons").asInt());
        assertEquals(75.0, j.get("hot_cold").get("percent").asDouble());
        assertEquals(0.5, j.get("compare").get("mean_zero_fraction").asDouble(), 1e-12);
        assertEquals(0.875, j.get("compare").get("layers").get(0).get("zero_fraction").asDouble(), 1e-12);
    }

    @Test
    void chartsFollowTheSelectedPromptLayerAndEpsilon() throws Exception {
        SparsityReport r = handMade();
        Selection first = new Selection(0, 75, 0, 1, false);
        List<ChartSpec> charts = r.charts(first);
        assertEquals(List.of("sparsity-heatmap", "sparsity-heatmap-b", "sparsity-difference", "sparsity-per-layer",
                "sparsity-neuron-histogram"), charts.stream().map(ChartSpec::id).toList());
        HeatMatrix heat = charts.get(0).heat().orElseThrow();
        assertArrayEquals(new double[] {0.5, 0.5}, heat.values()[0], 1e-12);
        // A − B of the aligned tokens: layer 0: 0.5 − 1, 0.5 − 0.75; layer 1: 0.75 − 0, 1 − 0.25
        HeatMatrix diff = charts.get(2).heat().orElseThrow();
        assertArrayEquals(new double[] {-0.5, -0.25}, diff.values()[0], 1e-12);
        assertArrayEquals(new double[] {0.75, 0.75}, diff.values()[1], 1e-12);
        // the second prompt: A shows its 3 tokens, B (one prompt) stays on its only one; A − B over 2 tokens
        Selection second = new Selection(0, 75, 1, 1, false);
        List<ChartSpec> two = r.charts(second);
        assertEquals(3, two.get(0).heat().orElseThrow().columns());
        assertArrayEquals(new double[] {0, 0.25, 0.5}, two.get(0).heat().orElseThrow().values()[0], 1e-12);
        assertTrue(two.get(0).subtitle().orElseThrow().endsWith("second"));
        assertArrayEquals(new double[] {-1, -0.5}, two.get(2).heat().orElseThrow().values()[0], 1e-12);
        // per layer: one line per side, mean ± s.d.
        ChartSpec perLayer = two.get(3);
        assertEquals(List.of("A: m", "B: m (2nd prompt)"), perLayer.series().stream().map(s -> s.name()).toList());
        assertEquals(0.8, perLayer.series().get(0).y(1), 1e-12);
        assertEquals(0.125, perLayer.series().get(1).y(1), 1e-12);
        // histogram of layer 1 at ε = 0: firings [0, 0, 1, 3] of 5 tokens → frequencies 0, 0, 0.2, 0.6
        ChartSpec hist = two.get(4);
        double[] counts = new double[SparsityCharts.HISTOGRAM_BINS];
        counts[0] = 2;
        counts[4] = 1;
        counts[12] = 1;
        for (int i = 0; i < counts.length; i++) {
            assertEquals(counts[i], hist.series().get(0).y(i), 1e-12, "bin " + i);
        }
        assertTrue(hist.title().startsWith("Neuron firing frequency, layer 1"));
        // without B: A's heat map, per layer, histogram
        assertEquals(List.of("sparsity-heatmap", "sparsity-per-layer", "sparsity-neuron-histogram"),
                r.withoutB().charts(second).stream().map(ChartSpec::id).toList());
        assertNull(r.withoutB().b());
        // a cell's description is the capture's own numbers
        assertEquals(String.format(java.util.Locale.ROOT, "token 0 x0 · layer 1%nA − B zero fraction +0.750"),
                r.describeCell(Which.DIFF, 1, 0, first));
        assertTrue(r.describeCell(Which.A, 1, 2, second).contains("zero fraction 0.500 at"));
        assertEquals("", r.describeCell(Which.A, 1, 3, second));
        assertEquals(2, r.generatedFrom(Which.A, second));
        assertEquals(-1, r.generatedFrom(Which.B, second));
    }

    @Test
    void bundleHasEveryChartTheDataCsvsAndBothResultFiles() throws Exception {
        SparsityReport r = handMade();
        Selection sel = new Selection(0, 75, 1, 1, false);
        var bundle = r.bundle(sel);
        assertEquals(List.of("sparsity-heatmap.csv", "sparsity-heatmap-b.csv", "sparsity-difference.csv",
                "sparsity-per-layer.csv", "sparsity-neuron-histogram.csv", "sparsity-matrix.csv",
                "sparsity-neurons.csv", "result.sparsity.json", "sparsity-matrix-b.csv", "sparsity-neurons-b.csv",
                "result-b.sparsity.json"), bundle.fileNames(List.of(ExportFormat.CSV)));
        Path dir = tmp.resolve("out");
        List<Path> written = new BundleWriter().write(bundle, dir, List.of(ExportFormat.CSV),
                ExportOptions.defaults(), TaskContext.none());
        assertEquals(11, written.size());
        // the charts' CSVs are the charts of the selection
        List<ChartSpec> charts = r.charts(sel);
        assertEquals(ChartCsv.toCsv(charts.get(0)), Files.readString(dir.resolve("sparsity-heatmap.csv")));
        assertNotEquals(ChartCsv.toCsv(r.charts(new Selection(0, 75, 0, 1, false)).get(0)),
                Files.readString(dir.resolve("sparsity-heatmap.csv")));
        // matrix: prompt 1, token 2 (generated), layer 1: 2 zeros of 4, 2 active
        List<String> matrix = Files.readAllLines(dir.resolve("sparsity-matrix.csv"));
        assertEquals("prompt,token,token_text,generated,layer,zero_fraction,active_neurons", matrix.get(1));
        assertEquals(2 + 5 * 2, matrix.size());
        assertTrue(matrix.contains("1,2,x2,true,1,0.500000,2"), matrix.toString());
        // neurons: layer 1 neuron 3 fires on 3 of 5 tokens
        assertTrue(Files.readAllLines(dir.resolve("sparsity-neurons.csv")).contains("1,3,3,5,0.600000"));
        assertTrue(Files.readAllLines(dir.resolve("sparsity-neurons-b.csv")).contains("0,3,1,2,0.500000"));
        // the saved results reopen as the same captures, and the study reads them back as a report
        try (SparsityStudy study = new SparsityStudy()) {
            SparsityReport back = study.run(Settings.of(new Saved(dir.resolve("result.sparsity.json")), LOAD)
                    .withB(new Saved(dir.resolve("result-b.sparsity.json"))), TaskContext.none());
            assertEquals(5, back.a().totalTokens());
            assertEquals(2, back.b().totalTokens());
            assertEquals(r.toJson(sel).toString(), back.toJson(sel).toString());
        }
        // nothing is replaced without overwrite
        assertThrows(io.plmwb.experiments.chart.ChartExportException.class, () -> new BundleWriter().write(bundle,
                dir, List.of(ExportFormat.CSV), ExportOptions.defaults(), TaskContext.none()));
    }

    @Test
    void settingsAndSelectionRefuseBadValues() {
        assertThrows(IllegalArgumentException.class, () -> Prompts.text(" "));
        assertThrows(IllegalArgumentException.class, () -> Settings.of(new Run(Path.of("m"), Prompts.ofA()), LOAD));
        assertThrows(IllegalArgumentException.class, () -> Settings.of(new Kept(resultA(), null), LOAD)
                .withSelection(-1, 90));
        assertThrows(IllegalArgumentException.class, () -> new Selection(ProbeGrid.EPSILONS, 90, 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Selection(0, 101, 0, 0, false));
    }

    @Test
    void closeDoesNotWaitForARunningStudy() throws Exception {
        Path file = tmp.resolve("a.sparsity.json");
        SparsityResultFile.write(resultA(), file, false);
        boolean[] returned = new boolean[1];
        try (SparsityStudy study = new SparsityStudy()) {
            TaskContext ctx = new TaskContext() {
                @Override
                public void progress(double done, double total) {
                }

                @Override
                public void message(String message) {
                    // the study is running (and holds its session): close from another thread must return at once
                    Thread t = new Thread(study::close);
                    t.start();
                    try {
                        t.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    returned[0] = !t.isAlive();
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            };
            assertEquals(5, study.run(Settings.of(new Saved(file), LOAD), ctx).a().totalTokens());
        }
        assertTrue(returned[0], "close() waited for the running study");
    }

    static Path model(String name) {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", name);
    }

    @Test
    void runsAPromptFileOnPlmNanoAndTheSamePromptsOnLlamaNano() throws Exception {
        Path prompts = tmp.resolve("p.txt");
        Files.writeString(prompts, "The dog sleeps in the sun.\nAfter lunch the team met in the small room.\n");
        SparsityReport r;
        try (SparsityStudy study = new SparsityStudy()) {
            r = study.run(Settings.of(new Run(model("plm-nano"), Prompts.file(prompts)), LOAD)
                    .withB(new Run(model("llama-nano"), Prompts.ofA())), TaskContext.none());
        }
        assertEquals(2, r.a().captures().size());
        assertEquals("p.txt", r.a().source());
        assertEquals(List.of("1. The dog sleeps in the sun.", "2. After lunch the team met in the small room."),
                r.promptLabels());
        // B ran A's prompts
        assertEquals(r.a().captures().stream().map(SparsityCapture::label).toList(),
                r.b().captures().stream().map(SparsityCapture::label).toList());
        // the mean over every (layer, token) cell, computed here from the captures
        double s = 0;
        int n = 0;
        for (SparsityCapture c : r.a().captures()) {
            for (int l = 0; l < c.layers(); l++) {
                for (int t = 0; t < c.tokens(); t++) {
                    s += c.zeroFraction(l, t, 0);
                    n++;
                }
            }
        }
        assertEquals(s / n, r.toJson().get("mean_zero_fraction").asDouble(), 1e-12);
        assertTrue(s / n > 0.3, "relu² is mostly zeros: " + s / n);
        // SwiGLU has no exact zeros
        assertEquals(0.0, r.toJson().get("compare").get("mean_zero_fraction").asDouble());
        // the second prompt's heat map is that capture's matrix
        HeatMatrix heat = r.charts(new Selection(0, 90, 1, 0, false)).get(0).heat().orElseThrow();
        double[][] want = r.a().captures().get(1).zeroFractionMatrix(0);
        for (int l = 0; l < want.length; l++) {
            assertArrayEquals(want[l], heat.values()[l], 0);
        }
    }
}
