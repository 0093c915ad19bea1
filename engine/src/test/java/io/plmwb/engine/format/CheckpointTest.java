package io.plmwb.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.testutil.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void fixtureValidatesClean() throws Exception {
        Path hf = Fixtures.hf();
        ModelConfig c = ConfigLoader.load(hf);
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(hf)) {
            CheckpointLayout.Report r = CheckpointLayout.validate(ck, c);
            assertTrue(r.ok());
            assertEquals(List.of(), r.extras());
            long numel = 0;
            for (String n : ck.names()) {
                numel += ck.info(n).orElseThrow().numel();
            }
            assertEquals(numel, CheckpointLayout.of(c).totalParameters());
            assertEquals(numel, ArchitectureSummary.of(c).total());
            assertEquals(CheckpointLayout.of(c).names().size(), ck.names().size());
        }
    }

    @Test
    void presetLayoutsMatchPublishedTensorCountsAndSummaries() {
        ModelConfig plm = Presets.byName("plm-1.8b").orElseThrow();
        CheckpointLayout l = CheckpointLayout.of(plm);
        assertEquals(290, l.names().size()); // plm.md: 290 tensors
        assertArrayEquals(new long[] {576, 2048}, l.shape("model.layers.31.self_attn.kv_a_proj_with_mqa.weight"));
        assertArrayEquals(new long[] {4096, 512}, l.shape("model.layers.0.self_attn.kv_b_proj.weight"));
        assertArrayEquals(new long[] {3072, 2048}, l.shape("model.layers.0.self_attn.q_proj.weight"));
        assertEquals(null, l.shape("lm_head.weight"));
        assertEquals(null, l.shape("model.layers.0.mlp.gate_proj.weight"));
        assertEquals(1_825_458_176L, l.totalParameters());
        for (String name : Presets.names()) {
            ModelConfig c = Presets.byName(name).orElseThrow();
            assertEquals(ArchitectureSummary.of(c).total(), CheckpointLayout.of(c).totalParameters(), name);
        }
        ModelConfig qwen = Presets.byName("qwen2.5-1.5b").orElseThrow();
        CheckpointLayout q = CheckpointLayout.of(qwen);
        assertArrayEquals(new long[] {256}, q.shape("model.layers.0.self_attn.k_proj.bias"));
        assertArrayEquals(new long[] {8960, 1536}, q.shape("model.layers.27.mlp.gate_proj.weight"));
        assertEquals(28 * 12 + 2, q.names().size());
        ModelConfig llama = Presets.byName("llama-3.2-1b").orElseThrow();
        assertEquals(16 * 9 + 2, CheckpointLayout.of(llama).names().size());
        assertEquals(null, CheckpointLayout.of(llama).shape("model.layers.0.self_attn.q_proj.bias"));
    }

    @Test
    void qLoraLayoutAndUntiedHead() throws Exception {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(Fixtures.hf().resolve("config.json").toFile());
        json.put("q_lora_rank", 96);
        json.put("tie_word_embeddings", false);
        ModelConfig c = ConfigLoader.parse(dir.resolve("config.json"), json);
        CheckpointLayout l = CheckpointLayout.of(c);
        assertArrayEquals(new long[] {96, 256}, l.shape("model.layers.1.self_attn.q_a_proj.weight"));
        assertArrayEquals(new long[] {96}, l.shape("model.layers.1.self_attn.q_a_layernorm.weight"));
        assertArrayEquals(new long[] {192, 96}, l.shape("model.layers.1.self_attn.q_b_proj.weight"));
        assertArrayEquals(new long[] {512, 256}, l.shape("lm_head.weight"));
        assertEquals(null, l.shape("model.layers.1.self_attn.q_proj.weight"));
        assertEquals(ArchitectureSummary.of(c).total(), l.totalParameters());
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(Fixtures.hf())) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointLayout.validate(ck, c));
            assertTrue(e.getMessage().contains("missing tensor model.layers.0.self_attn.q_a_proj.weight"));
            assertTrue(e.getMessage().contains("missing tensor lm_head.weight"));
            assertTrue(e.getMessage().startsWith(Fixtures.hf().toString()));
        }
    }

    @Test
    void missingAndMisshapenTensorsAreAllNamed() throws Exception {
        Path hf = Fixtures.hf();
        ModelConfig c = ConfigLoader.load(hf);
        InMemoryWeights w = new InMemoryWeights(dir.resolve("mem"));
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(hf)) {
            for (String n : ck.names()) {
                if (n.equals("model.layers.1.mlp.up_proj.weight")) {
                    continue;
                }
                float[] v = ck.readFloats(n);
                long[] shape = ck.info(n).orElseThrow().shape();
                if (n.equals("model.layers.0.self_attn.kv_b_proj.weight")) {
                    shape = new long[] {shape[1], shape[0]}; // transposed by mistake
                }
                w.put(n, v, shape);
            }
        }
        w.put("rotary.inv_freq", new float[8], 8);
        CheckpointLayout.Report r = CheckpointLayout.of(c).check(w);
        assertEquals(2, r.problems().size());
        assertEquals(List.of("rotary.inv_freq"), r.extras());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointLayout.validate(w, c));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir.resolve("mem").toString()), m);
        assertTrue(m.contains("2 problems"), m);
        assertTrue(m.contains("missing tensor model.layers.1.mlp.up_proj.weight"), m);
        assertTrue(m.contains("model.layers.0.self_attn.kv_b_proj.weight: shape [64, 256], expected [256, 64]"), m);
    }

    @Test
    void manyProblemsAreCapped() throws Exception {
        ModelConfig c = ConfigLoader.load(Fixtures.hf()).withLayers(30);
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(Fixtures.hf())) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointLayout.validate(ck, c));
            int expected = 28 * 9;
            assertTrue(e.getMessage().contains(expected + " problems"), e.getMessage());
            assertTrue(e.getMessage().contains("and " + (expected - CheckpointLayout.MAX_REPORTED) + " more"));
            assertTrue(e.getMessage().length() < 5000);
        }
    }

    /** Splits the fixture into two shards (layer 0 + embeddings, the rest) and writes an index. */
    private Path shard(Path out, Map<String, String> overrides) throws Exception {
        Files.createDirectories(out);
        List<TensorInfo> a = new ArrayList<>();
        List<float[]> av = new ArrayList<>();
        List<TensorInfo> b = new ArrayList<>();
        List<float[]> bv = new ArrayList<>();
        ObjectNode index = new ObjectMapper().createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode wm = index.putObject("weight_map");
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(Fixtures.hf())) {
            for (String n : ck.names()) {
                boolean first = n.startsWith("model.embed") || n.startsWith("model.layers.0.");
                (first ? a : b).add(ck.info(n).orElseThrow());
                (first ? av : bv).add(ck.readFloats(n));
                wm.put(n, first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
        }
        overrides.forEach(wm::put);
        SafetensorsWriter.writeAll(out.resolve("model-00001-of-00002.safetensors"), a, av);
        SafetensorsWriter.writeAll(out.resolve("model-00002-of-00002.safetensors"), b, bv);
        Files.writeString(out.resolve(SafetensorsCheckpoint.INDEX), index.toString());
        return out;
    }

    @Test
    void shardedCheckpointReadsLikeTheSingleFile() throws Exception {
        Path s = shard(dir.resolve("sharded"), Map.of());
        try (SafetensorsCheckpoint sh = SafetensorsCheckpoint.open(s);
                SafetensorsCheckpoint one = SafetensorsCheckpoint.open(Fixtures.hf())) {
            assertEquals(2, sh.files().size());
            assertEquals(20, sh.names().size());
            CheckpointLayout.validate(sh, ConfigLoader.load(Fixtures.hf()));
            for (String n : one.names()) {
                assertArrayEquals(one.readFloats(n), sh.readFloats(n), n);
            }
            assertEquals(s.resolve("model-00002-of-00002.safetensors"),
                    sh.fileOf("model.norm.weight").orElseThrow().origin());
        }
    }

    @Test
    void shardIndexProblems() throws Exception {
        Path missing = shard(dir.resolve("m"), Map.of("model.norm.weight", "model-00003-of-00003.safetensors"));
        assertMessage(missing, "model-00003-of-00003.safetensors", "does not exist", "model.norm.weight");

        Path wrong = shard(dir.resolve("w"), Map.of("model.norm.weight", "model-00001-of-00002.safetensors"));
        assertMessage(wrong, "'model.norm.weight'", "not in it", "model-00002-of-00002");

        Path escape = shard(dir.resolve("e"), Map.of("model.norm.weight", "../m/model-00001-of-00002.safetensors"));
        assertMessage(escape, "not a plain file name");

        Path two = shard(dir.resolve("t"), Map.of());
        // a third shard that repeats a tensor of shard 2
        SafetensorsWriter.writeAll(two.resolve("extra.safetensors"),
                List.of(new TensorInfo("model.norm.weight", DType.F32, new long[] {256})), List.of(new float[256]));
        ObjectNode idx = (ObjectNode) new ObjectMapper().readTree(two.resolve(SafetensorsCheckpoint.INDEX).toFile());
        ((ObjectNode) idx.get("weight_map")).put("extra.only", "extra.safetensors");
        Files.writeString(two.resolve(SafetensorsCheckpoint.INDEX), idx.toString());
        assertMessage(two, "'model.norm.weight'", "two shards");

        Path bad = dir.resolve("b");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve(SafetensorsCheckpoint.INDEX), "{\"weight_map\": [1]}");
        assertMessage(bad, "weight_map");
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        assertMessage(empty, "neither model.safetensors");
    }

    private static void assertMessage(Path folder, String... parts) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsCheckpoint.open(folder)
                .close());
        assertTrue(e.getMessage().startsWith(folder.toString()), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }
}
