package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.latency.LatencyReport;
import io.plmwb.experiments.latency.LatencyStudy;
import io.plmwb.experiments.study.Study;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.latency.LatencyViewModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Latency workspace's Export all and {@code workbench latency --out} write byte-identical CSVs for the same
 * settings, and the exported charts are the ones on screen. Timings differ run to run, so one real run per settings
 * feeds both surfaces: the study below runs {@link LatencyStudy} once per distinct settings and counts them, which
 * also checks that the GUI and the CLI ask for the very same settings.
 */
class LatencyExportParityTest extends FixtureCommandTest {

    private final Map<LatencyStudy.Settings, LatencyReport> runs = new LinkedHashMap<>();

    private final Study<LatencyStudy.Settings, LatencyReport> once = (s, ctx) -> {
        LatencyReport r = runs.get(s);
        if (r == null) {
            r = new LatencyStudy().run(s, ctx);
            runs.put(s, r);
        }
        return r;
    };

    private int cli(String... args) {
        CommandLine cl = WorkbenchCli.commandLine();
        LatencyCommand cmd = cl.getSubcommands().get("latency").getCommand();
        cmd.studies = options -> once;
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertEquals(0, code, err.toString());
        return code;
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void guiExportAllAndCliOutWriteTheSameCsvs() throws Exception {
        Path model = fixture().resolve("hf").toAbsolutePath();
        List<DialogService.UserMessage> messages = new ArrayList<>();
        DialogService dialogs = new DialogService() {
            @Override
            public void show(UserMessage message) {
                messages.add(message);
            }

            @Override
            public boolean confirm(String headline, String question) {
                return true;
            }
        };
        CurrentModel current = new CurrentModel();
        current.show("hf", model, ConfigLoader.load(model));
        LatencyViewModel vm = new LatencyViewModel(new SyncTaskExecutor(), current, 1, dialogs, once);
        vm.promptTokensProperty().set(6);
        vm.decodeTokensProperty().set(1);
        vm.contextProperty().set(0);
        vm.repeatsProperty().set(2);
        vm.threadsProperty().set(1);
        vm.contextsProperty().set("8");
        vm.run();
        vm.runContextSweep();
        Path gui = dir.resolve("gui");
        vm.exportAll(gui);
        assertEquals(List.of(), messages);
        assertEquals(2, runs.size());

        Path out = dir.resolve("cli");
        String[] common = {"latency", "--model", model.toString(), "--prompt-tokens", "6", "--decode-tokens", "1",
            "--repeats", "2", "--threads", "1", "--out", out.toString()};
        cli(common);
        cli(Stream.concat(Stream.of(common), Stream.of("--skip-profile", "--contexts", "8")).toArray(String[]::new));
        assertEquals(2, runs.size(), "the CLI asked for the GUI's settings: " + runs.keySet());

        List<ChartSpec> shown = vm.shownCharts();
        List<String> ids = shown.stream().map(ChartSpec::id).toList();
        assertEquals(List.of("latency-prefill", "latency-decode", "latency-totals", "latency-vs-context"), ids);
        List<String> files = names(gui);
        assertEquals(files, names(out));
        assertEquals(ids.stream().flatMap(id -> Stream.of(id + ".csv", id + ".pdf", id + ".png", id + ".svg"))
                .sorted().toList(), files);
        List<ChartSpec> reportCharts = vm.reportProperty().get().charts(vm.selection());
        for (int i = 0; i < shown.size(); i++) {
            ChartSpec c = shown.get(i);
            assertSame(reportCharts.get(i), c);
            Path g = gui.resolve(c.id() + ".csv");
            assertEquals(-1L, Files.mismatch(g, out.resolve(c.id() + ".csv")), c.id());
            assertEquals(ChartCsv.toCsv(c), Files.readString(g, StandardCharsets.UTF_8), c.id());
        }
    }
}
