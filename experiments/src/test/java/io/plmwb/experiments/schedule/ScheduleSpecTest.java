package io.plmwb.experiments.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleSpecTest {

    @Test
    void parsesTheIssueExample() {
        ScheduleDefinition d = ScheduleSpec.parse(
                "wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=3e-4,floor=3e-5,shape=cosine");
        assertEquals(Schedule.Wsdc.wsdc(2000, 80000, 96000, 3e-4, 3e-5, DecayShape.COSINE), d.schedule());
        assertEquals(ScheduleAxis.STEP, d.axis());
        assertEquals("wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=0.0003,floor=0.00003,shape=cosine",
                d.toSpec());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=0.0003,floor=0.00003,shape=cosine",
        "wsd:warmup=45,stable_end=540,decay_end=765,peak=0.002,floor=0.0002,shape=exponential,half_life=30,init=1e-7",
        "wsdc:warmup=0,stable_end=1650000000000,decay_end=2200000000000,peak=0.001,floor=0.0001,shape=sqrt,"
                + "axis=tokens,phases=1650000000000;2000000000000",
        "cosine:warmup=45,decay_end=900,peak=0.002,floor=0.0002",
        "linear:warmup=10,decay_end=100,peak=0.5,floor=0",
        "constant:value=0.0003",
        "inverse_sqrt:warmup=4000,peak=0.001",
        "piecewise:init=0,linear@2000=0.0003,constant@80000,cosine@96000=0.00003,exponential@120000=0.000001",
    })
    void canonicalFormRoundTrips(String canonical) {
        ScheduleDefinition d = ScheduleSpec.parse(canonical);
        assertEquals(canonical, d.toSpec());
        assertEquals(d, ScheduleSpec.parse(d.toSpec()));
    }

    @Test
    void nonCanonicalInputFormatsCanonically() {
        ScheduleDefinition d = ScheduleSpec.parse(" WSDC : peak=2e-3, stable_end=540 ,decay_end=765,warmup=45,"
                + "floor=2e-4,shape=Cosine,axis=steps");
        assertEquals("wsdc:warmup=45,stable_end=540,decay_end=765,peak=0.002,floor=0.0002,shape=cosine", d.toSpec());
        assertEquals(1.65e12, ScheduleSpec.parse("constant:value=1,axis=tokens,phases=1.65T").dataPhases().get(0));
        assertEquals(List.of(), ScheduleSpec.parse("constant:value=1").dataPhases());
    }

    @Test
    void randomDefinitionsRoundTrip() {
        java.util.Random r = new java.util.Random(7);
        DecayShape[] shapes = DecayShape.values();
        for (int i = 0; i < 500; i++) {
            double w = Math.floor(r.nextDouble() * 1000);
            double d = w + r.nextDouble() * 1e5;
            double e = d + r.nextDouble() * 1e5;
            double peak = r.nextDouble() * 1e-2 + 1e-9;
            double floor = peak * r.nextDouble();
            ScheduleDefinition def = new ScheduleDefinition(new Schedule.Wsdc(w, d, e, peak, floor,
                    shapes[r.nextInt(shapes.length)], Double.NaN, 0, r.nextBoolean()),
                    r.nextBoolean() ? ScheduleAxis.STEP : ScheduleAxis.TOKENS, List.of(d));
            assertEquals(def, ScheduleSpec.parse(def.toSpec()), def.toSpec());
        }
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''                                          | empty schedule spec",
        "wsdx:peak=1                                 | unknown schedule kind 'wsdx'",
        "wsdc:stable_end=10,decay_end=20             | missing parameter 'peak'",
        "wsdc:stable_end=10,decay_end=20,peek=1e-3   | unknown parameter 'peek'",
        "wsdc:stable_end=10,decay_end=20,peak=abc    | peak = 'abc' is not a number",
        "wsdc:stable_end=10,decay_end=20,peak=1e-3,shape=cubic | unknown shape 'cubic'",
        "wsdc:warmup=50,stable_end=10,decay_end=20,peak=1e-3 | warmup (50) must not be after stable_end (10)",
        "wsdc:stable_end=30,decay_end=20,peak=1e-3   | stable_end (30) must not be after decay_end (20)",
        "wsdc:stable_end=10,decay_end=20,peak=1e-3,floor=1e-2 | floor (0.01) must not exceed peak (0.001)",
        "wsdc:stable_end=10,decay_end=20,peak=-1     | peak must be positive",
        "wsdc:stable_end=10,decay_end=20,peak=1e-3,shape=exponential | floor must be positive",
        "wsdc:stable_end=10,decay_end=20,peak=1e-3,half_life=5 | half_life only goes with shape=exponential",
        "wsdc:stable_end=10,stable_end=20            | parameter 'stable_end' is given twice",
        "wsdc:stable_end=10,,decay_end=20            | empty parameter",
        "wsdc:stable_end                             | 'stable_end' is not key=value",
        "wsdc:stable_end=10,decay_end=20,peak=1,axis=epochs | axis must be step or tokens",
        "constant:value=1,phases=20;10               | data-phase starts must be non-negative and increasing",
        "inverse_sqrt:warmup=0,peak=1                | warmup must be positive",
        "piecewise:linear@100=1,linear@50=2          | must end after 100",
        "piecewise:init=1,constant@100=2             | is constant, so it holds 1 and cannot end at 2",
        "piecewise:wiggle@100=1                      | unknown segment shape 'wiggle'",
        "piecewise:linear@100                        | not key=value",
        "piecewise:linear@1e999=1                    | is not a number",
    })
    void badSpecsSayWhatIsWrong(String spec, String expected) {
        ScheduleSpecException e = assertThrows(ScheduleSpecException.class, () -> ScheduleSpec.parse(spec));
        assertTrue(e.getMessage().contains(expected), "message for '" + spec + "': " + e.getMessage());
    }
}
