package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.experiments.open.PathInspector;
import io.plmwb.experiments.open.PathKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AlpacaEval fixture against the leaderboard rows quoted in ../shared/reference/refinement-rounds.md, and
 * against values computed independently with Python from the same files (LC approximation, paired comparison).
 */
class AlpacaEvalFixtureTest {

    static Path fixture(String model) {
        return Path.of(System.getProperty("plmwb.shared", "../../shared"), "fixtures", "alpaca_eval", model);
    }

    private static ImportResult loaded;
    private static RoundStats sft;
    private static RoundStats rlhf;

    @BeforeAll
    static void load() throws Exception {
        loaded = RoundImporters.load(List.of(
                new RoundImporters.Source("SFT", fixture("oasst-sft-llama-33b"), null),
                new RoundImporters.Source("RLHF", fixture("oasst-rlhf-llama-33b"), null)));
        sft = RoundStatistics.of(loaded.rounds().get(0));
        rlhf = RoundStatistics.of(loaded.rounds().get(1));
    }

    @Test
    void readsBothFoldersWithoutProblems() {
        assertEquals(List.of(), loaded.issues());
        assertEquals(2, loaded.rounds().size());
        Round r = loaded.rounds().get(0);
        assertEquals("SFT", r.name());
        assertEquals(0, r.index());
        assertEquals(1, loaded.rounds().get(1).index());
        assertEquals("oasst-sft-llama-33b", r.generator());
        assertEquals(805, r.prompts().size());
        assertEquals("helpful_base", r.prompts().get(0).dataset());
        assertEquals("gpt4_1106_preview", r.prompts().get(0).verdict().baseline());
    }

    @Test
    void sftRowMatchesTheLeaderboard() {
        // oasst-sft-llama-33b: 4.770390991565217, 0.6385940188591437, 36, 764, 5, 805, 748
        assertEquals(4.770390991565217, sft.winRate(), 1e-6);
        assertEquals(0.6385940188591437, sft.standardError(), 1e-6);
        assertEquals(36, sft.nWins());
        assertEquals(764, sft.nWinsBase());
        assertEquals(5, sft.nDraws());
        assertEquals(805, sft.nTotal());
        assertEquals(748, sft.avgLengthInt());
        assertEquals(100.0 * (36 + 2.5) / 805, sft.discreteWinRate(), 1e-9);
    }

    @Test
    void rlhfRowMatchesTheLeaderboard() {
        // oasst-rlhf-llama-33b: 6.296434785813666, 0.7417944201185225, 44, 759, 2, 805, 1079
        assertEquals(6.296434785813666, rlhf.winRate(), 1e-6);
        assertEquals(0.7417944201185225, rlhf.standardError(), 1e-6);
        assertEquals(44, rlhf.nWins());
        assertEquals(759, rlhf.nWinsBase());
        assertEquals(2, rlhf.nDraws());
        assertEquals(805, rlhf.nTotal());
        assertEquals(1079, rlhf.avgLengthInt());
    }

    @Test
    void sftToRlhfRaisesRawWinRateAndLengthWhileTheLengthAdjustedRateFalls() {
        assertTrue(rlhf.winRate() > sft.winRate());
        assertTrue(rlhf.avgLength() > sft.avgLength());
        assertNotNull(sft.lengthControlled());
        // independent Python fit of the same model (bias + tanh(Δchars/sd), soft labels, Newton)
        assertEquals(18.377928054668622, sft.lengthControlled().winRate(), 1e-6);
        assertEquals(9.947121530888367, rlhf.lengthControlled().winRate(), 1e-6);
        assertTrue(rlhf.lengthControlled().winRate() < sft.lengthControlled().winRate());
    }

    @Test
    void bootstrapIntervalIsSeededAndBracketsTheWinRate() {
        assertTrue(sft.ciLow() < sft.winRate() && sft.winRate() < sft.ciHigh(), sft.ciLow() + " " + sft.ciHigh());
        // a 95% interval is about ±1.96 SE wide for n = 805
        assertEquals(2 * 1.96 * sft.standardError(), sft.ciHigh() - sft.ciLow(), 0.6);
        RoundStats again = RoundStatistics.of(loaded.rounds().get(0));
        assertEquals(sft.ciLow(), again.ciLow());
        assertEquals(sft.ciHigh(), again.ciHigh());
    }

    @Test
    void pairedComparisonOnSharedPrompts() {
        RoundComparison c = RoundComparison.of(loaded.rounds());
        assertEquals(805, c.prompts().size());
        assertEquals(805, c.shared().size());
        assertTrue(c.unmatched().isEmpty());
        PairedComparison p = RoundStatistics.paired(c, 0, 1);
        // independent Python over the same instructions: 100·mean(p_rlhf − p_sft), its SE and the counts
        assertEquals(805, p.judged());
        assertEquals(1.5260437942484477, p.meanDelta(), 1e-6);
        assertEquals(0.7111756753939975, p.standardError(), 1e-6);
        assertEquals(490, p.bBetter());
        assertEquals(310, p.aBetter());
        assertEquals(5, p.equal());
        assertEquals(1079.5254658385093 - 748.7341614906833, p.meanLengthDelta(), 1e-9);
    }

    @Test
    void thePathInspectorRecognisesTheFixtureAsRoundData() throws Exception {
        assertEquals(PathKind.ROUND_DATA, PathInspector.inspect(fixture("oasst-sft-llama-33b")).kind());
        assertEquals(PathKind.ROUND_DATA,
                PathInspector.inspect(fixture("oasst-sft-llama-33b").resolve("model_outputs.json")).kind());
        assertEquals(PathKind.ROUND_DATA,
                PathInspector.inspect(fixture("oasst-sft-llama-33b").resolve("annotations.json")).kind());
    }

    @Test
    void annotationsAloneMakeARoundWithTheSameStatistics() throws Exception {
        ImportResult r = RoundImporters.read(fixture("oasst-rlhf-llama-33b").resolve("annotations.json"), null);
        RoundStats s = RoundStatistics.of(r.rounds().get(0));
        assertEquals(6.296434785813666, s.winRate(), 1e-6);
        assertEquals(1079, s.avgLengthInt());
        assertEquals("oasst-rlhf-llama-33b", r.rounds().get(0).name());
    }
}
