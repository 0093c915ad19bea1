package io.plmwb.experiments.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The info study on the shared tiny PLM (hidden 256, vocab 512, 2 layers, 4 heads, MLA latent 64, q/k 32+16, v 32,
 * relu² MLP 512, tied embeddings, context 256). Expected numbers are worked out by hand from that config.
 */
class ModelInfoStudyTest {

    private static final Path FIXTURE = Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf");

    // per block: q 256·4·48, kv_a 256·(64+16), kv_a norm 64, kv_b 64·4·(32+32), o 4·32·256
    private static final long ATTENTION_PER_BLOCK = 49_152 + 20_480 + 64 + 16_384 + 32_768;
    private static final long MLP_PER_BLOCK = 2 * 256 * 512; // up + down (relu² is not gated)
    private static final long NORMS_PER_BLOCK = 2 * 256;
    private static final long EMBEDDING = 512 * 256;
    private static final long TOTAL = EMBEDDING + 2 * (ATTENTION_PER_BLOCK + MLP_PER_BLOCK + NORMS_PER_BLOCK) + 256;

    private static ModelInfoReport run(ModelInfoStudy.Settings s) throws Exception {
        return new ModelInfoStudy().run(s, TaskContext.none());
    }

    @Test
    void checkpointFolderFigures() throws Exception {
        ModelInfoReport r = run(ModelInfoStudy.Settings.checkpoint(FIXTURE.resolve("hf")));
        assertEquals(894_336, TOTAL, "the hand count");
        assertEquals(TOTAL, r.totalParameters());
        assertEquals("hf", r.name());
        assertEquals(List.of(new ModelInfoReport.Component("Embedding", EMBEDDING),
                new ModelInfoReport.Component("Attention", 2 * ATTENTION_PER_BLOCK),
                new ModelInfoReport.Component("MLP", 2 * MLP_PER_BLOCK),
                new ModelInfoReport.Component("Norms", 2 * NORMS_PER_BLOCK + 256)), r.components(),
                "tied embeddings: no LM head");
        assertEquals(ATTENTION_PER_BLOCK + MLP_PER_BLOCK + NORMS_PER_BLOCK, r.perBlock());
        assertEquals(r.perBlock(), r.perBlockTensors().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(49_152L, r.perBlockTensors().get("q_proj"));
        assertEquals(4 * TOTAL, r.weightBytes(StorageType.FP32));
        assertEquals(2 * TOTAL, r.weightBytes(StorageType.BF16));
        assertEquals(StorageType.BF16, r.cacheDtype());
        assertEquals(256, r.context(), "the model's max_position_embeddings");

        Map<KvLayout, ModelInfoReport.KvFigures> kv = new java.util.EnumMap<>(KvLayout.class);
        r.kv().forEach(k -> kv.put(k.layout(), k));
        // latent: 64 + 16 values per layer; bf16 × 2 layers
        assertEquals(new ModelInfoReport.KvFigures(KvLayout.LATENT, 80, 80 * 2 * 2, 80 * 2 * 2 * 256),
                kv.get(KvLayout.LATENT));
        // expanded: K 4 × 48 + V 4 × 32
        assertEquals(4 * 48 + 4 * 32, kv.get(KvLayout.EXPANDED).valuesPerTokenPerLayer());
        assertEquals((4 * 48 + 4 * 32) * 2 * 2, kv.get(KvLayout.EXPANDED).bytesPerToken());
        assertFalse(r.gguf().isPresent());

        JsonNode j = r.toJson();
        assertEquals(TOTAL, j.at("/params/total").asLong());
        assertEquals(80 * 2 * 2, j.at("/kv_cache/bytes_per_token/latent").asLong());
        assertEquals(FIXTURE.resolve("hf").toAbsolutePath().normalize().toString(), j.at("/source/model_dir").asText());
        assertTrue(j.at("/gguf").isMissingNode());
    }

    @Test
    void chartsAreTheTwoBreakdownsAndTheBundleHoldsThem() throws Exception {
        ModelInfoReport r = run(ModelInfoStudy.Settings.checkpoint(FIXTURE.resolve("hf")));
        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        assertEquals(List.of("param-breakdown-hf", "param-per-layer-hf"), charts.stream().map(ChartSpec::id).toList());
        assertArrayEquals(new double[] {EMBEDDING / 1e6, 2 * ATTENTION_PER_BLOCK / 1e6, 2 * MLP_PER_BLOCK / 1e6,
            (2 * NORMS_PER_BLOCK + 256) / 1e6}, charts.get(0).series().get(0).y(), 1e-12);
        assertEquals(3, charts.get(1).series().size(), "attention / MLP / norms stacks");
        ChartSpec direct = ParameterBreakdownChart.byComponent("hf", r.summary());
        assertEquals(direct.title(), charts.get(0).title());
        assertEquals(ChartCsv.toCsv(direct), ChartCsv.toCsv(charts.get(0)));
        assertEquals(ChartCsv.toCsv(ParameterBreakdownChart.perLayerTensors("hf", r.summary())),
                ChartCsv.toCsv(charts.get(1)));
        Bundle b = r.bundle(NoSelection.ALL);
        assertEquals(List.of("param-breakdown-hf", "param-per-layer-hf"),
                b.charts().stream().map(Bundle.ChartEntry::name).toList());
        assertEquals(charts, b.charts().stream().map(Bundle.ChartEntry::chart).toList());
        assertTrue(b.files().isEmpty());
    }

    @Test
    void ggufFactsAreCountedFromTheFile() throws Exception {
        Path gguf = FIXTURE.resolve("gguf/plm-tiny-Q8_0.gguf");
        ModelInfoReport r = run(ModelInfoStudy.Settings.checkpoint(gguf));
        assertEquals(TOTAL, r.totalParameters());
        GgufFacts g = r.gguf().orElseThrow();
        assertEquals(Files.size(gguf), g.fileBytes());
        assertEquals(20, g.tensors());
        // the 13 matrices (embedding + 6 per block) are Q8_0: 34 bytes per 32 values; the 7 norms stay F32
        long matrixValues = EMBEDDING + 2 * (ATTENTION_PER_BLOCK - 64 + MLP_PER_BLOCK);
        assertEquals(new GgufFacts.TensorType(13, matrixValues / 32 * 34), g.tensorTypes().get("Q8_0"));
        assertEquals(new GgufFacts.TensorType(7, 4 * (2 * (NORMS_PER_BLOCK + 64) + 256)), g.tensorTypes().get("F32"));
        assertEquals("q8", g.nativeWeights());
        JsonNode j = r.toJson();
        assertEquals(13, j.at("/gguf/tensor_types/Q8_0/count").asInt());
        assertEquals(Files.size(gguf), j.at("/gguf/file_bytes").asLong());
        assertEquals("plm-tiny-Q8_0.gguf", r.name());
    }

    @Test
    void presetsAndCacheSettings() throws Exception {
        ModelInfoReport r = run(ModelInfoStudy.Settings.preset("plm-1.8b").withCache(StorageType.FP32, 1000));
        assertEquals(1_825_458_176L, r.totalParameters());
        assertEquals("plm-1.8b", r.toJson().at("/source/preset").asText());
        assertEquals(1000, r.context());
        ModelInfoReport.KvFigures latent = r.kv().get(0);
        assertEquals(KvLayout.LATENT, latent.layout());
        assertEquals(latent.bytesPerToken() * 1000, latent.bytesAtContext());
        assertEquals(36_864 * 2, latent.bytesPerToken(), "fp32 doubles the published bf16 figure");
        var m = r.memoryToRun();
        assertEquals(r.weightBytes(StorageType.FP32), m.weightBytes());
        assertEquals(latent.bytesAtContext(), m.cacheBytes());
    }

    @Test
    void badInputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(ModelInfoStudy.Settings.preset("gpt-5")));
        assertTrue(e.getMessage().contains("unknown preset 'gpt-5'"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ModelInfoStudy.Settings(Path.of("x"), "plm-1.8b", StorageType.BF16, 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelInfoStudy.Settings(null, null, StorageType.BF16, 0));
        assertThrows(io.plmwb.engine.format.ModelFormatException.class,
                () -> run(ModelInfoStudy.Settings.checkpoint(FIXTURE.resolve("no-such-folder"))));
    }
}
