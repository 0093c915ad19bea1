package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code workbench variants} on the fixture GGUF: three variants, fp32 as the reference, charts exported. */
class VariantsCommandTest extends FixtureCommandTest {

    @Test
    void comparesAndExportsBothCharts() throws Exception {
        Path gguf = fixture().resolve("gguf/plm-tiny-Q4_0.gguf");
        Path text = Path.of("..", "datasets", "heldout", "kjv-jonah.txt");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("variants", "--model", gguf.toString(), "--text",
                text.toString(), "--tokens", "32", "--prefill", "8", "--decode", "4", "--threads", "1",
                "--chart-out", dir.resolve("charts").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(32, j.at("/eval_tokens").asInt());
        JsonNode v = j.get("variants");
        assertEquals(3, v.size());
        assertEquals("f32", v.get(0).get("weights").asText());
        assertEquals(0.0, v.get(0).get("mean_kl").asDouble());
        assertEquals(1.0, v.get(0).get("top1_agreement").asDouble());
        for (JsonNode x : v) {
            assertEquals(Files.size(gguf), x.get("file_bytes").asLong()); // one file, three ways of running it
            assertTrue(x.get("perplexity").asDouble() > 1 && x.get("decode_tokens_per_second").asDouble() > 0);
        }
        assertTrue(v.get(1).get("graph_weight_bytes").asLong() < v.get(0).get("graph_weight_bytes").asLong() / 2);
        assertEquals(8, j.get("chart_files").size()); // 2 charts × PNG, SVG, PDF, CSV
        for (JsonNode f : j.get("chart_files")) {
            assertTrue(Files.size(Path.of(f.asText())) > 0, f.asText());
        }
        assertEquals(2, WorkbenchCliTest.run("variants", "--model", gguf.toString(), "--bits", "3").code());
        assertEquals(2, WorkbenchCliTest.run("variants", "--model", gguf.toString(), "--text",
                dir.resolve("none.txt").toString()).code());
    }
}
