package io.plmwb.engine.format;

import static io.plmwb.engine.testutil.Fixtures.f32;
import static io.plmwb.engine.testutil.Fixtures.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.testutil.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    private static ModelFormatException fails(Path file) {
        return assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file).close());
    }

    private static void assertNames(ModelFormatException e, Path file, String... parts) {
        assertTrue(e.getMessage().contains(file.toString()), "message should name the file: " + e.getMessage());
        assertEquals(file, e.file());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void readsFixtureAndAgreesWithAnIndependentParse() throws Exception {
        Path file = Fixtures.hf().resolve("model.safetensors");
        // independent parse of the header with plain Jackson + RandomAccessFile
        byte[] all = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        long expectedNumel = 0;
        int expectedTensors = 0;
        for (Iterator<String> it = header.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!k.equals("__metadata__")) {
                expectedTensors++;
                long numel = 1;
                for (JsonNode d : header.get(k).get("shape")) {
                    numel *= d.longValue();
                }
                expectedNumel += numel;
            }
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(expectedTensors, f.names().size());
            assertEquals(20, f.names().size());
            assertEquals("pt", f.metadata().get("format"));
            long numel = 0;
            for (String name : f.names()) {
                numel += f.info(name).orElseThrow().numel();
            }
            assertEquals(expectedNumel, numel);
            assertEquals(894_336L, numel); // the README's figure, cross-checked against the file above
            assertEquals(8 + n + 4 * numel, Files.size(file));
            TensorInfo emb = f.info("model.embed_tokens.weight").orElseThrow();
            assertEquals(DType.F32, emb.dtype());
            assertArrayEquals(new long[] {512, 256}, emb.shape());

            for (String name : List.of("model.layers.1.self_attn.kv_b_proj.weight", "model.norm.weight")) {
                float[] got = f.readFloats(name);
                long begin = header.get(name).get("data_offsets").get(0).longValue();
                ByteBuffer bb = ByteBuffer.wrap(all, (int) (8 + n + begin), got.length * 4)
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(bb.getFloat(), got[i], name + "[" + i + "]");
                }
            }
            float[] norm = f.readFloats("model.norm.weight");
            for (float v : norm) {
                assertTrue(v >= 0.8f && v <= 1.2f, "norm weights are uniform in [0.8, 1.2]: " + v);
            }
            float[] slice = f.readFloats("model.embed_tokens.weight", 256L * 7, 256);
            float[] full = f.readFloats("model.embed_tokens.weight");
            assertArrayEquals(Arrays.copyOfRange(full, 256 * 7, 256 * 8), slice);
        }
    }

    @Test
    void opensTheDequantReferences() throws Exception {
        Path dq = Fixtures.hf().resolveSibling("dequant");
        for (String type : List.of("Q4_0", "Q4_K_M", "Q8_0")) {
            Path f = dq.resolve("plm-tiny-" + type + ".dequant.safetensors");
            try (SafetensorsFile s = SafetensorsFile.open(f)) {
                assertEquals(20, s.names().size(), type);
                assertTrue(s.metadata().size() > 1, "metadata holds the ggml types: " + s.metadata());
                TensorInfo emb = s.info("token_embd.weight").orElseThrow();
                assertArrayEquals(new long[] {512, 256}, emb.shape());
                long numel = 0;
                for (String n : s.names()) {
                    numel += s.readFloats(n).length;
                }
                assertEquals(894_336L, numel);
            }
        }
    }

    @Test
    void everyTruncationPointIsRefusedCleanly() throws Exception {
        byte[] all = Files.readAllBytes(Fixtures.hf().resolve("model.safetensors"));
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 60; i++) {
            int len = i < 10 ? i : r.nextInt(all.length - 1);
            Path f = Files.write(dir.resolve("t" + i + ".safetensors"), Arrays.copyOf(all, len));
            ModelFormatException e = fails(f);
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            Files.delete(f);
        }
    }

    @Test
    void truncatedFixtureNamesATensor() throws Exception {
        Path src = Fixtures.hf().resolve("model.safetensors");
        byte[] all = Files.readAllBytes(src);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(all, all.length / 2));
        ModelFormatException e = fails(cut);
        assertNames(e, cut, "tensor '", "past the end of the data section");
    }

    @Test
    void tooShortForTheLengthField() throws Exception {
        Path f = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
        assertNames(fails(f), f, "truncated");
        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        assertNames(fails(empty), empty, "truncated");
    }

    @Test
    void headerLengthPastEof() throws Exception {
        Path f = raw(dir.resolve("a.safetensors"), 1000, "{}", new byte[0]);
        assertNames(fails(f), f, "header length 1000", "past the end");
    }

    @Test
    void hugeHeaderLengthsAreRefusedWithoutAllocating() throws Exception {
        Path f = raw(dir.resolve("huge.safetensors"), 1L << 62, "{}", new byte[0]);
        assertNames(fails(f), f, String.valueOf(1L << 62));
        Path neg = raw(dir.resolve("neg.safetensors"), -1L, "{}", new byte[0]);
        assertNames(fails(neg), neg, "18446744073709551615");
        // a sparse 150 MB file whose header length claims 120 MB: inside the file but over the limit
        Path big = dir.resolve("big.safetensors");
        try (RandomAccessFile r = new RandomAccessFile(big.toFile(), "rw")) {
            r.setLength(150L * 1024 * 1024);
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(120L * 1024 * 1024);
            r.write(b.array());
        }
        assertNames(fails(big), big, "exceeds", "limit");
    }

    @Test
    void nonJsonHeaders() throws Exception {
        Path a = raw(dir.resolve("a.safetensors"), "{not json}", new byte[0]);
        assertNames(fails(a), a, "not valid JSON");
        Path b = raw(dir.resolve("b.safetensors"), "[1, 2, 3]", new byte[0]);
        assertNames(fails(b), b, "JSON object");
        Path c = raw(dir.resolve("c.safetensors"), "{} trailing", new byte[0]);
        assertNames(fails(c), c, "not valid JSON");
        Path d = raw(dir.resolve("d.safetensors"), "{\"__metadata__\": {\"format\": 3}}", new byte[0]);
        assertNames(fails(d), d, "__metadata__", "format");
        Path e = raw(dir.resolve("e.safetensors"),
                "{\"w\": {\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + " \"w\": {\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        assertNames(fails(e), e, "not valid JSON", "w");
    }

    @Test
    void overlappingOffsets() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        Path f = raw(dir.resolve("o.safetensors"), h, new byte[12]);
        assertNames(fails(f), f, "'b'", "overlap", "'a'");
    }

    @Test
    void outOfRangeOffsets() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        Path f = raw(dir.resolve("r.safetensors"), h, new byte[12]);
        assertNames(fails(f), f, "'a'", "past the end of the data section");
        String h2 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}";
        Path f2 = raw(dir.resolve("r2.safetensors"), h2, new byte[12]);
        assertNames(fails(f2), f2, "'a'", "data_offsets[0]");
        String h3 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}";
        Path f3 = raw(dir.resolve("r3.safetensors"), h3, new byte[12]);
        assertNames(fails(f3), f3, "'a'", "before begin");
    }

    @Test
    void sizeShapeMismatch() throws Exception {
        String h = "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}";
        Path f = raw(dir.resolve("s.safetensors"), h, new byte[12]);
        assertNames(fails(f), f, "'a'", "needs 12");
        String h2 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,8]}}";
        Path f2 = raw(dir.resolve("s2.safetensors"), h2, new byte[12]);
        assertNames(fails(f2), f2, "'a'", "shape[1]");
        String h3 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}";
        Path f3 = raw(dir.resolve("s3.safetensors"), h3, new byte[12]);
        assertNames(fails(f3), f3, "'a'", "overflows");
        String h4 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}";
        Path f4 = raw(dir.resolve("s4.safetensors"), h4, new byte[12]);
        assertNames(fails(f4), f4, "'a'", "shape[0]");
        String h5 = "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}";
        Path f5 = raw(dir.resolve("s5.safetensors"), h5, new byte[12]);
        assertNames(fails(f5), f5, "'a'", "shape");
    }

    @Test
    void unknownDtype() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        Path f = raw(dir.resolve("u.safetensors"), h, new byte[8]);
        assertNames(fails(f), f, "'a'", "unknown dtype 'F17'");
    }

    @Test
    void specDtypeTheEngineDoesNotConvertIsListedSeparately() throws Exception {
        String h = "{\"pos\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        Path f = raw(dir.resolve("i.safetensors"), h, concat(new byte[16], f32(2.5f)));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(List.of("w"), s.names());
            assertEquals(List.of("pos", "w"), s.allNames());
            assertEquals(Map.of("pos", "I64"), s.unsupported());
            assertFalse(s.info("pos").isPresent());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> s.readFloats("pos"));
            assertNames(e, f, "'pos'", "I64");
            assertArrayEquals(new float[] {2.5f}, s.readFloats("w"));
        }
    }

    @Test
    void gapsAreAllowedAndNamesFollowFileOrder() throws Exception {
        String h = "{\"late\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},"
                + "\"early\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                + "\"empty\":{\"dtype\":\"F16\",\"shape\":[0,5],\"data_offsets\":[4,4]}}";
        Path f = raw(dir.resolve("g.safetensors"), h, f32(1.5f, 99f, 99f, -3.25f));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(List.of("early", "empty", "late"), s.names());
            assertArrayEquals(new float[] {1.5f}, s.readFloats("early"));
            assertArrayEquals(new float[] {-3.25f}, s.readFloats("late"));
            assertEquals(0, s.readFloats("empty").length);
            assertEquals(8 + h.length() + 12, s.fileOffset("late"));
        }
    }

    @Test
    void missingTensor() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path f = raw(dir.resolve("m.safetensors"), h, f32(1f));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> s.readFloats("b"));
            assertNames(e, f, "'b'");
            ModelFormatException e2 = assertThrows(ModelFormatException.class, () -> s.readFloats("a", 0, 2));
            assertNames(e2, f, "'a'", "outside");
        }
        Path none = dir.resolve("nope.safetensors");
        assertNames(fails(none), none, "no such file");
    }

    @Test
    void nanAndInfAreReportedWithTensorAndIndex() throws Exception {
        Path f = dir.resolve("nan.safetensors");
        float[] a = {1, 2, 3, 4, 5, Float.NaN, 7};
        float[] b = new float[300];
        b[123] = Float.NEGATIVE_INFINITY;
        float[] c = new float[10];
        c[9] = 1e6f; // fine in f32, overflows f16
        SafetensorsWriter.writeAll(f, List.of(new TensorInfo("bad.f32", DType.F32, new long[] {7}),
                new TensorInfo("bad.bf16", DType.BF16, new long[] {3, 100}),
                new TensorInfo("bad.f16", DType.F16, new long[] {10})), List.of(a, b, c));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertNames(assertThrows(ModelFormatException.class, () -> s.readFloats("bad.f32")), f,
                    "'bad.f32'", "NaN", "index 5");
            assertNames(assertThrows(ModelFormatException.class, () -> s.readFloats("bad.bf16")), f,
                    "'bad.bf16'", "-Inf", "index 123");
            assertNames(assertThrows(ModelFormatException.class, () -> s.readFloats("bad.f16")), f,
                    "'bad.f16'", "+Inf", "index 9");
            assertEquals(5f, s.readFloats("bad.f32", 0, 5)[4]); // a clean slice still reads
        }
    }

    @Test
    void randomCorruptionNeverHangsOrEscapesAsAnotherException() throws Exception {
        Path src = Fixtures.hf().resolve("model.safetensors");
        byte[] all = Files.readAllBytes(src);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            byte[] copy = Arrays.copyOf(all, (int) (8 + n + 64)); // header + a little data
            int flips = 1 + r.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int pos = r.nextInt((int) (8 + n));
                copy[pos] = (byte) r.nextInt(256);
            }
            Path f = Files.write(dir.resolve("fz" + i + ".safetensors"), copy);
            ModelFormatException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> {
                        try (SafetensorsFile s = SafetensorsFile.open(f)) {
                            // a flip in padding or in a digit can still leave a valid header
                            assertTrue(s.allNames().size() <= 20);
                            return null;
                        } catch (ModelFormatException ex) {
                            return ex;
                        }
                    });
            if (e != null) {
                refused++;
                assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            }
            Files.delete(f);
        }
        // the data section is cut to 64 bytes, so almost every intact header is out of range too
        assertTrue(refused > 250, "refused " + refused);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void tensorTooLargeForOneArrayIsAClearError() throws Exception {
        // a sparse file holding one 2^31-element F16 tensor (4 GiB of zeros, no disk used)
        long numel = 1L << 31;
        String h = "{\"big\":{\"dtype\":\"F16\",\"shape\":[65536,32768],\"data_offsets\":[0," + numel * 2 + "]}}";
        Path f = dir.resolve("big.safetensors");
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer b = ByteBuffer.allocate(8 + hb.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(hb.length).put(hb);
            r.write(b.array());
            r.setLength(8 + hb.length + numel * 2);
        } catch (IOException e) {
            return; // a file system without sparse files: nothing to test here
        }
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(numel, s.info("big").orElseThrow().numel());
            assertNames(assertThrows(ModelFormatException.class, () -> s.readFloats("big")), f, "'big'",
                    "more than one Java array");
            assertNames(assertThrows(ModelFormatException.class, () -> s.mapRaw("big")), f, "'big'",
                    "more than one memory map");
            float[] tail = s.readFloats("big", numel - 4, 4); // slices past 2 GiB still read
            assertArrayEquals(new float[4], tail);
        }
    }
}
