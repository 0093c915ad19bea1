package io.plmwb.experiments.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fit recovers the boundaries of synthetic WSDC/WSD/cosine rates (1% noise, 20% of the steps missing) to within
 * 1% of the step range, and the bundled plm-nano recipe's settings (experiments/recipes/nano/schedule.py:
 * 900 steps, lr_max 2e-3, lr_min 2e-4, warmup 5% = 45, decay 60%–85% = steps 540–765, linear).
 */
class ScheduleFitterTest {

    static Path models() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
    }

    /** Rates of {@code truth} at steps 0, 40, 80, … < total with 20% dropped and multiplicative Gaussian noise. */
    static double[][] synthetic(Schedule truth, double total, double noise, long seed) {
        Random r = new Random(seed);
        int n = (int) (total / 40);
        double[] x = new double[n];
        double[] y = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < 0.2) {
                continue;
            }
            x[m] = i * 40.0;
            y[m] = truth.lr(i * 40.0) * (1 + noise * r.nextGaussian());
            m++;
        }
        return new double[][] {Arrays.copyOf(x, m), Arrays.copyOf(y, m)};
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "wsdc, linear", "wsdc, cosine", "wsdc, sqrt", "wsdc, square", "wsdc, exponential",
        "wsd, linear", "wsd, cosine", "wsd, exponential",
    })
    void recoversSyntheticWsdc(String kind, String shape) {
        double total = 100_000;
        boolean tail = kind.equals("wsdc");
        Schedule truth = new Schedule.Wsdc(2000, 70_000, tail ? 88_000 : total, 3e-4, 3e-5,
                DecayShape.fromSpec(shape), Double.NaN, 0, tail);
        double[][] d = synthetic(truth, total, 0.01, 42);
        ScheduleFitter.Fit fit = ScheduleFitter.fit(d[0], d[1], ScheduleFitter.Kind.AUTO);
        assertEquals(kind, fit.kind(), "kind chosen; rivals " + fit.rivals().stream().map(f -> f.kind() + " "
                + f.rms()).toList() + " vs " + fit.rms());
        Schedule.Wsdc w = (Schedule.Wsdc) fit.schedule();
        double tol = 0.01 * total;
        assertEquals(2000, w.warmup(), tol, "warmup");
        assertEquals(70_000, w.stableEnd(), tol, "stable_end");
        assertEquals(tail ? 88_000 : total, w.decayEnd(), tol, "decay_end");
        assertEquals(3e-4, w.peak(), 3e-4 * 0.01, "peak");
        assertEquals(3e-5, w.floor(), 3e-5 * 0.1, "floor");
        assertEquals(DecayShape.fromSpec(shape), w.shape(), "shape");
        assertTrue(fit.rms() < 0.02 * 3e-4, "residual at the noise level: " + fit.rms());
    }

    @Test
    void recoversSyntheticCosine() {
        Schedule truth = Schedule.WarmupDecay.cosine(3000, 100_000, 6e-4, 6e-5, 0);
        double[][] d = synthetic(truth, 100_000, 0.01, 7);
        ScheduleFitter.Fit fit = ScheduleFitter.fit(d[0], d[1], ScheduleFitter.Kind.AUTO);
        assertEquals("cosine", fit.kind());
        Schedule.WarmupDecay c = (Schedule.WarmupDecay) fit.schedule();
        assertEquals(DecayShape.COSINE, c.shape());
        assertEquals(3000, c.warmup(), 1000);
        assertEquals(100_000, c.decayEnd(), 1000);
        assertEquals(6e-4, c.peak(), 6e-6);
        assertEquals(6e-5, c.floor(), 6e-6);
    }

    @Test
    void recoversThePlmNanoRecipe() throws Exception {
        TrainingLog log = TrainingLogs.read(models().resolve("plm-nano"));
        ScheduleFitter.Fit fit = ScheduleFitter.fit(log.steps(), log.column(log.lrColumn().orElseThrow()),
                ScheduleFitter.Kind.AUTO);
        assertEquals("wsdc", fit.kind());
        Schedule.Wsdc w = (Schedule.Wsdc) fit.schedule();
        // the recipe logs step k = s + 1 with lr(s): the warmup reaches the peak at logged step 45 = W, and the
        // decay, which starts at s = 540, shows from logged step 541 — so the boundaries are the recipe's, within 1
        assertEquals(45, w.warmup(), 0.5);
        assertEquals(540, w.stableEnd(), 1.01);
        assertEquals(765, w.decayEnd(), 1.01);
        assertEquals(2e-3, w.peak(), 2e-3 * 1e-4);
        assertEquals(2e-4, w.floor(), 2e-4 * 1e-4);
        assertEquals(DecayShape.LINEAR, w.shape());
        assertTrue(fit.relativeRms() < 1e-4, "the log holds the schedule to 6 digits: " + fit.relativeRms());
    }

    @Test
    void plmNanoCosineIsCosine() throws Exception {
        TrainingLog log = TrainingLogs.read(models().resolve("plm-nano-cosine"));
        ScheduleFitter.Fit fit = ScheduleFitter.fit(log.steps(), log.column("lr"), ScheduleFitter.Kind.AUTO);
        assertEquals("cosine", fit.kind());
        Schedule.WarmupDecay c = (Schedule.WarmupDecay) fit.schedule();
        assertEquals(DecayShape.COSINE, c.shape());
        assertEquals(45, c.warmup(), 1.01);
        assertEquals(900, c.decayEnd(), 1.01);
        assertEquals(2e-3, c.peak(), 2e-5);
        assertEquals(2e-4, c.floor(), 2e-5);
    }

    @Test
    void longLogsAreSubsampledForTheSearchAndStillRecovered() {
        Schedule truth = Schedule.Wsdc.wsdc(5000, 60_000, 90_000, 1e-3, 1e-4, DecayShape.SQRT);
        double[] x = new double[100_000];
        Arrays.setAll(x, i -> i + 1);
        double[] y = truth.lr(x);
        ScheduleFitter.Fit fit = ScheduleFitter.fit(x, y, ScheduleFitter.Kind.WSDC);
        Schedule.Wsdc w = (Schedule.Wsdc) fit.schedule();
        assertEquals(5000, w.warmup(), 50);
        assertEquals(60_000, w.stableEnd(), 50);
        assertEquals(90_000, w.decayEnd(), 50);
        assertEquals(DecayShape.SQRT, w.shape());
        assertEquals(100_000, fit.x().length, "residuals over every point");
    }

    @Test
    void constantOrTinyColumnsAreRefused() {
        double[] x = new double[20];
        double[] y = new double[20];
        Arrays.setAll(x, i -> i);
        Arrays.fill(y, 3e-4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScheduleFitter.fit(x, y,
                ScheduleFitter.Kind.AUTO)).getMessage().contains("constant"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScheduleFitter.fit(new double[3],
                new double[3], ScheduleFitter.Kind.AUTO)).getMessage().contains("at least 8"));
    }
}
