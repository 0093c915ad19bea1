package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.format.InMemoryWeights;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.MemoryGuard;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression tests for the hostile GGUF metadata and layer counts of issue #19. */
class HostileGgufTest {

    @TempDir
    Path dir;

    private static Map<String, GgufValue> llama(long embedding, GgufValueType embeddingType) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string("llama"));
        m.put("llama.embedding_length", GgufValue.of(embeddingType, embedding));
        m.put("llama.feed_forward_length", GgufValue.u32(8));
        m.put("llama.block_count", GgufValue.u32(1));
        m.put("llama.attention.head_count", GgufValue.u32(2));
        m.put("llama.attention.layer_norm_rms_epsilon", GgufValue.f32(1e-5));
        m.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        m.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, List.of("a", "b", "ab", "<s>")));
        m.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, List.of("a b")));
        return m;
    }

    private Path write(Map<String, GgufValue> meta) throws Exception {
        Path f = dir.resolve("model.gguf");
        byte[] zeros = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).array();
        GgufWriter.write(f, meta, List.of(new GgufWriter.Entry("token_embd.weight", GgmlType.F32,
                new long[] {4, 4}, () -> zeros)));
        return f;
    }

    @Test
    void integerMetadataIsNeverTruncatedTo32Bits() throws Exception {
        Path f = write(llama((1L << 32) + 256, GgufValueType.UINT64));
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals((1L << 32) + 256, g.integer("llama.embedding_length").orElseThrow());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufCheckpoint.config(g));
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("llama.embedding_length = 4294967552 is not a count between 1 and "
                    + "2147483647"), e.getMessage());
        }
    }

    @Test
    void aUint64AboveTwoTo63IsRefusedNotReadNegative() throws Exception {
        Path f = write(llama(-1L, GgufValueType.UINT64));
        try (GgufFile g = GgufFile.open(f)) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> g.integer("llama.embedding_length"));
            assertTrue(e.getMessage().contains("= 18446744073709551615 does not fit a signed 64-bit integer"),
                    e.getMessage());
        }
    }

    @Test
    void tokenTypesStoredAsStringsAreAFormatError() throws Exception {
        Map<String, GgufValue> m = llama(4, GgufValueType.UINT32);
        m.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.STRING, List.of("1", "1", "1", "3")));
        Path f = write(m);
        try (GgufFile g = GgufFile.open(f)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufTokenizer.build(g));
            assertTrue(e.getMessage().startsWith(f + ": tokenizer.ggml.token_type must be an array of integers"),
                    e.getMessage());
        }
    }

    @Test
    void twoTo24LayersAreRefusedBeforeWorkProportionalToThem() throws Exception {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model_type", "llama");
        o.put("vocab_size", 16);
        o.put("hidden_size", 8);
        o.put("intermediate_size", 16);
        o.put("num_hidden_layers", 1 << 24);
        o.put("num_attention_heads", 2);
        o.put("rms_norm_eps", 1e-5);
        o.put("tie_word_embeddings", true);
        ModelConfig c = ConfigLoader.parse(dir.resolve("config.json"), o);
        InMemoryWeights w = new InMemoryWeights(dir.resolve("model.safetensors"));
        w.put("model.embed_tokens.weight", new float[16 * 8], 16, 8);
        w.put("model.norm.weight", new float[8], 8);
        var bean = ManagementFactory.getThreadMXBean();
        long cpu0 = bean.getCurrentThreadCpuTime();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointLayout.validate(w, c));
        assertTrue(e.getMessage().contains("the config declares 16777216 layers but the weights hold only 2 tensors "
                + "(each layer needs at least 9)"), e.getMessage());
        MemoryGuard.Estimate est = MemoryGuard.estimate(c, CacheMode.EXPANDED, 256, true);
        long ms = (bean.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        assertTrue(est.weightBytes() > (1L << 24) * 4 * 8 * 8, "weights of 2^24 layers: " + est.weightBytes());
        assertTrue(ms < 2_000, ms + " ms CPU");
    }
}
