package io.plmwb.engine.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianTest {

    /** Standard normal CDF at 0.5, 1.0, …, 4.0 (published tables). */
    private static final double[] PHI = {0.6914624613, 0.8413447461, 0.9331927987, 0.9772498681, 0.9937903347,
        0.9986501020, 0.9997673709, 0.9999683288};

    @Test
    void matchesTheNormalDistribution() {
        int n = 4_000_000;
        Gaussian g = new Gaussian(12345);
        long[] below = new long[PHI.length];
        double sum = 0;
        double sum2 = 0;
        double sum4 = 0;
        long negative = 0;
        for (int k = 0; k < n; k++) {
            double x = g.next();
            sum += x;
            sum2 += x * x;
            sum4 += x * x * x * x;
            if (x < 0) {
                negative++;
            }
            for (int j = 0; j < PHI.length; j++) {
                if (x < 0.5 * (j + 1)) {
                    below[j]++;
                }
            }
        }
        assertEquals(0.0, sum / n, 5 * Math.sqrt(1.0 / n));
        assertEquals(1.0, sum2 / n, 5 * Math.sqrt(2.0 / n));
        assertEquals(3.0, sum4 / n / ((sum2 / n) * (sum2 / n)), 0.03);
        assertEquals(0.5, (double) negative / n, 5 * Math.sqrt(0.25 / n));
        for (int j = 0; j < PHI.length; j++) {
            double p = PHI[j];
            double se = Math.sqrt(p * (1 - p) / n);
            assertEquals(p, (double) below[j] / n, 5 * se, "P(x < " + 0.5 * (j + 1) + ")");
        }
    }

    @Test
    void tailBeyondTheZigguratBaseIsPopulated() {
        // P(|x| > 3.4426) = 5.76e-4: these samples come only from the tail step
        int n = 2_000_000;
        Gaussian g = new Gaussian(99);
        long tail = 0;
        double max = 0;
        for (int k = 0; k < n; k++) {
            double a = Math.abs(g.next());
            if (a > 3.442619855899) {
                tail++;
            }
            max = Math.max(max, a);
        }
        double p = 5.7657e-4;
        assertEquals(p, (double) tail / n, 5 * Math.sqrt(p / n));
        assertTrue(max > 4.5 && max < 7, "max " + max);
    }

    @Test
    void seededAndReproducible() {
        Gaussian a = new Gaussian(7);
        Gaussian b = new Gaussian(7);
        Gaussian c = new Gaussian(8);
        boolean differs = false;
        for (int i = 0; i < 1000; i++) {
            double x = a.next();
            assertEquals(Double.doubleToRawLongBits(x), Double.doubleToRawLongBits(b.next()));
            differs |= x != c.next();
        }
        assertTrue(differs);
        assertNotEquals(new Gaussian(1).next(), new Gaussian(2).next());
    }
}
