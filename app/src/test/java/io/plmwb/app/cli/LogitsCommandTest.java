package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code workbench logits} on the shared tiny-PLM fixture, against llama.cpp's F32 logits. */
class LogitsCommandTest extends FixtureCommandTest {

    private static final String IDS = "300,17,42,255,0,128,64,480,3,42,511,7";

    @Test
    void matchesLlamaCppAndReusesTheCachedGraph() throws Exception {
        Path hf = fixture().resolve("hf");
        Path ref = fixture().resolve("logits/llamacpp-F32.f32");
        Path out = dir.resolve("latent.f32");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("logits", "--model", hf.toString(), "--ids", IDS, "--out",
                out.toString(), "--reference", ref.toString(), "--tolerance", "1e-4", "--json", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("latent", j.at("/mode").asText());
        assertFalse(j.at("/graph_cache_hit").asBoolean());
        assertTrue(j.at("/comparison/max_abs_diff").asDouble() <= 1e-4, r.out());
        assertEquals(12, j.at("/comparison/argmax_agree").asInt());
        assertEquals(400, j.at("/argmax/0").asInt());
        assertEquals(12L * 512 * 4, Files.size(out));

        WorkbenchCliTest.Run again = WorkbenchCliTest.run("logits", "--model", hf.toString(), "--ids", IDS,
                "--mode", "expanded", "--incremental", "--out", dir.resolve("exp.f32").toString(), "--reference",
                ref.toString(), "--json", "--threads", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(new ObjectMapper().readTree(again.out()).at("/comparison/max_abs_diff").asDouble() <= 1e-4);

        WorkbenchCliTest.Run hit = WorkbenchCliTest.run("logits", "--model", hf.toString(), "--ids", "1,2",
                "--out", dir.resolve("short.f32").toString(), "--json", "--threads", "1");
        assertEquals(0, hit.code(), hit.err());
        assertTrue(new ObjectMapper().readTree(hit.out()).at("/graph_cache_hit").asBoolean(), hit.out());
    }

    @Test
    void badInputExitsWithTwo() {
        String hf = fixture().resolve("hf").toString();
        String out = dir.resolve("x.f32").toString();
        WorkbenchCliTest.Run badId = WorkbenchCliTest.run("logits", "--model", hf, "--ids", "1,512", "--out", out);
        assertEquals(2, badId.code());
        assertTrue(badId.err().contains("512"), badId.err());
        assertEquals(2, WorkbenchCliTest.run("logits", "--model", hf, "--ids", "1", "--mode", "sideways", "--out",
                out).code());
        assertEquals(2, WorkbenchCliTest.run("logits", "--model", dir.resolve("nope").toString(), "--ids", "1",
                "--out", out).code());
        assertEquals(2, WorkbenchCliTest.run("logits", "--ids", "1", "--out", out).code());
    }

    @Test
    void anExistingOutFileIsNeverOverwrittenWithoutTheFlag() throws Exception {
        String hf = fixture().resolve("hf").toString();
        Path out = Files.writeString(dir.resolve("mine.f32"), "user data");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("logits", "--model", hf, "--ids", "1,2", "--out",
                out.toString(), "--threads", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("mine.f32") && r.err().contains("already exists"), r.err());
        assertEquals("user data", Files.readString(out));

        WorkbenchCliTest.Run replaced = WorkbenchCliTest.run("logits", "--model", hf, "--ids", "1,2", "--out",
                out.toString(), "--overwrite", "--threads", "1");
        assertEquals(0, replaced.code(), replaced.err());
        assertEquals(2L * 512 * 4, Files.size(out));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".mine")).count(),
                    "no temporary file left beside the output");
        }
    }
}
