package io.plmwb.experiments.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.latency.LatencyProfiler;
import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.latency.LayerBreakdown.Block;
import io.plmwb.engine.latency.LayerBreakdown.Outside;
import io.plmwb.engine.latency.OrtTrace;
import io.plmwb.engine.latency.Stat;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.BundleWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Latency study: report numbers, charts, files and JSON from hand-made runs, and one real run on the fixture. */
class LatencyStudyTest {

    @TempDir
    Path dir;

    /** The shared 2-layer PLM fixture (../shared/fixtures/gguf/hf). */
    static Path fixture() {
        return Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf", "hf").toAbsolutePath();
    }

    private static Stat stat(double median) {
        return new Stat(median, median - 0.5, median + 0.5, 3);
    }

    /**
     * A 2-layer run: layer l, block k (attention, MLP, norms, other) takes base·(l + 1) + k ms (decode: a tenth);
     * outside: embedding 1, head 2, other 0.5 (decode: a tenth); kernels 8 (0.8), ORT run 10 (1), wall profiled
     * 12 (1.2), unprofiled 10 (1).
     */
    static LatencyResult run(double base, int threads, Path trace) {
        return run(base, threads, trace, 2);
    }

    static LatencyResult run(double base, int threads, Path trace, int depth) {
        LatencyProfiler.Settings s = new LatencyProfiler.Settings(4, 2, 0, 3, 1, threads, null);
        return new LatencyResult("hand", depth, CacheMode.LATENT, s, phase("prefill", 4, 4, base, 1, depth),
                phase("decode", 1, 5, base, 0.1, depth), trace, new double[] {0.5, 0.5, 0.5});
    }

    private static LatencyResult.Phase phase(String name, int tokens, int context, double base, double scale,
                                             int depth) {
        List<LatencyResult.LayerTimes> layers = new java.util.ArrayList<>();
        for (int l = 0; l < depth; l++) {
            Map<Block, Stat> blocks = new EnumMap<>(Block.class);
            double total = 0;
            for (Block b : Block.values()) {
                double v = scale * (base * (l + 1) + b.ordinal());
                blocks.put(b, stat(v));
                total += v;
            }
            layers.add(new LatencyResult.LayerTimes(l, blocks, stat(total)));
        }
        Map<Outside, Stat> outside = new EnumMap<>(Outside.class);
        outside.put(Outside.EMBEDDING, stat(scale));
        outside.put(Outside.HEAD, stat(2 * scale));
        outside.put(Outside.OTHER, stat(0.5 * scale));
        return new LatencyResult.Phase(name, tokens, context, layers, outside, stat(8 * scale), stat(10 * scale),
                stat(12 * scale), stat(10 * scale), new double[] {8 * scale}, new double[] {8 * scale});
    }

    private static LatencyReport report(LatencyResult b, LatencyResult a) {
        LatencyReport.Header h = new LatencyReport.Header("/m/hand", false, 2, new double[] {1, 2, 3},
                new double[] {4, 5, 6}, List.of());
        Map<CacheMode, List<LatencyProfiler.Point>> byMode = new LinkedHashMap<>();
        byMode.put(CacheMode.LATENT, List.of(new LatencyProfiler.Point(16, stat(1.25))));
        byMode.put(CacheMode.EXPANDED, List.of(new LatencyProfiler.Point(16, stat(1.75))));
        LatencyReport.ContextSweep cs = new LatencyReport.ContextSweep("hand", byMode, 2, 1, 1, new double[] {7, 8, 9});
        LatencyReport.ThreadSweep ts = new LatencyReport.ThreadSweep("hand",
                List.of(new LatencyProfiler.ThreadPoint(1, stat(20), stat(2)),
                        new LatencyProfiler.ThreadPoint(2, stat(12), stat(1.5))), 4);
        LatencyReport r = new LatencyReport(h, a, null, cs, ts, null);
        return a == null ? new LatencyReport(h, b, null, cs, ts, null) : r.pin().updatedWith(
                new LatencyReport(h, b, null, null, null, null));
    }

