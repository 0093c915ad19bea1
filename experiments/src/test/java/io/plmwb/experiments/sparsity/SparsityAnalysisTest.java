package io.plmwb.experiments.sparsity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.HeatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statistics, budgets and files of the Sparsity workspace on a hand-made capture whose answers are worked out here. */
class SparsityAnalysisTest {

    @TempDir
    Path tmp;

    private static final int B = ProbeGrid.BUCKETS;

    /**
     * 1 layer, 4 neurons, hidden 10, 2 tokens, relu². Activations (by bucket):
     * token 0: [0, 0, 0.5, 3] → buckets 0, 0, b(0.5), b(3); token 1: [0, 2e-4, 0.5, 0] → 0, b(2e-4), b(0.5), 0.
     */
    static SparsityCapture tiny(String activation) {
        double[][] a = {{0, 0, 0.5, 3}, {0, 2e-4, 0.5, 0}};
        int[][] th = new int[1][2 * B];
        int m = ProbeGrid.NEURON_EPSILONS;
        long[][] nh = new long[1][4 * m];
        for (int t = 0; t < 2; t++) {
            for (int n = 0; n < 4; n++) {
                int b = ProbeGrid.bucketOf(a[t][n]);
                th[0][t * B + b]++;
                for (int slot = 0; slot < m; slot++) {
                    // fires at ε_k when its bucket lies above k
                    nh[0][n * m + slot] += b > ProbeGrid.neuronGridIndex(slot) ? 1 : 0;
                }
            }
        }
        int[][] ti = {{3, 2, 0, 1, 2, 1, 0, 3}};
        float[][] tv = {{3f, 0.5f, 0, 0, 0.5f, 2e-4f, 0, 0}};
        return new SparsityCapture("tiny", new SparsityCapture.ModelFacts("m", "plm", activation, 1, 10, 4, false),
                new int[] {5, 6}, List.of("a", " b"), 1, th, nh, 4, ti, tv);
    }

    static SparsityResult result(String activation) {
        return SparsityResult.aggregate(tiny(activation).model(), 1000, 2, "bfloat16", "test",
                List.of(tiny(activation)));
    }

    @Test
    void zeroFractionsAndFiringCountsAtEachEpsilon() {
        SparsityCapture c = tiny("relu2");
        // ε = 0: token 0 has 2 zeros of 4, token 1 has 2
        assertEquals(0.5, c.zeroFraction(0, 0, 0));
        assertEquals(0.5, c.zeroFraction(0, 1, 0));
        // ε = 1e-3 (index 1: 0, 1e-3, 1e-2, 1e-1) also counts 2e-4 as zero: token 1 → 3 of 4
        assertEquals(1, ProbeGrid.snap(1e-3));
        assertEquals(0.75, c.zeroFraction(0, 1, ProbeGrid.snap(1e-3)));
        assertEquals(1, c.activeCount(0, 1, ProbeGrid.snap(1e-3)));
        // neuron firings at ε = 0: n0 0, n1 1 (2e-4), n2 2, n3 1
        assertArrayEquals(new long[] {0, 1, 2, 1}, c.firingCounts(0, 0));
        assertArrayEquals(new long[] {0, 0, 2, 1}, c.firingCounts(0, ProbeGrid.snap(1e-3)));
        // ε = 1e-1: 0.5 and 3 still fire; an ε between grid points snaps down (0.4 → 1e-1)
        assertArrayEquals(new long[] {0, 0, 2, 1}, c.firingCounts(0, ProbeGrid.snap(0.4)));
        assertEquals(0.5, c.zeroFraction(0, 0, ProbeGrid.snap(0.4)));
        assertEquals(0.75, c.zeroFraction(0, 1, ProbeGrid.snap(0.4)));
        assertTrue(c.generated(1));
        SparsityStats.LayerStat[] s = SparsityStats.perLayer(List.of(c), ProbeGrid.snap(1e-3));
        assertEquals(0.625, s[0].mean(), 1e-12);
        assertEquals(0.125, s[0].std(), 1e-12);
        assertEquals(0.625, SparsityStats.meanZeroFraction(s), 1e-12);
    }

    @Test
    void batchKeepsOnePerNeuronSum() {
        SparsityResult two = SparsityResult.aggregate(tiny("relu2").model(), 1000, 2, "bf16", "b",
                List.of(tiny("relu2"), tiny("relu2")));
        assertArrayEquals(new long[] {0, 2, 4, 2}, two.firingCounts(0, 0));
        assertTrue(two.captures().stream().noneMatch(SparsityCapture::hasNeuronHistogram));
        assertEquals(4, two.totalTokens());
    }

