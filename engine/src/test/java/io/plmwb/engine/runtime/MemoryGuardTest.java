package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryGuardTest {

    private static final long GIB = 1L << 30;

    private static MemoryGuard host(long availableGib, long maxHeapGib) {
        return new MemoryGuard(() -> new MemoryGuard.HostMemory(availableGib * GIB, maxHeapGib * GIB, 0));
    }

    private final ModelConfig plm = Presets.byName("plm-1.8b").orElseThrow();

    @Test
    void estimateAddsWeightsCacheWorkspaceAndBuildHeap() {
        MemoryGuard.Estimate e = MemoryGuard.estimate(plm, CacheMode.LATENT, 4096, true);
        long weights = ArchitectureSummary.of(plm).weightBytes(StorageType.FP32);
        assertEquals(weights, e.weightBytes());
        assertEquals(4096L * 576 * 4 * 32, e.cacheBytes());
        assertEquals(e.cacheBytes(), e.cacheStepBytes());
        // tied head: ORT holds the embedding twice (Gather + packed head), plus 10% of the weights
        assertEquals((long) (weights * MemoryGuard.LOAD_SLACK) + 4L * 151936 * 2048, e.loadOverhead());
        // embedding 151936 × 2048 fp32 is the largest tensor, held twice while compiling
        assertEquals(2L * 4 * 151936 * 2048 + MemoryGuard.COMPILE_HEAP_FLOOR, e.compileHeapBytes());
        assertEquals(0, MemoryGuard.estimate(plm, CacheMode.LATENT, 4096, false).compileHeapBytes());
        long expanded = MemoryGuard.estimate(plm, CacheMode.EXPANDED, 4096, false).cacheBytes();
        assertEquals(4096L * 5120 * 4 * 32, expanded);
        assertTrue(e.peakBytes() > weights + 2 * e.cacheBytes());
    }

    @Test
    void refusesWhenTheHostIsTooSmallAndSaysWhatToTry() throws Exception {
        InsufficientMemoryException ex = assertThrows(InsufficientMemoryException.class,
                () -> host(6, 8).check(plm, CacheMode.EXPANDED, 4096, false));
        assertTrue(ex.getMessage().contains("only 6.0 GiB available"), ex.getMessage());
        assertTrue(ex.getMessage().contains("try a smaller context or a quantized variant"), ex.getMessage());
        assertTrue(ex.neededBytes() > 8 * GIB, ex.getMessage());
        assertEquals(6 * GIB, ex.availableBytes());
        // the same model fits on a 24 GiB host
        MemoryGuard.Estimate ok = host(22, 8).check(plm, CacheMode.LATENT, 4096, true);
        assertTrue(ok.peakBytes() < 22 * GIB);
    }

    @Test
    void contextDecidesForTheSameHost() throws Exception {
        ModelConfig c = plm.withLayers(2);
        long fitsAt128 = MemoryGuard.estimate(c, CacheMode.EXPANDED, 128, false).peakBytes();
        MemoryGuard tight = new MemoryGuard(() -> new MemoryGuard.HostMemory(fitsAt128 + (64L << 20), 8 * GIB, 0));
        tight.check(c, CacheMode.EXPANDED, 128, false);
        assertThrows(InsufficientMemoryException.class, () -> tight.check(c, CacheMode.EXPANDED, 65536, false));
    }

    @Test
    void compileNeedsHeap() {
        InsufficientMemoryException ex = assertThrows(InsufficientMemoryException.class,
                () -> host(100, 1).check(plm, CacheMode.LATENT, 512, true));
        assertTrue(ex.getMessage().contains("Java heap") && ex.getMessage().contains("-Xmx"), ex.getMessage());
        // with the graph already compiled, the heap does not matter
        assertThrows(InsufficientMemoryException.class, () -> host(1, 100).check(plm, CacheMode.LATENT, 512, false));
    }

    @Test
    void unknownMemAvailableChecksOnlyTheHeap(@TempDir Path dir) throws Exception {
        new MemoryGuard(() -> new MemoryGuard.HostMemory(-1, 8 * GIB, 0)).check(plm, CacheMode.LATENT, 512, true);
        Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       24000000 kB\nMemAvailable:   12345678 kB\n");
        assertEquals(12345678L * 1024, MemoryGuard.HostMemory.memAvailable(meminfo));
        Files.writeString(meminfo, "garbage\n");
        assertEquals(-1, MemoryGuard.HostMemory.memAvailable(meminfo));
    }
}
