package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.format.HalfFloat;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.SafetensorsFile;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.testutil.Fixture;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The GGUF reader, dequantizers and tokenizer rebuild against the shared fixture (llama.cpp / gguf-py outputs). */
class GgufFixtureTest {

    static Path gguf(String type) {
        return Fixture.shared().resolve("fixtures/gguf/gguf/plm-tiny-" + type + ".gguf");
    }

    static Path dequant(String type) {
        return Fixture.shared().resolve("fixtures/gguf/dequant/plm-tiny-" + type + ".dequant.safetensors");
    }

    @Test
    void headerMetadataAndTensorsOfTheF32File() throws Exception {
        try (GgufFile g = GgufFile.open(gguf("F32"))) {
            assertEquals(3, g.version());
            assertEquals(32, g.alignment());
            assertEquals("plm", g.string("general.architecture").orElseThrow());
            assertEquals(2L, g.integer("plm.block_count").orElseThrow());
            assertEquals(48L, g.integer("plm.attention.key_length").orElseThrow());
            assertEquals(100000.0, g.number("plm.rope.freq_base").orElseThrow());
            assertEquals(1e-6, g.number("plm.attention.layer_norm_rms_epsilon").orElseThrow(), 1e-12);
            assertEquals(512, g.array("tokenizer.ggml.tokens", GgufValueType.STRING).orElseThrow().size());
            assertEquals(253, g.array("tokenizer.ggml.merges", GgufValueType.STRING).orElseThrow().size());
            List<?> types = g.array("tokenizer.ggml.token_type", null).orElseThrow();
            assertEquals(509, types.stream().filter(t -> ((Number) t).intValue() == 1).count());
            assertEquals(3, types.stream().filter(t -> ((Number) t).intValue() == 3).count());
            assertEquals(509L, g.integer("tokenizer.ggml.bos_token_id").orElseThrow());
            assertEquals(511L, g.integer("tokenizer.ggml.eos_token_id").orElseThrow());
            assertFalse(g.bool("tokenizer.ggml.add_bos_token").orElseThrow());
            assertEquals(20, g.tensors().size());
            GgufTensor q = g.tensor("blk.0.attn_q.weight").orElseThrow();
            assertArrayEquals(new long[] {256, 192}, q.ne());
            assertArrayEquals(new long[] {192, 256}, q.shape());
            assertEquals(GgmlType.F32, q.type());
            assertTrue(g.tensor("output.weight").isEmpty());
        }
    }

    @Test
    void configFromMetadataEqualsTheHfConfig() throws Exception {
        ModelConfig hf = ConfigLoader.load(Fixture.hf());
        try (GgufCheckpoint c = GgufCheckpoint.open(gguf("Q4_K_M"))) {
            ModelConfig g = c.config();
            assertEquals(hf.family(), g.family());
            assertEquals(hf.vocabSize(), g.vocabSize());
            assertEquals(hf.hiddenSize(), g.hiddenSize());
            assertEquals(hf.intermediateSize(), g.intermediateSize());
            assertEquals(hf.numLayers(), g.numLayers());
            assertEquals(hf.numHeads(), g.numHeads());
            assertEquals(hf.kvLoraRank(), g.kvLoraRank());
            assertEquals(hf.qkNopeHeadDim(), g.qkNopeHeadDim());
            assertEquals(hf.qkRopeHeadDim(), g.qkRopeHeadDim());
            assertEquals(hf.vHeadDim(), g.vHeadDim());
            assertEquals(hf.qLoraRank(), g.qLoraRank());
            assertEquals(hf.hiddenAct(), g.hiddenAct());
            assertEquals(hf.maxPositionEmbeddings(), g.maxPositionEmbeddings());
            assertEquals(hf.ropeTheta(), g.ropeTheta());
            assertEquals(hf.ropeInterleave(), g.ropeInterleave());
            assertEquals(hf.rmsNormEps(), g.rmsNormEps(), 1e-12);
            assertEquals(hf.tieWordEmbeddings(), g.tieWordEmbeddings());
            assertEquals(hf.bosTokenId(), g.bosTokenId());
            assertEquals(hf.eosTokenId(), g.eosTokenId());
            assertEquals(Set.copyOf(io.plmwb.engine.checkpoint.CheckpointLayout.of(hf).names()), Set.copyOf(c.names()));
            assertEquals(GgmlType.Q5_0, c.ggmlType("model.layers.0.self_attn.kv_b_proj.weight").orElseThrow());
            assertEquals(GgmlType.Q6_K, c.ggmlType("model.layers.1.mlp.down_proj.weight").orElseThrow());
        }
    }

    @Test
    void f32TensorsAreTheHfWeightsUnderTheHfNames() throws Exception {
        try (GgufCheckpoint c = GgufCheckpoint.open(gguf("F32"));
             SafetensorsCheckpoint hf = SafetensorsCheckpoint.open(Fixture.hf())) {
            for (String n : hf.names()) {
                assertArrayEquals(hf.readFloats(n), c.readFloats(n), n);
                assertArrayEquals(hf.info(n).orElseThrow().shape(), c.info(n).orElseThrow().shape(), n);
            }
        }
    }

