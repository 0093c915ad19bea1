package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.io.FileReads;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session host on the shared tiny-PLM fixture (folder and GGUF) and the bundled plm-nano. */
class ModelSessionsTest {

    @TempDir
    Path tmp;

    private ModelSessions host;

    @BeforeEach
    void host() {
        host = new ModelSessions(1, new GraphCache(tmp.resolve("graphs")), MemoryGuard.disabled());
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    /** A copy of a checkpoint under a path of its own, so the read counts are this test's alone. */
    private Path copy(Path src, String name) throws Exception {
        Path dst = tmp.resolve(name);
        if (Files.isDirectory(src)) {
            Files.createDirectories(dst);
            try (Stream<Path> s = Files.list(src)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, dst.resolve(f.getFileName()));
                }
            }
        } else {
            Files.copy(src, dst);
        }
        return dst;
    }

    private static Path nano() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
    }

    @Test
    void aFolderReadsConfigAndTokenizerOnceAcrossHandlesAndSessions() throws Exception {
        Path dir = copy(Fixture.hf(), "hf");
        Path config = dir.resolve("config.json");
        Path tokenizer = dir.resolve("tokenizer.json");
        assertEquals(0, FileReads.count(config));
        try (ModelHandle a = host.open(dir);
             SessionLease latent = a.session(SessionSpec.defaults());
             SessionLease expanded = a.session(SessionSpec.defaults().withMode(CacheMode.EXPANDED));
             ModelHandle b = host.open(dir);
             SessionLease again = b.session(SessionSpec.defaults().withContextLimit(64))) {
            assertEquals(1, FileReads.count(config), "config.json read once");
            assertEquals(1, FileReads.count(tokenizer), "tokenizer.json read once");
            assertSame(a.config(), b.config());
            assertSame(a.tokenizer(), b.tokenizer());
            assertSame(a.tokenizer(), latent.model().tokenizer());
            assertEquals(CacheMode.LATENT, latent.model().cacheMode());
            assertEquals(CacheMode.EXPANDED, expanded.model().cacheMode());
            assertEquals(64, again.model().contextLimit());
            ModelSessions.Snapshot s = host.snapshot();
            assertEquals(1, s.checkpoints().size());
            assertEquals(2, s.checkpoints().get(0).handles());
            assertEquals(3, s.sessionCount());
            assertEquals(3, s.leaseCount());
        }
        assertTrue(host.snapshot().checkpoints().isEmpty(), "closed with its last handle and lease");
        // the counter does count: once everything is closed, opening again reads the config again
        try (ModelHandle c = host.open(dir)) {
            assertEquals(2, FileReads.count(config));
            assertEquals(2, FileReads.count(tokenizer));
        }
    }

    @Test
    void aTouchedCheckpointIsANewIdentityAndIsReadAgain() throws Exception {
        Path dir = copy(Fixture.hf(), "touched");
        Path config = dir.resolve("config.json");
        try (ModelHandle a = host.open(dir)) {
            Files.setLastModifiedTime(config, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(config).toMillis() + 5000));
            try (ModelHandle b = host.open(dir)) {
                assertNotSame(a.config(), b.config());
                assertFalse(a.identity().equals(b.identity()));
                assertEquals(2, FileReads.count(config));
                assertEquals(2, host.snapshot().checkpoints().size());
            }
        }
    }

    @Test
    void aGgufParsesItsHeaderOnceForConfigWeightsTokenizerAndSessions() throws Exception {
        Path gguf = copy(Fixture.shared().resolve("fixtures/gguf/gguf/plm-tiny-Q8_0.gguf"), "tiny-Q8_0.gguf");
        try (ModelHandle h = host.open(gguf);
             SessionLease first = h.session(SessionSpec.defaults());
             SessionLease second = h.session(SessionSpec.defaults().withMode(CacheMode.EXPANDED))) {
            PlmTokenizer tok = h.tokenizer();
            int[] ids = tok.encode("In the beginning");
            assertTrue(ids.length > 0);
            assertEquals("q8", h.nativeWeights());
            assertEquals("q8", first.key().graph().dtype(), "a quantized GGUF runs quantized");
            assertTrue(first.key().runtime().prepackWeights(), "quantized graphs pre-pack");
            assertEquals(512, first.session().prefill(ids).length);
            assertEquals(512, second.session().prefill(ids).length);
            assertEquals(1, FileReads.count(gguf), "GGUF header parsed once");
        }
        // the old one-off helper parses it again: the counter sees every parse
        assertEquals("q8", ModelLoader.nativeWeights(gguf));
        assertEquals(2, FileReads.count(gguf));
    }

    @Test
    void twoLeasesOfOneKeyShareOneOrtSessionClosedOnceAfterBoth() throws Exception {
        try (ModelHandle h = host.open(Fixture.hf())) {
            SessionLease a = h.session(SessionSpec.defaults());
            SessionLease b = h.session(SessionSpec.defaults());
            assertEquals(a.key(), b.key());
            assertSame(a.ort(), b.ort(), "one ORT session");
            assertNotSame(a.session(), b.session(), "each lease has its own decoder and cache");
            ModelSessions.Snapshot s = host.snapshot();
            assertEquals(1, s.sessionCount());
            assertEquals(2, s.leaseCount());
            assertEquals(1, s.sessionsOpened());
            a.session().prefill(Arrays.copyOf(Fixture.IDS, 5));
            assertEquals(5, a.session().cacheLength());
            assertEquals(0, b.session().cacheLength());
            assertEquals(a.session().cacheBytes(), host.snapshot().checkpoints().get(0).sessions().get(0)
                    .cacheBytes(), "the snapshot holds the leases' live cache");
            a.close();
            a.close(); // twice: still one release
            assertFalse(b.ort().isClosed(), "still leased by b");
            assertEquals(1, host.snapshot().leaseCount());
            assertEquals(512, b.session().prefill(Fixture.IDS).length);
            assertThrows(IllegalStateException.class, () -> a.session().prefill(Fixture.IDS));
            b.close();
            assertTrue(b.ort().isClosed(), "closed when its last lease closed");
            assertEquals(1, host.snapshot().sessionsClosed());
            assertEquals(0, host.snapshot().sessionCount());
            // the handle is still open: a new lease opens a new session
            try (SessionLease c = h.session(SessionSpec.defaults())) {
                assertNotSame(a.ort(), c.ort());
                assertEquals(2, host.snapshot().sessionsOpened());
            }
        }
        assertEquals(2, host.snapshot().sessionsClosed());
    }

    @Test
    void interleavedLeasesKeepTheirOwnCaches() throws Exception {
        float[][] alone;
        try (SessionLease ref = host.lease(Fixture.hf(), SessionSpec.defaults(), TaskContext.none())) {
            alone = LogitsRunner.run(ref.session(), Fixture.IDS, true, TaskContext.none());
        }
        try (ModelHandle h = host.open(Fixture.hf());
             SessionLease a = h.session(SessionSpec.defaults());
             SessionLease b = h.session(SessionSpec.defaults())) {
            assertSame(a.ort(), b.ort());
            List<float[]> ga = new ArrayList<>();
            List<float[]> gb = new ArrayList<>();
            for (int id : Fixture.IDS) { // a and b step through the same ids in turn, b one token behind
                ga.add(a.session().decode(id));
                if (ga.size() > 1) {
                    gb.add(b.session().decode(Fixture.IDS[gb.size()]));
                }
            }
            gb.add(b.session().decode(Fixture.IDS[gb.size()]));
            for (int i = 0; i < Fixture.IDS.length; i++) {
                assertArrayEquals(alone[i], ga.get(i), "a at " + i);
                assertArrayEquals(alone[i], gb.get(i), "b at " + i);
            }
        }
    }

    @Test
    void twoThreadsOnLeasesOfOneSessionGetWhatOneThreadGets() throws Exception {
        float[][] alone;
        try (SessionLease ref = host.lease(Fixture.hf(), SessionSpec.defaults(), TaskContext.none())) {
            alone = LogitsRunner.run(ref.session(), Fixture.IDS, true, TaskContext.none());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (ModelHandle h = host.open(Fixture.hf())) {
            List<java.util.concurrent.Future<float[][]>> runs = new ArrayList<>();
            List<SessionLease> leases = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                SessionLease l = h.session(SessionSpec.defaults());
                leases.add(l);
                runs.add(pool.submit(() -> {
                    float[][] last = null;
                    for (int r = 0; r < 20; r++) {
                        last = LogitsRunner.run(l.session(), Fixture.IDS, true, TaskContext.none());
                    }
                    return last;
                }));
            }
            assertSame(leases.get(0).ort(), leases.get(1).ort());
            for (java.util.concurrent.Future<float[][]> f : runs) {
                float[][] got = f.get();
                for (int i = 0; i < alone.length; i++) {
                    assertArrayEquals(alone[i], got[i], "position " + i);
                }
            }
            for (SessionLease l : leases) {
                l.close();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsModesAndProfilingGiveTheirOwnSessions() throws Exception {
        try (ModelHandle h = host.open(Fixture.hf());
             SessionLease base = h.session(SessionSpec.defaults());
             SessionLease twoThreads = h.session(SessionSpec.defaults().withThreads(2));
             SessionLease expanded = h.session(SessionSpec.defaults().withMode(CacheMode.EXPANDED));
             SessionLease probes = h.session(SessionSpec.defaults().withSparsityProbes(true));
             SessionLease shorter = h.session(SessionSpec.defaults().withContextLimit(32));
             SessionLease p1 = h.session(SessionSpec.defaults().withRuntime(
                     new RuntimeOptions(1, 1, tmp.resolve("p1"))));
             SessionLease p2 = h.session(SessionSpec.defaults().withRuntime(
                     new RuntimeOptions(1, 1, tmp.resolve("p1"))))) {
            assertEquals(1, base.key().runtime().intraOpThreads(), "the host's one thread setting");
            assertEquals(2, twoThreads.model().runtimeOptions().intraOpThreads());
            List<OrtModel> all = List.of(base.ort(), twoThreads.ort(), expanded.ort(), probes.ort(), shorter.ort(),
                    p1.ort(), p2.ort());
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    assertNotSame(all.get(i), all.get(j), i + " vs " + j);
                }
            }
            assertEquals(p1.key(), p2.key(), "same key, yet a profiled session is never shared");
            ModelSessions.Snapshot s = host.snapshot();
            assertEquals(7, s.sessionCount());
            assertEquals(7, s.leaseCount());
            assertEquals(2, s.checkpoints().get(0).sessions().stream().filter(x -> !x.shared()).count());
        }
    }

    @Test
    void leaseLogitsEqualTheDirectlyOpenedGraph() throws Exception {
        for (Path model : List.of(Fixture.hf(), nano())) {
            ModelConfig cfg = ConfigLoader.load(model);
            int[] ids = model.equals(nano()) ? PlmTokenizer.load(model).encode("And God said, Let there be light")
                    : Fixture.IDS;
            for (CacheMode mode : CacheMode.values()) {
                if (mode == CacheMode.LATENT && !cfg.family().isMla()) {
                    continue;
                }
                Path onnx = tmp.resolve("direct-" + model.getFileName() + "-" + mode.key() + ".onnx");
                try (SafetensorsCheckpoint w = SafetensorsCheckpoint.open(model)) {
                    io.plmwb.engine.graph.OnnxGraphBuilder.build(cfg, w, GraphOptions.of(mode), onnx,
                            TaskContext.none());
                }
                float[][] want;
                try (DecoderSession s = DecoderSession.open(onnx, RuntimeOptions.threads(1, 1))) {
                    want = LogitsRunner.run(s, ids, false, TaskContext.none());
                }
                try (SessionLease l = host.lease(model, SessionSpec.defaults().withMode(mode), TaskContext.none())) {
                    float[][] got = LogitsRunner.run(l.session(), ids, false, TaskContext.none());
                    assertEquals(want.length, got.length);
                    for (int i = 0; i < want.length; i++) {
                        assertArrayEquals(want[i], got[i], model.getFileName() + " " + mode + " position " + i);
                    }
                }
                // and the loader's entry point, now a delegate to a host of its own, gives the same
                try (LoadedModel m = ModelLoader.load(model, ModelLoader.Options.defaults()
                        .withRuntime(RuntimeOptions.threads(1, 1)).withCache(host.graphCache())
                        .withGuard(MemoryGuard.disabled()).withMode(mode), TaskContext.none())) {
                    assertTrue(m.timings().cacheHit());
                    float[][] got = LogitsRunner.run(m.session(), ids, false, TaskContext.none());
                    for (int i = 0; i < want.length; i++) {
                        assertArrayEquals(want[i], got[i], "loader " + model.getFileName() + " " + mode + " " + i);
                    }
                }
            }
        }
        assertEquals(0, host.snapshot().sessionCount());
    }

    @Test
    void snapshotReportsTheGuardsEstimateAndHandlesCloseOnce() throws Exception {
        List<Integer> heard = new ArrayList<>();
        host.addListener(() -> heard.add(host.snapshot().leaseCount()));
        ModelHandle a = host.open(Fixture.hf());
        ModelHandle b = host.open(Fixture.hf());
        try (SessionLease l = a.session(SessionSpec.defaults().withContextLimit(100))) {
            ModelSessions.SessionState st = host.snapshot().checkpoints().get(0).sessions().get(0);
            MemoryGuard.Estimate e = MemoryGuard.estimate(a.config(), CacheMode.LATENT, 100, true);
            assertEquals(e, st.estimate(), "the estimate the guard accepted (graph compiled on this miss)");
            assertEquals(e.weightBytes() + e.loadOverhead() + e.workspaceBytes(), st.heldBytes());
            assertEquals(Files.size(l.model().graphFile().resolveSibling("model.onnx.data")), st.graphBytes());
            assertTrue(host.snapshot().summary().startsWith("hf: 1 session (1 lease), ~"),
                    host.snapshot().summary());
            a.close();
            a.close(); // a second close of the same handle must not release b's reference
            assertEquals(1, host.snapshot().checkpoints().get(0).handles());
            assertTrue(b.tokenizer().encode("hello").length > 0);
        }
        assertEquals(1, host.snapshot().checkpoints().size(), "b still holds it");
        b.close();
        assertTrue(host.snapshot().checkpoints().isEmpty());
        assertEquals("no model loaded · 1 threads", host.snapshot().summary());
        // told of every change, after it is made: open a, open b, lease, close a, close lease, close b
        assertEquals(List.of(0, 0, 1, 1, 0, 0), heard);
    }

    @Test
    void aRefusedSessionLeavesTheHandleUsable() throws Exception {
        ModelSessions tight = new ModelSessions(1, new GraphCache(tmp.resolve("tight")),
                new MemoryGuard(() -> new MemoryGuard.HostMemory(1L << 20, 8L << 30, 0)));
        try (ModelHandle h = tight.open(Fixture.hf())) {
            assertThrows(InsufficientMemoryException.class, () -> h.session(SessionSpec.defaults()));
            assertEquals(0, tight.snapshot().sessionCount());
            assertFalse(Files.exists(tmp.resolve("tight")), "nothing compiled");
            assertThrows(IllegalArgumentException.class, () -> SessionSpec.defaults().withWeights("q5"));
        } finally {
            tight.close();
        }
    }
}
