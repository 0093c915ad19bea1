package io.plmwb.engine.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.io.FileReads;
import io.plmwb.engine.latency.LayerBreakdown.Outside;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.synth.SyntheticCheckpoint;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiler on a 12-layer synthetic checkpoint (plm-nano's shape with 12 layers, so "layers.10" and "layers.11"
 * sort before "layers.2" as strings): every layer appears once, by index, and the parts add up to the profiled total.
 */
class LatencyProfilerTest {

    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        Path nano = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano");
        model = tmp.resolve("twelve");
        SyntheticCheckpoint.write(ConfigLoader.load(nano), model, 12, 3, TaskContext.none());
    }

    private static LatencyProfiler profiler() {
        return new LatencyProfiler(ModelLoader.Options.defaults().withRuntime(RuntimeOptions.threads(1, 1))
                .withCache(new GraphCache(tmp.resolve("graphs"))));
    }

    @Test
    void perLayerTimesCoverTheProfiledTotal() throws Exception {
        LatencyProfiler.Settings s = new LatencyProfiler.Settings(32, 3, 40, 3, 1, 1, CacheMode.LATENT);
        LatencyResult r = profiler().profile(model, s, TaskContext.none());
        assertEquals(12, r.layers());
        for (LatencyResult.Phase p : List.of(r.prefill(), r.decode())) {
            assertEquals(12, p.layers().size());
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                LatencyResult.LayerTimes lt = p.layers().get(i);
                assertEquals(i, lt.layer());
                assertTrue(seen.add(lt.layer()));
                assertTrue(lt.blocks().get(LayerBreakdown.Block.ATTENTION).median() > 0, p.name() + " layer " + i);
                assertTrue(lt.blocks().get(LayerBreakdown.Block.MLP).median() > 0, p.name() + " layer " + i);
                assertTrue(lt.blocks().get(LayerBreakdown.Block.NORMS).median() > 0, p.name() + " layer " + i);
                assertEquals(3, lt.total().n());
            }
            // sum of the per-layer medians plus embedding / head / other vs the median kernel total
            // per repeat: per-layer times plus embedding / head / other vs the repeat's kernel total
            assertEquals(3, p.attributedByRepeat().length);
            assertTrue(p.attributionError() <= 0.10, p.name() + ": attribution off by " + p.attributionError());
            assertTrue(p.outside().get(Outside.HEAD).median() > 0);
            assertTrue(p.outside().get(Outside.EMBEDDING).median() > 0);
            // kernels run inside model_run: never more than the profiled total
            assertTrue(p.kernelTotal().max() <= p.profiled().max() + 1e-9);
            assertTrue(p.wallUnprofiled().median() > 0 && p.wallProfiled().median() > 0);
        }
        assertEquals(40 + 1, r.decode().context());

        // independent check: all kernel events of the trace, read as a tree, grouped by model_run
        JsonNode events = new ObjectMapper().readTree(r.trace().toFile());
        List<long[]> runs = new ArrayList<>();
        for (JsonNode e : events) {
            if ("model_run".equals(e.path("name").asText())) {
                runs.add(new long[] {e.get("ts").asLong(), e.get("dur").asLong()});
            }
        }
        runs.sort((a, b) -> Long.compare(a[0], b[0]));
        // calls: 1 warm-up + 3 prefills, 1 fill, 1 warm-up decode, 3 × 3 decodes
        assertEquals(4 + 1 + 1 + 9, runs.size());
        double[] prefillMs = new double[3];
        for (int k = 0; k < 3; k++) {
            long[] run = runs.get(1 + k);
            long sumUs = 0;
            for (JsonNode e : events) {
                long ts = e.path("ts").asLong();
                if ("Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith("_kernel_time")
                        && ts >= run[0] && ts <= run[0] + run[1]) {
                    sumUs += e.get("dur").asLong();
                }
            }
            prefillMs[k] = sumUs / 1000.0;
            // the parser's per-layer + outside attribution of this repeat vs the independently summed total
            double attributed = r.prefill().attributedByRepeat()[k];
            assertTrue(Math.abs(attributed - prefillMs[k]) <= 0.10 * prefillMs[k],
                    "prefill repeat " + k + ": attributed " + attributed + " vs trace kernels " + prefillMs[k]);
        }
        assertEquals(Stat.of(prefillMs).median(), r.prefill().kernelTotal().median(), 1e-9);
    }

    @Test
    void cancellationStopsBetweenCalls() {
        int[] steps = {0};
        TaskContext cancelAfterThree = new TaskContext() {
            @Override
            public void progress(double done, double total) {
                steps[0]++;
            }

            @Override
            public void message(String message) {
            }

            @Override
            public boolean isCancelled() {
                return steps[0] >= 3;
            }
        };
        LatencyProfiler.Settings s = new LatencyProfiler.Settings(8, 2, 0, 5, 1, 1, CacheMode.LATENT);
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
                () -> profiler().profile(model, s, cancelAfterThree));
        assertEquals(3, steps[0], "stopped at the first check after cancellation");
    }

    @Test
    void sweepsRunWithoutTheProfiler() throws Exception {
        LatencyProfiler p = profiler();
        var both = p.decodeVsContext(model, List.of(CacheMode.LATENT, CacheMode.EXPANDED), new int[] {8, 600}, 3, 1,
                1, TaskContext.none());
        assertEquals(List.of(CacheMode.LATENT, CacheMode.EXPANDED), List.copyOf(both.keySet()));
        List<LatencyProfiler.Point> pts = both.get(CacheMode.EXPANDED);
        assertEquals(2, pts.size());
        assertEquals(600, pts.get(1).x());
        assertEquals(3, pts.get(1).ms().n());
        assertTrue(pts.get(0).ms().min() > 0 && pts.get(0).ms().min() <= pts.get(0).ms().median());
        LatencyProfiler.Settings s = new LatencyProfiler.Settings(8, 2, 0, 2, 0, 1, null);
        List<LatencyProfiler.ThreadPoint> tp = p.threadSweep(model, s, new int[] {1, 2}, TaskContext.none());
        assertEquals(List.of(1, 2), tp.stream().map(LatencyProfiler.ThreadPoint::threads).toList());
        assertEquals(2, tp.get(0).prefill().n());
    }

    @Test
    void onTheHostOneHandleServesTheProfiledPlainAndSweepSessions() throws Exception {
        Path config = model.resolve("config.json");
        int before = FileReads.count(config);
        try (ModelSessions host = new ModelSessions(1, new GraphCache(tmp.resolve("graphs")), MemoryGuard.disabled());
             ModelHandle h = host.open(model)) {
            LatencyProfiler p = new LatencyProfiler(host);
            LatencyResult r = p.profile(h, new LatencyProfiler.Settings(8, 2, 0, 2, 0, 1, CacheMode.LATENT),
                    TaskContext.none());
            assertEquals(12, r.layers());
            assertEquals(2, host.snapshot().sessionsOpened(), "a profiled and a plain session");
            assertEquals(2, host.snapshot().sessionsClosed());
            List<LatencyProfiler.ThreadPoint> tp = p.threadSweep(h, new LatencyProfiler.Settings(8, 2, 0, 1, 0, 1,
                    null), new int[] {1, 2}, TaskContext.none());
            assertEquals(2, tp.size());
            assertEquals(4, host.snapshot().sessionsOpened(), "one per thread count");
            assertEquals(1, FileReads.count(config) - before, "config.json read once for all of them");
        }
    }
}
