package io.plmwb.experiments.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.probe.KvCacheProbe;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KvStudy}: analytic figures worked out from the config by hand, the charts, the JSON, a measured fixture. */
class KvStudyTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static KvStudy.Settings plm(long context, List<DeviceBudget> budgets) {
        return new KvStudy.Settings(KvStudy.Source.preset("plm-1.8b"), StorageType.BF16, StorageType.BF16, context,
                budgets, null);
    }

    @Test
    void presetRowsDevicesAndChartsFromTheConfig() throws Exception {
        List<DeviceBudget> budgets = new ArrayList<>(DeviceBudget.defaults());
        budgets.add(DeviceBudget.parse("Edge box=3.5GiB"));
        KvReport r = new KvStudy().run(plm(4096, budgets), TaskContext.none());
        ModelConfig c = r.config();
        // latent: 32 layers × (kv_lora_rank 512 + rope 64) × 2 B; expanded: 32 × 16 heads × (128 + 64 + 128) × 2 B
        long latent = (long) c.numLayers() * (c.kvLoraRank() + c.qkRopeHeadDim()) * 2;
        long expanded = (long) c.numLayers() * c.numHeads() * (c.qkNopeHeadDim() + c.qkRopeHeadDim()
                + c.vHeadDim()) * 2;
        assertEquals(36_864, latent);
        assertEquals(327_680, expanded);
        assertEquals(KvLayout.LATENT, r.rows().get(0).layout());
        assertEquals(latent, r.rows().get(0).bytesPerToken());
        assertEquals(expanded, r.rows().get(1).bytesPerToken());
        assertEquals(144 * MIB, r.rows().get(0).bytesAtContext());
        assertEquals(1_280 * MIB, r.rows().get(1).bytesAtContext());

        assertEquals(5, r.devices().size());
        // 3.5 GiB cannot hold the bf16 weights (2 B × parameters) plus the 256 MiB workspace floor
        long weights = 2L * r.analysis().summary().total();
        assertTrue(weights + 256 * MIB > (long) (3.5 * GIB), "weights " + weights);
        assertFalse(r.devices().get(4).weightsFit());
        assertTrue(r.devices().get(4).fits().stream().allMatch(KvCacheAnalysis.Fit::weightsDoNotFit));
        // laptop 24 GiB: the longest latent context is where the memory to run crosses the budget
        KvReport.DeviceFit laptop = r.devices().get(3);
        assertEquals(24 * GIB, laptop.device().bytes());
        long n = laptop.fits().get(0).maxContext();
        assertTrue(r.analysis().memoryAt(KvLayout.LATENT, n) <= 24 * GIB);
        assertTrue(r.analysis().memoryAt(KvLayout.LATENT, n + 1) > 24 * GIB);
        assertTrue(n > 5 * laptop.fits().get(1).maxContext(), n + " vs " + laptop.fits().get(1).maxContext());

        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        assertEquals(List.of("kv-cache-vs-context-plm-1-8b", "kv-memory-vs-budgets-plm-1-8b"),
                charts.stream().map(ChartSpec::id).toList());
        Series latentSeries = charts.get(0).series().get(0);
        int at4096 = indexOf(latentSeries, 4096);
        assertEquals(144.0 / 1024, latentSeries.y(at4096), 1e-15);
        // four layouts plus the weights line; one budget marker per distinct size (8, 12, 24, 3.5 GiB)
        assertEquals(5, charts.get(0).series().size());
        assertEquals(4, charts.get(1).markers().size());
        Bundle b = r.bundle(NoSelection.ALL);
        assertTrue(b.files().isEmpty());
        assertEquals(2, b.charts().size());
        assertSame(charts.get(0), b.charts().get(0).chart());
        assertSame(charts.get(1), b.charts().get(1).chart());
        assertEquals(charts.get(0).id(), b.charts().get(0).name());
    }

    @Test
    void jsonIsTheKvCommandsReport() {
        KvReport r = KvStudy.analyze(plm(0, DeviceBudget.defaults()));
        ObjectNode j = r.toJson();
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("source", "model", "layers", "cache_dtype", "weights_dtype", "context",
                "max_position_embeddings", "native_layout", "weights_bytes", "layouts", "devices"), keys);
        assertEquals("plm-1.8b", j.at("/source/preset").asText());
        assertEquals(4096, j.get("context").asLong()); // 0 = max_position_embeddings
        assertEquals(32, j.get("layers").asInt());
        assertEquals("latent", j.get("native_layout").asText());
        assertEquals(36_864, j.at("/layouts/latent/bytes_per_token").asLong());
        assertEquals(1_152, j.at("/layouts/latent/bytes_per_token_per_layer").asLong());
        assertEquals(576, j.at("/layouts/latent/values_per_token_per_layer").asLong());
        assertEquals(327_680 / 36_864.0, j.at("/layouts/expanded/ratio_to_native").asDouble(), 1e-12);
        assertEquals(r.analysis().memoryAt(KvLayout.LATENT, 4096), j.at("/layouts/latent/memory_to_run_bytes")
                .asLong());
        JsonNode pi = j.get("devices").get(0);
        assertEquals(8 * GIB, pi.get("bytes").asLong());
        assertEquals(r.devices().get(0).fits().get(0).maxContext(), pi.at("/max_context/latent").asLong());
        assertTrue(pi.get("weights_fit").asBoolean());
        assertFalse(j.has("measured"));
        assertTrue(j != r.toJson(), "a fresh object each call");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KvStudy.Source.preset("nope"));
        assertThrows(IllegalArgumentException.class, () -> plm(-1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> plm(1L << 31, List.of()));
        assertThrows(IllegalArgumentException.class, () -> plm(4096, List.of())
                .measuring(KvStudy.Measurement.withThreads(1)));
        ModelConfig llama = io.plmwb.engine.model.Presets.byName("llama-3.2-1b").orElseThrow();
        KvStudy.Source gqa = KvStudy.Source.checkpoint("llama", llama, dir);
        assertThrows(IllegalArgumentException.class, () -> new KvStudy.Settings(gqa, StorageType.BF16,
                StorageType.BF16, 16, List.of(), new KvStudy.Measurement(List.of(CacheMode.LATENT),
                        io.plmwb.engine.runtime.SessionSpec.defaults())));
        assertEquals(List.of(CacheMode.EXPANDED), KvStudy.Measurement.withThreads(1).modesFor(llama));
    }

    @Test
    void measuresTheFixtureCacheInBothModes() throws Exception {
        Path hf = Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "gguf", "hf");
        ModelConfig cfg = ModelFiles.config(hf);
        KvStudy.Measurement m = KvStudy.Measurement.onHost();
        KvStudy.Settings s = new KvStudy.Settings(KvStudy.Source.checkpoint("hf", cfg, hf), StorageType.BF16,
                StorageType.BF16, 33, DeviceBudget.defaults(), m);
        KvReport r;
        try (io.plmwb.engine.runtime.ModelSessions host = new io.plmwb.engine.runtime.ModelSessions(1,
                new GraphCache(dir.resolve("graphs")), io.plmwb.engine.runtime.MemoryGuard.system())) {
            r = new KvStudy(host).run(s, TaskContext.none());
        }
        assertEquals(2, r.measured().size());
        KvCacheProbe.Result latent = r.measured().get(0);
        KvCacheProbe.Result expanded = r.measured().get(1);
        assertEquals(CacheMode.LATENT, latent.mode());
        // fixture: 2 layers; latent 64 + 16 = 80 floats, expanded 4 heads × (32 + 16 + 32) = 320 floats, fp32
        assertEquals(2L * 80 * 4 * 33, latent.measuredBytes());
        assertEquals(2L * 320 * 4 * 33, expanded.measuredBytes());
        assertTrue(r.allMatch());
        // the analytic rows stay at the chosen cache dtype (bf16): 2 layers × 80 values × 2 B
        assertEquals(320, r.rows().get(0).bytesPerToken());
        ObjectNode j = r.toJson();
        assertEquals(hf.toAbsolutePath().normalize().toString(), j.at("/source/model_dir").asText());
        assertEquals(2, j.get("measured").size());
        assertEquals(21_120, j.at("/measured/0/measured_bytes").asLong());
        assertTrue(j.at("/measured/1/match").asBoolean());
        assertEquals(2, j.at("/measured/0/layers").size());
        Iterator<String> last = j.fieldNames();
        String key = null;
        while (last.hasNext()) {
            key = last.next();
        }
        assertEquals("measured", key);
    }

    private static int indexOf(Series s, double x) {
        for (int i = 0; i < s.size(); i++) {
            if (s.x(i) == x) {
                return i;
            }
        }
        throw new AssertionError("no point at " + x);
    }
}
