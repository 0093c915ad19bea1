package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.format.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt, truncated and hostile GGUF files: a ModelFormatException naming the file and problem, nothing else. */
class GgufCorruptionTest {

    @TempDir
    Path tmp;

    private static byte[] original() throws Exception {
        return Files.readAllBytes(GgufFixtureTest.gguf("Q4_0"));
    }

    private Path write(String name, byte[] b) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private String fails(Path p) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> {
            try (GgufCheckpoint c = GgufCheckpoint.open(p)) {
                for (String n : c.names()) {
                    c.readFloats(n);
                }
            }
        });
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    /** Offset of a tensor info's fields, found after its name in the header. */
    private static int afterName(byte[] b, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i < 1 << 20; i++) {
            for (int j = 0; j < n.length; j++) {
                if (b[i + j] != n[j]) {
                    continue outer;
                }
            }
            if (ByteBuffer.wrap(b, i - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() == n.length) {
                return i + n.length;
            }
        }
        throw new AssertionError(name + " not found");
    }

    @Test
    void badMagic() throws Exception {
        byte[] b = original();
        b[0] = 'P';
        b[1] = 'K';
        String m = fails(write("magic.gguf", b));
        assertTrue(m.contains("not a GGUF file") && m.contains("\"PKUF\""), m);
    }

    @Test
    void unsupportedVersions() throws Exception {
        byte[] b = original();
        b[4] = 1;
        assertTrue(fails(write("v1.gguf", b)).contains("version 1"));
        b[4] = 9;
        assertTrue(fails(write("v9.gguf", b)).contains("unsupported GGUF version 9"));
        b[4] = 0;
        b[7] = 3;
        assertTrue(fails(write("be.gguf", b)).contains("big-endian"));
    }

    /** Version 2 has the same little-endian layout as 3 (64-bit counts): it opens and reads. */
    @Test
    void version2Opens() throws Exception {
        byte[] b = original();
        b[4] = 2;
        Path p = write("v2.gguf", b);
        try (GgufCheckpoint c = GgufCheckpoint.open(p)) {
            assertEquals(2, c.file().version());
            assertEquals(20, c.names().size());
            c.readFloats("model.layers.1.mlp.down_proj.weight");
        }
    }

    @Test
    void hugeCounts() throws Exception {
        byte[] b = original();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(8, Long.MAX_VALUE / 3);
        assertTrue(fails(write("tensors.gguf", b)).contains("tensor count"));
        b = original();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(16, -1L);
        assertTrue(fails(write("kv.gguf", b)).contains("metadata count 18446744073709551615"));
    }

    @Test
    void unknownTensorType() throws Exception {
        byte[] b = original();
        int p = afterName(b, "blk.0.attn_q.weight") + 4 + 16; // n_dims, ne[2]
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(p, 77);
        String m = fails(write("type.gguf", b));
        assertTrue(m.contains("tensor 'blk.0.attn_q.weight' has unknown ggml type 77"), m);
    }

    @Test
    void unsupportedButKnownTypeIsRefusedOnRead() throws Exception {
        byte[] b = original();
        int p = afterName(b, "blk.0.attn_q.weight") + 4 + 16;
        // Q4_0 → IQ4_NL: same block geometry, so the layout validates, but the engine does not dequantize it
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(p, GgmlType.IQ4_NL.id());
        String m = fails(write("iq4.gguf", b));
        assertTrue(m.contains("IQ4_NL, which the engine does not dequantize"), m);
    }

    @Test
    void misalignedOffset() throws Exception {
        byte[] b = original();
        int p = afterName(b, "blk.1.ffn_up.weight") + 4 + 16 + 4;
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(p, bb.getLong(p) + 2);
        String m = fails(write("align.gguf", b));
        assertTrue(m.contains("is not a multiple of the alignment 32"), m);
    }

    @Test
    void overlappingTensors() throws Exception {
        byte[] b = original();
        int p = afterName(b, "blk.1.ffn_up.weight") + 4 + 16 + 4;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(p, 32);
        assertTrue(fails(write("overlap.gguf", b)).contains("overlaps tensor"));
    }

    @Test
    void tensorPastEndOfFile() throws Exception {
        byte[] b = original();
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 100);
        String m = fails(write("cut.gguf", cut));
        assertTrue(m.contains("runs past the end of the file"), m);
        int p = afterName(b, "blk.0.ffn_down.weight") + 4;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(p + 8, 1L << 40); // ne[1]: huge
        m = fails(write("big.gguf", b));
        assertTrue(m.contains("runs past the end of the file"), m);
    }

    @Test
    void truncatedAnywhereInTheHeader() throws Exception {
        byte[] b = original();
        int headerEnd;
        try (GgufFile g = GgufFile.open(GgufFixtureTest.gguf("Q4_0"))) {
            headerEnd = (int) g.dataStart();
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 60; i++) {
            int len = i < 30 ? i : r.nextInt(headerEnd);
            String m = fails(write("trunc" + i + ".gguf", java.util.Arrays.copyOf(b, len)));
            assertTrue(m.contains("truncated") || m.contains("cannot fit") || m.contains("past the end"),
                    len + ": " + m);
        }
    }

    /** Random byte flips in the header: either the file still opens and reads, or a ModelFormatException. */
    @Test
    void randomHeaderCorruptionNeverCrashes() throws Exception {
        byte[] b = original();
        int headerEnd;
        try (GgufFile g = GgufFile.open(GgufFixtureTest.gguf("Q4_0"))) {
            headerEnd = (int) g.dataStart();
        }
        SplittableRandom r = new SplittableRandom(11);
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            byte[] c = b.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                // flips concentrated in the fixed-size part and the tensor infos near the end of the header
                int pos = r.nextBoolean() ? r.nextInt(64) : headerEnd - 1 - r.nextInt(1400);
                c[pos] = (byte) r.nextInt(256);
            }
            Path p = write("fuzz.gguf", c);
            try (GgufCheckpoint ck = GgufCheckpoint.open(p)) {
                for (String n : ck.names()) {
                    ck.readFloats(n);
                }
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 100, "most corruptions are detected: " + refused);
    }

    @Test
    void notAFileAtAll() throws Exception {
        assertTrue(fails(tmp.resolve("missing.gguf")).contains("no such file"));
        assertTrue(fails(write("empty.gguf", new byte[0])).contains("truncated: 0 bytes"));
    }

    @Test
    void wrongArchitecture() throws Exception {
        byte[] b = original();
        String s = new String(b, 0, 400, StandardCharsets.ISO_8859_1);
        int p = s.indexOf("plm", s.indexOf("general.architecture"));
        b[p] = 'x';
        assertEquals("xlm", new String(b, p, 3, StandardCharsets.US_ASCII));
        assertTrue(fails(write("arch.gguf", b)).contains("general.architecture 'xlm' is not supported"));
    }
}
