package io.plmwb.experiments.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RoundStatisticsTest {

    static Round round(String name, int index, double... prefs) {
        List<RoundPrompt> ps = new ArrayList<>();
        for (int i = 0; i < prefs.length; i++) {
            List<JudgeVerdict> v = Double.isNaN(prefs[i]) ? List.of()
                    : List.of(new JudgeVerdict("j", "base", prefs[i], "b".repeat(10), null));
            ps.add(new RoundPrompt("p" + i, "q" + i, "", List.of(new RefinementStep(0, "a".repeat(i + 1), null,
                    Map.of(), v)), null));
        }
        return new Round(name, index, "", "", "", ps, Map.of());
    }

    @Test
    void winRateStandardErrorAndCountsByHand() {
        // p − 1 = 1, 0, 0.5, 0.75: mean 0.5625; squared deviations sum 0.546875, /3, /4, sqrt = 0.2134781...
        RoundStats s = RoundStatistics.of(round("r", 0, 2, 1, 1.5, 1.75));
        assertEquals(56.25, s.winRate(), 1e-12);
        assertEquals(100 * Math.sqrt(0.546875 / 3 / 4), s.standardError(), 1e-12);
        assertEquals(2, s.nWins());
        assertEquals(1, s.nWinsBase());
        assertEquals(1, s.nDraws());
        assertEquals(62.5, s.discreteWinRate(), 1e-12);
        assertEquals(2.5, s.avgLength(), 1e-12); // answers of 1, 2, 3, 4 characters
        assertTrue(Double.isNaN(s.avgTokens()));
        assertNull(s.lengthControlled(), "fewer than 10 judged prompts: no fit");
    }

    @ParameterizedTest(name = "preference {0} → {1}")
    @CsvSource({"0, 1.5", "1, 1", "2, 2", "1.5, 1.5", "2.5, NaN", "-1, NaN", "NaN, NaN"})
    void preferencesAreNormalisedLikeAlpacaEval(double raw, double expected) {
        assertEquals(expected, AlpacaEvalImporter.normalisePreference(raw));
    }

    @Test
    void unjudgedPromptsCountForLengthButNotForTheWinRate() {
        RoundStats s = RoundStatistics.of(round("r", 0, 2, Double.NaN, 1));
        assertEquals(2, s.nTotal());
        assertEquals(3, s.prompts());
        assertEquals(50, s.winRate(), 1e-12);
        assertEquals(2, s.avgLength(), 1e-12);
    }

    @Test
    void bootstrapDependsOnlyOnTheSeed() {
        Round r = round("r", 0, 2, 1, 1.5, 1.75, 1.2, 1.9, 1.1, 1.0, 2.0, 1.6);
        RoundStats a = RoundStatistics.of(r, 500, 1);
        RoundStats b = RoundStatistics.of(r, 500, 1);
        RoundStats c = RoundStatistics.of(r, 500, 2);
        assertEquals(a.ciLow(), b.ciLow());
        assertEquals(a.ciHigh(), b.ciHigh());
        assertNotEquals(a.ciLow(), c.ciLow());
        assertTrue(a.ciLow() <= a.winRate() && a.winRate() <= a.ciHigh());
        assertTrue(a.ciLow() >= 0 && a.ciHigh() <= 100);
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.075, RoundStatistics.quantile(sorted, 0.025), 1e-12); // pos 0.075
        assertEquals(3.925, RoundStatistics.quantile(sorted, 0.975), 1e-12);
    }

    @Test
    void pairedComparisonUsesOnlySharedPrompts() {
        Round a = round("A", 0, 1, 1.5, 2);
        Round b = round("B", 1, 2, 1.5, 1, 2);  // one more prompt ("q3")
        RoundComparison c = RoundComparison.of(List.of(a, b));
        assertEquals(4, c.prompts().size());
        assertEquals(3, c.shared().size());
        assertEquals(1, c.unmatched().size());
        assertEquals("B", c.unmatched().get(0).round());
        PairedComparison p = RoundStatistics.paired(c, 0, 1);
        assertEquals(3, p.shared());
        assertEquals(0, p.meanDelta(), 1e-12); // +1, 0, −1
        assertEquals(100 * Math.sqrt(1.0 / 3), p.standardError(), 1e-12); // sd 1 over √3
        assertEquals(1, p.bBetter());
        assertEquals(1, p.aBetter());
        assertEquals(1, p.equal());
        assertEquals(0, p.meanLengthDelta(), 1e-12);
    }

    @Test
    void lengthAdjustedFitRecoversAKnownBias() {
        // y independent of length: the slope is ~0 and σ(bias) is the mean of y
        double[] y = new double[40];
        double[] d = new double[40];
        for (int i = 0; i < 40; i++) {
            y[i] = i % 4 == 0 ? 1 : 0;
            d[i] = (i % 2 == 0 ? 1 : -1) * (i + 1);
        }
        // symmetric lengths within each class → the MLE bias is logit(0.25) only when the slope is 0; check the
        // score equations instead: Σ(y − p) = 0 at the fitted bias and slope
        LengthControlled lc = LengthControlled.fit(y, d);
        double sd = Math.sqrt(RoundStatistics.sampleVariance(d));
        double g0 = 0;
        double g1 = 0;
        for (int i = 0; i < 40; i++) {
            double t = Math.tanh(d[i] / sd);
            double p = LengthControlled.sigmoid(lc.bias() + lc.lengthSlope() * t);
            g0 += y[i] - p;
            g1 += (y[i] - p) * t;
        }
        assertEquals(0, g0, 1e-9);
        assertEquals(0, g1, 1e-9);
        assertEquals(100 * LengthControlled.sigmoid(lc.bias()), lc.winRate(), 1e-12);
    }
}
