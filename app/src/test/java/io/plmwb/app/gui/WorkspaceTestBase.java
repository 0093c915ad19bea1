package io.plmwb.app.gui;

import io.plmwb.views.common.Dialogs;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real application window headless (Monocle) for one workspace test class: its own settings folder and graph
 * cache, error dialogs collected in {@link #MESSAGES} instead of shown. Subclasses call {@link #launch} from their
 * own {@code @BeforeAll}.
 */
abstract class WorkspaceTestBase {

    @TempDir
    static Path configDir;
    @TempDir
    static Path work;

    static WorkbenchApp app;
    static final FxRobot ROBOT = new FxRobot();
    static final List<io.plmwb.views.common.DialogService.UserMessage> MESSAGES = new CopyOnWriteArrayList<>();

    /**
     * Starts the app.
     *
     * @param withBundledData true: {@code plmwb.home} is the project root, so the app opens its bundled defaults
     *                        (plm-nano, the demo rounds, the bundled runs); false: nothing opens by itself
     */
    static void launch(boolean withBundledData) throws Exception {
        System.setProperty("plmwb.config.dir", configDir.toString());
        System.setProperty("plmwb.cache.dir", work.resolve("graphs").toString());
        if (withBundledData) {
            System.setProperty("plmwb.home", System.getProperty("plmwb.root", ".."));
        } else {
            System.clearProperty("plmwb.home");
        }
        MESSAGES.clear();
        Dialogs.setSink(MESSAGES::add);
        FxToolkit.registerPrimaryStage();
        app = (WorkbenchApp) FxToolkit.setupApplication(WorkbenchApp.class);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterAll
    static void stopApp() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        Dialogs.setSink(null);
        System.clearProperty("plmwb.cache.dir");
        System.clearProperty("plmwb.home");
    }

    /** A bundled model folder. */
    static Path model(String name) {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", name).toAbsolutePath();
    }
}
