package io.plmwb.views.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.latency.LatencyResult;
import io.plmwb.engine.latency.LayerBreakdown.Block;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.latency.LatencyReport;
import io.plmwb.experiments.latency.LatencyStudy;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Latency ViewModel through the real {@link LatencyStudy} on the shared 2-layer fixture, tiny token counts. */
class LatencyViewModelTest {

    @TempDir
    Path dir;

    private final List<DialogService.UserMessage> messages = new ArrayList<>();
    private final DialogService dialogs = new DialogService() {
        @Override
        public void show(UserMessage message) {
            messages.add(message);
        }

        @Override
        public boolean confirm(String headline, String question) {
            return true;
        }
    };

    static Path fixture() {
        return Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf", "hf").toAbsolutePath();
    }

    private LatencyViewModel model() throws Exception {
        CurrentModel current = new CurrentModel();
        current.show("hf", fixture(), ConfigLoader.load(fixture()));
        LatencyViewModel vm = new LatencyViewModel(new SyncTaskExecutor(), current, 1, dialogs);
        vm.promptTokensProperty().set(4);
        vm.decodeTokensProperty().set(1);
        vm.contextProperty().set(0);
        vm.repeatsProperty().set(1);
        vm.threadsProperty().set(1);
        return vm;
    }

    private static double block(LatencyResult.Phase p, int layer, Block b) {
        return p.layers().get(layer).blocks().get(b).median();
    }

    @Test
    void profilePinCompareSweepExport() throws Exception {
        LatencyViewModel vm = model();
        vm.run();
        assertEquals(List.of(), messages);
        LatencyReport first = vm.reportProperty().get();
        LatencyResult a = vm.resultProperty().get();
        assertSame(first.result().orElseThrow(), a);
        assertEquals(2, a.layers());
        assertTrue(vm.summaryProperty().get().startsWith("Prefill 4 tok: per-layer medians + outside"),
                vm.summaryProperty().get());
        assertTrue(vm.statusProperty().get().startsWith("Profiled hf latent, 1 thread, prompt 4, ctx 4"),
                vm.statusProperty().get());
        assertEquals(block(a.prefill(), 1, Block.MLP), vm.prefillChartProperty().get().series().get(1).y(1), 0);
        assertEquals(first.charts(vm.selection()), vm.shownCharts());
        assertNull(vm.diffChartProperty().get());

        // pin A; the same run is not compared with itself
        vm.pin();
        assertTrue(vm.pinnedTextProperty().get().startsWith("Pinned A: hf latent, 1 thread"));
        assertNull(vm.diffChartProperty().get());
        // B with 2 threads: B − A per layer, decode by default, prefill when picked
        vm.threadsProperty().set(2);
        vm.run();
        LatencyResult b = vm.resultProperty().get();
        assertSame(a, vm.pinnedProperty().get());
        ChartSpec diff = vm.diffChartProperty().get();
        assertEquals("latency-diff-decode", diff.id());
        assertEquals(block(b.decode(), 0, Block.ATTENTION) - block(a.decode(), 0, Block.ATTENTION),
                diff.series().get(0).y(0), 1e-12);
        vm.diffDecodeProperty().set(false);
        diff = vm.diffChartProperty().get();
        assertEquals("latency-diff-prefill", diff.id());
        assertEquals(block(b.prefill(), 1, Block.NORMS) - block(a.prefill(), 1, Block.NORMS),
                diff.series().get(2).y(1), 1e-12);
        assertEquals(vm.reportProperty().get().charts(vm.selection()), vm.shownCharts());

        // a context sweep adds its chart and keeps the profiled ones
        vm.contextsProperty().set("6");
        vm.runContextSweep();
        assertEquals(List.of(), messages);
        assertNotNull(vm.contextChartProperty().get());
        assertSame(b, vm.resultProperty().get());
        List<ChartSpec> shown = vm.shownCharts();
        assertEquals(List.of("latency-prefill", "latency-decode", "latency-totals", "latency-diff-prefill",
                "latency-vs-context"), shown.stream().map(ChartSpec::id).toList());
        assertEquals(vm.reportProperty().get().charts(vm.selection()), shown);

        // Export all writes exactly the shown charts; each CSV is the series on screen
        Path out = dir.resolve("charts");
        vm.exportAll(out);
        assertEquals(List.of(), messages);
        assertEquals("Exported 20 files to " + out, vm.statusProperty().get());
        for (ChartSpec c : shown) {
            assertEquals(ChartCsv.toCsv(c), Files.readString(out.resolve(c.id() + ".csv"), StandardCharsets.UTF_8));
            assertTrue(Files.size(out.resolve(c.id() + ".png")) > 1000, c.id());
        }

        // the trace of B, byte for byte
        Path trace = dir.resolve("t/trace.json");
        vm.saveTrace(trace);
        assertEquals("Saved trace " + trace.toAbsolutePath().normalize(), vm.statusProperty().get());
        assertArrayEquals(Files.readAllBytes(b.trace()), Files.readAllBytes(trace));

        // clearing the pin drops the difference
        vm.clearPin();
        assertNull(vm.diffChartProperty().get());
        assertEquals("No pinned run (A).", vm.pinnedTextProperty().get());
        assertEquals(4, vm.shownCharts().size());
    }

    @Test
    void badInputReachesTheDialogServiceAndRunsNothing() throws Exception {
        LatencyViewModel vm = model();
        vm.contextsProperty().set("512, lots");
        vm.runContextSweep();
        assertEquals(1, messages.size());
        assertEquals("Invalid contexts", messages.get(0).headline());
        assertTrue(messages.get(0).reason().contains("'lots' is not a whole number"), messages.get(0).reason());
        vm.sweepThreadsProperty().set("0");
        vm.runThreadSweep();
        assertEquals("Thread counts: 0 must be ≥ 1", messages.get(1).reason());
        vm.pin();
        assertEquals("Nothing to pin", messages.get(2).headline());
        vm.exportAll(dir);
        assertEquals("Nothing to export", messages.get(3).headline());
        assertNull(vm.reportProperty().get());

        LatencyViewModel none = new LatencyViewModel(new SyncTaskExecutor(), new CurrentModel(), 1, dialogs);
        none.run();
        assertEquals("No model to profile", messages.get(4).headline());
        assertEquals(5, messages.size());
    }
}
