package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.kv.DeviceBudget;
import io.plmwb.experiments.kv.KvReport;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.kvcache.KvCacheViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KV Cache: for the same settings the GUI's Export all and {@code workbench kv --out} write byte-identical CSVs, the
 * exported charts are the ChartSpecs the screen shows, and {@code --json} is the screen's report.
 */
class KvExportParityTest {

    @TempDir
    Path dir;

    @Test
    void exportAllAndOutWriteTheSameCsvOfTheChartsOnScreen() throws Exception {
        List<DialogService.UserMessage> messages = new ArrayList<>();
        DialogService dialogs = new DialogService() {
            @Override
            public void show(UserMessage message) {
                messages.add(message);
            }

            @Override
            public boolean confirm(String headline, String question) {
                throw new AssertionError("nothing to replace: " + question);
            }
        };
        KvCacheViewModel vm = new KvCacheViewModel(new SyncTaskExecutor(), new CurrentModel(), 1, null, l -> { },
                dialogs);
        vm.sourceProperty().set("plm-1.8b");
        vm.cacheTypeProperty().set("fp8");
        vm.weightTypeProperty().set("q8_0");
        vm.contextProperty().set(8192);
        assertEquals("", vm.addBudget("Edge box=3.5GiB"));
        Path gui = dir.resolve("gui");
        vm.exportAll(gui);
        assertTrue(messages.isEmpty(), messages.toString());

        List<String> args = new ArrayList<>(List.of("kv", "--preset", "plm-1.8b", "--cache-dtype", "fp8",
                "--weights-dtype", "q8_0", "--context", "8192", "--out", dir.resolve("cli").toString(),
                "--format", "csv", "--json"));
        for (DeviceBudget d : vm.budgets()) {
            args.add("--device");
            args.add(d.format());
        }
        WorkbenchCliTest.Run r = WorkbenchCliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());

        KvReport shown = vm.reportProperty().get();
        List<ChartSpec> onScreen = List.of(vm.cacheChartProperty().get(), vm.budgetChartProperty().get());
        Bundle bundle = shown.bundle(NoSelection.ALL);
        assertEquals(2, bundle.charts().size());
        ChartExportService service = new ChartExportService();
        for (int i = 0; i < 2; i++) {
            assertSame(onScreen.get(i), bundle.charts().get(i).chart());
            String file = bundle.charts().get(i).name() + ".csv";
            byte[] fromGui = Files.readAllBytes(gui.resolve(file));
            byte[] fromCli = Files.readAllBytes(dir.resolve("cli").resolve(file));
            assertArrayEquals(fromGui, fromCli, file);
            Path screen = dir.resolve("screen-" + i + ".csv");
            service.export(onScreen.get(i), ExportFormat.CSV, screen, KvReport.EXPORT_OPTIONS);
            assertArrayEquals(Files.readAllBytes(screen), fromCli, "the CSV is the series on screen: " + file);
        }
        assertTrue(new String(Files.readAllBytes(gui.resolve(bundle.charts().get(1).name() + ".csv")))
                .contains("MLA latent"));

        ObjectNode cli = (ObjectNode) StudyJson.mapper().readTree(r.out());
        assertEquals(2, cli.remove("files").size());
        assertEquals(StudyJson.pretty(shown.toJson()), StudyJson.pretty(cli));
    }
}
