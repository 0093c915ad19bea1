package io.plmwb.engine.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.synth.SyntheticCheckpoint;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache a running session holds equals the analytic bytes; layers are keyed by integer index. */
class KvCacheProbeTest {

    @TempDir
    Path tmp;

    private ModelLoader.Options options(CacheMode mode, int context) {
        return ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, 1)).withMode(mode)
                .withContextLimit(context + 1).withCache(new GraphCache(tmp.resolve("graphs")));
    }

    @Test
    void measuredCacheOfTheFixtureEqualsHandComputedBytesInBothModes() throws Exception {
        // fixture (shared/fixtures/gguf/hf): 2 layers, kv_lora_rank 64 + rope 16 = 80 latent values per token and
        // layer; expanded 4 heads × (q_head 48 + v_head 32) = 320 values; the engine caches float32
        int ctx = 300; // more than one fill chunk of 256
        try (LoadedModel m = ModelLoader.load(Fixture.hf(), options(CacheMode.LATENT, ctx), TaskContext.none())) {
            KvCacheProbe.Result r = KvCacheProbe.measure(m, ctx, TaskContext.none());
            assertEquals("float32", r.dtype());
            assertEquals(StorageType.FP32, r.storage());
            assertEquals(KvLayout.LATENT, r.layout());
            assertEquals(2L * 80 * 4 * ctx, r.measuredBytes());
            assertEquals(r.measuredBytes(), r.analyticBytes());
            assertTrue(r.matches());
            assertEquals(2, r.layers().size());
            DecoderSession.CacheTensor t = r.layers().get(1).tensors().get(0);
            assertEquals("past.1.latent", t.name());
            assertTrue(java.util.Arrays.stream(t.shape()).anyMatch(d -> d == ctx), java.util.Arrays.toString(t.shape()));
            assertEquals(80L * ctx, java.util.Arrays.stream(t.shape()).reduce(1, (x, y) -> x * y));
            assertEquals(80L * 4 * ctx, r.layers().get(1).measuredBytes());
        }
        try (LoadedModel m = ModelLoader.load(Fixture.hf(), options(CacheMode.EXPANDED, ctx), TaskContext.none())) {
            KvCacheProbe.Result r = KvCacheProbe.measure(m, ctx, TaskContext.none());
            assertEquals(2L * 320 * 4 * ctx, r.measuredBytes());
            assertTrue(r.matches());
            assertEquals(List.of("key", "value"), r.layers().get(0).tensors().stream()
                    .map(DecoderSession.CacheTensor::part).sorted().toList());
        }
    }

    @Test
    void twelveLayersAreOrderedByIntegerIndexAndMatch() throws Exception {
        Path nano = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
        ModelConfig base = ConfigLoader.load(nano);
        Path dir = tmp.resolve("synth-12");
        SyntheticCheckpoint.write(base, dir, 12, 3, TaskContext.none());
        try (LoadedModel m = ModelLoader.load(dir, options(CacheMode.LATENT, 40), TaskContext.none())) {
            KvCacheProbe.Result r = KvCacheProbe.measure(m, 40, TaskContext.none());
            assertEquals(12, r.layers().size());
            for (int i = 0; i < 12; i++) {
                assertEquals(i, r.layers().get(i).layer());
                assertEquals("past." + i + ".latent", r.layers().get(i).tensors().get(0).name());
            }
            assertTrue(r.matches(), r.toString());
            assertEquals(12L * base.kvAWidth() * 4 * 40, r.measuredBytes());
        }
    }

    @Test
    void aWrongSizedTensorIsAMismatchNamingTheLayer() throws Exception {
        ModelConfig cfg = ConfigLoader.load(Fixture.hf());
        List<DecoderSession.CacheTensor> ok = List.of(
                new DecoderSession.CacheTensor("past.0.latent", new long[] {1, 10, 80}, "float32", 3200),
                new DecoderSession.CacheTensor("past.1.latent", new long[] {1, 10, 80}, "float32", 3200));
        assertTrue(KvCacheProbe.compare(cfg, CacheMode.LATENT, 10, ok, 0).matches());
        List<DecoderSession.CacheTensor> bad = List.of(ok.get(0),
                new DecoderSession.CacheTensor("past.1.latent", new long[] {1, 10, 96}, "float32", 3840));
        KvCacheProbe.Result r = KvCacheProbe.compare(cfg, CacheMode.LATENT, 10, bad, 0);
        assertTrue(!r.matches() && r.layers().get(0).matches() && !r.layers().get(1).matches());
        assertThrows(IllegalStateException.class, () -> KvCacheProbe.compare(cfg, CacheMode.LATENT, 10, List.of(
                new DecoderSession.CacheTensor("past.7.latent", new long[] {1, 10, 80}, "float32", 3200)), 0));
    }

    @Test
    void cacheTensorNamesParse() {
        DecoderSession.CacheTensor t = new DecoderSession.CacheTensor("past.12.value", new long[] {1, 2, 3}, "float32",
                24);
        assertEquals(12, t.layer());
        assertEquals("value", t.part());
        assertArrayEquals(new long[] {1, 2, 3}, t.shape());
    }
}
