package io.plmwb.experiments.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Schedule values at phase boundaries and inside each phase, worked out by hand from the formulas in
 * ../shared/reference/schedules.md (peak 1e-3, floor 1e-4; at x = 0.25: cos(π/4) = 0.70710678…,
 * 0.1^0.25 = 0.56234133…).
 */
class ScheduleValuesTest {

    private static final String WSDC = "warmup=100,stable_end=600,decay_end=800,peak=1e-3,floor=1e-4";

    @ParameterizedTest(name = "{0} at {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        // warmup: 1e-3 · s / 100
        "wsdc:" + WSDC + ",shape=linear      | 0    | 0",
        "wsdc:" + WSDC + ",shape=linear      | 50   | 5.0e-4",
        "wsdc:" + WSDC + ",shape=linear      | 99   | 9.9e-4",
        // stable, from its first step to the last before the decay
        "wsdc:" + WSDC + ",shape=linear      | 100  | 1.0e-3",
        "wsdc:" + WSDC + ",shape=linear      | 350  | 1.0e-3",
        "wsdc:" + WSDC + ",shape=linear      | 599  | 1.0e-3",
        // decay starts at the peak (x = 0)
        "wsdc:" + WSDC + ",shape=linear      | 600  | 1.0e-3",
        // x = 0.25: 1e-4 + 9e-4 · g
        "wsdc:" + WSDC + ",shape=linear      | 650  | 7.75e-4",
        "wsdc:" + WSDC + ",shape=cosine      | 650  | 8.681980515339464e-4",
        "wsdc:" + WSDC + ",shape=sqrt        | 650  | 5.5e-4",
        "wsdc:" + WSDC + ",shape=square      | 650  | 9.4375e-4",
        "wsdc:" + WSDC + ",shape=exponential | 650  | 5.623413251903491e-4",
        // x = 0.5
        "wsdc:" + WSDC + ",shape=linear      | 700  | 5.5e-4",
        "wsdc:" + WSDC + ",shape=cosine      | 700  | 5.5e-4",
        "wsdc:" + WSDC + ",shape=square      | 700  | 7.75e-4",
        "wsdc:" + WSDC + ",shape=exponential | 700  | 3.1622776601683794e-4",
        // constant tail from decay_end on
        "wsdc:" + WSDC + ",shape=cosine      | 800  | 1.0e-4",
        "wsdc:" + WSDC + ",shape=exponential | 800  | 1.0e-4",
        "wsdc:" + WSDC + ",shape=linear      | 5000 | 1.0e-4",
        // init: warmup from 1e-4, halfway = 5.5e-4
        "wsdc:" + WSDC + ",init=1e-4         | 50   | 5.5e-4",
        // WSD, MiniCPM half-life 50: max(1e-4, 1e-3 · 0.5^((s − 600)/50))
        "wsd:" + WSDC + ",shape=exponential,half_life=50 | 600 | 1.0e-3",
        "wsd:" + WSDC + ",shape=exponential,half_life=50 | 650 | 5.0e-4",
        "wsd:" + WSDC + ",shape=exponential,half_life=50 | 700 | 2.5e-4",
        // 1e-3 · 0.5^(190/50) = 7.18e-5 is below the floor: the decay stops at the floor
        "wsd:" + WSDC + ",shape=exponential,half_life=50 | 790 | 1.0e-4",
        "wsd:" + WSDC + ",shape=linear       | 700  | 5.5e-4",
        // warmup + cosine over [100, 1100)
        "cosine:warmup=100,decay_end=1100,peak=1e-3,floor=0 | 50   | 5.0e-4",
        "cosine:warmup=100,decay_end=1100,peak=1e-3,floor=0 | 100  | 1.0e-3",
        "cosine:warmup=100,decay_end=1100,peak=1e-3,floor=0 | 350  | 8.535533905932737e-4",
        "cosine:warmup=100,decay_end=1100,peak=1e-3,floor=0 | 600  | 5.0e-4",
        "cosine:warmup=100,decay_end=1100,peak=1e-3,floor=0 | 1100 | 0",
        "cosine:warmup=100,decay_end=1100,peak=1e-3,floor=1e-4 | 850 | 2.3180194846605363e-4",
        // linear from the peak at 0 to the floor at 1000
        "linear:decay_end=1000,peak=1e-3,floor=1e-4 | 0    | 1.0e-3",
        "linear:decay_end=1000,peak=1e-3,floor=1e-4 | 250  | 7.75e-4",
        "linear:decay_end=1000,peak=1e-3,floor=1e-4 | 1000 | 1.0e-4",
        "linear:decay_end=1000,peak=1e-3,floor=1e-4 | 2000 | 1.0e-4",
        "constant:value=3e-4                         | 0    | 3.0e-4",
        "constant:value=3e-4                         | 1e9  | 3.0e-4",
        // inverse sqrt: 1e-3 · √(100/s)
        "inverse_sqrt:warmup=100,peak=1e-3           | 50   | 5.0e-4",
        "inverse_sqrt:warmup=100,peak=1e-3           | 100  | 1.0e-3",
        "inverse_sqrt:warmup=100,peak=1e-3           | 400  | 5.0e-4",
        "inverse_sqrt:warmup=100,peak=1e-3           | 10000 | 1.0e-4",
        // piecewise: WSDC built from segments
        "piecewise:init=0,linear@100=1e-3,constant@500,cosine@900=1e-4 | 50   | 5.0e-4",
        "piecewise:init=0,linear@100=1e-3,constant@500,cosine@900=1e-4 | 300  | 1.0e-3",
        "piecewise:init=0,linear@100=1e-3,constant@500,cosine@900=1e-4 | 700  | 5.5e-4",
        "piecewise:init=0,linear@100=1e-3,constant@500,cosine@900=1e-4 | 900  | 1.0e-4",
        "piecewise:init=0,linear@100=1e-3,constant@500,cosine@900=1e-4 | 1e6  | 1.0e-4",
        "piecewise:init=1e-3,exponential@100=1e-4 | 50 | 3.1622776601683794e-4",
        // the token axis only changes what positions count
        "wsdc:warmup=1M,stable_end=6M,decay_end=8M,peak=1e-3,floor=1e-4,axis=tokens | 650e4 | 7.75e-4",
    })
    void valueAt(String spec, double position, double expected) {
        double got = ScheduleSpec.parse(spec).schedule().lr(position);
        assertEquals(expected, got, 1e-12 * Math.max(1e-3, Math.abs(expected)), spec + " at " + position);
    }

    @Test
    void piecewiseWsdcEqualsWsdcEverywhere() {
        for (String shape : new String[] {"linear", "cosine", "sqrt", "square", "exponential"}) {
            Schedule w = ScheduleSpec.parse("wsdc:" + WSDC + ",shape=" + shape).schedule();
            Schedule p = ScheduleSpec.parse("piecewise:init=0,linear@100=1e-3,constant@600," + shape
                    + "@800=1e-4").schedule();
            for (int s = 0; s <= 1000; s++) {
                assertEquals(w.lr(s), p.lr(s), 1e-15, shape + " at " + s);
            }
        }
    }

    @Test
    void phasesAndBoundaries() {
        ScheduleDefinition d = ScheduleSpec.parse("wsdc:" + WSDC + ",phases=300;700");
        assertEquals(java.util.List.of(100.0, 600.0, 800.0), d.schedule().boundaries());
        assertEquals(java.util.List.of("warmup", "stable", "decay", "constant"),
                d.schedule().phases().stream().map(Phase::name).toList());
        assertEquals(java.util.List.of(300.0, 700.0), d.dataPhases());
        assertTrue(Double.isInfinite(d.schedule().phases().get(3).end()));
    }
}