    @Test
    void hotColdBudget() {
        // firings at ε = 0 are {0, 1, 2, 1} (4 in all): 50 % needs the top neuron (2), 75 % two, 100 % three
        assertEquals(1, HotColdBudget.neuronsToCover(new long[] {0, 1, 2, 1}, 50));
        assertEquals(2, HotColdBudget.neuronsToCover(new long[] {0, 1, 2, 1}, 75));
        assertEquals(3, HotColdBudget.neuronsToCover(new long[] {0, 1, 2, 1}, 100));
        assertEquals(0, HotColdBudget.neuronsToCover(new long[] {0, 0}, 90));
        HotColdBudget.Budget b = HotColdBudget.compute(result("relu2"), 0, 75);
        // a relu² neuron is an up row + a down column: 2 × 10 values × 2 bytes = 40 bytes
        assertEquals(2, b.layers()[0].hotNeurons());
        assertEquals(80, b.hotBytes(), 1e-9);
        assertEquals(160, b.mlpBytes(), 1e-9);
        // SwiGLU adds the gate row: 60 bytes per neuron
        assertEquals(120, HotColdBudget.compute(result("silu"), 0, 75).hotBytes(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> HotColdBudget.neuronsToCover(new long[] {1}, 101));
    }

    @Test
    void activatedParameters() {
        // ε = 0: 2 zeros per token (one layer); D = 10
        ActivatedParams relu = ActivatedParams.compute(result("relu2"), 0);
        assertEquals(1000, relu.total());
        assertEquals(1000 - 2 * 10, relu.withoutPredictor(), 1e-9);
        assertEquals(1000 - 2 * 10 * 2, relu.withPredictor(), 1e-9);
        ActivatedParams swiglu = ActivatedParams.compute(result("silu"), 0);
        assertEquals(1000 - 2 * 10 * 3, swiglu.withPredictor(), 1e-9);
    }

    @Test
    void resultFileRoundTripAndBadFiles() throws Exception {
        SparsityResult r = result("relu2");
        Path f = tmp.resolve("x" + SparsityResultFile.SUFFIX);
        SparsityResultFile.write(r, f, false);
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> SparsityResultFile.write(r, f, false));
        SparsityResult back = SparsityResultFile.read(f);
        assertEquals(r.totalParams(), back.totalParams());
        SparsityCapture c = back.captures().get(0);
        assertEquals(List.of("a", " b"), c.tokenTexts());
        assertArrayEquals(tiny("relu2").firingCounts(0, 0), back.firingCounts(0, 0));
        assertTrue(!c.hasNeuronHistogram(), "per-neuron counts live in the result, once");
        assertArrayEquals(tiny("relu2").topNeurons(0, 1), c.topNeurons(0, 1));
        assertTrue(SparsityResultFile.looksLike(f));
        assertEquals(io.plmwb.experiments.open.PathKind.SPARSITY_RESULT,
                io.plmwb.experiments.open.PathInspector.inspect(f).kind());

        // a file saved when captures kept the top 8 neurons (same ε grid) still opens, with its own k per capture
        String json = Files.readString(f);
        String grid = ProbeGrid.describe();
        String top8 = grid.substring(0, grid.lastIndexOf(", top-")) + ", top-8";
        Path older = tmp.resolve("older" + SparsityResultFile.SUFFIX);
        Files.writeString(older, json.replace(grid, top8));
        assertTrue(Files.readString(older).contains(top8));
        assertEquals(r.totalParams(), SparsityResultFile.read(older).totalParams());
        // another ε grid does not
        Path otherGrid = tmp.resolve("grid" + SparsityResultFile.SUFFIX);
        Files.writeString(otherGrid, json.replace(grid, grid.replace("10^-3", "10^-6")));
        assertTrue(assertThrows(SparsityResultFile.BadResultFileException.class,
                () -> SparsityResultFile.read(otherGrid)).getMessage().contains("ε grid"));

        Path bad = tmp.resolve("bad.sparsity.json");
        Files.writeString(bad, "{\"format\": \"plmwb-sparsity\", \"version\": " + SparsityResultFile.VERSION + ", \"grid\": \""
                + ProbeGrid.describe() + "\", \"model\": {\"name\": \"m\", \"family\": \"plm\", \"activation\": "
                + "\"relu2\", \"layers\": 1, \"hidden\": 10, \"neurons\": 4, \"total_params\": 5, \"bytes_per_param\":"
                + " 2, \"weight_dtype\": \"bf16\"}, \"captures\": [{\"label\": \"x\", \"prompt_tokens\": 1, \"top_k\":"
                + " 1, \"tokens\": [{\"id\": 1, \"text\": \"a\"}], \"token_hist\": [[1, 2]],"
                + " \"top_indices\": [[0]], \"top_values\": [[1.0]]}]}");
        var e = assertThrows(SparsityResultFile.BadResultFileException.class, () -> SparsityResultFile.read(bad));
        assertTrue(e.getMessage().contains("bad.sparsity.json") && e.getMessage().contains("capture 0"),
                e.getMessage());
        Path notJson = tmp.resolve("n.sparsity.json");
        Files.writeString(notJson, "{\"format\": \"plmwb-sparsity\", ");
        assertTrue(assertThrows(SparsityResultFile.BadResultFileException.class,
                () -> SparsityResultFile.read(notJson)).getMessage().contains("not valid JSON"));
        Path other = tmp.resolve("o.json");
        Files.writeString(other, "{\"format\": \"else\"}");
        assertTrue(assertThrows(SparsityResultFile.BadResultFileException.class,
                () -> SparsityResultFile.read(other)).getMessage().contains("not a saved sparsity result"));
    }

