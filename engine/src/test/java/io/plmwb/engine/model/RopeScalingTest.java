package io.plmwb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.ModelFormatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RopeScalingTest {

    @TempDir
    Path dir;

    /**
     * base 10000, dim 16, llama3 factor 8, low 1, high 4, original context 64: low-frequency wavelength limit 64,
     * high-frequency limit 16. Worked by hand:
     * i=0: θ=1, λ=2π≈6.28 &lt; 16 → kept, 1;
     * i=1: θ=10000^(-1/8)=0.316227766, λ=19.869 (medium) → s=(64/19.869−1)/3=0.740357, θ'=θ((1−s)/8+s);
     * i=2: θ=0.1, λ=62.832 (medium) → s=(64/62.832−1)/3=0.0061972, θ'=θ((1−s)/8+s);
     * i=3: θ=0.0316227766, λ=198.7 &gt; 64 → θ/8.
     */
    @Test
    void llama3FrequenciesMatchHandComputedValues() {
        double[] inv = RopeScaling.inverseFrequencies(10000, 16, RopeScaling.llama3(8, 1, 4, 64));
        assertEquals(8, inv.length);
        assertEquals(1.0, inv[0], 1e-12);
        assertEquals(0.316227766 * ((1 - 0.740357) / 8 + 0.740357), inv[1], 1e-6);
        assertEquals(0.24438460, inv[1], 1e-7);
        assertEquals(0.1 * ((1 - 0.0061972) / 8 + 0.0061972), inv[2], 1e-7);
        assertEquals(0.0316227766 / 8, inv[3], 1e-10);
        assertEquals(Math.pow(10000, -14.0 / 16) / 8, inv[7], 1e-12);
    }

    @Test
    void linearDividesEveryFrequencyAndNoneLeavesThemAlone() {
        double[] plain = RopeScaling.inverseFrequencies(10000, 8, null);
        assertArrayEquals(new double[] {1, 0.1, 0.01, 0.001}, plain, 1e-12);
        assertArrayEquals(new double[] {0.25, 0.025, 0.0025, 0.00025},
                RopeScaling.inverseFrequencies(10000, 8, RopeScaling.linear(4)), 1e-12);
    }

    @Test
    void llamaPresetCarriesItsRealScaling() {
        ModelConfig c = Presets.byName("llama-3.2-1b").orElseThrow();
        assertEquals(RopeScaling.llama3(32, 1, 4, 8192), c.ropeScaling());
        assertNull(Presets.byName("plm-1.8b").orElseThrow().ropeScaling());
        // the highest frequency is untouched, the lowest divided by 32
        double[] inv = c.ropeInverseFrequencies();
        assertEquals(1.0, inv[0], 1e-12);
        assertEquals(Math.pow(500000, -62.0 / 64) / 32, inv[31], 1e-15);
    }

    private ObjectNode llamaJson() {
        ObjectNode o = ConfigLoader.toJson(Presets.byName("llama-3.2-1b").orElseThrow());
        return o;
    }

    @Test
    void parsesWritesAndRoundTrips() throws Exception {
        ObjectNode o = llamaJson();
        assertEquals("llama3", o.at("/rope_scaling/rope_type").asText());
        assertEquals(8192, o.at("/rope_scaling/original_max_position_embeddings").asInt());
        ModelConfig back = ConfigLoader.parse(dir.resolve("config.json"), o);
        assertEquals(Presets.byName("llama-3.2-1b").orElseThrow(), back);

        ObjectNode lin = llamaJson();
        lin.putObject("rope_scaling").put("type", "linear").put("factor", 2.0);
        assertEquals(RopeScaling.linear(2), ConfigLoader.parse(dir, lin).ropeScaling());
        ObjectNode dflt = llamaJson();
        dflt.putObject("rope_scaling").put("rope_type", "default");
        assertNull(ConfigLoader.parse(dir, dflt).ropeScaling());
        ObjectNode none = llamaJson();
        none.putNull("rope_scaling");
        assertNull(ConfigLoader.parse(dir, none).ropeScaling());
    }

    @Test
    void unknownOrIncompleteScalingIsRefusedNamingTheField() {
        ObjectNode yarn = llamaJson();
        yarn.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigLoader.parse(dir, yarn));
        assertTrue(e.getMessage().contains("rope_scaling.rope_type") && e.getMessage().contains("yarn"),
                e.getMessage());

        ObjectNode partial = llamaJson();
        ((ObjectNode) partial.get("rope_scaling")).remove("high_freq_factor");
        e = assertThrows(ModelFormatException.class, () -> ConfigLoader.parse(dir, partial));
        assertTrue(e.getMessage().contains("rope_scaling.high_freq_factor"), e.getMessage());

        ObjectNode notObject = new ObjectMapper().createObjectNode().setAll(llamaJson());
        notObject.put("rope_scaling", "llama3");
        e = assertThrows(ModelFormatException.class, () -> ConfigLoader.parse(dir, notObject));
        assertTrue(e.getMessage().contains("rope_scaling"), e.getMessage());
    }
}
