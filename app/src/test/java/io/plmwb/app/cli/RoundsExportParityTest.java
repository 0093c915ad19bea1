package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.rounds.RoundsReport;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.rounds.RoundsViewModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Rounds workspace's Export all and {@code workbench rounds --out} for the same rounds and selection write the
 * same files, the CSVs byte for byte, and the exported charts are the ChartSpecs the workspace shows.
 */
class RoundsExportParityTest {

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
            messages.add(new UserMessage(Level.WARNING, headline, question, null));
            return true;
        }
    };

    private static String fixture(String model) {
        return Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "alpaca_eval", model)
                .toString();
    }

    private RoundsViewModel open(List<Path> paths) {
        RoundsViewModel vm = new RoundsViewModel(new SyncTaskExecutor(), new CurrentModel(), dialogs);
        vm.openAll(paths);
        assertEquals(List.of(), messages);
        return vm;
    }

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertSameFiles(Path cli, Path gui, int dataFiles) throws Exception {
        List<String> files = names(cli);
        assertEquals(files, names(gui));
        int csv = 0;
        for (String f : files) {
            if (f.endsWith(".csv") || f.endsWith(".md")) {
                assertArrayEquals(Files.readAllBytes(cli.resolve(f)), Files.readAllBytes(gui.resolve(f)), f);
                csv++;
            }
        }
        assertEquals(dataFiles, csv, "chart CSVs, the table as CSV and Markdown, the statistics and paired CSVs: "
                + files);
    }

    /** The exported charts are the on-screen ones: same description, same files written from them. */
    private static void assertOnScreen(RoundsViewModel vm, Path exported) throws Exception {
        ChartSpec length = vm.lengthChartProperty().get();
        assertNotNull(length);
        RoundsReport report = vm.reportProperty().get();
        List<ChartSpec> bundled = report.bundle(vm.selection()).charts().stream().map(c -> c.chart()).toList();
        List<ChartSpec> screen = Stream.of(vm.winRateChartProperty().get(), length).filter(c -> c != null).toList();
        assertEquals(screen.size(), bundled.size());
        ChartExportService service = new ChartExportService();
        for (int i = 0; i < screen.size(); i++) {
            ChartSpec s = screen.get(i);
            ChartSpec b = bundled.get(i);
            assertEquals(s.toString(), b.toString());
            assertEquals(s.title(), b.title());
            assertEquals(s.subtitle(), b.subtitle());
            assertEquals(s.markers().size(), b.markers().size());
            assertEquals(s.series().size(), b.series().size());
            for (int k = 0; k < s.series().size(); k++) {
                assertEquals(s.series().get(k).name(), b.series().get(k).name());
                assertArrayEquals(s.series().get(k).y(), b.series().get(k).y());
            }
            for (ExportFormat f : List.of(ExportFormat.CSV, ExportFormat.SVG)) {
                ByteArrayOutputStream drawn = new ByteArrayOutputStream();
                service.write(s, f, RoundsReport.exportOptions(false), drawn);
                String file = s.id() + "." + f.extension();
                assertArrayEquals(drawn.toByteArray(), Files.readAllBytes(exported.resolve(file)), file);
            }
        }
    }

    @Test
    void exportAllAndOutWriteTheSameFiles() throws Exception {
        String sft = fixture("oasst-sft-llama-33b");
        String rlhf = fixture("oasst-rlhf-llama-33b");
        Path cli = dir.resolve("cli");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("rounds", "--round", sft, "--round", rlhf, "--out",
                cli.toString());
        assertEquals(0, r.code(), r.err());

        RoundsViewModel vm = open(List.of(Path.of(sft), Path.of(rlhf)));
        assertEquals("4.77 ± 0.64", vm.statsRows().get(0).winRate());
        assertEquals("6.30 ± 0.74", vm.statsRows().get(1).winRate());
        Path gui = dir.resolve("gui");
        vm.exportAll(gui);
        assertEquals(List.of(), messages);
        assertSameFiles(cli, gui, 6);
        assertOnScreen(vm, gui);
        assertNotNull(vm.winRateChartProperty().get());
        assertTrue(Files.readString(gui.resolve("rounds-win-rate.csv")).contains("4.77039"));
    }

    @Test
    void theSelectionStepsAndNoOverlaysIsTheSameInBoth() throws Exception {
        Path demo = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "rounds", "plm-nano-demo.jsonl");
        Path cli = dir.resolve("cli");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("rounds", "export", "--round", demo.toString(), "--out",
                cli.toString(), "--steps-of", "sampled T=0.8", "--no-overlays");
        assertEquals(0, r.code(), r.err());

        RoundsViewModel vm = open(List.of(demo));
        vm.columnModeProperty().set(RoundsViewModel.ColumnMode.STEPS);
        vm.stepsRoundProperty().set(1);
        vm.overlaysProperty().set(false);
        Path gui = dir.resolve("gui");
        vm.exportAll(gui);
        assertEquals(List.of(), messages);
        assertNull(vm.winRateChartProperty().get(), "no judge verdicts and no overlays: no win-rate chart");
        assertSameFiles(cli, gui, 5);
        assertOnScreen(vm, gui);
        assertTrue(Files.readString(gui.resolve("rounds-table.csv")).contains("sampled T=0.8 k=3 tokens"));

        // a second Export all into the same folder asks before replacing
        vm.exportAll(gui);
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).headline().startsWith("Replace files in"), messages.get(0).headline());
    }
}
