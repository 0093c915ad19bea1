package io.plmwb.experiments.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Marker;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KvCacheAnalysisTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static ModelConfig plm() {
        return Presets.byName("plm-1.8b").orElseThrow();
    }

    @Test
    void plm18bAtBf16MatchesTheIssueFigures() {
        KvCacheAnalysis a = new KvCacheAnalysis(plm(), StorageType.BF16, StorageType.BF16);
        Map<KvLayout, KvCacheAnalysis.LayoutRow> rows = a.rows(4096).stream()
                .collect(Collectors.toMap(KvCacheAnalysis.LayoutRow::layout, r -> r));
        // latent: (512 + 64) × 2 B × 32 layers; expanded: 16 heads × (192 + 128) × 2 × 32; MHA: 2 × 16 × 128 × 2 × 32
        assertEquals(36_864, rows.get(KvLayout.LATENT).bytesPerToken());
        assertEquals(327_680, rows.get(KvLayout.EXPANDED).bytesPerToken());
        assertEquals(262_144, rows.get(KvLayout.MHA).bytesPerToken());
        assertEquals(1_152, rows.get(KvLayout.LATENT).bytesPerTokenPerLayer());
        assertEquals(144 * MIB, rows.get(KvLayout.LATENT).bytesAtContext());
        assertEquals(1_280 * MIB, rows.get(KvLayout.EXPANDED).bytesAtContext());
        assertEquals(327_680 / 36_864.0, rows.get(KvLayout.EXPANDED).ratioToNative(), 1e-12);
        assertEquals(List.of(KvLayout.LATENT, KvLayout.EXPANDED, KvLayout.MHA, KvLayout.GQA), a.layouts());
    }

    @Test
    void latentDoesNotApplyToGqaModels() {
        KvCacheAnalysis a = new KvCacheAnalysis(Presets.byName("llama-3.2-1b").orElseThrow(), StorageType.BF16,
                StorageType.BF16);
        assertTrue(!a.layouts().contains(KvLayout.LATENT));
        // llama-3.2-1b: 16 layers, 8 KV heads × 64 head dim, K and V, bf16: 2 × 8 × 64 × 2 × 16 = 32,768 B/token
        assertEquals(32_768, a.rows(1).stream().filter(r -> r.layout() == KvLayout.EXPANDED).findFirst()
                .orElseThrow().bytesPerToken());
    }

    @Test
    void longestContextSolvesTheLinearBudgetByHand() {
        ModelConfig c = plm();
        KvCacheAnalysis a = new KvCacheAnalysis(c, StorageType.BF16, StorageType.BF16);
        long budget = 8 * GIB;
        // memory(n) = weights + cache(n) + workspace(n); for the 1.8B shape the workspace is above its floor:
        // 4 B × 512 tokens × (4·hidden + 2·mlp + heads·n) + 2 × 4 B × vocab
        long weights = 2L * a.summary().total();
        long fixed = weights + 4L * 512 * (4L * c.hiddenSize() + 2L * c.intermediateSize()) + 8L * c.vocabSize();
        long perToken = 36_864 + 4L * 512 * c.numHeads();
        long expected = (budget - fixed) / perToken;
        assertEquals(expected, a.fit(KvLayout.LATENT, budget).maxContext());
        long perTokenExpanded = 327_680 + 4L * 512 * c.numHeads();
        assertEquals((budget - fixed) / perTokenExpanded, a.fit(KvLayout.EXPANDED, budget).maxContext());
        // the boundary: fits at n, not at n + 1
        assertTrue(a.memoryAt(KvLayout.LATENT, expected) <= budget);
        assertTrue(a.memoryAt(KvLayout.LATENT, expected + 1) > budget);
    }

    @Test
    void weightsThatDoNotFitGiveZeroAndHugeBudgetsHitTheSearchLimit() {
        KvCacheAnalysis a = new KvCacheAnalysis(plm(), StorageType.BF16, StorageType.FP32);
        assertTrue(a.fit(KvLayout.LATENT, 4 * GIB).weightsDoNotFit()); // 7.3 GB of fp32 weights
        assertTrue(a.fit(KvLayout.LATENT, 1L << 50).unbounded());
    }

    @Test
    void budgetsParseUnitsAndRejectNonsense() {
        assertEquals(8 * GIB, DeviceBudget.parse("Pi 5=8").bytes());
        assertEquals(8 * GIB, DeviceBudget.parse("Pi 5 = 8 GiB").bytes());
        assertEquals(7_500_000_000L, DeviceBudget.parse("x=7.5GB").bytes());
        assertEquals(512 * MIB, DeviceBudget.parse("MCU=512MiB").bytes());
        assertEquals("Pi 5", DeviceBudget.parse("Pi 5=8").name());
        DeviceBudget d = DeviceBudget.parse("Phone=11.5GiB");
        assertEquals(d, DeviceBudget.parse(d.format()));
        for (String bad : new String[] {"=8", "x=", "x=eight", "x=-1", "x=0", "8", "x=1e20GB"}) {
            assertThrows(IllegalArgumentException.class, () -> DeviceBudget.parse(bad), bad);
        }
        assertEquals(4, DeviceBudget.defaults().size());
    }

    @Test
    void chartsDrawEveryLayoutAndEveryBudget() {
        KvCacheAnalysis a = new KvCacheAnalysis(plm(), StorageType.BF16, StorageType.BF16);
        ChartSpec cache = KvCharts.cacheVsContext("plm-1.8b", a);
        assertEquals(5, cache.series().size()); // 4 layouts + weights
        int at4096 = -1;
        double[] x = cache.series().get(0).x();
        for (int i = 0; i < x.length; i++) {
            if (x[i] == 4096) {
                at4096 = i;
            }
        }
        assertTrue(at4096 >= 0);
        assertEquals(144.0 / 1024, cache.series().get(0).y(at4096), 1e-12); // latent, GiB
        assertEquals(1280.0 / 1024, cache.series().get(1).y(at4096), 1e-12); // expanded
        assertTrue(cache.markers().stream().anyMatch(m -> m.orientation() == Marker.Orientation.VERTICAL
                && m.value() == 4096));
        ChartSpec mem = KvCharts.memoryVsBudgets("plm-1.8b", a, DeviceBudget.defaults());
        assertEquals(4, mem.series().size());
        // Raspberry Pi 5 and Jetson Orin Nano share the 8 GiB marker; phone 12, laptop 24
        assertEquals(3, mem.markers().size());
        assertEquals(8.0, mem.markers().get(0).value(), 0);
        assertTrue(mem.markers().get(0).label().contains("Raspberry Pi 5, Jetson Orin Nano"), mem.markers().get(0).label());
        assertEquals(24.0, mem.markers().get(2).value(), 0);
        assertTrue(mem.yAxis().max() >= 24.0, "the largest budget is inside the y range");
        assertEquals(a.memoryAt(KvLayout.LATENT, 4096) / (double) GIB, mem.series().get(0).y(at4096), 1e-12);
    }
}
