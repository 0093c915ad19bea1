package io.plmwb.experiments.smoothing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Smoothing numbers worked out by hand from TensorBoard's algorithm (../shared/reference/schedules.md). */
class SmoothingTest {

    @Test
    void emaByHand() {
        // w = 0.5: last 0.5 → 0.5/0.5 = 1; 1.25/0.75 = 1.666…; 2.125/0.875 = 2.428571…
        double[] s = Smoothing.tensorBoardEma(new double[] {1, 2, 3}, 0.5);
        assertArrayEquals(new double[] {1.0, 1.25 / 0.75, 2.125 / 0.875}, s, 0);
        assertEquals(2.4285714285714284, s[2], 1e-16);
    }

    @Test
    void nonFiniteValuesPassThroughAndDoNotCount() {
        double[] s = Smoothing.tensorBoardEma(new double[] {1, Double.NaN, 3, Double.POSITIVE_INFINITY}, 0.5);
        assertEquals(1.0, s[0]);
        assertTrue(Double.isNaN(s[1]));
        assertEquals(1.75 / 0.75, s[2], 0); // n = 2 at the third value
        assertEquals(Double.POSITIVE_INFINITY, s[3]);
    }

    @Test
    void weightZeroIsTheRawSeries() {
        double[] v = {0.3, 7, -2, 1e-9};
        assertArrayEquals(v, Smoothing.tensorBoardEma(v, 0), 0);
    }

    @Test
    void flatSeriesStaysExactlyFlat() {
        double[] flat = new double[5000];
        Arrays.fill(flat, 3e-4);
        for (double w : new double[] {0.6, 0.9, 0.99, 0.999}) {
            assertArrayEquals(flat, Smoothing.tensorBoardEma(flat, w), 0, "EMA " + w);
            assertArrayEquals(flat, Smoothing.trailingMean(flat, Smoothing.windowFor(w)), 0, "trailing " + w);
            assertArrayEquals(flat, Smoothing.centredMean(flat, Smoothing.windowFor(w)), 0, "centred " + w);
        }
        // the debiased EMA itself is not exact on a flat series in floating point: that is TensorBoard #786,
        // which the constant check avoids
        double last = 0;
        boolean drift = false;
        for (int n = 1; n <= 5000; n++) {
            last = last * 0.999 + (1 - 0.999) * 3e-4;
            drift |= last / (1 - Math.pow(0.999, n)) != 3e-4;
        }
        assertTrue(drift, "without the constant check the EMA of a flat series drifts");
    }

    @Test
    void movingAveragesByHand() {
        double[] v = {1, 2, 3, 4};
        assertArrayEquals(new double[] {1, 1.5, 2, 3}, Smoothing.trailingMean(v, 3), 1e-15);
        assertArrayEquals(new double[] {1.5, 2, 3, 3.5}, Smoothing.centredMean(v, 3), 1e-15);
        double[] gaps = {1, Double.NaN, 3, 5};
        double[] t = Smoothing.trailingMean(gaps, 2);
        assertEquals(1, t[0]);
        assertTrue(Double.isNaN(t[1]));
        assertEquals(3, t[2], 1e-15); // window {NaN, 3}: the finite values only
        assertEquals(4, t[3], 1e-15);
        // a flat stretch inside a varying series is exact too
        double[] step = {0.1, 0.7, 0.7, 0.7, 0.7, 0.2};
        double[] c = Smoothing.centredMean(step, 3);
        assertEquals(0.7, c[2], 0);
        assertEquals(0.7, c[3], 0);
        assertNotEquals(0.7, c[1]);
    }

    @Test
    void windowAndMethodParsing() {
        assertEquals(10, Smoothing.windowFor(0.9));
        assertEquals(1, Smoothing.windowFor(0));
        assertEquals(Smoothing.Method.EMA, Smoothing.Method.parse("TensorBoard"));
        assertThrows(IllegalArgumentException.class, () -> Smoothing.windowFor(1.0));
        assertThrows(IllegalArgumentException.class, () -> Smoothing.Method.parse("gauss"));
    }
}
