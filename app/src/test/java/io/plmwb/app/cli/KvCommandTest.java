package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code workbench kv}: the figures for the preset, a measured fixture cache, charts, bad input. */
class KvCommandTest extends FixtureCommandTest {

    @Test
    void presetFiguresAtBf16() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("kv", "--preset", "plm-1.8b", "--context", "4096", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("bf16", j.get("cache_dtype").asText());
        assertEquals(36_864, j.at("/layouts/latent/bytes_per_token").asLong());
        assertEquals(327_680, j.at("/layouts/expanded/bytes_per_token").asLong());
        assertEquals(262_144, j.at("/layouts/mha/bytes_per_token").asLong());
        assertEquals(144L << 20, j.at("/layouts/latent/bytes_at_context").asLong());
        assertEquals(1280L << 20, j.at("/layouts/expanded/bytes_at_context").asLong());
        assertEquals(4, j.get("devices").size());
        JsonNode pi = j.get("devices").get(0);
        assertTrue(pi.at("/max_context/latent").asLong() > 5 * pi.at("/max_context/expanded").asLong(), pi.toString());
    }

    @Test
    void measuredFixtureCacheMatchesAndChartsAreWritten() throws Exception {
        Path out = dir.resolve("kv-out");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("kv", "--model", hf(), "--context", "33", "--measure",
                "--threads", "1", "--out", out.toString(), "--format", "png,csv", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("measured").size());
        for (JsonNode m : j.get("measured")) {
            assertTrue(m.get("match").asBoolean(), m.toString());
            assertEquals("float32", m.get("dtype").asText());
        }
        // fixture: 2 layers; latent 80 floats, expanded 320 floats per token and layer
        assertEquals(2L * 80 * 4 * 33, j.at("/measured/0/measured_bytes").asLong());
        assertEquals(2L * 320 * 4 * 33, j.at("/measured/1/measured_bytes").asLong());
        assertEquals(4, j.get("files").size());
        for (JsonNode f : j.get("files")) {
            assertTrue(Files.size(Path.of(f.asText())) > 0, f.asText());
        }
        // the files exist now: a second run without --overwrite refuses to touch them
        WorkbenchCliTest.Run again = WorkbenchCliTest.run("kv", "--model", hf(), "--out", out.toString(),
                "--format", "csv");
        assertTrue(again.code() != 0, again.out());
    }

    @Test
    void badInputExitsWithTwo() {
        assertEquals(2, WorkbenchCliTest.run("kv", "--preset", "plm-1.8b", "--measure").code());
        assertEquals(2, WorkbenchCliTest.run("kv", "--preset", "plm-1.8b", "--device", "Pi").code());
        assertEquals(2, WorkbenchCliTest.run("kv", "--preset", "plm-1.8b", "--cache-dtype", "int3").code());
        assertEquals(2, WorkbenchCliTest.run("kv", "--preset", "nope").code());
        assertEquals(2, WorkbenchCliTest.run("kv", "--model", dir.resolve("none").toString(), "--measure").code());
    }
}
