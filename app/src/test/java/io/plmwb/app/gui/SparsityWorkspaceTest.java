package io.plmwb.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.views.sparsity.SparsityViewModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.util.WaitForAsyncUtils;

/** The Sparsity workspace headless: capture plm-nano, change ε without re-running, compare, save and reopen. */
class SparsityWorkspaceTest extends WorkspaceTestBase {

    @BeforeAll
    static void start() throws Exception {
        launch(false);
    }

    @Test
    void captureRecomputeCompareSaveReopen() throws Exception {
        ROBOT.interact(() -> app.mainModel().open(model("plm-nano")));
        ROBOT.clickOn("#rail-sparsity");
        SparsityViewModel vm = app.sparsityModel();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.modelTextProperty().get().startsWith("plm-nano"));
        ROBOT.clickOn("#runButton");
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> vm.resultAProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
        String summary = ROBOT.lookup("#summaryLabel").queryAs(Label.class).getText();
        assertTrue(summary.startsWith("A mean zero fraction 0."), summary);
        assertNotNull(ROBOT.lookup("#heatmap-a").query());
        var result = vm.resultAProperty().get();
        // the tooltip text of a cell is the capture's own numbers
        String tip = vm.describeCell(SparsityViewModel.Which.A, 3, 2);
        assertTrue(tip.contains(String.format(java.util.Locale.ROOT, "%.3f",
                result.captures().get(0).zeroFraction(3, 2, 0))), tip);
        assertTrue(tip.contains("top neurons: #"), tip);
        // raising ε recomputes from the counts: same result object, larger zero fractions
        ROBOT.interact(() -> vm.epsIndexProperty().set(io.plmwb.engine.graph.ProbeGrid.snap(1e-2)));
        String raised = ROBOT.lookup("#summaryLabel").queryAs(Label.class).getText();
        assertTrue(vm.resultAProperty().get() == result, "no new capture");
        assertTrue(raised.compareTo(summary) > 0, summary + " → " + raised);
        // compare with a second prompt: three heat maps, one colour scale
        ROBOT.interact(() -> {
            vm.comparePromptProperty().set("The dog sleeps in the sun.");
            vm.compareWithPrompt();
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.resultBProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertNotNull(ROBOT.lookup("#heatmap-diff").query());
        assertEquals(-1, vm.heatDiffProperty().get().min());
        // save and reopen
        Path file = work.resolve("saved.sparsity.json");
        ROBOT.interact(() -> vm.save(file));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> java.nio.file.Files.exists(file));
        ROBOT.interact(() -> app.mainModel().open(file));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.statusProperty().get().startsWith("Opened"));
        assertEquals(result.totalTokens(), vm.resultAProperty().get().totalTokens());
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
    }
}
