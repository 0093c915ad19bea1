package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.family.llama.LlamaFamily;
import io.plmwb.engine.format.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterAndQuantizerTest {

    @TempDir
    Path tmp;

    /** Our Q8_0 / Q4_0 quantizers reproduce llama-quantize's blocks byte for byte (no imatrix: the ref rules). */
    @Test
    void quantizersMatchLlamaQuantizeBytes() throws Exception {
        int compared = 0;
        try (GgufFile f32 = GgufFile.open(GgufFixtureTest.gguf("F32"))) {
            for (String type : new String[] {"Q8_0", "Q4_0"}) {
                try (GgufFile q = GgufFile.open(GgufFixtureTest.gguf(type))) {
                    for (GgufTensor t : q.tensors().values()) {
                        if (t.type() != GgmlType.Q8_0 && t.type() != GgmlType.Q4_0) {
                            continue;
                        }
                        float[] w = f32.dequantize(t.name());
                        byte[] mine = t.type() == GgmlType.Q8_0 ? Quantizer.q8_0(w) : Quantizer.q4_0(w);
                        ByteBuffer theirs = q.bytes(t.name());
                        byte[] tb = new byte[theirs.remaining()];
                        theirs.get(tb);
                        assertArrayEquals(tb, mine, type + " " + t.name());
                        compared++;
                    }
                }
            }
        }
        assertEquals(13 + 12, compared); // Q8_0: every matrix; Q4_0: all but the Q6_K embedding
    }

    /** Q4_0 / Q8_0 blocks re-laid for MatMulNBits hold exactly the values ggml dequantizes. */
    @Test
    void nbitsLayoutIsLossless() throws Exception {
        for (String type : new String[] {"Q8_0", "Q4_0"}) {
            try (GgufFile q = GgufFile.open(GgufFixtureTest.gguf(type))) {
                GgufTensor t = q.tensor("blk.0.ffn_up.weight").orElseThrow();
                int n = (int) t.ne()[1];
                int k = (int) t.ne()[0];
                Quantizer.NBits nb = Quantizer.toNBits(t.type(), q.bytes(t.name()), n, k);
                assertEquals(type.equals("Q8_0") ? 8 : 4, nb.bits());
                assertEquals(n * k / 32, nb.scales().length);
                assertEquals(n * k * nb.bits() / 8, nb.blob().length);
                assertArrayEquals(q.dequantize(t.name()), nb.dequantize(), type);
            }
        }
    }

    @Test
    void q4Block() {
        // one block: values −8d..7d land on exact codes; the largest magnitude (−8·0.25 = −2) sets d = 0.25
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = ((j % 16) - 8) * 0.25f;
        }
        byte[] b = Quantizer.q4_0(x);
        assertEquals(18, b.length);
        assertEquals(0.25f, HalfFloat.halfToFloat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(0)));
        float[] back = Dequantizer.dequantize(GgmlType.Q4_0, ByteBuffer.wrap(b), 32);
        assertArrayEquals(x, back);
        assertEquals(0x00, b[2] & 0xFF); // x[0] = −2 → code 0, x[16] = −2 → code 0
        assertEquals(0x11, b[3] & 0xFF);
    }

    @Test
    void writerRoundTripsEveryValueTypeAndTensor() throws Exception {
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        meta.put("general.architecture", GgufValue.string("plm"));
        meta.put("u8", GgufValue.of(GgufValueType.UINT8, 200L));
        meta.put("i8", GgufValue.of(GgufValueType.INT8, -5L));
        meta.put("u16", GgufValue.of(GgufValueType.UINT16, 65000L));
        meta.put("i16", GgufValue.of(GgufValueType.INT16, -300L));
        meta.put("u32", GgufValue.u32(4_000_000_000L));
        meta.put("i32", GgufValue.of(GgufValueType.INT32, -7L));
        meta.put("f32", GgufValue.f32(0.1));
        meta.put("bool", GgufValue.bool(true));
        meta.put("u64", GgufValue.of(GgufValueType.UINT64, 1L << 40));
        meta.put("i64", GgufValue.of(GgufValueType.INT64, -(1L << 40)));
        meta.put("f64", GgufValue.of(GgufValueType.FLOAT64, Math.PI));
        meta.put("strs", GgufValue.array(GgufValueType.STRING, List.of("a", "Ġb", "")));
        meta.put("ints", GgufValue.array(GgufValueType.INT32, List.of(1L, -2L, 3L)));
        float[] w = new float[64 * 2];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        ByteBuffer f32 = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        f32.asFloatBuffer().put(w);
        Path file = tmp.resolve("t.gguf");
        GgufWriter.write(file, meta, List.of(
                new GgufWriter.Entry("a.weight", GgmlType.F32, new long[] {64, 2}, f32::array),
                new GgufWriter.Entry("b.weight", GgmlType.Q8_0, new long[] {64, 2}, () -> Quantizer.q8_0(w)),
                new GgufWriter.Entry("c.weight", GgmlType.Q4_0, new long[] {64, 2}, () -> Quantizer.q4_0(w))));
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(3, g.version());
            assertEquals(200L, g.integer("u8").orElseThrow());
            assertEquals(-5L, g.integer("i8").orElseThrow());
            assertEquals(65000L, g.integer("u16").orElseThrow());
            assertEquals(-300L, g.integer("i16").orElseThrow());
            assertEquals(4_000_000_000L, g.integer("u32").orElseThrow());
            assertEquals(-7L, g.integer("i32").orElseThrow());
            assertEquals((double) 0.1f, g.number("f32").orElseThrow());
            assertEquals(true, g.bool("bool").orElseThrow());
            assertEquals(1L << 40, g.integer("u64").orElseThrow());
            assertEquals(-(1L << 40), g.integer("i64").orElseThrow());
            assertEquals(Math.PI, g.number("f64").orElseThrow());
            assertEquals(List.of("a", "Ġb", ""), g.array("strs", GgufValueType.STRING).orElseThrow());
            assertEquals(List.of(1L, -2L, 3L), g.array("ints", GgufValueType.INT32).orElseThrow());
            assertArrayEquals(w, g.dequantize("a.weight"));
            for (GgufTensor t : g.tensors().values()) {
                assertEquals(0, t.offset() % 32);
                assertEquals(0, (g.dataStart() + t.offset()) % 32);
            }
            float[] q8 = g.dequantize("b.weight");
            float[] q4 = g.dequantize("c.weight");
            double e8 = 0;
            double e4 = 0;
            for (int i = 0; i < w.length; i++) {
                e8 = Math.max(e8, Math.abs(q8[i] - w[i]));
                e4 = Math.max(e4, Math.abs(q4[i] - w[i]));
            }
            assertTrue(e8 < 0.02 && e4 < 0.5 && e4 > e8, e8 + " " + e4);
        }
    }

    @Test
    void llamaPermutationRoundTrips() {
        float[] w = new float[4 * 8 * 3]; // 4 heads × 8 rows, 3 columns
        for (int i = 0; i < w.length; i++) {
            w[i] = i;
        }
        float[] p = LlamaFamily.permute(w, 4, 3);
        // head 0: GGUF rows [0,4,1,5,2,6,3,7] of HF
        assertEquals(4 * 3, p[1 * 3], 0);
        assertEquals(1 * 3, p[2 * 3], 0);
        assertArrayEquals(w, LlamaFamily.unpermute(p, 4, 3));
    }
}
