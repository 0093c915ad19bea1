package io.plmwb.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.views.common.Dialogs;
import io.plmwb.views.models.VariantsViewModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Opening a .gguf routes to Models, loads it, and the Variants card compares fp32 / 8-bit / 4-bit. */
class ModelsVariantsTest {

    @TempDir
    static Path dir;

    private static WorkbenchApp app;
    private static final FxRobot ROBOT = new FxRobot();
    private static final List<io.plmwb.views.common.DialogService.UserMessage> MESSAGES = new CopyOnWriteArrayList<>();
    private static String oldCache;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("plmwb.config.dir", dir.resolve("config").toString());
        oldCache = System.getProperty("plmwb.cache.dir");
        System.setProperty("plmwb.cache.dir", dir.resolve("graphs").toString());
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
        if (oldCache == null) {
            System.clearProperty("plmwb.cache.dir");
        } else {
            System.setProperty("plmwb.cache.dir", oldCache);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void ggufOpensInModelsAndVariantsCompare() throws Exception {
        Path gguf = Path.of(System.getProperty("plmwb.shared"), "fixtures", "gguf", "gguf", "plm-tiny-Q8_0.gguf");
        ROBOT.interact(() -> app.mainModel().open(gguf));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> ROBOT.lookup("#loadStatus").queryAs(Label.class)
                .getText().startsWith("Loaded"));
        assertTrue(ROBOT.lookup("#headline").queryAs(Label.class).getText().contains("plm-tiny-Q8_0"));
        assertTrue(VariantsViewModel.DEFAULT_TEXT.toString().endsWith("kjv-jonah.txt"));
        Button compare = ROBOT.lookup("#compareButton").queryAs(Button.class);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !compare.isDisabled());
        ROBOT.interact(compare::fire);
        TableView<VariantsViewModel.Row> table = ROBOT.lookup("#table").queryAs(TableView.class);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !MESSAGES.isEmpty()
                || (table.getItems().size() == 3 && !compare.isDisabled()));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
        assertEquals(List.of("fp32", "8-bit", "4-bit"), table.getItems().stream().map(VariantsViewModel.Row::variant)
                .toList());
        assertEquals("100.0%", table.getItems().get(0).top1());
        assertEquals("0.00000", table.getItems().get(0).meanKl());
        String status = ROBOT.lookup("#variants-card").lookup(".text-muted")
                .queryAllAs(Label.class).stream().map(Label::getText).filter(t -> t != null && !t.isEmpty())
                .reduce("", (x, y) -> x + " | " + y);
        assertTrue(status.contains("held-out tokens"), status);
        // both charts are shown and export through the shell's Export current chart
        assertEquals(2, ROBOT.lookup(".chart").queryAll().stream().filter(n -> n.isVisible()
                && n.getScene() != null && isInVariants(n)).count());
    }

    private static boolean isInVariants(javafx.scene.Node n) {
        for (javafx.scene.Node p = n; p != null; p = p.getParent()) {
            if ("variants-card".equals(p.getId())) {
                return true;
            }
        }
        return false;
    }
}
