package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code workbench bench} on the shared tiny PLM with small probes: the report's structure and invariants. */
class BenchCommandTest extends FixtureCommandTest {

    @Test
    void reportsBothModesAndTheMachine() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("bench", "--model", hf(), "--prompt-tokens", "16",
                "--decode-tokens", "4", "--threads", "1", "--context", "40", "--bandwidth-mib", "64", "--gemm-size",
                "128", "--paired-blocks", "2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("modes").size());
        JsonNode latent = j.get("modes").get(0);
        JsonNode expanded = j.get("modes").get(1);
        assertEquals("latent", latent.get("mode").asText());
        assertEquals("expanded", expanded.get("mode").asText());
        for (JsonNode m : j.get("modes")) {
            assertTrue(m.at("/prefill/tokens_per_second").asDouble() > 0, m.toString());
            assertTrue(m.at("/decode/tokens_per_second").asDouble() > 0, m.toString());
            assertEquals(4, m.at("/decode/steps").asInt());
            assertTrue(m.at("/decode/bandwidth_limit_tokens_per_second").asDouble() > 0, m.toString());
            assertTrue(m.at("/prefill/fraction_of_gemm_peak").asDouble() > 0, m.toString());
            assertTrue(m.get("peak_rss_bytes").asLong() > 0);
            assertTrue(m.at("/load_to_first_token/graph_cache_hit").asBoolean());
            assertTrue(m.at("/load_to_first_token/ms").asDouble() > 0);
            assertEquals(40, m.at("/decode_at_context/context_start").asInt());
            JsonNode blocks = m.at("/decode_paired/blocks");
            assertEquals(2, blocks.size(), m.toString());
            for (JsonNode b : blocks) {
                assertEquals(16, b.get("steps").asInt());
                double tps = 16 / (b.get("ms").asDouble() / 1000);
                assertEquals(tps, b.get("tokens_per_second").asDouble(), 1e-3 * tps + 1e-3);
                double fraction = tps * j.get("decode_weight_bytes_per_token").asLong()
                        / (b.get("probe_gb_per_second").asDouble() * 1e9);
                assertEquals(fraction, b.get("fraction_of_limit").asDouble(), 1e-3 * fraction + 2e-3);
            }
            double lo = m.at("/decode_paired/min_fraction_of_limit").asDouble();
            double hi = m.at("/decode_paired/max_fraction_of_limit").asDouble();
            double median = m.at("/decode_paired/median_fraction_of_limit").asDouble();
            assertTrue(lo <= median && median <= hi, m.toString());
        }
        assertEquals(false, j.get("prepack_weights").asBoolean(), "weights are not pre-packed by default");
        // fixture: 2 layers, latent 64 + rope 16 = 80 floats per token per layer; expanded 4 heads × (48 + 32)
        assertEquals((16 + 4) * 80 * 4 * 2, latent.get("cache_bytes").asLong());
        assertEquals((16 + 4) * 320 * 4 * 2, expanded.get("cache_bytes").asLong());
        assertEquals((40 + 4) * 80 * 4 * 2, latent.get("cache_bytes_at_context").asLong());
        // tied embedding: every parameter is read once per decode step
        assertEquals(4 * j.get("params").asLong(), j.get("decode_weight_bytes_per_token").asLong());
        assertTrue(j.at("/machine/read_bandwidth/gb_per_second").asDouble() > 0);
        assertTrue(j.at("/machine/gemm/gflops_per_second").asDouble() > 0);
        assertTrue(j.at("/machine/ort_probes_before_modes/gemv_gb_per_second").asDouble() > 0, r.out());
        assertTrue(j.at("/machine/gemm/gflops_per_second").asDouble()
                >= j.at("/machine/ort_probes_after_modes/gemm_gflops_per_second").asDouble());
    }

    @Test
    void badInputExitsWithTwo() {
        assertEquals(2, WorkbenchCliTest.run("bench", "--model", hf(), "--decode-tokens", "0").code());
        assertEquals(2, WorkbenchCliTest.run("bench", "--model", hf(), "--modes", "sideways").code());
        assertEquals(2, WorkbenchCliTest.run("bench", "--model", dir.resolve("none").toString()).code());
    }
}
