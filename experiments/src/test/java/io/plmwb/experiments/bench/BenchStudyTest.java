package io.plmwb.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.models.ModelLoadStudy;
import io.plmwb.experiments.study.NoSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The bench study on the shared 2-layer PLM fixture, machine probes skipped. */
class BenchStudyTest {

    static Path fixture() {
        return LogitsStudyTest.fixture().resolve("hf");
    }

    private static BenchStudy.Settings settings(List<CacheMode> modes, int context) {
        int limit = BenchStudy.Settings.contextLimit(8, context, 3);
        return new BenchStudy.Settings(new ModelLoadStudy.Settings(fixture(), null, 1, limit, null, false, true), 8,
                3, modes, context, 1, 64, 64, true, 0);
    }

    @Test
    void expandedModeWithContextAndTheTextFromTheJson() throws Exception {
        List<String> messages = new ArrayList<>();
        TaskContext ctx = new TaskContext() {
            @Override
            public void progress(double done, double total) {
            }

            @Override
            public void message(String message) {
                messages.add(message);
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        BenchReport r = new BenchStudy().run(settings(List.of(CacheMode.EXPANDED), 20), ctx);
        com.fasterxml.jackson.databind.node.ObjectNode j = r.toJson();
        assertEquals(1, j.get("modes").size());
        JsonNode m = j.get("modes").get(0);
        assertEquals("expanded", m.get("mode").asText());
        // fixture: 2 layers, expanded 4 heads × (48 + 32) = 320 floats per token per layer, fp32
        assertEquals((8 + 3) * 320 * 4 * 2, m.get("cache_bytes").asLong());
        assertEquals((20 + 3) * 320 * 4 * 2, m.get("cache_bytes_at_context").asLong());
        assertEquals(3, m.at("/decode/steps").asInt());
        assertFalse(j.at("/machine/read_bandwidth").isObject(), "machine probes skipped");
        assertFalse(m.at("/decode/fraction_of_limit").isNumber(), "no limit without the bandwidth probe");
        assertTrue(messages.contains("expanded: decode at context 20"), messages.toString());
        String line = String.format(Locale.ROOT, "expanded prefill 8 tok: %.1f tok/s",
                m.at("/prefill/tokens_per_second").asDouble());
        assertTrue(r.text().contains(line), r.text());
        assertTrue(r.text().contains(String.format(Locale.ROOT, "at context 20: decode %.2f tok/s",
                m.at("/decode_at_context/tokens_per_second").asDouble())), r.text());
        assertTrue(r.charts(NoSelection.ALL).isEmpty());
        j.put("model", "changed");
        assertEquals(fixture().normalize().toString(), r.toJson().get("model").asText(), "a fresh object each call");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BenchStudy.Settings(
                new ModelLoadStudy.Settings(fixture(), null, 1, 0, null, false, true), 0, 3, List.of(), 0, 1, 64, 64,
                true, 0));
        assertThrows(IllegalArgumentException.class, () -> new BenchStudy.Settings(
                new ModelLoadStudy.Settings(fixture(), null, 0, 0, null, false, true), 8, 3, List.of(), 0, 1, 64, 64,
                true, 0), "bench needs a fixed thread count");
    }
}
