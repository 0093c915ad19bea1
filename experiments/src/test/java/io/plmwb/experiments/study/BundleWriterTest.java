package io.plmwb.experiments.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartExportException;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleWriterTest {

    private static final ChartSpec CHART = ParameterBreakdownChart.byComponent("plm-1.8b",
            ArchitectureSummary.of(Presets.byName("plm-1.8b").orElseThrow()));

    @TempDir
    Path dir;

    private static Bundle bundle() {
        return Bundle.builder().chart(CHART).text("report.json", "{\"a\": 1}\n").build();
    }

    @Test
    void writesEveryChartInEveryFormatAndTheDataFiles() throws Exception {
        List<Path> written = new BundleWriter().write(bundle(), dir, List.of(ExportFormat.CSV, ExportFormat.SVG),
                ExportOptions.defaults(), TaskContext.none());
        String base = Bundle.safeName(CHART.id());
        assertEquals(List.of(dir.resolve(base + ".csv"), dir.resolve(base + ".svg"), dir.resolve("report.json")),
                written);
        assertEquals(ChartCsv.toCsv(CHART), Files.readString(written.get(0), StandardCharsets.UTF_8));
        assertTrue(Files.readString(written.get(1)).contains("<svg"));
        assertArrayEquals("{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(written.get(2)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(3, s.count(), "no temporary files left");
        }
    }

    @Test
    void anExistingTargetRefusesTheWholeBundleBeforeAnyFileIsWritten() throws Exception {
        Path last = Files.writeString(dir.resolve("report.json"), "mine");
        ChartExportException e = assertThrows(ChartExportException.class, () -> new BundleWriter().write(bundle(),
                dir, List.of(ExportFormat.CSV), ExportOptions.defaults(), TaskContext.none()));
        assertTrue(e.isTargetExists());
        assertTrue(e.getMessage().contains("report.json"), e.getMessage());
        assertEquals("mine", Files.readString(last), "the user's file is untouched");
        assertFalse(Files.exists(dir.resolve(Bundle.safeName(CHART.id()) + ".csv")), "nothing else was written");

        List<Path> again = new BundleWriter().write(bundle(), dir, List.of(ExportFormat.CSV),
                ExportOptions.defaults().withOverwrite(true), TaskContext.none());
        assertEquals(2, again.size());
        assertEquals("{\"a\": 1}\n", Files.readString(last));
    }

    @Test
    void namesAreUniqueAndPlain() {
        Bundle.Builder b = Bundle.builder().text("a.csv", "x");
        assertThrows(IllegalArgumentException.class, () -> b.text("A.csv", "y"));
        assertThrows(IllegalArgumentException.class, () -> Bundle.builder().text("../a.csv", "y"));
        assertThrows(IllegalArgumentException.class, () -> Bundle.builder().chart("a.png", CHART));
        assertEquals(List.of("c.png", "c.pdf", "a.csv"), Bundle.builder().chart("c", CHART).text("a.csv", "x")
                .build().fileNames(List.of(ExportFormat.PNG, ExportFormat.PDF, ExportFormat.PNG)));
    }
}
