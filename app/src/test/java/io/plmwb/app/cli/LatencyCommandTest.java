package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.latency.OrtTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code workbench latency} on the bundled plm-nano. */
class LatencyCommandTest extends FixtureCommandTest {

    @Test
    void jsonHasPerLayerPartsTotalsChartsAndTrace() throws Exception {
        Path out = dir.resolve("lat");
        Path trace = dir.resolve("saved/trace.json");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("latency", "--model", SparsityCommandTest.model("plm-nano"),
                "--prompt-tokens", "16", "--decode-tokens", "2", "--repeats", "3", "--threads", "1",
                "--contexts", "24", "--sweep-threads", "1", "--out", out.toString(), "--format", "csv,png",
                "--save-trace", trace.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode layers = j.get("layers");
        assertEquals(6, layers.size());
        for (int i = 0; i < 6; i++) {
            JsonNode l = layers.get(i);
            assertEquals(i, l.get("layer").asInt());
            for (String phase : List.of("prefill_ms", "decode_ms")) {
                JsonNode p = l.get(phase);
                double parts = p.get("attention").asDouble() + p.get("mlp").asDouble() + p.get("norms").asDouble()
                        + p.get("other").asDouble();
                assertTrue(p.get("attention").asDouble() > 0 && p.get("mlp").asDouble() > 0, phase + " " + i);
                assertTrue(p.get("total_min").asDouble() <= p.get("total").asDouble()
                        && p.get("total").asDouble() <= p.get("total_max").asDouble());
                assertTrue(parts > 0);
            }
        }
        for (String phase : List.of("prefill", "decode")) {
            JsonNode t = j.at("/totals/" + phase);
            assertTrue(t.get("attribution_error_max").asDouble() <= 0.10, t.toString());
            assertTrue(t.get("kernel_total_ms").asDouble() <= t.get("profiled_total_ms_max").asDouble());
            assertTrue(t.get("wall_clock_ms").asDouble() > 0 && t.has("profiler_overhead"));
            assertTrue(t.at("/outside_layers_ms/head").asDouble() > 0);
        }
        assertEquals(1, j.at("/decode_vs_context/latent").size());
        assertEquals(24, j.at("/decode_vs_context/expanded/0/context").asInt());
        assertEquals(1, j.get("thread_sweep").size());
        // the per-layer CSV holds the JSON's medians
        List<String> csv = Files.readAllLines(out.resolve("latency-prefill.csv"));
        assertTrue(csv.get(0).startsWith("layer,attention"), csv.get(0));
        String[] row3 = csv.get(4).split(",");
        assertEquals("L3", row3[0]);
        assertEquals(layers.get(3).at("/prefill_ms/attention").asDouble(), Double.parseDouble(row3[1]), 0.0006);
        for (String c : List.of("latency-prefill", "latency-decode", "latency-totals", "latency-vs-context",
                "latency-threads")) {
            assertTrue(Files.size(out.resolve(c + ".png")) > 1000, c);
        }
        // the saved trace is the raw ORT profile: 1 warm-up + 3 prefills, 1 fill, 1 + 3 × 2 decode steps
        assertEquals(12, OrtTrace.read(trace).runs().size());
        // existing trace without --overwrite: bad input
        assertEquals(2, WorkbenchCliTest.run("latency", "--model", SparsityCommandTest.model("plm-nano"), "--out",
                out.toString(), "--save-trace", trace.toString()).code());
    }

    @Test
    void badInputExitsTwo() {
        String m = SparsityCommandTest.model("plm-nano");
        String o = dir.resolve("x").toString();
        assertEquals(2, WorkbenchCliTest.run("latency", "--model", m, "--out", o, "--mode", "sideways").code());
        assertEquals(2, WorkbenchCliTest.run("latency", "--model", m, "--out", o, "--repeats", "0").code());
        assertEquals(2, WorkbenchCliTest.run("latency", "--model", m, "--out", o, "--contexts", "512,-1").code());
        assertEquals(2, WorkbenchCliTest.run("latency", "--model", dir.resolve("none").toString(), "--out", o).code());
        assertEquals(2, WorkbenchCliTest.run("latency", "--model", m, "--out", o, "--format", "bmp").code());
    }
}
