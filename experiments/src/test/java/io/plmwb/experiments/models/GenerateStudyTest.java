package io.plmwb.experiments.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.runtime.GeneratedToken;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.StopReason;
import io.plmwb.engine.runtime.TokenListener;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation through the study on the shared tiny PLM, checked against the engine's generator run directly. */
class GenerateStudyTest {

    private static final Path HF = Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf", "hf");
    private static final GenerationOptions GREEDY = GenerationOptions.greedy(6).withStopTokenIds(Set.of(511));

    @TempDir
    static Path dir;
    private static String oldCache;

    @BeforeAll
    static void cacheInTemp() {
        oldCache = System.getProperty("plmwb.cache.dir");
        System.setProperty("plmwb.cache.dir", dir.resolve("graphs").toString());
    }

    @AfterAll
    static void restoreCache() {
        if (oldCache == null) {
            System.clearProperty("plmwb.cache.dir");
        } else {
            System.setProperty("plmwb.cache.dir", oldCache);
        }
    }

    private static GenerateStudy.Settings settings(GenerationOptions o) {
        return new GenerateStudy.Settings(ModelLoadStudy.Settings.of(HF, 1), "Hello world", o);
    }

    @Test
    void loadsGeneratesStreamsAndReports() throws Exception {
        GenerationResult direct;
        ModelLoadStudy.Settings load = ModelLoadStudy.Settings.of(HF, 1);
        try (LoadedModel m = ModelLoader.load(HF, load.loaderOptions(), TaskContext.none())) {
            direct = m.generator().generate("Hello world", GREEDY, TokenListener.none(), TaskContext.none());
        }
        List<String> events = new ArrayList<>();
        List<GeneratedToken> streamed = new ArrayList<>();
        GenerateReport r = new GenerateStudy().run(settings(GREEDY), TaskContext.none(), new GenerateStudy.Listener() {
            @Override
            public void loaded(ModelFacts model) {
                events.add("loaded " + model.cacheMode().key() + " " + model.threads());
            }

            @Override
            public void onToken(GeneratedToken token) {
                events.add("token");
                streamed.add(token);
            }
        });
        assertArrayEquals(direct.ids(), r.result().ids(), "greedy: the same tokens as the engine run directly");
        assertEquals(direct.text(), r.text());
        assertEquals(6, r.tokens().size());
        assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(direct.promptTokens(), r.promptTokens());
        assertEquals("loaded latent 1", events.get(0), "the model's facts arrive before the first token");
        assertEquals(7, events.size());
        assertEquals(r.tokens(), streamed);
        assertTrue(r.model().timings().cacheHit(), "the direct run compiled the graph, the study found it cached");

        JsonNode j = r.toJson();
        assertEquals(r.text(), j.get("text").asText());
        assertEquals(6, j.get("tokens").size());
        assertEquals(6, j.get("generated_tokens").asInt());
        assertEquals(r.tokens().get(2).id(), j.at("/tokens/2/id").asInt());
        assertEquals(Math.round(r.tokens().get(2).ms() * 1000) / 1000.0, j.at("/tokens/2/ms").asDouble());
        assertEquals(Math.round(r.prefillMs() * 1000) / 1000.0, j.get("prefill_ms").asDouble());
        assertEquals("max_tokens", j.get("stop_reason").asText());
        assertTrue(j.get("stop_token_id").isNull());
        assertEquals("latent", j.get("cache_mode").asText());
        assertEquals(HF.toAbsolutePath().normalize().toString(),
                Path.of(j.get("model").asText()).toAbsolutePath().normalize().toString());
        assertTrue(j.at("/load/graph_cache_hit").asBoolean());
        assertFalse(j.get("synthetic").asBoolean());
        StringBuilder pieces = new StringBuilder();
        r.tokens().forEach(t -> pieces.append(t.text()));
        assertEquals(r.text(), pieces + r.unstreamedTail());
    }

    @Test
    void aSharedModelStaysOpenAndMustMatchTheSettings() throws Exception {
        try (LoadedModel m = new ModelLoadStudy().run(new ModelLoadStudy.Settings(HF, CacheMode.EXPANDED, 1, 0, null,
                false, true), TaskContext.none()).model()) {
            GenerateStudy study = GenerateStudy.on(m);
            GenerationOptions sampled = GREEDY.withSampling(1.0, 40, 0.95, 7);
            GenerateReport a = study.run(settings(sampled), TaskContext.none());
            GenerateReport b = study.run(settings(sampled), TaskContext.none());
            assertArrayEquals(a.result().ids(), b.result().ids(), "the same seed, the same tokens");
            assertEquals("expanded", a.toJson().get("cache_mode").asText());
            assertNotNull(m.session(), "the study does not close a shared model");
            GenerateReport greedy = study.run(settings(GREEDY), TaskContext.none());
            assertEquals(6, greedy.tokens().size());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> study.run(
                    new GenerateStudy.Settings(ModelLoadStudy.Settings.of(dir, 1), "x", GREEDY), TaskContext.none()));
            assertTrue(e.getMessage().contains("loaded model"), e.getMessage());
        }
    }

    @Test
    void cancellingStopsBetweenTokens() throws Exception {
        try (LoadedModel m = new ModelLoadStudy().run(ModelLoadStudy.Settings.of(HF, 1), TaskContext.none())
                .model()) {
            boolean[] cancel = {false};
            TaskContext ctx = new TaskContext() {
                @Override
                public void progress(double done, double total) {
                }

                @Override
                public void message(String message) {
                }

                @Override
                public boolean isCancelled() {
                    return cancel[0];
                }
            };
            List<GeneratedToken> seen = new ArrayList<>();
            GenerateReport r = GenerateStudy.on(m).run(settings(GREEDY), ctx, t -> {
                seen.add(t);
                cancel[0] = true;
            });
            assertEquals(StopReason.CANCELLED, r.stopReason());
            assertEquals(r.tokens(), seen);
            assertEquals(1, seen.size());
        }
    }
}
