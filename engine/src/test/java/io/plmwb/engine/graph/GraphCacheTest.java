package io.plmwb.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.TinyModels.Tiny;
import io.plmwb.engine.testutil.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCacheTest {

    @TempDir
    Path tmp;

    @Test
    void secondBuildIsHitAndChangesMiss() throws Exception {
        Tiny t = TinyModels.plm(5, null);
        Path ckpt = tmp.resolve("ckpt");
        ConfigLoader.write(t.config(), ckpt);
        Path weightsFile = ckpt.resolve("model.safetensors");
        Files.write(weightsFile, new byte[] {1, 2, 3});
        GraphCache cache = new GraphCache(tmp.resolve("cache"));
        AtomicInteger builds = new AtomicInteger();
        GraphCache.Producer producer = (file, ctx) -> {
            builds.incrementAndGet();
            OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(CacheMode.LATENT), file, ctx);
        };
        GraphOptions latent = GraphOptions.of(CacheMode.LATENT);

        GraphCache.Entry first = cache.getOrBuild(ckpt, latent, producer, TaskContext.none());
        assertFalse(first.hit());
        assertTrue(Files.isRegularFile(first.onnxFile()));
        assertTrue(Files.isRegularFile(first.dir().resolve("model.onnx.data")));
        Files.writeString(ckpt.resolve("notes.txt"), "unrelated file");
        GraphCache.Entry second = cache.getOrBuild(ckpt, latent, producer, TaskContext.none());
        assertTrue(second.hit());
        assertEquals(first.dir(), second.dir());
        assertEquals(1, builds.get());
        Files.writeString(ckpt.resolve("config.json"), Files.readString(ckpt.resolve("config.json")) + " ");
        GraphCache.Entry configEdited = cache.getOrBuild(ckpt, latent, producer, TaskContext.none());
        assertFalse(configEdited.hit());
        first = configEdited;

        GraphCache.Entry expanded = cache.getOrBuild(ckpt, GraphOptions.of(CacheMode.EXPANDED),
                (file, ctx) -> {
                    builds.incrementAndGet();
                    OnnxGraphBuilder.build(t.config(), t.weights(), GraphOptions.of(CacheMode.EXPANDED), file, ctx);
                }, TaskContext.none());
        assertFalse(expanded.hit());
        assertNotEquals(first.key(), expanded.key());

        Files.setLastModifiedTime(weightsFile, FileTime.fromMillis(Files.getLastModifiedTime(weightsFile).toMillis()
                + 5000));
        GraphCache.Entry touched = cache.getOrBuild(ckpt, latent, producer, TaskContext.none());
        assertFalse(touched.hit());
        assertNotEquals(first.key(), touched.key());
        assertEquals(4, builds.get());
        try (var s = Files.list(cache.root())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "temp dirs left behind");
        }
    }

    @Test
    void failedBuildLeavesNoEntry() throws Exception {
        Path ckpt = tmp.resolve("c2");
        Files.createDirectories(ckpt);
        Files.writeString(ckpt.resolve("config.json"), "{}");
        GraphCache cache = new GraphCache(tmp.resolve("cache2"));
        GraphOptions o = GraphOptions.of(CacheMode.EXPANDED);
        try {
            cache.getOrBuild(ckpt, o, (file, ctx) -> {
                Files.writeString(file, "partial");
                throw new java.io.IOException("boom");
            }, TaskContext.none());
        } catch (java.io.IOException expected) {
            assertEquals("boom", expected.getMessage());
        }
        assertEquals(null, cache.lookup(ckpt, o));
    }

    @Test
    void defaultLocationHonoursProperty() {
        String old = System.getProperty(GraphCache.PROPERTY);
        try {
            System.setProperty(GraphCache.PROPERTY, tmp.resolve("x").toString());
            assertEquals(tmp.resolve("x").toAbsolutePath(), GraphCache.atDefaultLocation().root());
        } finally {
            if (old == null) {
                System.clearProperty(GraphCache.PROPERTY);
            } else {
                System.setProperty(GraphCache.PROPERTY, old);
            }
        }
    }
}
