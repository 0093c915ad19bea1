package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.TinyModels.Tiny;
import io.plmwb.engine.testutil.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogitsRunnerTest {

    @TempDir
    Path tmp;

    @Test
    void writeReadCompareRoundTrip() throws IOException {
        float[][] a = {{1f, 2f, -3f}, {0.5f, 0.25f, 0.125f}};
        Path f = tmp.resolve("l.f32");
        LogitsRunner.writeF32(f, a);
        assertEquals(24, Files.size(f));
        float[][] b = LogitsRunner.readF32(f, 3);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
        b[1][2] = 0.875f;
        LogitsComparison c = LogitsRunner.compare(a, b);
        assertEquals(0.75, c.maxAbsDiff(), 1e-9);
        assertEquals(1, c.maxDiffPosition());
        assertEquals(2, c.maxDiffToken());
        assertEquals(1, c.argmaxAgree());
        assertArrayEquals(new int[] {1, 0}, c.argmax());
        assertArrayEquals(new int[] {1, 2}, c.referenceArgmax());
        assertArrayEquals(new int[] {1, 0}, LogitsRunner.compare(a, a).referenceArgmax());
        assertThrows(IOException.class, () -> LogitsRunner.readF32(f, 5));
    }

    @Test
    void runsThroughTheGraphCacheAndHonoursCancellation() throws Exception {
        Tiny t = TinyModels.plm(3, null);
        Path ckpt = tmp.resolve("ckpt");
        ConfigLoader.write(t.config(), ckpt);
        GraphCache cache = new GraphCache(tmp.resolve("cache"));
        int[] ids = TinyModels.ids(5, 6, t.config().vocabSize());
        float[][] a = LogitsRunner.run(ckpt, t.config(), t.weights(), CacheMode.LATENT, ids, false, cache,
                RuntimeOptions.threads(1, 1), TaskContext.none());
        float[][] b = LogitsRunner.run(ckpt, t.config(), t.weights(), CacheMode.LATENT, ids, true, cache,
                RuntimeOptions.threads(1, 1), TaskContext.none());
        assertEquals(ids.length, a.length);
        assertTrue(LogitsRunner.compare(a, b).maxAbsDiff() <= 1e-4);
        assertTrue(cache.lookup(ckpt, io.plmwb.engine.graph.GraphOptions.of(CacheMode.LATENT)) != null);

        TaskContext cancelled = new TaskContext() {
            @Override
            public void progress(double done, double total) {
            }

            @Override
            public void message(String message) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        GraphCache.Entry e = cache.lookup(ckpt, io.plmwb.engine.graph.GraphOptions.of(CacheMode.LATENT));
        try (DecoderSession s = DecoderSession.open(e.onnxFile(), RuntimeOptions.threads(1, 1))) {
            assertEquals("latent", s.cacheMode());
            assertEquals(t.config().vocabSize(), s.vocabSize());
            assertThrows(CancellationException.class, () -> LogitsRunner.run(s, ids, true, cancelled));
            assertThrows(IllegalArgumentException.class, () -> s.decode(t.config().vocabSize()));
            assertEquals(0, s.cacheLength());
        }
    }
}
