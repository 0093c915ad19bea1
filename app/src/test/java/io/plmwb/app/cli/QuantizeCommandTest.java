package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code workbench quantize} on the fixture: writes a GGUF that loads and runs, never overwrites, checks its input. */
class QuantizeCommandTest extends FixtureCommandTest {

    @Test
    void quantizesLoadsAndRefusesToOverwrite() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("quantize", "--model", hf(), "--bits", "8", "--out",
                dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        Path file = Path.of(j.at("/out").asText());
        assertEquals("hf-Q8_0.gguf", file.getFileName().toString());
        assertEquals(Files.size(file), j.at("/file_bytes").asLong());
        assertEquals(20, j.at("/tensors").size());
        assertTrue(j.at("/max_abs_error").asDouble() < 2e-3);
        long before = Files.getLastModifiedTime(file).toMillis();

        WorkbenchCliTest.Run again = WorkbenchCliTest.run("quantize", "--model", hf(), "--bits", "8", "--out",
                dir.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("refusing to overwrite"), again.err());
        assertEquals(before, Files.getLastModifiedTime(file).toMillis());

        WorkbenchCliTest.Run logits = WorkbenchCliTest.run("logits", "--model", file.toString(), "--ids",
                "300,17,42,255,0,128,64,480,3,42,511,7", "--weights", "q8", "--out", dir.resolve("l.f32").toString(),
                "--reference", fixture().resolve("logits/llamacpp-Q8_0.f32").toString(), "--json", "--threads", "1");
        assertEquals(0, logits.code(), logits.err());
        // the same Q8_0 bytes llama-quantize wrote, run with int8 activations: as close as llama.cpp's own Q8_0 run
        assertTrue(new ObjectMapper().readTree(logits.out()).at("/comparison/max_abs_diff").asDouble() < 0.05,
                logits.out());
    }

    @Test
    void badArguments() {
        assertEquals(2, WorkbenchCliTest.run("quantize", "--model", hf(), "--bits", "3", "--out",
                dir.toString()).code());
        WorkbenchCliTest.Run block = WorkbenchCliTest.run("quantize", "--model", hf(), "--bits", "4", "--block", "64",
                "--out", dir.toString());
        assertEquals(2, block.code());
        assertTrue(block.err().contains("32"), block.err());
        assertEquals(2, WorkbenchCliTest.run("quantize", "--model", dir.resolve("none").toString(), "--bits", "4",
                "--out", dir.toString()).code());
    }
}
