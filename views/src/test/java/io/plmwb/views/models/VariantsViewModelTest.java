package io.plmwb.views.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.variants.VariantsReport;
import io.plmwb.experiments.variants.VariantsStudy;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Variants card's ViewModel through {@link VariantsStudy}, headless and synchronous, on the fixture GGUF. */
class VariantsViewModelTest {

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
            return true;
        }
    };

    @Test
    void comparesTheShownModelAndShowsTheReport() throws Exception {
        Path gguf = Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "gguf", "gguf",
                "plm-tiny-Q8_0.gguf");
        Path text = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "heldout", "kjv-jonah.txt");
        CurrentModel current = new CurrentModel();
        List<VariantsStudy.Settings> ran = new ArrayList<>();
        VariantsStudy real = new VariantsStudy();
        VariantsViewModel vm = new VariantsViewModel(new SyncTaskExecutor(), current, dialogs, (s, ctx) -> {
            ran.add(s);
            return real.run(s, ctx);
        });
        assertFalse(vm.canCompareBinding().get(), "no model shown");
        assertNull(vm.settings());
        current.show("plm-tiny-Q8_0", gguf, ModelFiles.config(gguf));
        vm.setOptions(VariantComparison.Options.defaults().withTokens(16, 8, 4).withThreads(1)
                .withWorkDir(dir.resolve("work")).withCache(new GraphCache(dir.resolve("graphs"))));
        vm.setText(text);
        vm.fourBitProperty().set(false);
        assertTrue(vm.canCompareBinding().get());
        vm.compare();
        assertTrue(messages.isEmpty(), messages.toString());
        assertEquals(1, ran.size());
        assertEquals(List.of(8), ran.get(0).options().bits());
        assertEquals(gguf, ran.get(0).model());
        assertEquals(text, ran.get(0).text());

        VariantsReport r = vm.reportProperty().get();
        VariantComparison.Variant q8 = r.result().variants().get(1);
        assertEquals(List.of("fp32", "8-bit"), vm.rows().stream().map(VariantsViewModel.Row::variant).toList());
        assertEquals("100.0%", vm.rows().get(0).top1());
        assertEquals("0.00000", vm.rows().get(0).meanKl());
        assertEquals(String.format(Locale.ROOT, "%.5f", q8.meanKl()), vm.rows().get(1).meanKl());
        assertEquals(String.format(Locale.ROOT, "%.2f", q8.graphBytes() / 1e6), vm.rows().get(1).graphMb());
        assertEquals(String.format(Locale.ROOT, "%.2f", Files.size(gguf) / 1e6), vm.rows().get(1).fileMb());
        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        assertSame(charts.get(0), vm.speedChartProperty().get());
        assertSame(charts.get(1), vm.relativeChartProperty().get());
        assertSame(r.result(), vm.resultProperty().get());
        assertTrue(vm.statusProperty().get().contains("16 held-out tokens"), vm.statusProperty().get());
        assertFalse(vm.runningProperty().get());

        Path out = dir.resolve("out");
        vm.exportAll(out);
        assertTrue(messages.isEmpty(), messages.toString());
        try (var s = Files.list(out)) {
            assertEquals(8, s.count());
        }

        vm.setText(dir.resolve("none.txt"));
        vm.compare();
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).reason().contains("held-out text does not exist"), messages.get(0).reason());
        assertTrue(vm.statusProperty().get().startsWith("Comparison failed:"), vm.statusProperty().get());
        assertSame(r, vm.reportProperty().get(), "a failed run leaves the last report");
        vm.eightBitProperty().set(false);
        assertFalse(vm.canCompareBinding().get());
    }
}
