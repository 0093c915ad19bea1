package io.plmwb.views.schedules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.Series;
import io.plmwb.views.common.DialogService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Schedules ViewModel through its studies, headless and synchronous: what it shows is the report for its
 * selection, at every point, and Export all writes exactly that.
 */
class SchedulesViewModelTest {

    static final String SPEC = "wsdc:warmup=100,stable_end=3000,decay_end=4000,peak=0.001,floor=0.0001,shape=linear";

    @TempDir
    Path dir;

    /** Records messages; answers questions with {@link #answer}. */
    static final class Recorder implements DialogService {
        final List<UserMessage> messages = new ArrayList<>();
        final List<String> questions = new ArrayList<>();
        boolean answer;

        @Override
        public void show(UserMessage message) {
            messages.add(message);
        }

        @Override
        public boolean confirm(String headline, String question) {
            questions.add(question);
            return answer;
        }
    }

    /** step 1..5000: lr = 1e-5·s up to s = 100 then 1e-3; train_loss = s mod 4. */
    private Path longLog() throws Exception {
        StringBuilder b = new StringBuilder("step,lr,train_loss\n");
        for (int s = 1; s <= 5000; s++) {
            b.append(s).append(',').append(s <= 100 ? (s + "e-5") : "1e-3").append(',').append(s % 4).append('\n');
        }
        return Files.writeString(dir.resolve("long.csv"), b.toString());
    }

    /** A WSDC rate (warmup 100, stable to 600, linear decay to 800, peak 1e-3, floor 1e-4) at steps 0..1000. */
    private Path wsdcLog() throws Exception {
        StringBuilder b = new StringBuilder("step,lr,train_loss\n");
        for (int s = 0; s <= 1000; s++) {
            double lr = s < 100 ? 1e-3 * s / 100 : s < 600 ? 1e-3 : s < 800 ? 1e-3 - 9e-4 * (s - 600) / 200 : 1e-4;
            b.append(s).append(',').append(String.format(Locale.ROOT, "%.10g", lr)).append(",1\n");
        }
        return Files.writeString(dir.resolve("wsdc.csv"), b.toString());
    }

    private static List<String> names(ChartSpec c) {
        return c.series().stream().map(Series::name).toList();
    }

    @Test
    void showsTheReportForTheSelectionAtEveryPoint() throws Exception {
        Recorder dialogs = new Recorder();
        SchedulesViewModel vm = new SchedulesViewModel(new SyncTaskExecutor(), null, dialogs);
        // no runs: the recipe schedule alone
        assertEquals(List.of("schedule wsdc"), names(vm.lrChartProperty().get()));
        assertNull(vm.metricChartProperty().get());
        assertTrue(vm.statusProperty().get().startsWith("No runs loaded"), vm.statusProperty().get());

        vm.specTextProperty().set(SPEC);
        vm.openLog(longLog());
        assertEquals(List.of("long"), vm.runNames());
        assertEquals("train_loss", vm.metricProperty().get());
        assertEquals("long", vm.fitRunProperty().get());
        ChartSpec lr = vm.lrChartProperty().get();
        assertEquals(List.of("long lr", "schedule wsdc"), names(lr));
        assertEquals(5000, lr.series().get(0).size(), "every logged step (the old screen kept 4000)");
        assertEquals(5.5e-4, lr.series().get(1).y(3499), 1e-15); // 1e-3 − 9e-4 · (3500 − 3000)/1000
        assertEquals(4999, vm.cursorMaxProperty().get());
        assertEquals(4999, vm.cursorProperty().get(), "the cursor starts at the end of the runs");
        assertTrue(vm.cursorTextProperty().get().startsWith("step 5000"), vm.cursorTextProperty().get());

        // what is on screen is the report's charts for the selection
        List<ChartSpec> expected = vm.reportProperty().get().charts(vm.selection());
        assertEquals(ChartCsv.toCsv(expected.get(0)), ChartCsv.toCsv(vm.lrChartProperty().get()));
        assertEquals(ChartCsv.toCsv(expected.get(1)), ChartCsv.toCsv(vm.metricChartProperty().get()));
        assertEquals(List.of("long train_loss", "long train_loss (EMA 0.9)"), names(vm.metricChartProperty().get()));

        // the selection redraws from the same report
        var report = vm.reportProperty().get();
        vm.smoothingProperty().set("moving average (trailing)");
        vm.weightProperty().set(0.5);
        assertEquals("2 points", vm.weightTextProperty().get());
        assertEquals(2.5, vm.metricChartProperty().get().series().get(1).y(2), 1e-12); // s = 3: (2 + 3)/2
        vm.showScheduleProperty().set(false);
        assertEquals(List.of("long lr"), names(vm.lrChartProperty().get()));
        assertTrue(report == vm.reportProperty().get(), "no study run for a selection change");
        vm.showScheduleProperty().set(true);

        // a bad spec is explained and the last good schedule stays
        vm.specTextProperty().set(SPEC.replace("peak=0.001", "peak=oops"));
        assertTrue(vm.specErrorProperty().get().contains("peak = 'oops' is not a number"));
        assertEquals(5.5e-4, vm.lrChartProperty().get().series().get(1).y(3499), 1e-15);

        // an unreadable log is reported by name and leaves the runs as they were
        vm.openLog(dir.resolve("missing.csv"));
        assertEquals(1, dialogs.messages.size());
        assertTrue(dialogs.messages.get(0).headline().contains("missing.csv"), dialogs.messages.get(0).headline());
        assertEquals(List.of("long"), vm.runNames());
        assertEquals(List.of(dir.resolve("long.csv")), vm.reportProperty().get().logs());
    }

