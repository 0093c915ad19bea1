package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Marker;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeFormatAndSelectionTest {

    @TempDir
    Path dir;

    static Round sample() {
        RoundPrompt p = new RoundPrompt("p1", "Who begat Enos?", "bible", List.of(
                new RefinementStep(0, "Seth.", 2, Map.of("mean_logprob", -2.5, "reward", 0.1), List.of()),
                new RefinementStep(1, "Seth begat Enos, \"quoted\"\nand more.", 9, Map.of("mean_logprob", -1.5),
                        List.of(new JudgeVerdict("human", "base", 1.75, "baseline answer", "longer is better")))),
                new PreferencePair(1, 0, "mean_logprob"));
        RoundPrompt q = new RoundPrompt("p2", "What is light?", "", List.of(RefinementStep.of(0, "ünïcödé ✓")), null);
        return new Round("iter1", 1, "", "plm-nano", "plm-nano", List.of(p, q), Map.of("seed", "0"));
    }

    @Test
    void writesAndReadsBackEveryField() throws Exception {
        Path f = dir.resolve("r.jsonl");
        Round r = sample();
        NativeRoundsFormat.write(f, List.of(r, r.withName("iter2").withIndex(2)), false);
        ImportResult back = RoundImporters.read(f, null);
        assertEquals(List.of(), back.issues());
        assertEquals(2, back.rounds().size());
        Round b = back.rounds().get(0);
        assertEquals(r.prompts(), b.prompts());
        assertEquals("iter1", b.name());
        assertEquals(1, b.index());
        assertEquals("plm-nano", b.tokenizer());
        assertEquals(Map.of("seed", "0"), b.meta());
        assertEquals(2, back.rounds().get(1).index());
        assertEquals(RoundFileKind.NATIVE_JSONL, RoundImporters.sniff(f).orElseThrow());
        // never overwrites silently
        assertThrows(FileAlreadyExistsException.class, () -> NativeRoundsFormat.write(f, List.of(r), false));
        assertEquals(6, Files.readAllLines(f).size()); // 2 × (1 header + 2 prompt lines)
    }

    @Test
    void selectionRules() {
        List<RefinementStep> chain = List.of(
                new RefinementStep(0, "And God said let there be light", null, Map.of("mean_logprob", -3.0,
                        "reward", 0.9), List.of()),
                new RefinementStep(1, "And God saw the light", null, Map.of("mean_logprob", -1.0, "reward", 0.2),
                        List.of()),
                new RefinementStep(2, "light", null, Map.of("mean_logprob", -2.0, "reward", 0.5), List.of()));
        assertEquals(new PreferencePair(1, 0, "mean_logprob"), SelectionRule.meanLogProb().select("q", chain));
        assertEquals(new PreferencePair(0, 1, "score:reward"), SelectionRule.parse("score:reward").select("q", chain));
        // step 2 has one word: it no longer answers; the last step that does is 1, the first that does not is 2
        assertEquals(new PreferencePair(1, 2, "last_answering"), SelectionRule.parse("last_answering").select("q",
                chain));
        assertNull(SelectionRule.scoreColumn("missing").select("q", chain));
        List<RefinementStep> repeat = List.of(RefinementStep.of(0, "the same words here"),
                RefinementStep.of(1, "The  same words here"));
        assertEquals(new PreferencePair(0, 1, "last_answering"), SelectionRule.lastAnswering(3).select("q", repeat));
        assertThrows(IllegalArgumentException.class, () -> SelectionRule.parse("best"));
        Round applied = SelectionRule.apply(sample(), SelectionRule.parse("mean_logprob"));
        assertEquals(new PreferencePair(1, 0, "mean_logprob"), applied.prompts().get(0).pair());
        assertNull(applied.prompts().get(1).pair());
    }

    @Test
    void meanLogProbFromLogitsByHand() {
        // position 0 predicts token 1: logits [0, ln 3] → p = 0.75; position 1 predicts token 0: [ln 3, 0] → 0.75
        float ln3 = (float) Math.log(3);
        float[][] logits = {{0, ln3}, {ln3, 0}, {0, 0}};
        double lp = RefinementGenerator.meanLogProb(logits, new int[] {0, 1, 0}, 1);
        assertEquals(Math.log(0.75), lp, 1e-6);
        assertEquals(Math.log(0.75), RefinementGenerator.meanLogProb(logits, new int[] {0, 1, 0}, 2), 1e-6);
        assertTrue(Double.isNaN(RefinementGenerator.meanLogProb(logits, new int[] {0}, 1)));
    }

    @Test
    void comparisonTableAsCsvAndMarkdown() {
        Round a = sample();
        RoundComparison c = RoundComparison.of(List.of(a.withIndex(0).withName("A"), a));
        ComparisonTable t = ComparisonTable.bySteps(c, 1, c.prompts());
        String csv = t.toCsv();
        String[] lines = csv.split("\r\n");
        assertEquals("prompt,dataset,instruction,iter1 k=0 chars,iter1 k=0 tokens,iter1 k=0 reward,"
                + "iter1 k=0 preference,iter1 k=1 chars,iter1 k=1 tokens,iter1 k=1 reward,iter1 k=1 preference,"
                + "Δchars last−first,Δpreference last−first", lines[0]);
        assertTrue(lines[1].startsWith("1,bible,Who begat Enos?,5,2,0.1,,35,9,,1.75,30,"), lines[1]);
        assertTrue(t.toMarkdown().contains("| 2 |  | What is light? | 9 |"), t.toMarkdown());
        String byRound = ComparisonTable.byRound(c, c.prompts()).toCsv();
        assertTrue(byRound.split("\r\n")[0].startsWith("prompt,dataset,instruction,A chars"));
    }

    @Test
    void winRateChartCarriesPublishedOverlaysOnlyWhenAsked() {
        RoundStats s0 = RoundStatistics.of(RoundStatisticsTest.round("SFT", 0, 1, 2, 1.5));
        RoundStats s1 = RoundStatistics.of(RoundStatisticsTest.round("R1", 1, 2, 2, 1.5));
        ChartSpec plain = RoundsCharts.winRates(List.of(s1, s0), false);
        assertEquals(List.of("Raw win rate ± SE", "Discrete win rate"),
                plain.series().stream().map(x -> x.name()).toList());
        assertEquals(50, plain.series().get(0).y(0), 1e-12);
        assertEquals(100 * 2.5 / 3, plain.series().get(0).y(1), 1e-12);
        ChartSpec over = RoundsCharts.winRates(List.of(s0, s1), true);
        assertEquals(6, over.series().size());
        assertEquals(31.02, over.series().stream().filter(x -> x.name().equals("SPPO Mistral-7B raw*"))
                .findFirst().orElseThrow().y(3), 1e-12);
        assertEquals(List.of(63.3, 62.3), over.markers().stream().map(Marker::value).toList());
        assertEquals(100.0, over.yAxis().max(), "the ARIES lines and the 83.3% round are inside the range");
        ChartSpec lengths = RoundsCharts.lengths(List.of(s0, s1));
        assertEquals(List.of("0: SFT", "1: R1"), lengths.categories());
    }
}
