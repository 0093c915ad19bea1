package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.checkpoint.GgufConverter;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.testutil.Fixture;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workbench quantize}'s engine half: HF folder → Q8_0/Q4_0 GGUF, read back through the GGUF path. */
class GgufConverterTest {

    @TempDir
    Path tmp;

    private static byte[] bytes(GgufFile g, String n) throws Exception {
        ByteBuffer b = g.bytes(n);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void q8RoundTripsAndMatchesLlamaQuantize() throws Exception {
        Path out = tmp.resolve("tiny-q8.gguf");
        GgufConverter.Report r = GgufConverter.quantize(Fixture.hf(), 8, out, TaskContext.none());
        assertEquals(20, r.tensors().size());
        assertTrue(r.fileBytes() < r.sourceBytes() / 3, r.fileBytes() + " vs " + r.sourceBytes());
        ModelConfig hf = ConfigLoader.load(Fixture.hf());
        try (GgufCheckpoint mine = GgufCheckpoint.open(out);
             GgufFile theirs = GgufFile.open(GgufFixtureTest.gguf("Q8_0"))) {
            ModelConfig c = mine.config();
            assertEquals(hf.withSynthetic(false).numLayers(), c.numLayers());
            assertEquals(hf.kvLoraRank(), c.kvLoraRank());
            assertEquals(hf.qkNopeHeadDim(), c.qkNopeHeadDim());
            assertEquals(hf.rmsNormEps(), c.rmsNormEps(), 1e-12);
            // every tensor's bytes equal what llama-quantize wrote for its Q8_0 file
            for (GgufTensor t : theirs.tensors().values()) {
                GgufTensor m = mine.file().tensor(t.name()).orElseThrow();
                assertEquals(t.type(), m.type(), t.name());
                assertArrayEquals(t.ne(), m.ne(), t.name());
                assertArrayEquals(bytes(theirs, t.name()), bytes(mine.file(), t.name()), t.name());
            }
            try (PlmTokenizer a = GgufTokenizer.load(mine.file()); PlmTokenizer b = PlmTokenizer.load(Fixture.hf())) {
                String text = "<|im_start|>user\nThe latent KV cache, 2048 × 512<|im_end|>";
                assertArrayEquals(b.encode(text), a.encode(text));
                assertEquals(b.eosId(), a.eosId());
            }
        }
        double maxErr = r.tensors().stream().mapToDouble(GgufConverter.TensorReport::maxAbsError).max().orElseThrow();
        assertTrue(maxErr > 0 && maxErr < 2e-3, "README: Q8_0 max error 1.5e-3, got " + maxErr);
        assertThrows(IllegalArgumentException.class, () -> GgufConverter.quantize(Fixture.hf(), 8, out,
                TaskContext.none()), "never overwrites");
    }

    @Test
    void q4MatricesMatchLlamaQuantizeQ4_0() throws Exception {
        Path out = tmp.resolve("tiny-q4.gguf");
        GgufConverter.quantize(Fixture.hf(), 4, out, TaskContext.none());
        try (GgufFile mine = GgufFile.open(out); GgufFile theirs = GgufFile.open(GgufFixtureTest.gguf("Q4_0"))) {
            int same = 0;
            for (GgufTensor t : theirs.tensors().values()) {
                if (t.type() == GgmlType.Q4_0 || t.type() == GgmlType.F32) {
                    assertArrayEquals(bytes(theirs, t.name()), bytes(mine, t.name()), t.name());
                    same++;
                }
            }
            assertEquals(19, same); // all but token_embd, which llama-quantize keeps at Q6_K
            assertEquals(GgmlType.Q4_0, mine.tensor("token_embd.weight").orElseThrow().type());
            assertEquals(2L, mine.integer("general.file_type").orElseThrow());
        }
        assertTrue(Files.size(out) < 700_000);
    }
}