    @Test
    void f16IsRoundToNearestEvenOfTheF32Weights() throws Exception {
        try (GgufFile f16 = GgufFile.open(gguf("F16")); GgufFile f32 = GgufFile.open(gguf("F32"))) {
            int checked = 0;
            for (GgufTensor t : f16.tensors().values()) {
                float[] a = f32.dequantize(t.name());
                float[] b = f16.dequantize(t.name());
                for (int i = 0; i < a.length; i++) {
                    float want = t.type() == GgmlType.F16 ? HalfFloat.halfToFloat(HalfFloat.floatToHalf(a[i])) : a[i];
                    if (Float.floatToIntBits(want) != Float.floatToIntBits(b[i])) {
                        throw new AssertionError(t.name() + "[" + i + "]: " + b[i] + " vs " + want);
                    }
                }
                checked += t.type() == GgmlType.F16 ? 1 : 0;
            }
            assertEquals(13, checked); // 20 tensors less 7 norm vectors, which stay F32
        }
    }

    /** Bit-exact against gguf-py (itself bit-identical to ggml's C dequantizer) for every tensor and type. */
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K_M"})
    void dequantizationIsBitExact(String type) throws Exception {
        EnumSet<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        try (GgufFile g = GgufFile.open(gguf(type)); SafetensorsFile ref = SafetensorsFile.open(dequant(type))) {
            assertEquals(20, ref.names().size());
            for (String n : ref.names()) {
                GgufTensor t = g.tensor(n).orElseThrow();
                assertArrayEquals(t.shape(), ref.info(n).orElseThrow().shape(), n);
                float[] want = ref.readFloats(n);
                float[] got = g.dequantize(n);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                        throw new AssertionError(type + " " + n + " (" + t.type() + ") [" + i + "]: " + got[i]
                                + " vs gguf-py " + want[i]);
                    }
                }
                seen.add(t.type());
            }
        }
        switch (type) {
            case "Q8_0" -> assertEquals(EnumSet.of(GgmlType.Q8_0, GgmlType.F32), seen);
            case "Q4_0" -> assertEquals(EnumSet.of(GgmlType.Q4_0, GgmlType.Q6_K, GgmlType.F32), seen);
            default -> assertEquals(EnumSet.of(GgmlType.Q4_K, GgmlType.Q5_0, GgmlType.Q6_K, GgmlType.Q8_0,
                    GgmlType.F32), seen);
        }
    }

    /** Q6_K file: no dequantized reference ships; its weights stay within the README's max error of the F32 ones. */
    @Test
    void q6kIsWithinTheReadmeErrorOfTheOriginal() throws Exception {
        try (GgufFile q = GgufFile.open(gguf("Q6_K")); GgufFile f = GgufFile.open(gguf("F32"))) {
            double max = 0;
            for (GgufTensor t : q.tensors().values()) {
                float[] a = f.dequantize(t.name());
                float[] b = q.dequantize(t.name());
                for (int i = 0; i < a.length; i++) {
                    max = Math.max(max, Math.abs(a[i] - b[i]));
                }
            }
            assertTrue(max < 5.5e-3 && max > 1e-3, "Q6_K max error " + max + " (README: 5.4e-3)");
        }
    }

    @Test
    void tokenizerRebuiltFromMetadataEncodesLikeTheHfTokenizer() throws Exception {
        try (GgufFile g = GgufFile.open(gguf("Q8_0"));
             PlmTokenizer fromGguf = GgufTokenizer.load(g);
             PlmTokenizer hf = PlmTokenizer.load(Fixture.hf())) {
            assertEquals(hf.vocabSize(), fromGguf.vocabSize());
            for (int id = 0; id < hf.vocabSize(); id++) {
                assertEquals(hf.token(id), fromGguf.token(id), "token " + id);
            }
            assertEquals(hf.specialIds(), fromGguf.specialIds());
            assertEquals(hf.eosId(), fromGguf.eosId());
            assertEquals(hf.addsBos(), fromGguf.addsBos());
            for (String text : List.of("PLM-1.8B: architecture facts", "The latent KV cache (MLA's point)\n\n  x = 42",
                    "<|im_start|>user\nHello, wörld!<|im_end|>\n", "numbers 151643 and é (NFC: e\u0301)", "")) {
                assertArrayEquals(hf.encode(text), fromGguf.encode(text), text);
                assertEquals(text.isEmpty() ? "" : hf.decode(hf.encode(text), false),
                        fromGguf.decode(fromGguf.encode(text), false));
            }
            assertTrue(fromGguf.encode("The latent KV cache").length < "The latent KV cache".length(),
                    "merges applied");
        }
    }
}
