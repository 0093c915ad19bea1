package io.plmwb.views.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KV Cache ViewModel through {@link io.plmwb.experiments.kv.KvStudy}, headless and synchronous. */
class KvCacheViewModelTest {

    @TempDir
    Path dir;

    private final List<DialogService.UserMessage> messages = new ArrayList<>();
    private final List<String> questions = new ArrayList<>();
    private boolean answer;
    private final DialogService dialogs = new DialogService() {
        @Override
        public void show(UserMessage message) {
            messages.add(message);
        }

        @Override
        public boolean confirm(String headline, String question) {
            questions.add(question);
            return answer;
        }
    };
    private final CurrentModel current = new CurrentModel();
    private final List<List<String>> persisted = new ArrayList<>();
    private String oldCache;
    private KvCacheViewModel vm;

    @BeforeEach
    void setUp() {
        oldCache = System.getProperty("plmwb.cache.dir");
        System.setProperty("plmwb.cache.dir", dir.resolve("graphs").toString());
        vm = new KvCacheViewModel(new SyncTaskExecutor(), current, 1, null, persisted::add, dialogs);
    }

    @AfterEach
    void restore() {
        if (oldCache == null) {
            System.clearProperty("plmwb.cache.dir");
        } else {
            System.setProperty("plmwb.cache.dir", oldCache);
        }
    }

    @Test
    void presetFiguresFollowTheInputs() {
        assertEquals("No model shown", vm.headlineProperty().get());
        assertTrue(vm.layoutRows().isEmpty());
        vm.sourceProperty().set("plm-1.8b");
        // (512 + 64) values × 2 B × 32 layers; at 4096 tokens 144 MiB
        assertEquals("36,864 B", vm.layoutRows().get(0).bytesPerToken());
        assertEquals("144.0 MiB", vm.layoutRows().get(0).atContext());
        vm.cacheTypeProperty().set("fp32");
        assertEquals("73,728 B", vm.layoutRows().get(0).bytesPerToken());
        vm.contextProperty().set(1024);
        assertEquals("72.0 MiB", vm.layoutRows().get(0).atContext());
        assertEquals(1024, vm.reportProperty().get().context());
        List<?> charts = vm.reportProperty().get().charts(NoSelection.ALL);
        assertSame(charts.get(0), vm.cacheChartProperty().get());
        assertSame(charts.get(1), vm.budgetChartProperty().get());

        assertEquals(4, vm.deviceRows().size());
        assertEquals("", vm.addBudget("Edge box=3.5GiB"));
        assertEquals(5, vm.deviceRows().size());
        assertEquals("3.50 GiB", vm.deviceRows().get(4).budget());
        assertEquals("weights do not fit", vm.deviceRows().get(4).latent());
        assertEquals("Edge box=3.5GiB", persisted.get(persisted.size() - 1).get(4));
        assertEquals(5, vm.reportProperty().get().devices().size());
        vm.removeBudget(4);
        assertEquals(4, vm.deviceRows().size());
        assertFalse(vm.canMeasureProperty().get(), "a preset has no weights");
    }

    @Test
    void measuresTheShownCheckpointAndKeepsItWithItsFolder() throws Exception {
        Path hf = Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "gguf", "hf");
        ModelConfig cfg = ModelFiles.config(hf);
        current.show("hf", hf, cfg);
        assertTrue(vm.canMeasureProperty().get());
        assertEquals("hf", vm.headlineProperty().get());
        vm.contextProperty().set(33);
        vm.measure();
        assertTrue(messages.isEmpty(), messages.toString());
        assertFalse(vm.measuringProperty().get());
        // latent and expanded, 2 layers each; latent per layer: 80 floats × 4 B × 33 = 10,560 B
        assertEquals(4, vm.measuredRows().size());
        assertEquals("latent", vm.measuredRows().get(0).mode());
        assertEquals("10,560 B", vm.measuredRows().get(0).measured());
        assertEquals("42,240 B", vm.measuredRows().get(2).measured());
        assertTrue(vm.measuredRows().stream().allMatch(KvCacheViewModel.MeasuredRow::matches));
        assertFalse(vm.mismatchProperty().get());
        assertTrue(vm.measureStatusProperty().get().startsWith("hf at 33 tokens — latent:"),
                vm.measureStatusProperty().get());
        assertEquals(2, vm.reportProperty().get().measured().size());

        vm.sourceProperty().set("plm-1.8b");
        assertTrue(vm.measuredRows().isEmpty(), "the fixture's cache is not the preset's");
        assertTrue(vm.reportProperty().get().measured().isEmpty());
        vm.sourceProperty().set(KvCacheViewModel.CURRENT);
        assertEquals(4, vm.measuredRows().size());
        current.show("plm-1.8b", null, io.plmwb.engine.model.Presets.byName("plm-1.8b").orElseThrow());
        assertTrue(vm.measuredRows().isEmpty(), "another model is shown");
        assertFalse(vm.canMeasureProperty().get());
        vm.measure();
        assertTrue(vm.measureStatusProperty().get().startsWith("Measuring needs a checkpoint folder"));
    }

    @Test
    void exportAllWritesTheBundleAndAsksBeforeReplacing() throws Exception {
        vm.exportAll(dir.resolve("none"));
        assertEquals(1, messages.size(), "nothing to export without a model");
        messages.clear();
        vm.sourceProperty().set("plm-1.8b");
        Path out = dir.resolve("out");
        vm.exportAll(out);
        assertTrue(messages.isEmpty(), messages.toString());
        assertTrue(questions.isEmpty());
        List<String> names;
        try (var s = Files.list(out)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(8, names.size(), names.toString());
        assertTrue(names.contains("kv-cache-vs-context-plm-1-8b.csv"), names.toString());
        assertTrue(vm.exportStatusProperty().get().startsWith("Exported 8 files"));
        Path csv = out.resolve("kv-memory-vs-budgets-plm-1-8b.csv");
        byte[] before = Files.readAllBytes(csv);
        vm.contextProperty().set(1024); // same charts, but the user declines replacing
        answer = false;
        Files.writeString(csv, "mine");
        vm.exportAll(out);
        assertEquals(1, questions.size());
        assertEquals("mine", Files.readString(csv));
        answer = true;
        vm.exportAll(out);
        assertEquals(2, questions.size());
        assertTrue(messages.isEmpty(), messages.toString());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(csv)));
    }
}
