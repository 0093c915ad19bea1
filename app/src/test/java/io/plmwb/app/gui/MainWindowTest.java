package io.plmwb.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.views.common.Dialogs;
import io.plmwb.views.shell.WorkspaceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Opens the real main window headless (Monocle), visits every workspace and feeds it bad input. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MainWindowTest {

    @TempDir
    static Path configDir;

    private static WorkbenchApp app;
    private static final FxRobot ROBOT = new FxRobot();
    private static final List<io.plmwb.views.common.DialogService.UserMessage> MESSAGES = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("plmwb.config.dir", configDir.toString());
        System.clearProperty("plmwb.home");
        Dialogs.setSink(MESSAGES::add);
        Stage primary = FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitForFxEvents();
        assertNotNull(primary);
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        Dialogs.setSink(null);
    }

    @BeforeEach
    void clearMessages() {
        MESSAGES.clear();
    }

    @Test
    void everyWorkspaceLoadsItsView() {
        for (WorkspaceId id : WorkspaceId.values()) {
            String railId = "#rail-" + id.name().toLowerCase(Locale.ROOT);
            ROBOT.clickOn(railId);
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals(id, app.mainModel().workspaceProperty().get());
            StackPane host = ROBOT.lookup(".workspace-host").queryAs(StackPane.class);
            assertEquals(1, host.getChildren().size(), "one workspace shown for " + id);
            Node shown = host.getChildren().get(0);
            String expected = switch (id) {
                case MODELS -> "models-workspace";
                case SPARSITY -> "sparsity-workspace";
                case KV_CACHE -> "kvcache-workspace";
                case LATENCY -> "latency-workspace";
                case SCHEDULES -> "schedules-workspace";
                case ROUNDS -> "rounds-workspace";
            };
            assertEquals(expected, shown.getId(), "view loaded for " + id);
        }
    }

    @Test
    @Order(1)
    void modelsWorkspaceStartsOnThePlmArchitecture() {
        ROBOT.clickOn("#rail-models");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(ROBOT.lookup(".kv-value").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().startsWith("1,825,458,176")), "PLM-1.8B total parameters shown");
    }

    @Test
    void badPathsShowAClearMessageAndNothingCrashes() throws Exception {
        Path missing = configDir.resolve("does-not-exist");
        Path empty = Files.createDirectories(configDir.resolve("empty-folder"));
        Path binary = configDir.resolve("picture.json");
        Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});

        for (Path p : List.of(missing, empty, binary)) {
            MESSAGES.clear();
            ROBOT.interact(() -> app.mainModel().open(p));
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !MESSAGES.isEmpty());
            io.plmwb.views.common.DialogService.UserMessage m = MESSAGES.get(0);
            assertTrue(m.headline().contains(p.toString()), m.headline());
            assertFalse(m.reason().isBlank());
        }
        assertTrue(MESSAGES.get(0).reason().contains("PNG image"), MESSAGES.get(0).reason());
        assertTrue(app.mainModel().statusMessageProperty().get().startsWith("Could not open"));
    }

    @Test
    void theStatusBarShowsWhatTheOneSessionHostHolds() throws Exception {
        assertEquals(app.sessions().threads(), Math.max(1, app.mainModel().settings().engineThreads));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            Label cell = ROBOT.lookup("#modelsLabel").queryAs(Label.class);
            return cell.getText().equals(app.sessions().snapshot().summary())
                    && cell.getTooltip() != null
                    && cell.getTooltip().getText().equals(app.mainModel().loadedModelsDetailProperty().get());
        });
    }

    @Test
    void openingACheckpointShowsItAndRemembersIt() throws Exception {
        Path ckpt = Files.createDirectories(configDir.resolve("tiny-plm"));
        Files.writeString(ckpt.resolve("config.json"), """
                {"model_type":"plm","vocab_size":512,"hidden_size":256,"intermediate_size":512,
                 "num_hidden_layers":2,"num_attention_heads":4,"kv_lora_rank":64,"qk_nope_head_dim":32,
                 "qk_rope_head_dim":16,"v_head_dim":32,"hidden_act":"relu2","tie_word_embeddings":true}""");
        ROBOT.clickOn("#rail-latency");
        ROBOT.interact(() -> app.mainModel().open(ckpt));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> app.mainModel().workspaceProperty().get() == WorkspaceId.MODELS
                        && ROBOT.lookup(".kv-value").queryAllAs(Label.class).stream()
                        .anyMatch(l -> l.getText().startsWith("894,336")));
        assertEquals(ckpt.toAbsolutePath().normalize().toString(), app.mainModel().recentFiles().get(0));
        assertTrue(Files.readString(configDir.resolve("settings.json")).contains("tiny-plm"),
                "recent files persist to the config folder");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(ROBOT.lookup(".hyperlink").queryAllAs(javafx.scene.control.Hyperlink.class).stream()
                .anyMatch(h -> h.getText().startsWith("tiny-plm")), "listed under Recent models");
        // the folder has a config but no weights: the architecture shows, loading says why it cannot run
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> ROBOT.lookup("#loadStatus").queryAs(Label.class)
                .getText().startsWith("Not loaded"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !MESSAGES.isEmpty());
        assertTrue(MESSAGES.get(0).headline().contains("tiny-plm"), MESSAGES.get(0).headline());
        assertTrue(MESSAGES.get(0).reason().contains("safetensors"), MESSAGES.get(0).reason());
    }

    @Test
    void openingATrainingLogShowsItInSchedules() throws Exception {
        Path log = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano",
                "training_log.csv");
        ROBOT.clickOn("#rail-models");
        ROBOT.interact(() -> app.mainModel().open(log));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> app.mainModel().workspaceProperty().get() == WorkspaceId.SCHEDULES
                        && ROBOT.lookup("#statusLabel").queryAs(Label.class).getText().contains("plm-nano (900 steps"));
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
    }

    @Test
    void runningTaskShowsInTheStatusBarAndCanBeCancelled() throws Exception {
        var started = new java.util.concurrent.CountDownLatch(1);
        var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        ROBOT.interact(() -> app.executor().execute(BackgroundTask.of("Long demo work", ctx -> {
            started.countDown();
            for (int i = 0; i < 100_000; i++) {
                ctx.checkCancelled();
                ctx.progress(i, 100_000);
                Thread.sleep(1);
            }
            return null;
        }).onCancelled(() -> cancelled.set(true))));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> ROBOT.lookup(".task-title").queryAs(Label.class).getText().startsWith("Long demo work"));
        assertTrue(ROBOT.lookup(".status-bar .progress-bar").queryAs(ProgressBar.class).isVisible());
        ROBOT.clickOn("Cancel");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, cancelled::get);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !app.mainModel().taskRunningProperty().get());
    }

    @Test
    void loadsTheFixtureCheckpointAndGeneratesWithStreaming() throws Exception {
        Path fixture = Path.of(System.getProperty("plmwb.shared"), "fixtures", "gguf", "hf");
        ROBOT.interact(() -> app.mainModel().open(fixture));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> ROBOT.lookup("#loadStatus").queryAs(Label.class)
                .getText().startsWith("Loaded"));
        javafx.scene.control.Button generate = ROBOT.lookup("#generateButton").queryAs(javafx.scene.control.Button.class);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !generate.isDisabled());
        ROBOT.interact(() -> ROBOT.lookup("#maxTokensSpinner").queryAs(javafx.scene.control.Spinner.class)
                .getValueFactory().setValue(12));
        ROBOT.clickOn(generate);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> ROBOT.lookup("#generationStats").queryAs(Label.class)
                .getText().contains("tokens/s"));
        String stats = ROBOT.lookup("#generationStats").queryAs(Label.class).getText();
        assertTrue(stats.contains("12 tokens at") || stats.contains("stop: stop token"), stats);
        assertFalse(ROBOT.lookup("#outputArea").queryAs(javafx.scene.control.TextArea.class).getText().isEmpty());
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
    }
}
