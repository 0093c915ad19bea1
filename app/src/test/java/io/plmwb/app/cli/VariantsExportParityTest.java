package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.bench.VariantComparison;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import io.plmwb.experiments.study.Study;
import io.plmwb.experiments.study.StudyJson;
import io.plmwb.experiments.variants.VariantsReport;
import io.plmwb.experiments.variants.VariantsStudy;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.models.VariantsViewModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Variants: the GUI (Models ▸ Variants) and {@code workbench variants} build the same settings, and for that report
 * Export all and {@code --out} write byte-identical CSVs of exactly the charts on screen. Timings differ run to run,
 * so the study runs once and both surfaces get its report (after checking they asked for the same thing).
 */
class VariantsExportParityTest extends FixtureCommandTest {

    /** Runs the real study on the first call; later calls must carry the same settings and get the same report. */
    private static final class RunOnce implements Study<VariantsStudy.Settings, VariantsReport> {
        final List<VariantsStudy.Settings> seen = new ArrayList<>();
        VariantsReport report;

        @Override
        public VariantsReport run(VariantsStudy.Settings s, io.plmwb.engine.task.TaskContext ctx) throws Exception {
            seen.add(s);
            if (report == null) {
                report = new VariantsStudy().run(s, ctx);
            }
            return report;
        }
    }

    @Test
    void exportAllAndOutWriteTheSameCsvOfTheChartsOnScreen() throws Exception {
        Path gguf = fixture().resolve("gguf/plm-tiny-Q4_0.gguf").toAbsolutePath().normalize();
        Path text = Path.of("..", "datasets", "heldout", "kjv-jonah.txt").toAbsolutePath().normalize();
        RunOnce study = new RunOnce();
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
        CurrentModel current = new CurrentModel();
        current.show(gguf.getFileName().toString(), gguf, ModelFiles.config(gguf));
        VariantsViewModel vm = new VariantsViewModel(new SyncTaskExecutor(), current, dialogs, study);
        vm.setOptions(VariantComparison.Options.defaults().withTokens(32, 8, 4).withThreads(1));
        vm.setText(text);
        vm.compare();
        assertTrue(messages.isEmpty(), messages.toString());
        Path gui = dir.resolve("gui");
        vm.exportAll(gui);
        assertTrue(messages.isEmpty(), messages.toString());

        CommandLine cl = WorkbenchCli.commandLine();
        VariantsCommand cmd = cl.getSubcommands().get("variants").getCommand();
        cmd.study = study;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("variants", "--model", gguf.toString(), "--text", text.toString(), "--tokens", "32",
                "--prefill", "8", "--decode", "4", "--threads", "1", "--out", dir.resolve("cli").toString(),
                "--json");
        assertEquals(0, code, err.toString());

        assertEquals(2, study.seen.size());
        assertSameSettings(study.seen.get(0), study.seen.get(1));
        VariantsReport shown = vm.reportProperty().get();
        assertSame(study.report, shown);
        List<ChartSpec> onScreen = List.of(vm.speedChartProperty().get(), vm.relativeChartProperty().get());
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
            service.export(onScreen.get(i), ExportFormat.CSV, screen, ExportOptions.defaults());
            assertArrayEquals(Files.readAllBytes(screen), fromCli, "the CSV is the series on screen: " + file);
        }
        ObjectNode cli = (ObjectNode) StudyJson.mapper().readTree(out.toString());
        assertEquals(8, cli.remove("chart_files").size());
        assertEquals(StudyJson.pretty(shown.toJson()), StudyJson.pretty(cli));
    }

    private static void assertSameSettings(VariantsStudy.Settings a, VariantsStudy.Settings b) {
        assertEquals(a.model(), b.model());
        assertEquals(a.text().toAbsolutePath().normalize(), b.text().toAbsolutePath().normalize());
        VariantComparison.Options x = a.options();
        VariantComparison.Options y = b.options();
        assertEquals(List.of(x.bits(), x.evalTokens(), x.prefillTokens(), x.decodeTokens(), x.threads(), x.workDir(),
                x.cache().root()), List.of(y.bits(), y.evalTokens(), y.prefillTokens(), y.decodeTokens(), y.threads(),
                y.workDir(), y.cache().root()));
    }
}
