package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code logits}, {@code info} and {@code generate} take a .gguf file where they take a checkpoint folder. */
class GgufCommandsTest extends FixtureCommandTest {

    private static final String IDS = "300,17,42,255,0,128,64,480,3,42,511,7";

    @Test
    void logitsOfTheGgufFilesMatchTheReferences() throws Exception {
        for (String[] c : new String[][] {{"F32", "llamacpp-F32", "latent"}, {"Q4_K_M", "numpy-Q4_K_M-dequant",
                "expanded"}}) {
            Path gguf = fixture().resolve("gguf/plm-tiny-" + c[0] + ".gguf");
            WorkbenchCliTest.Run r = WorkbenchCliTest.run("logits", "--model", gguf.toString(), "--ids", IDS,
                    "--mode", c[2], "--out", dir.resolve(c[0] + ".f32").toString(), "--reference",
                    fixture().resolve("logits/" + c[1] + ".f32").toString(), "--tolerance", "1e-4", "--json",
                    "--threads", "1");
            assertEquals(0, r.code(), r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertTrue(j.at("/comparison/max_abs_diff").asDouble() <= 1e-4, r.out());
        }
    }

    @Test
    void infoAndGenerateOnGguf() throws Exception {
        Path gguf = fixture().resolve("gguf/plm-tiny-Q8_0.gguf");
        WorkbenchCliTest.Run info = WorkbenchCliTest.run("info", gguf.toString(), "--json");
        assertEquals(0, info.code(), info.err());
        JsonNode j = new ObjectMapper().readTree(info.out());
        assertEquals(894336, j.at("/params/total").asLong(), info.out());
        assertEquals("q8", j.at("/gguf/native_weights").asText());
        assertEquals(13, j.at("/gguf/tensor_types/Q8_0/count").asInt());
        assertEquals(7, j.at("/gguf/tensor_types/F32/count").asInt());
        assertEquals(967296, j.at("/gguf/file_bytes").asLong());
        WorkbenchCliTest.Run gen = WorkbenchCliTest.run("generate", "--model", gguf.toString(), "--prompt", "The",
                "--max-tokens", "3", "--threads", "1", "--json");
        assertEquals(0, gen.code(), gen.err());
        assertEquals(3, new ObjectMapper().readTree(gen.out()).at("/generated_tokens").asInt(), gen.out());
    }

    @Test
    void corruptGgufIsBadInput() throws Exception {
        Path bad = dir.resolve("bad.gguf");
        byte[] b = Files.readAllBytes(fixture().resolve("gguf/plm-tiny-Q4_0.gguf"));
        Files.write(bad, java.util.Arrays.copyOf(b, 5000));
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("logits", "--model", bad.toString(), "--ids", "1", "--out",
                dir.resolve("x.f32").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad.gguf") && r.err().contains("truncated"), r.err());
        WorkbenchCliTest.Run g = WorkbenchCliTest.run("generate", "--model", bad.toString(), "--prompt", "x");
        assertEquals(2, g.code(), g.err());
    }

    @Test
    void aNanBlockScaleOnTheQuantizedPathIsAnErrorNotGarbage() throws Exception {
        Path copy = dir.resolve("nan-scale-Q8_0.gguf");
        Files.copy(fixture().resolve("gguf/plm-tiny-Q8_0.gguf"), copy);
        long at;
        try (io.plmwb.engine.format.gguf.GgufFile g = io.plmwb.engine.format.gguf.GgufFile.open(copy)) {
            io.plmwb.engine.format.gguf.GgufTensor t = g.tensor("blk.0.ffn_down.weight").orElseThrow();
            assertEquals("Q8_0", t.type().name());
            at = g.dataStart() + t.offset(); // first block: f16 scale, then 32 int8
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(copy,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x00, 0x7E}), at); // f16 NaN, little-endian
        }
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("generate", "--model", copy.toString(), "--prompt", "hello",
                "--max-tokens", "2", "--threads", "1");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("NaN logits at position"), r.err());
    }
}
