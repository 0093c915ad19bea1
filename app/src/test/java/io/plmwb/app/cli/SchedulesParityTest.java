package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.schedules.SchedulesViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One replay, two surfaces: the Schedules workspace's Export all and {@code workbench replay --out} write
 * byte-identical CSV files for the same runs, schedule, alignment, metric and smoothing, and what they export is what
 * the workspace draws.
 */
class SchedulesParityTest {

    @TempDir
    Path dir;

    static Path models() {
        return ScheduleCommandsTest.models();
    }

    @Test
    void guiExportAllAndReplayOutWriteTheSameCsvsAsTheScreenShows() throws Exception {
        List<DialogService.UserMessage> messages = new ArrayList<>();
        DialogService dialogs = new DialogService() {
            @Override
            public void show(UserMessage message) {
                messages.add(message);
            }

            @Override
            public boolean confirm(String headline, String question) {
                return false;
            }
        };
        // the workspace opens on the bundled plm-nano and plm-nano-cosine runs and the plm-nano recipe
        SchedulesViewModel vm = new SchedulesViewModel(new SyncTaskExecutor(), models(), dialogs);
        vm.smoothingProperty().set("moving average (trailing)");
        vm.weightProperty().set(0.8);
        assertEquals(List.of("plm-nano", "plm-nano-cosine"), vm.runNames());
        assertEquals("train_loss", vm.metricProperty().get());
        Path gui = dir.resolve("gui");
        vm.exportAll(gui, List.of(ExportFormat.CSV));
        assertTrue(messages.isEmpty(), messages.toString());

        Path cli = dir.resolve("cli");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("replay", "--log", models().resolve("plm-nano").toString(),
                "--log", models().resolve("plm-nano-cosine").toString(), "--spec", SchedulesViewModel.PLM_NANO_SPEC,
                "--metric", "train_loss", "--smoothing", "trailing", "--weight", "0.8", "--formats", "csv",
                "--out", cli.toString());
        assertEquals(0, r.code(), r.err());

        List<String> names = List.of("schedule-lr.csv", "schedule-train-loss.csv");
        assertEquals(names, list(gui));
        assertEquals(names, list(cli));
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(cli.resolve(n)), Files.readAllBytes(gui.resolve(n)), n);
        }
        List<String> loss = Files.readAllLines(gui.resolve("schedule-train-loss.csv"));
        assertEquals(901, loss.size(), "every logged step");
        assertEquals("Step,plm-nano train_loss,plm-nano train_loss (trailing mean 5),plm-nano-cosine train_loss,"
                + "plm-nano-cosine train_loss (trailing mean 5),data phase 2 (x marker),data phase 3 (x marker),"
                + "data phase 4 (x marker)", loss.get(0), "every series drawn, the data-phase markers included");

        // the exported charts are the ChartSpecs on screen
        List<ChartSpec> screen = List.of(vm.lrChartProperty().get(), vm.metricChartProperty().get());
        List<ChartSpec> exported = vm.reportProperty().get().bundle(vm.selection()).charts().stream()
                .map(Bundle.ChartEntry::chart).toList();
        assertEquals(screen.size(), exported.size());
        for (int i = 0; i < screen.size(); i++) {
            assertSameChart(screen.get(i), exported.get(i));
            assertArrayEquals(ChartCsv.toCsv(screen.get(i)).getBytes(StandardCharsets.UTF_8),
                    Files.readAllBytes(gui.resolve(screen.get(i).id() + ".csv")));
        }
    }

    @Test
    void theFitsResidualChartIsTheSameInExportAllAndScheduleFitOut() throws Exception {
        SchedulesViewModel vm = new SchedulesViewModel(new SyncTaskExecutor(), models(), new DialogService() {
            @Override
            public void show(UserMessage message) {
                throw new AssertionError(message.toString());
            }

            @Override
            public boolean confirm(String headline, String question) {
                return false;
            }
        });
        vm.fitRunProperty().set("plm-nano");
        vm.fit();
        Path gui = dir.resolve("gui");
        vm.exportAll(gui, List.of(ExportFormat.CSV));
        Path cli = dir.resolve("cli");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("schedule", "fit", "--log",
                models().resolve("plm-nano").toString(), "--formats", "csv", "--out", cli.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("schedule-fit-residuals.csv"), list(cli));
        assertEquals(List.of("schedule-fit-residuals.csv", "schedule-lr.csv", "schedule-train-loss.csv"), list(gui));
        byte[] residuals = Files.readAllBytes(cli.resolve("schedule-fit-residuals.csv"));
        assertArrayEquals(residuals, Files.readAllBytes(gui.resolve("schedule-fit-residuals.csv")));
        assertArrayEquals(ChartCsv.toCsv(vm.residualChartProperty().get()).getBytes(StandardCharsets.UTF_8),
                residuals);
        assertEquals(901, Files.readAllLines(cli.resolve("schedule-fit-residuals.csv")).size(), "every point");
    }

    private static List<String> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void assertSameChart(ChartSpec a, ChartSpec b) {
        assertEquals(a.id(), b.id());
        assertEquals(a.kind(), b.kind());
        assertEquals(a.title(), b.title());
        assertEquals(a.subtitle(), b.subtitle());
        assertEquals(a.xAxis(), b.xAxis());
        assertEquals(a.yAxis(), b.yAxis());
        assertEquals(a.legendVisible(), b.legendVisible());
        assertEquals(a.series().size(), b.series().size());
        for (int i = 0; i < a.series().size(); i++) {
            Series x = a.series().get(i);
            Series y = b.series().get(i);
            assertEquals(x.name(), y.name());
            assertArrayEquals(x.x(), y.x(), 0, x.name());
            assertArrayEquals(x.y(), y.y(), 0, x.name());
            assertEquals(x.colorHex(), y.colorHex());
            assertEquals(x.lineStyle(), y.lineStyle());
        }
        assertEquals(a.markers().stream().map(Marker::label).toList(),
                b.markers().stream().map(Marker::label).toList());
    }
}
