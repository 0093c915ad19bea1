package io.plmwb.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.views.shell.WorkspaceId;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.util.WaitForAsyncUtils;

/** The Refinement Rounds workspace in the real window (Monocle): the demo first, keys, filters, File ▸ Open. */
class RoundsWorkspaceTest extends WorkspaceTestBase {

    @BeforeAll
    static void start() throws Exception {
        launch(true);
    }

    @SuppressWarnings("unchecked")
    private static ListView<Object> promptList() {
        return ROBOT.lookup("#promptList").queryAs(ListView.class);
    }

    @Test
    void opensTheDemoAndComparesFixtureRounds() throws Exception {
        ROBOT.clickOn("#rail-rounds");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> promptList().getItems().size() == 8);
        assertEquals(WorkspaceId.ROUNDS, app.mainModel().workspaceProperty().get());
        assertEquals(2, ROBOT.lookup(".rounds-column").queryAll().size(), "greedy and sampled columns");
        Label instruction = ROBOT.lookup("#instructionLabel").queryAs(Label.class);
        assertTrue(instruction.getText().startsWith("1. And God said"), instruction.getText());
        ROBOT.clickOn("#searchField");
        ROBOT.type(KeyCode.F8);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(instruction.getText().startsWith("2. Blessed are the meek"), instruction.getText());
        ROBOT.press(KeyCode.SHIFT).type(KeyCode.F8).release(KeyCode.SHIFT);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(instruction.getText().startsWith("1. "), instruction.getText());
        ROBOT.clickOn("#nextButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(instruction.getText().startsWith("2. "), instruction.getText());
        assertTrue(ROBOT.lookup(".diff-insert").queryAll().size() > 0, "the sampled column shows insertions");

        Path fixture = Path.of(System.getProperty("plmwb.shared"), "fixtures", "alpaca_eval", "oasst-rlhf-llama-33b");
        ROBOT.clickOn("#rail-models");
        ROBOT.interact(() -> app.mainModel().open(fixture));
        // generous: reading 805 prompts with a tokenizer takes seconds, much longer on a loaded machine
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS,
                () -> app.mainModel().workspaceProperty().get() == WorkspaceId.ROUNDS
                        && ROBOT.lookup("#promptList").tryQueryAs(ListView.class)
                                .map(l -> l.getItems().size() == 805).orElse(false));
        TableView<?> stats = ROBOT.lookup("#statsTable").queryAs(TableView.class);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, stats.getItems().size());
        assertTrue(stats.getItems().get(0).toString().contains("6.30 ± 0.74"), stats.getItems().get(0).toString());
        ROBOT.clickOn("#searchField").write("Broadway");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, promptList().getItems().size());
        ROBOT.clickOn("Charts");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(ROBOT.lookup(".chart-pane").queryAll().size() >= 2);
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
    }
}