    @Test
    void fitThenExportAllWritesWhatIsShownAndAsksBeforeReplacing() throws Exception {
        Recorder dialogs = new Recorder();
        SchedulesViewModel vm = new SchedulesViewModel(new SyncTaskExecutor(), null, dialogs);
        vm.openLog(longLog());
        vm.openLog(wsdcLog());
        assertEquals(List.of("long", "wsdc"), vm.runNames());
        vm.fitRunProperty().set("wsdc");
        vm.fit();
        List<String> rows = vm.fitRows().stream().map(r -> r.key() + "=" + r.value()).toList();
        assertTrue(rows.contains("kind=wsdc"), rows.toString());
        assertEquals(1001, vm.residualChartProperty().get().series().get(0).size());
        vm.useFit();
        assertTrue(vm.specTextProperty().get().startsWith("wsdc:warmup="), vm.specTextProperty().get());
        assertEquals(List.of("long lr", "wsdc lr", "schedule wsdc"), names(vm.lrChartProperty().get()));

        Path out = dir.resolve("export");
        vm.exportAll(out, List.of(ExportFormat.CSV));
        assertTrue(dialogs.messages.isEmpty(), dialogs.messages.toString());
        for (var chart : List.of(vm.lrChartProperty().get(), vm.metricChartProperty().get(),
                vm.residualChartProperty().get())) {
            assertArrayEquals(ChartCsv.toCsv(chart).getBytes(StandardCharsets.UTF_8),
                    Files.readAllBytes(out.resolve(chart.id() + ".csv")), chart.id());
        }
        try (var files = Files.list(out)) {
            assertEquals(3, files.count());
        }
        assertEquals("Exported 3 files to " + out, vm.statusProperty().get());

        // again into the same folder: asks; no → nothing touched
        vm.smoothingProperty().set("none");
        vm.exportAll(out, List.of(ExportFormat.CSV));
        assertEquals(1, dialogs.questions.size());
        assertFalse(Files.readString(out.resolve("schedule-train-loss.csv")).split("\n")[0].endsWith("train_loss"));
        dialogs.answer = true;
        vm.exportAll(out, List.of(ExportFormat.CSV));
        assertEquals("Step,long train_loss,wsdc train_loss",
                Files.readString(out.resolve("schedule-train-loss.csv")).split("\n")[0]);

        vm.removeRun("long");
        assertEquals(List.of("wsdc"), vm.runNames());
        assertEquals("wsdc", vm.fitRunProperty().get());
    }
}
