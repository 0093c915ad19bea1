package io.plmwb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float[] LOGITS = {1f, 3f, 2f, -1f, 2.5f, 0f};

    private static int[] draws(Sampler s, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = s.sample(LOGITS);
        }
        return r;
    }

    @Test
    void greedyIsArgmax() {
        assertEquals(1, new Sampler(0, 0, 1, 5).sample(LOGITS));
        assertEquals(2, Sampler.argmax(new float[] {Float.NaN, 0, 4, 4}));
    }

    @Test
    void sameSeedSameDrawsOtherSeedOtherDraws() {
        int[] a = draws(new Sampler(1.0, 0, 1, 42), 200);
        assertArrayEquals(a, draws(new Sampler(1.0, 0, 1, 42), 200));
        assertFalse(java.util.Arrays.equals(a, draws(new Sampler(1.0, 0, 1, 43), 200)));
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        double[] p = new Sampler(1.0, 0, 1, 1).probabilities(new float[] {1000f, 999f, -1000f});
        assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-12);
        assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), p[1], 1e-12);
        assertEquals(0, p[2], 1e-300);
    }

    @Test
    void topKKeepsTheKBest() {
        Set<Integer> seen = new HashSet<>();
        for (int id : draws(new Sampler(5.0, 2, 1, 7), 500)) {
            seen.add(id);
        }
        assertEquals(Set.of(1, 4), seen);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // softmax of LOGITS: p(1)=0.455, p(4)=0.276, p(2)=0.167, …: p=0.7 needs {1, 4}, p=0.75 needs {1, 4, 2}
        double[] p = new Sampler(1.0, 0, 0.7, 1).probabilities(LOGITS);
        assertTrue(p[1] > 0 && p[4] > 0);
        assertEquals(0, p[2] + p[0] + p[3] + p[5]);
        double[] q = new Sampler(1.0, 0, 0.75, 1).probabilities(LOGITS);
        assertTrue(q[2] > 0);
        assertEquals(0, q[0] + q[3] + q[5]);
        Set<Integer> seen = new HashSet<>();
        for (int id : draws(new Sampler(1.0, 0, 0.7, 3), 500)) {
            seen.add(id);
        }
        assertEquals(Set.of(1, 4), seen);
    }

    @Test
    void frequenciesFollowTheDistribution() {
        Sampler s = new Sampler(1.0, 0, 1, 11);
        int n = 20000;
        int ones = 0;
        for (int i = 0; i < n; i++) {
            if (s.sample(LOGITS) == 1) {
                ones++;
            }
        }
        double expected = new Sampler(1.0, 0, 1, 0).probabilities(LOGITS)[1];
        assertEquals(expected, ones / (double) n, 0.02);
    }

    @Test
    void quickselectAgreesWithSortingIncludingTiesAndInfinities() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(400);
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(10);
                a[i] = kind == 0 ? Double.NEGATIVE_INFINITY : kind < 4 ? r.nextInt(5) : r.nextGaussian();
            }
            double[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            int k = 1 + r.nextInt(n);
            assertEquals(sorted[n - k], Sampler.kthLargest(a.clone(), k), "n=" + n + " k=" + k);
        }
    }

    @Test
    void topKTopPMatchAFullSortReference() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int trial = 0; trial < 100; trial++) {
            int n = 50 + r.nextInt(2000);
            float[] logits = new float[n];
            for (int i = 0; i < n; i++) {
                logits[i] = r.nextInt(8) == 0 ? 1.5f : (float) (3 * r.nextGaussian()); // ties at 1.5
            }
            int k = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(n);
            double topP = r.nextInt(3) == 0 ? 1 : 0.05 + 0.9 * r.nextDouble();
            double t = 0.3 + r.nextDouble();
            assertArrayEquals(reference(logits, t, k, topP), new Sampler(t, k, topP, 1).probabilities(logits), 1e-15);
        }
    }

    /** The textbook procedure with full sorts: temperature, top-k (ties kept), softmax, top-p (ties kept). */
    private static double[] reference(float[] logits, double t, int k, double topP) {
        int n = logits.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = logits[i] / t;
        }
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        double cut = k > 0 && k < n ? s[n - k] : Double.NEGATIVE_INFINITY;
        double max = s[n - 1];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (x[i] >= cut) {
                p[i] = Math.exp(x[i] - max);
                sum += p[i];
            }
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        if (topP < 1) {
            double[] q = p.clone();
            java.util.Arrays.sort(q);
            double acc = 0;
            double threshold = 0;
            for (int i = n - 1; i >= 0 && q[i] > 0; i--) {
                acc += q[i];
                threshold = q[i];
                if (acc >= topP) {
                    break;
                }
            }
            for (int i = 0; i < n; i++) {
                if (p[i] < threshold) {
                    p[i] = 0;
                }
            }
        }
        return p;
    }
}
