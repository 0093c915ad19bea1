package io.plmwb.views.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atlantafx.base.theme.PrimerLight;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.views.common.Dialogs;
import io.plmwb.views.common.FxTaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Schedules workspace headless: the bundled comparison, replay cursor, fit, spec errors, smoothing, export. */
@ExtendWith(ApplicationExtension.class)
class SchedulesWorkspaceTest {

    @TempDir
    Path tmp;

    private SchedulesViewModel model;
    private SchedulesView view;
    private FxTaskExecutor executor;
    private final List<io.plmwb.views.common.DialogService.UserMessage> messages = new CopyOnWriteArrayList<>();

    static Path models() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
    }

    @Start
    void start(Stage stage) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Dialogs.setSink(messages::add);
        executor = new FxTaskExecutor(1);
        model = new SchedulesViewModel(executor, models(), Dialogs.service());
        view = new SchedulesView(model, executor);
        stage.setScene(new Scene(view.root(), 1200, 780));
        stage.show();
    }

    @AfterEach
    void stop() {
        executor.close();
        Dialogs.setSink(null);
    }

    /** Presses a button the way a click does (fires its action), without moving the robot's mouse. */
    private static void fire(FxRobot robot, String id) {
        javafx.scene.control.Button b = robot.lookup(id).queryAs(javafx.scene.control.Button.class);
        assertFalse(b.isDisabled(), id + " is enabled");
        robot.interact(b::fire);
    }

    private void waitFor(java.util.concurrent.Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, c);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void opensOnTheBundledWsdcVsCosineComparisonAndReplays(FxRobot robot) throws Exception {
        waitFor(() -> model.runNames().size() == 2 && model.lrChartProperty().get() != null);
        assertEquals(List.of("plm-nano", "plm-nano-cosine"), model.runNames());
        ChartSpec lr = model.lrChartProperty().get();
        assertEquals(List.of("plm-nano lr", "plm-nano-cosine lr", "schedule wsdc"),
                lr.series().stream().map(s -> s.name()).toList());
        assertEquals(4, model.metricChartProperty().get().series().size(), "raw + EMA per run");
        assertNotNull(view.panes()[0].getChart(), "the lr chart is drawn");

        // scrub to step 600 (index 599): the decay, values of every series listed
        robot.interact(() -> model.cursorProperty().set(599));
        String text = model.cursorTextProperty().get();
        assertTrue(text.startsWith("step 600"), text);
        // 0.002 − 0.0018 · (600 − 1 − 540)/225 in the log; the recipe spec gives (600 − 540)/225
        assertTrue(text.contains("plm-nano lr 0.0015280"), text);
        assertTrue(text.contains("schedule wsdc 0.0015200"), text);
        assertTrue(text.contains("schedule phase: decay"), text);
        assertTrue(text.contains("plm-nano-cosine train_loss"), text);
        waitFor(() -> view.lrCursorLine().isVisible());

        // play runs the cursor forward
        robot.interact(() -> model.cursorProperty().set(0));
        fire(robot, "#playButton");
        waitFor(() -> model.cursorProperty().get() > 50);
        fire(robot, "#playButton");
        assertFalse(model.playingProperty().get());
    }

    @Test
    void fitRecoversTheRecipeAndCanBecomeTheSchedule(FxRobot robot) throws Exception {
        waitFor(() -> model.runNames().size() == 2);
        robot.interact(() -> model.fitRunProperty().set("plm-nano"));
        fire(robot, "#fitButton");
        waitFor(() -> model.residualChartProperty().get() != null);
        List<String> rows = model.fitRows().stream().map(r -> r.key() + "=" + r.value()).toList();
        assertTrue(rows.containsAll(List.of("kind=wsdc", "warmup=45", "stable_end=541", "decay_end=766",
                "peak=0.002", "floor=0.0002", "shape=linear")), rows.toString());
        fire(robot, "#useFitButton");
        assertTrue(model.specTextProperty().get().startsWith("wsdc:warmup=45,stable_end=541,decay_end=766"));
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void badSpecIsExplainedAndTheLastGoodScheduleStays(FxRobot robot) throws Exception {
        waitFor(() -> model.lrChartProperty().get() != null);
        TextField spec = robot.lookup("#specField").queryAs(TextField.class);
        robot.interact(() -> spec.setText("wsdc:warmup=45,stable_end=540,decay_end=765,peak=oops"));
        Label err = robot.lookup("#specErrorLabel").queryAs(Label.class);
        assertTrue(err.isVisible());
        assertTrue(err.getText().contains("peak = 'oops' is not a number"), err.getText());
        assertTrue(model.lrChartProperty().get().series().stream().anyMatch(s -> s.name().equals("schedule wsdc")));
        robot.interact(() -> model.choosePreset("plm-nano-cosine recipe (warmup + cosine)"));
        assertFalse(err.isVisible());
        // the schedule is re-read by a background run of the study
        waitFor(() -> model.lrChartProperty().get().series().stream()
                .anyMatch(s -> s.name().equals("schedule cosine")));
        assertTrue(model.lrChartProperty().get().series().stream().anyMatch(s -> s.name().equals("schedule cosine")));
    }

    @Test
    void smoothingAlignmentAndExportOfTheSmoothedSeries(FxRobot robot) throws Exception {
        waitFor(() -> model.metricChartProperty().get() != null && model.runNames().size() == 2);
        robot.interact(() -> model.smoothingProperty().set("none"));
        assertEquals(2, model.metricChartProperty().get().series().size());
        robot.interact(() -> {
            model.smoothingProperty().set("moving average (centred)");
            model.weightProperty().set(0.9);
        });
        assertEquals("10 points", robot.lookup("#weightLabel").queryAs(Label.class).getText());
        assertTrue(model.metricChartProperty().get().series().get(1).name().contains("centred mean 10"));
        robot.interact(() -> model.alignProperty().set("tokens"));
        // re-aligning runs the study again in the background
        waitFor(() -> "Tokens".equals(model.lrChartProperty().get().xAxis().label()));
        assertEquals("Tokens", model.lrChartProperty().get().xAxis().label());

        var export = view.panes()[1].getExportModel();
        Path target = tmp.resolve("loss.csv");
        robot.interact(() -> {
            export.formatProperty().set(ExportFormat.CSV);
            export.chooseTarget(target);
            export.export();
        });
        waitFor(() -> Files.exists(target));
        List<String> lines = Files.readAllLines(target);
        assertEquals("Tokens,plm-nano train_loss,plm-nano train_loss (centred mean 10),plm-nano-cosine train_loss,"
                + "plm-nano-cosine train_loss (centred mean 10),data phase 2 (x marker),data phase 3 (x marker),"
                + "data phase 4 (x marker)", lines.get(0));
        assertEquals(901, lines.size());
    }

    @Test
    void aBrokenLogIsReportedWithItsName(FxRobot robot) throws Exception {
        waitFor(() -> model.runNames().size() == 2);
        Path bad = tmp.resolve("events.out.tfevents.1.broken");
        Files.writeString(bad, "not a tfrecord");
        robot.interact(() -> model.openLog(bad));
        waitFor(() -> !messages.isEmpty());
        assertTrue(messages.get(0).headline().contains("events.out.tfevents.1.broken"), messages.get(0).headline());
        assertEquals(2, model.runNames().size());
    }
}
