package io.plmwb.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private static float[] interesting() {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[5000];
        float[] special = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE, 1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, 1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, 65519f,
            0x1p-24f, 0x1p-25f, 0x1.8p-24f, 3.14159265f, 1e-3f, 123456.7f};
        System.arraycopy(special, 0, v, 0, special.length);
        for (int i = special.length; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(r.nextInt()); // arbitrary bit patterns, NaN removed below
            if (!Float.isFinite(v[i])) {
                v[i] = (float) r.nextGaussian();
            }
        }
        return v;
    }

    @Test
    void f32RoundTripIsBitExact() throws Exception {
        float[] v = interesting();
        Path f = dir.resolve("f32.safetensors");
        SafetensorsWriter.writeAll(f, List.of(new TensorInfo("x", DType.F32, new long[] {50, 100})), List.of(v));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            float[] back = s.readFloats("x");
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "index " + i);
            }
        }
    }

    @Test
    void bf16AndF16RoundTripAsRoundToNearestEven() throws Exception {
        float[] v = interesting();
        for (int i = 0; i < v.length; i++) {
            if (Math.abs(v[i]) >= 65520f) {
                v[i] = 1.5f; // keep the f16 copy finite so the reader's Inf check does not fire
            }
        }
        Path f = dir.resolve("half.safetensors");
        SafetensorsWriter.writeAll(f, List.of(new TensorInfo("b", DType.BF16, new long[] {v.length}),
                new TensorInfo("h", DType.F16, new long[] {v.length})), List.of(v, v));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            float[] b = s.readFloats("b");
            float[] h = s.readFloats("h");
            assertEquals(1.0f, b[9]); // 1 + 2^-8: tie → even
            assertEquals(1.0f + 4 * 0x1p-8f, b[10]); // 1 + 3·2^-8: tie → even (up)
            assertEquals(1.0f, h[11]);
            assertEquals(1.0f + 4 * 0x1p-11f, h[12]);
            assertEquals(65504f, h[13]);
            assertEquals(0x1p-24f, h[14]);
            assertEquals(0f, h[15]);
            assertEquals(0x1p-23f, h[16]);
            assertEquals(3.140625f, h[17]);
            assertEquals(3.140625f, b[17]);
            for (int i = 0; i < v.length; i++) {
                // bf16: the nearest of the two truncation neighbours, ties to even mantissa
                int bits = Float.floatToRawIntBits(v[i]);
                float down = Float.intBitsToFloat(bits & 0xFFFF0000);
                float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
                double dd = Math.abs((double) v[i] - down);
                double du = Math.abs((double) up - v[i]);
                float want = dd < du ? down : du < dd ? up : (((bits >>> 16) & 1) == 0 ? down : up);
                if (Float.isFinite(want)) {
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(b[i]), "bf16 index " + i);
                }
                assertEquals(HalfFloat.halfToFloat(HalfFloat.floatToHalf(v[i])), h[i], "f16 index " + i);
                double halfUlp = Math.scalb(1.0, Math.max(Math.getExponent(v[i]), -14) - 10);
                assertTrue(Math.abs((double) h[i] - v[i]) <= halfUlp / 2, "f16 error at " + i);
            }
        }
    }

    @Test
    void headerIsPaddedAndCarriesFormatPt() throws Exception {
        Path f = dir.resolve("p.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(new TensorInfo("a", DType.BF16,
                new long[] {3})), Map.of("note", "hi"))) {
            assertEquals("a", w.nextName());
            w.write("a", new float[] {1, 2, 3});
        }
        byte[] all = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(8 + n + 6, all.length);
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        String trimmed = header.stripTrailing();
        assertTrue(trimmed.endsWith("}"));
        assertEquals(header.length() - trimmed.length(), header.chars().skip(trimmed.length())
                .filter(c -> c == ' ').count());
        JsonNode h = new ObjectMapper().readTree(header);
        assertEquals("pt", h.get("__metadata__").get("format").asText());
        assertEquals("hi", h.get("__metadata__").get("note").asText());
        assertEquals("[0,6]", h.get("a").get("data_offsets").toString());
    }

    @Test
    void sameInputGivesSameBytesWhateverTheMetadataMapOrder() throws Exception {
        Map<String, String> m1 = new java.util.LinkedHashMap<>();
        m1.put("zeta", "1");
        m1.put("alpha", "2");
        m1.put("mid", "3");
        Map<String, String> m2 = new java.util.LinkedHashMap<>();
        m2.put("mid", "3");
        m2.put("alpha", "2");
        m2.put("zeta", "1");
        List<TensorInfo> t = List.of(new TensorInfo("a", DType.F16, new long[] {2}));
        Path f1 = dir.resolve("m1.safetensors");
        Path f2 = dir.resolve("m2.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(f1, t, m1)) {
            w.write("a", new float[] {1, 2});
        }
        try (SafetensorsWriter w = SafetensorsWriter.create(f2, t, m2)) {
            w.write("a", new float[] {1, 2});
        }
        assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2));
    }

    @Test
    void streamingFillerIsAskedInOrderAndChunked() throws Exception {
        long numel = SafetensorsWriter.CHUNK_VALUES * 2L + 17;
        Path f = dir.resolve("s.safetensors");
        long[] calls = {0, -1};
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(new TensorInfo("big", DType.BF16,
                new long[] {numel})), Map.of())) {
            w.write("big", (buf, start, len) -> {
                assertEquals(calls[1] + 1, start == 0 ? 0 : calls[1] + 1 - 0 * start, "no gaps");
                for (int i = 0; i < len; i++) {
                    buf[i] = (float) ((start + i) % 256);
                }
                calls[0]++;
                calls[1] = start + len - 1;
            });
        }
        assertEquals(3, calls[0]);
        assertEquals(numel - 1, calls[1]);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            float[] tail = s.readFloats("big", numel - 3, 3);
            assertArrayEquals(new float[] {(numel - 3) % 256, (numel - 2) % 256, (numel - 1) % 256}, tail);
        }
    }

    @Test
    void refusesExistingFilesWrongOrderAndIncompleteWrites() throws Exception {
        Path f = Files.writeString(dir.resolve("exists.safetensors"), "user data");
        assertThrows(FileAlreadyExistsException.class, () -> SafetensorsWriter.create(f,
                List.of(new TensorInfo("a", DType.F32, new long[] {1})), Map.of()));
        assertEquals("user data", Files.readString(f));

        Path g = dir.resolve("order.safetensors");
        SafetensorsWriter w = SafetensorsWriter.create(g, List.of(new TensorInfo("a", DType.F32, new long[] {1}),
                new TensorInfo("b", DType.F32, new long[] {1})), Map.of());
        assertThrows(IllegalStateException.class, () -> w.write("b", new float[] {1}));
        w.write("a", new float[] {1});
        IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
        assertTrue(e.getMessage().contains("1 of 2"), e.getMessage());
        assertFalse(Files.exists(g), "incomplete file is deleted");

        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.create(dir.resolve("dup.safetensors"),
                List.of(new TensorInfo("a", DType.F32, new long[] {1}), new TensorInfo("a", DType.F32,
                        new long[] {1})), Map.of()));
    }
}
