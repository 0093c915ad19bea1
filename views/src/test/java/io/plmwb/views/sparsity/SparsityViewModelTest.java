package io.plmwb.views.sparsity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.probe.SparsityCapture;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.sparsity.HotColdBudget;
import io.plmwb.experiments.sparsity.SparsityReport;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Sparsity workspace's ViewModel through its study on plm-nano, headless (inline tasks, recorded dialogs). */
class SparsityViewModelTest {

    @TempDir
    Path dir;

    private final List<DialogService.UserMessage> messages = new CopyOnWriteArrayList<>();
    private final List<DialogService.UserMessage> staticSink = new CopyOnWriteArrayList<>();
    private final io.plmwb.views.common.CurrentModel current = new io.plmwb.views.common.CurrentModel();
    private SparsityViewModel vm;

    static Path model(String name) {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", name).toAbsolutePath();
    }

    @BeforeEach
    void setUp() {
        Dialogs.setSink(staticSink::add);
        DialogService recording = new DialogService() {
            @Override
            public void show(UserMessage message) {
                messages.add(message);
            }

            @Override
            public boolean confirm(String headline, String question) {
                return true;
            }
        };
        vm = new SparsityViewModel(new SyncTaskExecutor(), current, 1, recording);
    }

    @AfterEach
    void tearDown() {
        vm.close();
        Dialogs.setSink(null);
    }

    /** Charts are equal when they have the same id, titles, kind and data (their CSV). */
    static void assertSameCharts(List<ChartSpec> want, List<ChartSpec> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).id(), got.get(i).id());
            assertEquals(want.get(i).title(), got.get(i).title());
            assertEquals(want.get(i).subtitle(), got.get(i).subtitle());
            assertEquals(want.get(i).kind(), got.get(i).kind());
            assertEquals(ChartCsv.toCsv(want.get(i)), ChartCsv.toCsv(got.get(i)), want.get(i).id());
        }
    }

    @Test
    void errorsGoToTheInjectedDialogService() throws Exception {
        vm.run();
        assertEquals("No model to run", messages.get(0).headline());
        current.show("plm-nano", model("plm-nano"), null);
        vm.promptProperty().set("  ");
        vm.run();
        assertEquals("Nothing to run", messages.get(1).headline());
        vm.exportAll(dir);
        assertEquals("Nothing to export", messages.get(2).headline());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"ok\"}\n{\"nope\": 1}\n");
        vm.runBatch(bad);
        DialogService.UserMessage m = messages.get(3);
        assertEquals(DialogService.Level.ERROR, m.level());
        assertTrue(m.reason().contains("bad.jsonl") && m.reason().contains("line 2"), m.reason());
        assertTrue(vm.statusProperty().get().startsWith("Failed: "), vm.statusProperty().get());
        assertFalse(vm.runningProperty().get());
        assertEquals(List.of(), staticSink, "nothing goes through the static Dialogs");
    }

    @Test
    void everythingOnScreenFollowsTheReportAndTheSelection() throws Exception {
        current.show("plm-nano", model("plm-nano"), null);
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "The dog sleeps in the sun.\nAfter lunch the team met in the small room to "
                + "review the budget.\n");
        vm.runBatch(prompts);
        assertEquals(List.of(), messages);
        SparsityReport report = vm.reportProperty().get();
        assertEquals(2, vm.captureLabels().size());
        assertEquals("Captured 2 prompt(s), " + report.a().totalTokens() + " tokens of plm-nano",
                vm.statusProperty().get());
        assertSameCharts(report.charts(vm.selection()), vm.chartsProperty().get());
        assertSame(vm.chartsProperty().get().get(0).heat().orElseThrow(), vm.heatAProperty().get());

        // the shown prompt: heat map, header and token strip of capture 1
        vm.captureIndexProperty().set(1);
        SparsityCapture second = report.a().captures().get(1);
        assertTrue(vm.titleAProperty().get().contains(second.label()), vm.titleAProperty().get());
        assertEquals(second.tokens(), vm.heatAProperty().get().columns());
        assertEquals(second.zeroFraction(2, 3, 0), vm.heatAProperty().get().value(2, 3));
        assertEquals(second.tokens(), vm.tokenStrip(SparsityViewModel.Which.A).size());
        assertSameCharts(report.charts(vm.selection()), vm.chartsProperty().get());

        // the detail line of a clicked cell follows ε
        vm.select(SparsityViewModel.Which.A, 1, 2);
        assertEquals(1, vm.layerProperty().get());
        String at0 = vm.selectionTextProperty().get();
        assertTrue(at0.contains(String.format(Locale.ROOT, "zero fraction %.3f at", second.zeroFraction(1, 2, 0))),
                at0);
        int eps = ProbeGrid.snap(1e-1);
        vm.epsIndexProperty().set(eps);
        String raised = vm.selectionTextProperty().get();
        assertTrue(raised.contains(String.format(Locale.ROOT, "zero fraction %.3f at", second.zeroFraction(1, 2,
                eps))), raised);
        assertNotEquals(at0, raised);
        assertTrue(vm.histogramChartProperty().get().title().startsWith("Neuron firing frequency, layer 1"));

        // the budget rows follow P (worked out here from the firing counts)
        vm.percentProperty().set(50);
        for (int l = 0; l < report.a().model().layers(); l++) {
            int hot = HotColdBudget.neuronsToCover(report.a().firingCounts(l, eps), 50);
            assertTrue(vm.budgetRows().get(l).hot().startsWith(hot + " / " + report.a().model().neurons() + " "),
                    vm.budgetRows().get(l).hot());
        }
        assertTrue(vm.budgetTextProperty().get().startsWith("Hot set for 50% of firings"));
        assertSameCharts(report.charts(vm.selection()), vm.chartsProperty().get());

        // compare with a second prompt: B and A − B on screen; clearing leaves A
        vm.comparePromptProperty().set("The cat sat on the mat.");
        vm.compareWithPrompt();
        assertTrue(vm.comparingProperty().get());
        SparsityReport compared = vm.reportProperty().get();
        assertSame(report.a(), compared.a(), "A is kept, not run again");
        assertEquals(5, vm.chartsProperty().get().size());
        assertTrue(vm.titleBProperty().get().startsWith("B: plm-nano — The cat sat on the mat."));
        assertTrue(vm.summaryTextProperty().get().contains(" · B mean "));
        assertSameCharts(compared.charts(vm.selection()), vm.chartsProperty().get());
        vm.clearCompare();
        assertFalse(vm.comparingProperty().get());
        assertEquals(3, vm.chartsProperty().get().size());
        assertEquals("", vm.titleBProperty().get());

        // a new run shows its first prompt, and the header follows
        vm.promptProperty().set("Rain fell on the quiet town.");
        vm.run();
        assertEquals(0, vm.captureIndexProperty().get());
        assertEquals(1, vm.captureLabels().size());
        assertTrue(vm.titleAProperty().get().startsWith("A: plm-nano — Rain fell on the quiet town."));
        assertSameCharts(vm.reportProperty().get().charts(vm.selection()), vm.chartsProperty().get());
        assertEquals(List.of(), messages);
    }
}
