package io.plmwb.views.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.io.FileReads;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.latency.LatencyReport;
import io.plmwb.experiments.latency.LatencyStudy;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.kvcache.KvCacheViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One host shared by Models, KV Cache and Latency: the checkpoint opened in Models is read once, and a measurement
 * whose session key equals the Models session runs on that ORT session.
 */
class SharedHostTest {

    private static final Path HF = Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf", "hf");

    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final CurrentModel current = new CurrentModel();
    private ModelSessions host;
    private ModelsViewModel models;
    private Path model;

    @BeforeEach
    void setUp() throws Exception {
        // a copy of its own, so that FileReads counts only this test's reads
        model = Files.createDirectories(dir.resolve("hf-shared"));
        try (Stream<Path> files = Files.list(HF)) {
            for (Path f : files.toList()) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        host = new ModelSessions(1, new GraphCache(dir.resolve("graphs")), MemoryGuard.system());
        models = new ModelsViewModel(new SyncTaskExecutor(), Runnable::run, host, current, dialogs);
    }

    @AfterEach
    void tearDown() {
        models.close();
        host.close();
    }

    @Test
    void modelsKvAndLatencyReadTheCheckpointOnceAndShareTheMatchingSession() throws Exception {
        Path config = model.resolve("config.json");
        Path tokenizer = model.resolve("tokenizer.json");
        models.openCheckpoint(model);
        assertEquals(List.of(), dialogs.messages);
        assertNotNull(current.loaded(), "Models loaded the checkpoint");
        assertEquals(1, FileReads.count(config), "Models: info and load read config.json once");
        assertEquals(1, FileReads.count(tokenizer));
        // the Models session: latent (MLA), native f32, context 256 (max_position_embeddings), the host's 1 thread
        ModelSessions.Snapshot loaded = host.snapshot();
        assertEquals(1, loaded.checkpoints().size());
        assertEquals(1, loaded.sessionCount());
        assertEquals(1, loaded.leaseCount());
        assertEquals(256, loaded.checkpoints().get(0).sessions().get(0).key().contextLimit());
        assertEquals(CacheMode.LATENT, loaded.checkpoints().get(0).sessions().get(0).key().graph().mode());
        assertEquals(1, loaded.sessionsOpened());

        // KV Cache measures latent and expanded at 255 tokens: context limit 256, the host's threads, so the latent
        // lease joins the Models session (no new ORT session) and only the expanded one is opened
        KvCacheViewModel kv = new KvCacheViewModel(new SyncTaskExecutor(), current, host, null, null, dialogs);
        kv.contextProperty().set(255);
        assertTrue(kv.canMeasureProperty().get());
        kv.measure();
        assertEquals(List.of(), dialogs.messages);
        assertEquals(2, kv.reportProperty().get().measured().size());
        // fixture: 2 layers; latent 80 floats per token and layer, expanded 320, fp32
        assertEquals(2L * 80 * 4 * 255, kv.reportProperty().get().measured().get(0).measuredBytes());
        assertEquals(2L * 320 * 4 * 255, kv.reportProperty().get().measured().get(1).measuredBytes());
        ModelSessions.Snapshot afterKv = host.snapshot();
        assertEquals(2, afterKv.sessionsOpened(), "only the expanded session was new");
        assertEquals(1, afterKv.sessionsClosed(), "the expanded session closed with its lease");
        assertEquals(1, afterKv.sessionCount(), "the Models session is still open");
        assertEquals(1, afterKv.leaseCount());
        assertEquals(1, FileReads.count(config), "KV Cache read nothing again");
        assertEquals(1, FileReads.count(tokenizer));

        // Latency: decode vs context at 250 tokens, 4 steps, 1 warmup in the latent cache needs 250 + 1 + 4 + 1 = 256
        // tokens at 1 thread: the Models key again; a 64-token sweep point does not change the session's key
        LatencyStudy.Settings s = new LatencyStudy.Settings(model, 8, 4, 0, 1, 1, 1, CacheMode.LATENT, false,
                List.of(64, 250), List.of(), null);
        LatencyReport r = new LatencyStudy(host).run(s, TaskContext.none());
        assertEquals(2, r.contextSweep().orElseThrow().byMode().get(CacheMode.LATENT).size());
        ModelSessions.Snapshot afterLatency = host.snapshot();
        assertEquals(2, afterLatency.sessionsOpened(), "the context sweep ran on the Models session");
        assertEquals(1, FileReads.count(config), "Latency read nothing again");
        assertEquals(1, FileReads.count(tokenizer));

        // a key that differs (2 threads) gets a session of its own, on the same open checkpoint
        LatencyStudy.Settings two = new LatencyStudy.Settings(model, 8, 4, 0, 1, 1, 2, CacheMode.LATENT, false,
                List.of(250), List.of(), null);
        new LatencyStudy(host).run(two, TaskContext.none());
        assertEquals(3, host.snapshot().sessionsOpened());
        assertEquals(1, FileReads.count(config));

        // the counter does count: with everything closed, opening again reads config.json again
        models.close();
        assertEquals(0, host.snapshot().checkpoints().size());
        host.open(model).close();
        assertEquals(2, FileReads.count(config));
    }
}
