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
}
