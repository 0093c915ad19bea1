package io.plmwb.experiments.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled training logs (datasets/models/*&#47;training_log.csv) show the schedules they claim: plm-nano's lr
 * column has WSDC's warmup, flat stable phase, decay and constant tail; plm-nano-cosine's has no flat phase.
 */
class BundledTrainingLogsTest {

    static Path models() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
    }

    /** The lr column, by step order, and the last logged val_loss. */
    record Log(double[] lr, double finalVal) {
    }

    static Log read(String model) throws Exception {
        List<String> lines = Files.readAllLines(models().resolve(model).resolve("training_log.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int lrCol = header.indexOf("lr");
        int valCol = header.indexOf("val_loss");
        int stepCol = header.indexOf("step");
        assertTrue(lrCol >= 0 && valCol >= 0 && stepCol >= 0, "columns step, lr, val_loss: " + header);
        List<Double> lr = new ArrayList<>();
        double val = Double.NaN;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            assertEquals(i, Integer.parseInt(f[stepCol]), "steps are 1, 2, 3, … in order");
            lr.add(Double.parseDouble(f[lrCol]));
            if (!f[valCol].isEmpty()) {
                val = Double.parseDouble(f[valCol]);
            }
        }
        return new Log(lr.stream().mapToDouble(Double::doubleValue).toArray(), val);
    }

    /** Longest run of steps with the same lr (relative 1e-9) after index {@code from}. */
    static int longestFlatRun(double[] lr, int from, int to) {
        int best = 0;
        int run = 1;
        for (int i = from + 1; i < to; i++) {
            run = Math.abs(lr[i] - lr[i - 1]) <= 1e-9 * Math.abs(lr[i]) ? run + 1 : 1;
            best = Math.max(best, run);
        }
        return best;
    }

    @Test
    void plmNanoFollowsWsdc() throws Exception {
        Log log = read("plm-nano");
        double[] lr = log.lr();
        int n = lr.length;
        double peak = Arrays.stream(lr).max().orElseThrow();
        int firstPeak = 0;
        while (lr[firstPeak] < peak) {
            assertTrue(firstPeak == 0 || lr[firstPeak] > lr[firstPeak - 1], "warmup rises at step " + (firstPeak + 1));
            firstPeak++;
        }
        assertTrue(firstPeak > 0 && firstPeak < n / 5, "a warmup of a few percent, was " + firstPeak);
        int stableEnd = firstPeak;
        while (lr[stableEnd + 1] == peak) {
            stableEnd++;
        }
        assertTrue(stableEnd - firstPeak > n / 3, "a long stable phase at the peak");
        double floor = lr[n - 1];
        int tailStart = n - 1;
        while (lr[tailStart - 1] == floor) {
            tailStart--;
        }
        assertTrue(n - tailStart > n / 10, "a constant tail at the floor, " + (n - tailStart) + " steps");
        for (int i = stableEnd + 1; i < tailStart; i++) {
            assertTrue(lr[i] < lr[i - 1], "the decay phase decreases at step " + (i + 1));
        }
        assertTrue(floor < peak / 5);
        assertFalse(Double.isNaN(log.finalVal()), "val loss is logged");
    }

    @Test
    void plmNanoCosineHasNoFlatPhase() throws Exception {
        Log log = read("plm-nano-cosine");
        double[] lr = log.lr();
        int peakAt = 0;
        for (int i = 0; i < lr.length; i++) {
            if (lr[i] > lr[peakAt]) {
                peakAt = i;
            }
        }
        assertTrue(longestFlatRun(lr, peakAt, lr.length) <= 2, "cosine never holds the lr flat");
        for (int i = peakAt + 1; i < lr.length; i++) {
            assertTrue(lr[i] <= lr[i - 1], "cosine decreases after the warmup, step " + (i + 1));
        }
        assertEquals(read("plm-nano").lr().length, lr.length, "same number of steps (and tokens) as plm-nano");
        assertFalse(Double.isNaN(log.finalVal()), "val loss is logged");
    }
}