    @Test
    void chartsHoldTheRunsNumbersAndTheDifference() throws Exception {
        LatencyResult a = run(1, 1, null);
        LatencyResult b = run(3, 2, null);
        LatencyReport rep = report(b, a);
        List<ChartSpec> charts = rep.charts(LatencySelection.DEFAULT);
        assertEquals(List.of("latency-prefill", "latency-decode", "latency-totals", "latency-diff-decode",
                "latency-vs-context", "latency-threads"), charts.stream().map(ChartSpec::id).toList());
        ChartSpec prefill = charts.get(0);
        assertEquals(ChartKind.STACKED_BAR, prefill.kind());
        assertEquals(List.of("L0", "L1"), prefill.categories());
        // B prefill layer 1, MLP: 3·2 + 1 = 7 ms
        assertEquals(7.0, prefill.series().get(1).y(1), 1e-12);
        // decode layer 0, other: 0.1·(3 + 3) = 0.6
        assertEquals(0.6, charts.get(1).series().get(3).y(0), 1e-12);
        // totals: layers+outside of B's prefill = layer totals (3+4+5+6) + (6+7+8+9) + 1 + 2 + 0.5 = 51.5
        ChartSpec totals = charts.get(2);
        assertEquals(51.5, totals.series().get(0).y(0), 1e-9);
        assertEquals(10.0, totals.series().get(2).y(0), 1e-12);
        assertEquals(1.0, totals.series().get(4).y(1), 1e-12);
        // B − A decode, layer 1, attention: 0.1·(3·2) − 0.1·(1·2) = 0.4
        ChartSpec diff = charts.get(3);
        assertEquals(0.4, diff.series().get(0).y(1), 1e-12);
        // prefill difference when selected: layer 0, norms: (3 + 2) − (1 + 2) = 2
        ChartSpec diffPrefill = rep.differenceChart(new LatencySelection(false)).orElseThrow();
        assertEquals("latency-diff-prefill", diffPrefill.id());
        assertEquals(2.0, diffPrefill.series().get(2).y(0), 1e-12);
        assertEquals(1.75, charts.get(4).series().get(1).y(0), 1e-12);
        assertEquals(12.0, charts.get(5).series().get(0).y(1), 1e-12);
        // the bundle is exactly the charts shown, CSV = the series drawn
        Bundle bundle = rep.bundle(LatencySelection.DEFAULT);
        assertEquals(charts.stream().map(ChartSpec::id).toList(),
                bundle.charts().stream().map(Bundle.ChartEntry::name).toList());
        new BundleWriter().write(bundle, dir, List.of(ExportFormat.CSV), ExportOptions.defaults(),
                TaskContext.none());
        List<String> csv = Files.readAllLines(dir.resolve("latency-diff-decode.csv"));
        assertEquals("L1", csv.get(2).split(",")[0]);
        assertEquals(0.4, Double.parseDouble(csv.get(2).split(",")[1]), 1e-12);
        // pinning B itself, or nothing pinned: no difference chart
        assertTrue(rep.withoutPin().differenceChart(LatencySelection.DEFAULT).isEmpty());
        assertTrue(report(b, null).pin().differenceChart(LatencySelection.DEFAULT).isEmpty());
    }

    @Test
    void differentDepthsAreNamedNotCompared() {
        LatencyResult a = run(1, 1, null);
        LatencyResult b = run(3, 1, null);
        LatencyResult three = run(3, 1, null, 3);
        LatencyReport rep = report(b, a).updatedWith(new LatencyReport(report(b, null).header(), three, null, null,
                null, null));
        assertTrue(rep.differenceChart(LatencySelection.DEFAULT).isEmpty());
        assertEquals("A has 2 layers, B 3: no per-layer difference", rep.comparisonProblem().orElseThrow());
        assertEquals(5, rep.charts(LatencySelection.DEFAULT).size());
    }

    @Test
    void jsonIsTheCliReport() {
        LatencyReport rep = report(run(3, 2, null), null);
        JsonNode j = rep.toJson();
        assertEquals("/m/hand", j.get("model").asText());
        assertEquals(2, j.get("num_layers").asInt());
        assertEquals(3.0, j.at("/load_average_start/2").asDouble());
        assertEquals("latent", j.get("mode").asText());
        assertEquals(2, j.get("threads").asInt());
        // layer 1 prefill: total 6+7+8+9 = 30, attention 6, min 29.5
        assertEquals(30.0, j.at("/layers/1/prefill_ms/total").asDouble(), 1e-12);
        assertEquals(29.5, j.at("/layers/1/prefill_ms/total_min").asDouble(), 1e-12);
        assertEquals(6.0, j.at("/layers/1/prefill_ms/attention").asDouble(), 1e-12);
        // decode layer 0 MLP 0.1·(3 + 1) = 0.4
        assertEquals(0.4, j.at("/layers/0/decode_ms/mlp").asDouble(), 1e-12);
        JsonNode t = j.at("/totals/prefill");
        assertEquals(51.5, t.get("layers_plus_outside_ms").asDouble(), 1e-12);
        assertEquals(2.0, t.get("between_kernels_ms").asDouble(), 1e-12);
        assertEquals(0.8, t.get("kernel_share_of_profiled").asDouble(), 1e-12);
        assertEquals(0.2, t.get("profiler_overhead").asDouble(), 1e-12);
        assertEquals(2.0, t.at("/outside_layers_ms/head").asDouble(), 1e-12);
        assertEquals(0.0, t.get("attribution_error_max").asDouble(), 1e-12);
        assertEquals(5, j.at("/totals/decode/context").asInt());
        assertEquals(List.of("latent", "expanded"), modes(j.at("/decode_vs_context")));
        assertEquals(16, j.at("/decode_vs_context/expanded/0/context").asInt());
        assertEquals(1.75, j.at("/decode_vs_context/expanded/0/ms_per_token").asDouble(), 1e-12);
        assertEquals(9.0, j.at("/decode_vs_context/load_average_after/2").asDouble());
        assertEquals(1.5, j.at("/thread_sweep/1/decode_ms_per_token").asDouble(), 1e-12);
        assertEquals(11.5, j.at("/thread_sweep/1/prefill_ms_min").asDouble(), 1e-12);
        assertEquals(6.0, j.at("/load_average_end/2").asDouble());
        assertFalse(j.has("files"));
        String text = rep.text();
        assertTrue(text.startsWith("/m/hand (2 layers), load average at start [1.0,2.0,3.0]\n"), text);
        assertTrue(text.contains("decode expanded context     16: 1.750 ms/token (min 1.250, max 2.250)"), text);
        assertTrue(text.contains("threads  2: prefill 12.000 ms, decode 1.500 ms/token"), text);
    }