    @Test
    void promptFiles() throws Exception {
        Path txt = tmp.resolve("p.txt");
        Files.writeString(txt, "first prompt\n\n  second  \n");
        assertEquals(List.of("first prompt", "second"), PromptFileReader.read(txt));
        Path jsonl = tmp.resolve("p.jsonl");
        Files.writeString(jsonl, "{\"prompt\": \"a\"}\n{\"instruction\": \"b\", \"x\": 1}\n");
        assertEquals(List.of("a", "b"), PromptFileReader.read(jsonl));
        Files.writeString(jsonl, "{\"prompt\": \"a\"}\n{\"text\": \"b\"}\n");
        var e = assertThrows(PromptFileReader.PromptFileException.class, () -> PromptFileReader.read(jsonl));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("p.jsonl"), e.getMessage());
        Files.writeString(jsonl, "{\"prompt\": \"a\"}\n{broken\n");
        assertTrue(assertThrows(PromptFileReader.PromptFileException.class, () -> PromptFileReader.read(jsonl))
                .getMessage().contains("line 2 is not valid JSON"));
        Path empty = tmp.resolve("e.txt");
        Files.writeString(empty, "\n \n");
        assertTrue(assertThrows(PromptFileReader.PromptFileException.class, () -> PromptFileReader.read(empty))
                .getMessage().contains("no prompts"));
        Path binary = tmp.resolve("b.txt");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertTrue(assertThrows(PromptFileReader.PromptFileException.class, () -> PromptFileReader.read(binary))
                .getMessage().contains("not UTF-8"));
    }

    @Test
    void heatmapSpecCsvAndExport() throws Exception {
        ChartSpec spec = SparsityCharts.heatmap(tiny("relu2"), 0);
        assertEquals(ChartKind.HEATMAP, spec.kind());
        String csv = ChartCsv.toCsv(spec);
        assertEquals("layer \\ token,0 a,1 ·b\nlayer 0,0.5,0.5\n", csv);
        for (ExportFormat f : ExportFormat.values()) {
            Path p = new ChartExportService().export(spec, f, tmp.resolve("h." + f.extension()),
                    ExportOptions.defaults().withDpi(96));
            assertTrue(Files.size(p) > (f == ExportFormat.CSV ? 20 : 100), f + " written");
        }
        // A − B on the same capture is 0 everywhere, on the ±1 diverging scale
        HeatMatrix d = SparsityCharts.difference(tiny("relu2"), tiny("relu2"), 0);
        assertEquals(0, d.value(0, 1));
        assertEquals(HeatMatrix.Scale.DIVERGING, d.scale());
        assertThrows(IllegalArgumentException.class, () -> ChartSpec.builder("x", ChartKind.HEATMAP).build());
        var hist = SparsityCharts.neuronHistogram("m", new long[] {0, 1, 2, 1}, 2, 0, 0, true);
        // frequencies 0, .5, 1, .5: bins 0, 10, 19 (twice .5 in bin 10); empty bins are gaps on the log axis
        assertEquals(1, hist.series().get(0).y(0));
        assertEquals(2, hist.series().get(0).y(10));
        assertEquals(1, hist.series().get(0).y(19));
        assertTrue(Double.isNaN(hist.series().get(0).y(5)));
    }
}
