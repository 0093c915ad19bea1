package io.plmwb.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.latency.OrtTrace;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.common.Dialogs;
import io.plmwb.views.latency.LatencyViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Latency workspace headless: profile plm-nano, pin it, profile again, diff, save the trace, bad input. */
class LatencyWorkspaceTest {

    @TempDir
    static Path configDir;
    @TempDir
    static Path work;

    private static WorkbenchApp app;
    private static final FxRobot ROBOT = new FxRobot();
    private static final List<io.plmwb.views.common.DialogService.UserMessage> MESSAGES = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("plmwb.config.dir", configDir.toString());
        System.setProperty("plmwb.cache.dir", work.resolve("graphs").toString());
        System.clearProperty("plmwb.home");
        Dialogs.setSink(MESSAGES::add);
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        Dialogs.setSink(null);
        System.clearProperty("plmwb.cache.dir");
    }

    @Test
    void profilePinCompareSaveTrace() throws Exception {
        Path nano = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano")
                .toAbsolutePath();
        ROBOT.interact(() -> app.mainModel().open(nano));
        ROBOT.clickOn("#rail-latency");
        LatencyViewModel vm = app.latencyModel();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.modelTextProperty().get().startsWith("plm-nano"));
        ROBOT.interact(() -> {
            vm.promptTokensProperty().set(16);
            vm.decodeTokensProperty().set(2);
            vm.contextProperty().set(0);
            vm.repeatsProperty().set(3);
            vm.threadsProperty().set(1);
        });
        ROBOT.clickOn("#latency-run");
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> vm.resultProperty().get() != null
                && !vm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
        var first = vm.resultProperty().get();
        assertEquals(6, first.layers());
        ChartPane prefill = ROBOT.lookup("#latency-prefill-chart").queryAs(ChartPane.class);
        assertEquals(ChartKind.STACKED_BAR, prefill.getSpec().kind());
        assertEquals(List.of("L0", "L1", "L2", "L3", "L4", "L5"), prefill.getSpec().categories());
        // the drawn attention bars are the run's medians
        assertEquals(first.prefill().layers().get(4).blocks()
                .get(io.plmwb.engine.latency.LayerBreakdown.Block.ATTENTION).median(),
                prefill.getSpec().series().get(0).y(4), 1e-12);
        String summary = ROBOT.lookup("#latency-summary").queryAs(Label.class).getText();
        assertTrue(summary.startsWith("Prefill 16 tok: per-layer medians + outside"), summary);

        // pin as A, run B with 2 threads: the difference chart is B − A per layer
        ROBOT.clickOn("#latency-pin");
        ROBOT.interact(() -> vm.threadsProperty().set(2));
        ROBOT.clickOn("#latency-run");
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> vm.resultProperty().get() != first
                && !vm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        var second = vm.resultProperty().get();
        var diff = vm.diffChartProperty().get();
        assertNotNull(diff);
        assertEquals("latency-diff-decode", diff.id());
        double expected = second.decode().layers().get(2).blocks()
                .get(io.plmwb.engine.latency.LayerBreakdown.Block.MLP).median()
                - first.decode().layers().get(2).blocks().get(io.plmwb.engine.latency.LayerBreakdown.Block.MLP)
                .median();
        assertEquals(expected, diff.series().get(1).y(2), 1e-12);

        // save the raw trace: ORT's Chrome-trace JSON with 1 + 3 prefills, 1 fill, 1 + 3 × 2 decode runs
        Path trace = work.resolve("trace.json");
        ROBOT.interact(() -> vm.saveTrace(trace));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Files.exists(trace));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.statusProperty().get().startsWith("Saved trace"));
        assertEquals(12, OrtTrace.read(trace).runs().size());

        // bad sweep input reaches the user as an error, nothing runs
        ROBOT.interact(() -> {
            vm.contextsProperty().set("512, lots");
            vm.runContextSweep();
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, MESSAGES.size(), MESSAGES.toString());
        assertTrue(MESSAGES.get(0).reason().contains("'lots' is not a whole number"), MESSAGES.get(0).reason());
        MESSAGES.clear();

        // export every shown chart through the one export service
        Path out = work.resolve("charts");
        ROBOT.interact(() -> vm.exportAll(out));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.statusProperty().get().startsWith("Exported"));
        for (String id : List.of("latency-prefill", "latency-decode", "latency-totals", "latency-diff-decode")) {
            assertTrue(Files.size(out.resolve(id + ".png")) > 1000, id);
            assertTrue(Files.exists(out.resolve(id + ".csv")), id);
        }
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
    }
}
