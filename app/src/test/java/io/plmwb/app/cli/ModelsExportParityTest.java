package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.models.ModelsViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Models workspace's Export all, {@code workbench chart params / params-per-layer --out} and
 * {@code workbench info --out} write byte-identical CSV files for the same model, and the exported charts are the ones
 * the screen shows.
 */
class ModelsExportParityTest {

    @TempDir
    Path dir;

    @Test
    void guiExportAllAndCliChartOutAgree() throws Exception {
        List<DialogService.UserMessage> messages = new CopyOnWriteArrayList<>();
        DialogService dialogs = new DialogService() {
            @Override
            public void show(UserMessage message) {
                messages.add(message);
            }

            @Override
            public boolean confirm(String headline, String question) {
                messages.add(new UserMessage(Level.WARNING, headline, question, null));
                return false;
            }
        };
        ModelsViewModel vm = new ModelsViewModel(new SyncTaskExecutor(), Runnable::run, 1, new CurrentModel(),
                dialogs);
        for (String preset : List.of("plm-1.8b", "qwen2.5-1.5b")) {
            vm.showPreset(preset);
            Path gui = dir.resolve("gui-" + preset);
            Path cli = dir.resolve("cli-" + preset);
            vm.exportAll(gui);
            assertEquals(List.of(), messages);
            for (String chart : List.of("params", "params-per-layer")) {
                WorkbenchCliTest.Run r = WorkbenchCliTest.run("chart", chart, "--preset", preset, "--out",
                        cli.toString(), "--formats", "csv");
                assertEquals(0, r.code(), r.err());
            }
            List<ChartSpec> onScreen = List.of(vm.componentChartProperty().get(), vm.perLayerChartProperty().get());
            Bundle exported = vm.reportProperty().get().bundle(NoSelection.ALL);
            assertEquals(2, exported.charts().size());
            for (int i = 0; i < 2; i++) {
                ChartSpec shown = onScreen.get(i);
                assertSame(shown, exported.charts().get(i).chart(), "Export all writes the chart on screen");
                String file = shown.id() + ".csv";
                byte[] fromGui = Files.readAllBytes(gui.resolve(file));
                assertArrayEquals(Files.readAllBytes(cli.resolve(file)), fromGui, preset + ": " + file);
                assertEquals(ChartCsv.toCsv(shown), new String(fromGui, StandardCharsets.UTF_8));
            }
            assertEquals(List.of("param-breakdown-" + preset + ".csv", "param-per-layer-" + preset + ".csv"),
                    names(cli));

            // info --out writes the whole bundle, as Export all does
            Path infoOut = dir.resolve("info-" + preset);
            WorkbenchCliTest.Run info = WorkbenchCliTest.run("info", "--preset", preset, "--out", infoOut.toString(),
                    "--dpi", "96", "--json");
            assertEquals(0, info.code(), info.err());
            assertEquals(8, new com.fasterxml.jackson.databind.ObjectMapper().readTree(info.out()).get("files").size());
            assertEquals(names(gui), names(infoOut));
            for (ChartSpec shown : onScreen) {
                assertArrayEquals(Files.readAllBytes(gui.resolve(shown.id() + ".csv")),
                        Files.readAllBytes(infoOut.resolve(shown.id() + ".csv")));
            }
        }
    }

    private static List<String> names(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
