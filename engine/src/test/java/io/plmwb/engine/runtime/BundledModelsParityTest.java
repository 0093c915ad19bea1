package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.graph.OnnxGraphBuilder;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bundled model in {@code datasets/models} (trained by experiments/recipes/nano) runs through the engine and
 * reproduces the logits PyTorch computed from the same stored weights: the cross-implementation proof for trained
 * weights (the fixture parity test covers random ones). Override the folder with {@code -Dplmwb.bundled.dir}.
 */
class BundledModelsParityTest {

    private static final double TOLERANCE = 1e-3;

    @TempDir
    Path tmp;

    static Path modelsDir() {
        String override = System.getProperty("plmwb.bundled.dir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
    }

    static List<Path> bundled() throws Exception {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(modelsDir())) {
            try (Stream<Path> s = Files.list(modelsDir())) {
                s.filter(p -> Files.isRegularFile(p.resolve("parity/ids.json"))).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void theDefaultModelIsBundled() throws Exception {
        List<String> names = bundled().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.contains("plm-nano"), "datasets/models/plm-nano (the app's default) is missing: " + names);
    }

    @TestFactory
    Stream<DynamicTest> everyBundledModelMatchesPyTorch() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path model : bundled()) {
            ModelConfig config = ConfigLoader.load(model);
            List<CacheMode> modes = config.family().isMla() ? List.of(CacheMode.LATENT, CacheMode.EXPANDED)
                    : List.of(CacheMode.EXPANDED);
            for (CacheMode mode : modes) {
                tests.add(DynamicTest.dynamicTest(model.getFileName() + " " + mode.key(),
                        () -> checkModel(model, config, mode)));
            }
        }
        return tests.stream();
    }

    private void checkModel(Path model, ModelConfig config, CacheMode mode) throws Exception {
        JsonNode parity = new ObjectMapper().readTree(model.resolve("parity/ids.json").toFile());
        int vocab = parity.get("vocab_size").asInt();
        assertEquals(config.vocabSize(), vocab);
        float[][] all = LogitsRunner.readF32(model.resolve("parity").resolve(parity.get("file").asText()), vocab);
        assertEquals(parity.at("/shape/0").asInt(), all.length);

        PlmTokenizer tokenizer = PlmTokenizer.load(model);
        Path onnx = tmp.resolve(model.getFileName() + "-" + mode.key() + ".onnx");
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(model)) {
            CheckpointLayout.validate(weights, config);
            OnnxGraphBuilder.build(config, weights, GraphOptions.of(mode), onnx, TaskContext.none());
        }
        try (DecoderSession session = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
            assertFalse(parity.get("prompts").isEmpty());
            for (JsonNode p : parity.get("prompts")) {
                int[] ids = new int[p.get("ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = p.get("ids").get(i).asInt();
                }
                assertArrayEquals(ids, tokenizer.encode(p.get("text").asText()),
                        model.getFileName() + ": the tokenizer must give the recipe's ids for " + p.get("text"));
                int offset = p.get("row_offset").asInt();
                float[][] want = java.util.Arrays.copyOfRange(all, offset, offset + p.get("rows").asInt());
                for (boolean incremental : new boolean[] {false, true}) {
                    float[][] got = LogitsRunner.run(session, ids, incremental, TaskContext.none());
                    LogitsComparison c = LogitsRunner.compare(got, want);
                    System.out.printf("%s %s %s vs PyTorch: max abs diff %.2e, argmax %d/%d%n", model.getFileName(),
                            mode.key(), incremental ? "incremental" : "prefill", c.maxAbsDiff(), c.argmaxAgree(),
                            c.positions());
                    assertTrue(c.maxAbsDiff() <= TOLERANCE, model.getFileName() + " " + mode.key() + ": max abs "
                            + c.maxAbsDiff() + " at position " + c.maxDiffPosition());
                    assertEquals(c.positions(), c.argmaxAgree(), "argmax must agree at every position");
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyBundledModelLoadsAndGeneratesText() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path model : bundled()) {
            tests.add(DynamicTest.dynamicTest(model.getFileName() + " generates", () -> {
                ModelLoader.Options options = ModelLoader.Options.defaults()
                        .withRuntime(RuntimeOptions.threads(1, 1))
                        .withCache(new io.plmwb.engine.graph.GraphCache(tmp.resolve("graphs")));
                try (LoadedModel m = ModelLoader.load(model, options, TaskContext.none())) {
                    GenerationResult r = m.generator().generate("And God said", GenerationOptions.greedy(12)
                            .withStopTokenIds(m.tokenizer().stopIds()), TokenListener.none(), TaskContext.none());
                    System.out.printf("%s: And God said|%s%n", model.getFileName(), r.text().replace('\n', '/'));
                    assertEquals(12, r.tokens().size(), "a trained model continues a verse without stopping");
                    assertTrue(r.text().chars().filter(Character::isLetter).count() >= 12,
                            "it writes words: " + r.text());
                    assertFalse(m.synthetic(), "bundled models are trained, not synthetic");
                }
            }));
        }
        return tests.stream();
    }
}
