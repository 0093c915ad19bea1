package io.plmwb.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.family.qwen2.Qwen2Family;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import io.plmwb.engine.testutil.TinyModels;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emitted graphs (model.onnx and its weight sidecar) of the fixture and bundled models, in every cache mode,
 * weight dtype and with/without probes, hash to the values recorded from main before the family registry
 * (src/test/resources/graph-hashes.txt). Run with -Dplmwb.recordGraphHashes=FILE to write the table instead.
 */
class PlainGraphBytesTest {

    @TempDir
    Path tmp;

    private interface Source {
        WeightSource open() throws Exception;
    }

    private record Model(String name, ModelConfig config, Source weights) {
    }

    private static List<Model> models() throws Exception {
        Path root = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
        Path hf = Fixture.hf();
        Path gguf = Fixture.shared().resolve("fixtures/gguf/gguf/plm-tiny-Q8_0.gguf");
        TinyModels.Tiny plm = TinyModels.plm(7, null);
        TinyModels.Tiny plmQ = TinyModels.plm(8, 32);
        TinyModels.Tiny llama = TinyModels.gqa(9, LlamaFamily.ID);
        TinyModels.Tiny qwen = TinyModels.gqa(10, Qwen2Family.ID);
        ModelConfig ggufCfg;
        try (GgufCheckpoint c = GgufCheckpoint.open(gguf)) {
            ggufCfg = c.config();
        }
        return List.of(
                new Model("fixture-hf", ConfigLoader.load(hf), () -> SafetensorsCheckpoint.open(hf)),
                new Model("fixture-gguf-q8", ggufCfg, () -> GgufCheckpoint.open(gguf)),
                new Model("plm-nano", ConfigLoader.load(root.resolve("plm-nano")),
                        () -> SafetensorsCheckpoint.open(root.resolve("plm-nano"))),
                new Model("llama-nano", ConfigLoader.load(root.resolve("llama-nano")),
                        () -> SafetensorsCheckpoint.open(root.resolve("llama-nano"))),
                new Model("tiny-plm", plm.config(), plm::weights),
                new Model("tiny-plm-qlora", plmQ.config(), plmQ::weights),
                new Model("tiny-llama", llama.config(), llama::weights),
                new Model("tiny-qwen2", qwen.config(), qwen::weights));
    }

    private Map<String, String> hashes() throws Exception {
        Map<String, String> r = new TreeMap<>();
        for (Model m : models()) {
            for (CacheMode mode : CacheMode.values()) {
                if (mode == CacheMode.LATENT && !m.name().contains("plm") && !m.name().startsWith("fixture")) {
                    continue;
                }
                for (String dtype : GraphOptions.DTYPES) {
                    for (boolean probes : new boolean[] {false, true}) {
                        String tag = m.name() + "/" + mode.key() + "/" + dtype + (probes ? "/probes" : "");
                        Path onnx = tmp.resolve(tag.replace('/', '_')).resolve("model.onnx");
                        WeightSource w = m.weights().open();
                        try {
                            OnnxGraphBuilder.build(m.config(), w,
                                    new GraphOptions(mode, dtype, probes), onnx, TaskContext.none());
                        } finally {
                            if (!(w instanceof io.plmwb.engine.format.InMemoryWeights)) {
                                w.close();
                            }
                        }
                        r.put(tag, sha(onnx) + " " + sha(onnx.resolveSibling("model.onnx.data")));
                    }
                }
            }
        }
        return r;
    }

    private static String sha(Path f) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    }

    @Test
    void graphsAreByteIdenticalToTheRecordedOnes() throws Exception {
        Map<String, String> got = hashes();
        StringBuilder sb = new StringBuilder();
        got.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        String record = System.getProperty("plmwb.recordGraphHashes");
        if (record != null) {
            Files.writeString(Path.of(record), sb.toString(), StandardCharsets.UTF_8);
            return;
        }
        String expected;
        try (InputStream in = PlainGraphBytesTest.class.getResourceAsStream("/graph-hashes.txt")) {
            assertTrue(in != null, "graph-hashes.txt missing");
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(got.size() >= 60, "graphs built: " + got.size());
        assertEquals(expected, sb.toString());
    }
}
