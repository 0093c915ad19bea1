package io.plmwb.engine.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.io.FileReads;
import io.plmwb.engine.runtime.GeneratedToken;
import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.runtime.SessionLease;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.runtime.TokenListener;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on the bundled plm-nano: chunking does not change the capture, generation is captured too. */
class SparsityProbeRunnerTest {

    @TempDir
    Path tmp;

    private ModelLoader.Options options() {
        return ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, 1))
                .withCache(new GraphCache(tmp.resolve("graphs")));
    }

    private static Path nano() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
    }

    @Test
    void chunkedPrefillCapturesWhatOneCallCaptures() throws Exception {
        String prompt = "And it came to pass in those days, that there went out a decree.";
        try (SparsityProbeRunner r = SparsityProbeRunner.open(nano(), options(), TaskContext.none())) {
            SparsityCapture whole = r.withChunkTokens(256).capture(prompt, null, TaskContext.none());
            SparsityCapture chunked = r.withChunkTokens(3).capture(prompt, null, TaskContext.none());
            assertEquals(whole.tokens(), chunked.tokens());
            assertTrue(whole.tokens() > 6);
            long diff = 0;
            long total = 0;
            for (int l = 0; l < whole.layers(); l++) {
                for (int t = 0; t < whole.tokens(); t++) {
                    for (int b = 0; b < ProbeGrid.BUCKETS; b++) {
                        diff += Math.abs(whole.bucket(l, t, b) - chunked.bucket(l, t, b));
                        total += whole.bucket(l, t, b);
                    }
                }
            }
            // fp32 summation order differs between one call and chunks: at most a handful of edge cases move
            assertTrue(diff <= total / 1000, diff + " of " + total + " bucket counts differ");
            assertEquals(whole.tokens() * whole.layers() * (long) whole.neurons(), total);
        }
    }

    @Test
    void generatedTokensAreCapturedAndAreTheGreedyContinuation() throws Exception {
        String prompt = "In the beginning";
        GenerationOptions greedy = GenerationOptions.greedy(6).withStopTokenIds(java.util.Set.of());
        List<Integer> expected = new java.util.ArrayList<>();
        try (LoadedModel plain = ModelLoader.load(nano(), options(), TaskContext.none())) {
            GenerationResult g = plain.generator().generate(prompt, greedy, TokenListener.none(), TaskContext.none());
            for (GeneratedToken t : g.tokens()) {
                expected.add(t.id());
            }
        }
        try (SparsityProbeRunner r = SparsityProbeRunner.open(nano(), options(), TaskContext.none())) {
            SparsityCapture c = r.capture(prompt, greedy, TaskContext.none());
            int p = c.promptTokens();
            assertEquals(p + 6, c.tokens());
            assertFalse(c.generated(p - 1));
            assertTrue(c.generated(p));
            for (int i = 0; i < 6; i++) {
                assertEquals(expected.get(i), c.id(p + i), "generated token " + i);
            }
            // every generated token's activations were recorded: F activations per layer
            for (int l = 0; l < c.layers(); l++) {
                int sum = 0;
                for (int b = 0; b < ProbeGrid.BUCKETS; b++) {
                    sum += c.bucket(l, c.tokens() - 1, b);
                }
                assertEquals(c.neurons(), sum);
            }
        }
    }

    @Test
    void aRunnerOnAHandleSharesTheCheckpointWithThePlainSession() throws Exception {
        Path dir = tmp.resolve("nano");
        Files.createDirectories(dir);
        try (var files = Files.list(nano())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        String prompt = "In the beginning";
        GenerationOptions greedy = GenerationOptions.greedy(4).withStopTokenIds(java.util.Set.of());
        try (ModelSessions host = new ModelSessions(1, new GraphCache(tmp.resolve("graphs")), MemoryGuard.disabled());
             ModelHandle h = host.open(dir);
             SessionLease plain = h.session(SessionSpec.defaults());
             SparsityProbeRunner r = SparsityProbeRunner.open(h, SessionSpec.defaults(), TaskContext.none())) {
            assertTrue(r.model().tokenizer() == plain.model().tokenizer(), "one tokenizer for both");
            assertTrue(r.model().config() == plain.model().config());
            assertEquals(1, FileReads.count(dir.resolve("config.json")), "the second use does not read it again");
            ModelSessions.Snapshot s = host.snapshot();
            assertEquals(2, s.sessionCount(), "probed and plain graphs are two sessions");
            assertEquals(1, s.checkpoints().size());
            GenerationResult g = plain.generator().generate(prompt, greedy, TokenListener.none(), TaskContext.none());
            SparsityCapture c = r.capture(prompt, greedy, TaskContext.none());
            for (int i = 0; i < 4; i++) {
                assertEquals(g.tokens().get(i).id(), c.id(c.promptTokens() + i), "generated token " + i);
            }
        }
    }
}
