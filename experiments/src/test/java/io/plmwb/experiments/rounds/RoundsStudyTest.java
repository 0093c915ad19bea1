package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.study.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RoundsStudy} on the AlpacaEval fixture: the report's numbers against values computed here straight from the
 * fixture's JSON (and the leaderboard values the other tests quote), its charts, bundle and JSON.
 */
class RoundsStudyTest {

    private static RoundsReport report;

    static Path fixture(String model) {
        return AlpacaEvalFixtureTest.fixture(model);
    }

    @BeforeAll
    static void run() throws Exception {
        report = new RoundsStudy().run(new RoundsStudy.Settings(List.of(
                new RoundImporters.Source("SFT", fixture("oasst-sft-llama-33b"), null),
                new RoundImporters.Source("RLHF", fixture("oasst-rlhf-llama-33b"), null)), null,
                RoundStatistics.DEFAULT_BOOTSTRAP, RoundStatistics.DEFAULT_SEED), TaskContext.none());
    }

    /** 100·mean(preference − 1) and the mean answer length in code points, read here from the fixture. */
    private static double[] winRateAndLength(String model) throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode ann = m.readTree(fixture(model).resolve("annotations.json").toFile());
        double sum = 0;
        for (JsonNode a : ann) {
            sum += a.get("preference").asDouble() - 1;
        }
        JsonNode outs = m.readTree(fixture(model).resolve("model_outputs.json").toFile());
        double chars = 0;
        for (JsonNode o : outs) {
            String t = o.get("output").asText();
            chars += t.codePointCount(0, t.length());
        }
        return new double[] {100 * sum / ann.size(), chars / outs.size()};
    }

    @Test
    void statisticsMatchTheFixtureComputedIndependently() throws Exception {
        assertEquals(List.of(), report.issues());
        assertEquals(2, report.rounds().size());
        double[] sft = winRateAndLength("oasst-sft-llama-33b");
        double[] rlhf = winRateAndLength("oasst-rlhf-llama-33b");
        assertEquals(sft[0], report.stats().get(0).winRate(), 1e-9);
        assertEquals(rlhf[0], report.stats().get(1).winRate(), 1e-9);
        assertEquals(4.770390991565217, report.stats().get(0).winRate(), 1e-6, "leaderboard: 4.77");
        assertEquals(6.296434785813666, report.stats().get(1).winRate(), 1e-6, "leaderboard: 6.30");
        assertEquals(sft[1], report.stats().get(0).avgLength(), 1e-9);
        assertEquals(rlhf[1], report.stats().get(1).avgLength(), 1e-9);
        assertEquals(1, report.paired().size());
        PairedComparison p = report.paired().get(0);
        assertEquals("SFT", p.roundA());
        assertEquals(805, p.shared());
        assertEquals(490, p.bBetter());
        assertEquals(rlhf[0] - sft[0], p.meanDelta(), 1e-9, "on identical prompt sets the paired Δ is the difference");
        assertEquals(rlhf[1] - sft[1], p.meanLengthDelta(), 1e-9);
        assertNull(report.tokenizer());
        assertEquals(1, report.roundNamed("RLHF"));
        assertEquals(-1, report.roundNamed("nope"));
    }

    @Test
    void chartsFollowTheSelection() throws Exception {
        RoundsReport.Selection plain = new RoundsReport.Selection(false, -1, null);
        List<ChartSpec> charts = report.charts(plain);
        assertEquals(List.of("rounds-win-rate", "rounds-avg-length"), charts.stream().map(ChartSpec::id).toList());
        Series raw = charts.get(0).series().get(0);
        assertEquals("Raw win rate ± SE", raw.name());
        assertArrayEquals(new double[] {0, 1}, raw.x());
        assertArrayEquals(new double[] {winRateAndLength("oasst-sft-llama-33b")[0],
            winRateAndLength("oasst-rlhf-llama-33b")[0]}, raw.y(), 1e-9);
        assertEquals(3, charts.get(0).series().size(), "raw, length-adjusted and discrete");
        assertTrue(charts.get(0).markers().isEmpty());
        List<ChartSpec> overlaid = report.charts(RoundsReport.Selection.DEFAULT);
        assertEquals(3 + 2 * PublishedReference.SPPO.size(), overlaid.get(0).series().size(),
                "SPPO raw and LC per published model");
        assertEquals(2, overlaid.get(0).markers().size(), "ARIES raw and LC");
        assertEquals(List.of("0: SFT", "1: RLHF"), charts.get(1).series().get(0).categories());
    }

    @Test
    void theBundleHasChartsTableAndStatistics() throws Exception {
        Bundle all = report.bundle(RoundsReport.Selection.DEFAULT);
        assertEquals(List.of("rounds-win-rate", "rounds-avg-length"),
                all.charts().stream().map(Bundle.ChartEntry::name).toList());
        assertEquals(List.of("rounds-table.csv", "rounds-table.md", "rounds-stats.csv", "rounds-paired.csv"),
                all.files().stream().map(Bundle.FileEntry::name).toList());
        String table = all.files().get(0).text();
        assertEquals(806, table.split("\r\n", -1).length - 1, "header + 805 records");
        assertEquals(ComparisonTable.byRound(report.comparison(), report.comparison().prompts()).toCsv(), table);
        String[] stats = all.files().get(2).text().split("\r\n");
        assertEquals(3, stats.length);
        assertTrue(stats[0].startsWith("round,index,source,prompts,n_total,win_rate,"), stats[0]);
        String[] sft = stats[1].split(",");
        assertEquals("SFT", sft[0]);
        assertEquals(4.770390991565217, Double.parseDouble(sft[5]), 1e-6);
        assertEquals("36", sft[7]);
        assertEquals("764", sft[8]);
        assertEquals("5", sft[9]);
        String[] paired = all.files().get(3).text().split("\r\n");
        assertEquals(2, paired.length);
        assertTrue(paired[1].startsWith("SFT,RLHF,805,805,"), paired[1]);
        assertTrue(paired[1].contains(",490,310,5,"), paired[1]);

        // a filtered, reordered selection: the table has those rows only
        RoundsReport.Selection two = new RoundsReport.Selection(true, -1, List.of(262, 0));
        String[] rows = report.bundle(two).files().get(0).text().split("\r\n");
        assertEquals(3, rows.length);
        assertTrue(rows[1].contains(report.comparison().prompts().get(262).instruction().split("\n")[0]), rows[1]);
        assertThrows(IllegalArgumentException.class,
                () -> report.bundle(new RoundsReport.Selection(true, 5, null)));
        assertThrows(IllegalArgumentException.class,
                () -> report.bundle(new RoundsReport.Selection(true, -1, List.of(805))));
    }

    @Test
    void jsonIsTheRoundsReport() throws Exception {
        JsonNode j = report.toJson();
        assertEquals("SFT", j.at("/rounds/0/name").asText());
        assertEquals(4.770390991565217, j.at("/rounds/0/win_rate").asDouble(), 1e-6);
        assertEquals(6.296434785813666, j.at("/rounds/1/win_rate").asDouble(), 1e-6);
        assertEquals(1079, j.at("/rounds/1/avg_length").asInt());
        assertEquals(805, j.get("prompts").asInt());
        assertEquals(805, j.get("shared_prompts").asInt());
        assertEquals(490, j.at("/paired/0/b_better").asInt());
        assertEquals(0, j.get("issues").size());
        assertFalse(j.has("files"), "written files are the command's to add");
        assertTrue(report.text().contains("SFT → RLHF on 805 shared prompts"), report.text());
    }

    @Test
    void theDemoTableBySteps() throws Exception {
        Path demo = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "rounds", "plm-nano-demo.jsonl");
        RoundsReport r = new RoundsStudy().run(RoundsStudy.Settings.of(List.of(demo)), TaskContext.none());
        String csv = r.bundle(new RoundsReport.Selection(true, 1, null)).files().get(0).text();
        String header = csv.split("\r\n")[0];
        assertTrue(header.contains("sampled T=0.8 k=3 tokens"), header);
        assertEquals(9, csv.split("\r\n").length, "header + 8 prompts");
    }

    @Test
    void generationRefusesAnExistingFileBeforeLoadingTheModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.jsonl");
        Files.writeString(out, "x");
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "hello\n");
        RoundsGenerationStudy.Settings s = new RoundsGenerationStudy.Settings(dir.resolve("no-model"), prompts,
                RefinementGenerator.Settings.defaults("r", 0, 1), out, false, false, null);
        RoundFormatException e = assertThrows(RoundFormatException.class,
                () -> new RoundsGenerationStudy().run(s, TaskContext.none()));
        assertTrue(e.getMessage().startsWith(out + ": exists"), e.getMessage());
        String partly = "{\"type\":\"prompt\",\"instruction\":\"a\",\"steps\":[\"x\"]}\n{oops\n";
        Files.writeString(out, partly);
        RoundsGenerationStudy.Settings append = new RoundsGenerationStudy.Settings(dir.resolve("no-model"), prompts,
                RefinementGenerator.Settings.defaults("r", 0, 1), out, false, true, null);
        RoundFormatException a = assertThrows(RoundFormatException.class,
                () -> new RoundsGenerationStudy().run(append, TaskContext.none()));
        assertTrue(a.getMessage().contains("cannot append"), a.getMessage());
        assertEquals(partly, Files.readString(out), "not rewritten");
    }
}
