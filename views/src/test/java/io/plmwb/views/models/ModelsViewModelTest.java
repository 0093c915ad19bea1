package io.plmwb.views.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.TokenListener;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.models.ModelInfoReport;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Models workspace's ViewModels through their studies, headless (tasks run inline). */
class ModelsViewModelTest {

    private static final Path HF = Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf", "hf");

    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final CurrentModel current = new CurrentModel();
    private ModelsViewModel vm;
    private String oldCache;

    @BeforeEach
    void setUp() {
        oldCache = System.getProperty("plmwb.cache.dir");
        System.setProperty("plmwb.cache.dir", dir.resolve("graphs").toString());
        vm = new ModelsViewModel(new SyncTaskExecutor(), Runnable::run, 1, current, dialogs);
    }

    @AfterEach
    void tearDown() {
        vm.unload();
        if (oldCache == null) {
            System.clearProperty("plmwb.cache.dir");
        } else {
            System.setProperty("plmwb.cache.dir", oldCache);
        }
    }

    private static String value(List<ModelsViewModel.Row> rows, String key) {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow().value();
    }

    @Test
    void aPresetFillsTheCardsAndChartsFromOneReport() {
        vm.showPreset("plm-1.8b");
        assertEquals(List.of(), dialogs.messages);
        ModelInfoReport r = vm.reportProperty().get();
        assertNotNull(r);
        assertEquals("plm-1.8b", vm.headlineProperty().get());
        assertEquals("plm-1.8b", vm.shownPresetProperty().get());
        assertEquals("1,825,458,176 (1.83 B)", value(vm.paramRows(), "Total"));
        // 3,650,916,352 bf16 bytes = 3.40 GiB; fp32 twice that
        assertEquals("3.40 GiB / 6.80 GiB", value(vm.paramRows(), "Weights bf16 / fp32"));
        assertEquals("at 4,096", vm.kvContextProperty().get());
        ModelsViewModel.KvRow latent = vm.kvRows().get(0);
        assertEquals(new ModelsViewModel.KvRow("MLA latent", "576", "36,864", "144.0 MiB"), latent);
        assertEquals(r.kv().size(), vm.kvRows().size());
        List<io.plmwb.experiments.chart.ChartSpec> charts = r.charts(NoSelection.ALL);
        assertSame(charts.get(0), vm.componentChartProperty().get());
        assertSame(charts.get(1), vm.perLayerChartProperty().get());
        assertEquals("plm-1.8b", current.name());
        assertNull(current.folder());
        assertSame(r.config(), current.config());

        vm.showPreset("gpt-5");
        assertEquals(1, dialogs.messages.size());
        assertEquals(DialogService.Level.ERROR, dialogs.messages.get(0).level());
        assertTrue(dialogs.messages.get(0).reason().contains("gpt-5"), dialogs.messages.get(0).reason());
        assertSame(r, vm.reportProperty().get(), "a bad preset leaves the shown one");
    }

    @Test
    void exportAllWritesTheChartsOnScreenAndAsksBeforeReplacing() throws Exception {
        vm.showPreset("llama-3.2-1b");
        Path out = dir.resolve("export");
        vm.exportAll(out);
        assertEquals(List.of(), dialogs.messages);
        String component = vm.componentChartProperty().get().id();
        String perBlock = vm.perLayerChartProperty().get().id();
        for (String id : List.of(component, perBlock)) {
            for (String ext : List.of("png", "svg", "pdf", "csv")) {
                assertTrue(Files.size(out.resolve(id + "." + ext)) > 0, id + "." + ext);
            }
        }
        assertEquals(ChartCsv.toCsv(vm.componentChartProperty().get()),
                Files.readString(out.resolve(component + ".csv")));
        assertTrue(Files.readString(out.resolve(component + ".csv")).contains("Embedding,"));
        assertEquals("Exported 8 files to " + out, vm.exportStatusProperty().get());

        Files.writeString(out.resolve(component + ".csv"), "mine");
        dialogs.answer = false;
        vm.exportAll(out);
        assertEquals(1, dialogs.messages.size());
        assertTrue(dialogs.messages.get(0).reason().startsWith("8 of the files"), dialogs.messages.get(0).reason());
        assertEquals("mine", Files.readString(out.resolve(component + ".csv")), "declined: nothing replaced");
        dialogs.answer = true;
        vm.exportAll(out);
        assertEquals(ChartCsv.toCsv(vm.componentChartProperty().get()),
                Files.readString(out.resolve(component + ".csv")));
    }

    @Test
    void openingACheckpointLoadsItSharesItAndGenerates() throws Exception {
        vm.openCheckpoint(HF);
        assertEquals(List.of(), dialogs.messages);
        assertEquals("hf", vm.headlineProperty().get());
        assertEquals("894,336 (894.3 K)", value(vm.paramRows(), "Total"));
        assertNull(vm.shownPresetProperty().get());
        assertTrue(vm.loadStatusProperty().get().startsWith("Loaded: latent cache"), vm.loadStatusProperty().get());
        assertNotNull(current.loaded(), "the loaded model is shared with the other workspaces");
        assertEquals(HF, current.folder());
        GenerateViewModel g = vm.generate();
        assertSame(current.loaded(), g.modelProperty().get());

        g.promptProperty().set("Hello world");
        g.maxTokensProperty().set(5);
        g.generate();
        assertEquals(List.of(), dialogs.messages);
        GenerationResult direct = current.loaded().generator().generate("Hello world",
                GenerationOptions.greedy(5), TokenListener.none(), TaskContext.none());
        var report = g.reportProperty().get();
        assertNotNull(report);
        assertEquals(direct.text(), g.outputProperty().get(), "greedy: the engine's own text");
        assertEquals(java.util.Arrays.toString(direct.ids()), java.util.Arrays.toString(report.result().ids()));
        assertTrue(g.statsProperty().get().contains(report.tokens().size() + " tokens at"), g.statsProperty().get());
        assertTrue(g.statsProperty().get().startsWith(direct.promptTokens() + " prompt tokens"));

        vm.showPreset("plm-1.8b");
        assertNull(current.loaded(), "showing a preset unloads the checkpoint");
        assertNull(g.modelProperty().get());
    }
}