    private static List<String> modes(JsonNode dvc) {
        List<String> modes = new java.util.ArrayList<>();
        dvc.fieldNames().forEachRemaining(f -> {
            if (dvc.get(f).isArray() && !f.startsWith("load")) {
                modes.add(f);
            }
        });
        return modes;
    }

    @Test
    void settingsRefuseWhatCannotRun() {
        Path m = fixture();
        assertThrows(IllegalArgumentException.class, () -> new LatencyStudy.Settings(m, 4, 1, 0, 1, 1, 1, null,
                false, List.of(), List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new LatencyStudy.Settings(m, 4, 1, 0, 1, 1, 1, null,
                false, List.of(8), List.of(), dir.resolve("t.json")));
        assertThrows(IllegalArgumentException.class, () -> new LatencyStudy.Settings(m, 4, 1, 0, 1, 1, 1, null,
                true, List.of(8, 0), List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new LatencyStudy.Settings(m, 0, 1, 0, 1, 1, 1, null,
                true, List.of(), List.of(), null));
        // decode at context 40 with 2 warm-up + 3 × 2 steps: 40 + 2 + 6 + 1 = 49 tokens; the sweep's 60 + 2 + 2 + 1
        assertEquals(65, new LatencyStudy.Settings(m, 4, 2, 40, 3, 2, 1, null, true, List.of(60), List.of(),
                null).tokensNeeded());
    }

    @Test
    void realRunOnTheFixture() throws Exception {
        Path trace = dir.resolve("kept/trace.json");
        LatencyStudy.Settings s = new LatencyStudy.Settings(fixture(), 8, 2, 0, 2, 1, 1, null, true, List.of(12),
                List.of(1), trace);
        LatencyReport rep = new LatencyStudy().run(s, TaskContext.none());
        LatencyResult r = rep.result().orElseThrow();
        assertEquals(2, r.layers());
        assertEquals(2, rep.header().numLayers());
        assertEquals(fixture().normalize().toString(), rep.header().model());
        assertEquals(8, r.prefill().tokens());
        // the per-layer chart draws the run's medians
        ChartSpec decode = rep.decodeChart().orElseThrow();
        assertEquals(r.decode().layers().get(1).blocks().get(Block.MLP).median(), decode.series().get(1).y(1), 0);
        // PLM is MLA: the context sweep times latent and expanded at 12
        Map<CacheMode, List<LatencyProfiler.Point>> byMode = rep.contextSweep().orElseThrow().byMode();
        assertEquals(List.of(CacheMode.LATENT, CacheMode.EXPANDED), List.copyOf(byMode.keySet()));
        assertEquals(12, byMode.get(CacheMode.EXPANDED).get(0).x());
        assertEquals(1, rep.threadSweep().orElseThrow().points().size());
        assertEquals(List.of("latency-prefill", "latency-decode", "latency-totals", "latency-vs-context",
                "latency-threads"), rep.charts(LatencySelection.DEFAULT).stream().map(ChartSpec::id).toList());
        JsonNode j = rep.toJson();
        assertEquals(LatencyReportText.r(r.prefill().layers().get(0).blocks().get(Block.ATTENTION).median()),
                j.at("/layers/0/prefill_ms/attention").asDouble(), 0);
        // the trace bundle is the run's raw ORT profile: 1 + 2 prefills, 1 fill, 1 + 2 × 2 decode steps
        Bundle tb = rep.traceBundle();
        assertEquals(List.of("trace.json"), tb.fileNames(List.of()));
        assertArrayEquals(Files.readAllBytes(r.trace()), tb.files().get(0).content());
        new BundleWriter().write(tb, trace.getParent(), List.of(), ExportOptions.defaults(), TaskContext.none());
        assertEquals(9, OrtTrace.read(trace).runs().size());
    }

    @Test
    void latentOnlyRunsTheChosenModeAndTracelessRunsHaveNoTraceBundle() throws Exception {
        LatencyStudy.Settings s = new LatencyStudy.Settings(fixture(), 4, 1, 0, 1, 0, 1, CacheMode.EXPANDED, false,
                List.of(6), List.of(), null);
        LatencyReport rep = new LatencyStudy().run(s, TaskContext.none());
        assertEquals(List.of(CacheMode.EXPANDED), List.copyOf(rep.contextSweep().orElseThrow().byMode().keySet()));
        assertTrue(rep.result().isEmpty());
        assertTrue(rep.traceBundle().isEmpty());
        assertEquals(List.of("latency-vs-context"),
                rep.charts(LatencySelection.DEFAULT).stream().map(ChartSpec::id).toList());
        assertFalse(rep.toJson().has("layers"));
    }
}
