package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.ProbeGrid;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.sparsity.SparsityCharts;
import io.plmwb.experiments.sparsity.SparsityReport;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.sparsity.SparsityViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Sparsity workspace's Export all and {@code workbench sparsity --out} for the same settings and selection (a
 * two-prompt batch on plm-nano compared with a second prompt, ε = 1e-2, P = 80 %, prompt 2, layer 2): the same
 * files, byte-identical CSVs and result files, and exactly the charts the ViewModel puts on screen.
 */
class SparsityExportParityTest extends FixtureCommandTest {

    @Test
    void exportAllAndOutWriteTheSameFilesForTheSameSelection() throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "The dog sleeps in the sun.\nAfter lunch the team met in the small room to "
                + "review the budget.\n");
        String compare = "The cat sat on the mat.";
        Path cli = dir.resolve("cli");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("sparsity", "--model", SparsityCommandTest.model("plm-nano"),
                "--prompts", prompts.toString(), "--compare-prompt", compare, "--epsilon", "1e-2", "--percent", "80",
                "--prompt-index", "1", "--layer", "2", "--threads", "1", "--out", cli.toString());
        assertEquals(0, r.code(), r.err());

        List<DialogService.UserMessage> messages = new CopyOnWriteArrayList<>();
        CurrentModel current = new CurrentModel();
        SparsityViewModel vm = new SparsityViewModel(new SyncTaskExecutor(), current, 1, new DialogService() {
            @Override
            public void show(UserMessage message) {
                messages.add(message);
            }

            @Override
            public boolean confirm(String headline, String question) {
                return true;
            }
        });
        Path gui = dir.resolve("gui");
        try {
            current.show("plm-nano", Path.of(SparsityCommandTest.model("plm-nano")).toAbsolutePath(), null);
            vm.runBatch(prompts);
            vm.comparePromptProperty().set(compare);
            vm.compareWithPrompt();
            vm.epsIndexProperty().set(ProbeGrid.snap(1e-2));
            vm.percentProperty().set(80);
            vm.captureIndexProperty().set(1);
            vm.layerProperty().set(2);
            vm.exportAll(gui);
        } finally {
            vm.close();
        }
        assertEquals(List.of(), messages);

        Set<String> names = names(cli);
        assertEquals(names, names(gui));
        for (String want : List.of("sparsity-heatmap-b.csv", "sparsity-difference.csv", "sparsity-matrix-b.csv",
                "sparsity-neurons-b.csv", SparsityReport.RESULT_FILE_B, "sparsity-heatmap.pdf")) {
            assertTrue(names.contains(want), want + " in " + names);
        }
        for (String name : names) {
            if (name.endsWith(".csv") || name.endsWith(".json")) {
                assertEquals(-1, Files.mismatch(cli.resolve(name), gui.resolve(name)), name + " differs");
            }
        }

        // the exported charts are the ChartSpecs on screen, and only those
        List<ChartSpec> onScreen = vm.chartsProperty().get();
        assertEquals(List.of("sparsity-heatmap", "sparsity-heatmap-b", "sparsity-difference", "sparsity-per-layer",
                "sparsity-neuron-histogram"), onScreen.stream().map(ChartSpec::id).toList());
        for (ChartSpec chart : onScreen) {
            assertEquals(ChartCsv.toCsv(chart), Files.readString(gui.resolve(chart.id() + ".csv")), chart.id());
        }
        Set<String> chartFiles = names.stream().filter(n -> n.endsWith(".png")).map(n -> n.replace(".png", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(onScreen.stream().map(ChartSpec::id).collect(Collectors.toCollection(TreeSet::new)), chartFiles);

        // the heat map is the selected prompt (the second), no longer capture 0; the histogram the selected layer
        SparsityReport report = vm.reportProperty().get();
        int eps = ProbeGrid.snap(1e-2);
        String heat = Files.readString(cli.resolve("sparsity-heatmap.csv"));
        assertEquals(ChartCsv.toCsv(SparsityCharts.heatmap(report.a().captures().get(1), eps)), heat);
        assertNotEquals(ChartCsv.toCsv(SparsityCharts.heatmap(report.a().captures().get(0), eps)), heat);
        assertTrue(onScreen.get(4).title().startsWith("Neuron firing frequency, layer 2 "), onScreen.get(4).title());
    }

    private static Set<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
