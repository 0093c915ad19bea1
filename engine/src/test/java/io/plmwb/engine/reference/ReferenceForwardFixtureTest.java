package io.plmwb.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.testutil.Fixture;
import org.junit.jupiter.api.Test;

class ReferenceForwardFixtureTest {

    @Test
    void referenceMatchesLlamaCppF32OnFixture() throws Exception {
        ModelConfig cfg = ConfigLoader.load(Fixture.hf());
        float[][] got;
        try (SafetensorsCheckpoint w = SafetensorsCheckpoint.open(Fixture.hf())) {
            got = ReferenceForward.logits(cfg, w, Fixture.IDS);
        }
        float[][] want = Fixture.llamacppF32();
        double diff = Fixture.maxAbs(got, want);
        System.out.printf("ReferenceForward vs llamacpp-F32: max abs diff %.3e%n", diff);
        assertTrue(diff <= 1e-4, "max abs diff " + diff);
        assertArrayEquals(Fixture.ARGMAX, Fixture.argmax(got));
    }
}
