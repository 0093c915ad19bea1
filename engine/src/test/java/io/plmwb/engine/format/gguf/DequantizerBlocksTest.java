package io.plmwb.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.plmwb.engine.format.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The types the fixture has no file of (BF16, Q4_1, Q5_1, Q5_K), on hand-packed blocks: codes and scales are chosen,
 * packed by the ggml layout written out here, and the expected values are scale × code (− min) by definition.
 */
class DequantizerBlocksTest {

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void bf16() {
        ByteBuffer b = le(6);
        b.putShort(HalfFloat.floatToBf16(1.5f)).putShort(HalfFloat.floatToBf16(-2f)).putShort((short) 0x3F81);
        assertArrayEquals(new float[] {1.5f, -2f, Float.intBitsToFloat(0x3F810000)},
                Dequantizer.dequantize(GgmlType.BF16, b.flip(), 3));
    }

    @Test
    void q4_1() {
        ByteBuffer b = le(20);
        b.putShort(HalfFloat.floatToHalf(0.5f)).putShort(HalfFloat.floatToHalf(-1f));
        float[] want = new float[32];
        for (int j = 0; j < 16; j++) {
            int lo = j;
            int hi = 15 - j;
            b.put((byte) (lo | (hi << 4)));
            want[j] = lo * 0.5f - 1f;
            want[j + 16] = hi * 0.5f - 1f;
        }
        assertArrayEquals(want, Dequantizer.dequantize(GgmlType.Q4_1, b.flip(), 32));
    }

    @Test
    void q5_0AndQ5_1() {
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) {
            q[j] = (j * 7 + 3) % 32; // 5-bit codes
        }
        int qh = 0;
        byte[] lo = new byte[16];
        for (int j = 0; j < 16; j++) {
            lo[j] = (byte) ((q[j] & 15) | ((q[j + 16] & 15) << 4));
            qh |= ((q[j] >> 4) & 1) << j;
            qh |= ((q[j + 16] >> 4) & 1) << (j + 16);
        }
        ByteBuffer b0 = le(22);
        b0.putShort(HalfFloat.floatToHalf(0.25f)).putInt(qh).put(lo);
        ByteBuffer b1 = le(24);
        b1.putShort(HalfFloat.floatToHalf(0.25f)).putShort(HalfFloat.floatToHalf(2f)).putInt(qh).put(lo);
        float[] w0 = new float[32];
        float[] w1 = new float[32];
        for (int j = 0; j < 32; j++) {
            w0[j] = (q[j] - 16) * 0.25f;
            w1[j] = q[j] * 0.25f + 2f;
        }
        assertArrayEquals(w0, Dequantizer.dequantize(GgmlType.Q5_0, b0.flip(), 32));
        assertArrayEquals(w1, Dequantizer.dequantize(GgmlType.Q5_1, b1.flip(), 32));
    }

    /** Packs eight 6-bit (scale, min) pairs the way ggml's Q4_K/Q5_K do. */
    private static byte[] packScales(int[] sc, int[] mn) {
        byte[] s = new byte[12];
        for (int j = 0; j < 4; j++) {
            s[j] = (byte) ((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
            s[j + 4] = (byte) ((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
            s[j + 8] = (byte) ((sc[j + 4] & 15) | ((mn[j + 4] & 15) << 4));
        }
        return s;
    }

    @Test
    void q5_k() {
        int[] sc = {1, 5, 17, 33, 63, 40, 2, 20};
        int[] mn = {0, 3, 60, 16, 31, 47, 9, 63};
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) {
            q[i] = (i * 13 + 5) % 32;
        }
        float d = 0.125f;
        float dmin = 0.0625f;
        byte[] qh = new byte[32];
        byte[] ql = new byte[128];
        // sub-block s (32 values) uses nibble (s even: low, odd: high) of ql[32·(s/2) + l] and bit s of qh[l]
        for (int s = 0; s < 8; s++) {
            for (int l = 0; l < 32; l++) {
                int v = q[s * 32 + l];
                int idx = 32 * (s / 2) + l;
                ql[idx] |= (byte) ((s % 2 == 0 ? (v & 15) : (v & 15) << 4));
                qh[l] |= (byte) (((v >> 4) & 1) << s);
            }
        }
        ByteBuffer b = le(176);
        b.putShort(HalfFloat.floatToHalf(d)).putShort(HalfFloat.floatToHalf(dmin)).put(packScales(sc, mn)).put(qh)
                .put(ql);
        float[] want = new float[256];
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            want[i] = d * sc[s] * q[i] - dmin * mn[s];
        }
        assertArrayEquals(want, Dequantizer.dequantize(GgmlType.Q5_K, b.flip(), 256));
        // the same scales as Q4_K with the low four bits only
        ByteBuffer b4 = le(144);
        b4.putShort(HalfFloat.floatToHalf(d)).putShort(HalfFloat.floatToHalf(dmin)).put(packScales(sc, mn)).put(ql);
        float[] want4 = new float[256];
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            want4[i] = d * sc[s] * (q[i] & 15) - dmin * mn[s];
        }
        assertArrayEquals(want4, Dequantizer.dequantize(GgmlType.Q4_K, b4.flip(), 256));
    }

    @Test
    void refusesWrongSizes() {
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantize(GgmlType.Q8_0, le(34), 31));
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantize(GgmlType.Q8_0, le(33), 32));
        assertThrows(IllegalArgumentException.class, () -> Dequantizer.dequantize(GgmlType.IQ2_XS, le(74), 256));
        assertEquals(8.5, GgmlType.Q8_0.bitsPerWeight());
        assertEquals(4.5, GgmlType.Q4_0.bitsPerWeight());
        assertEquals(6.5625, GgmlType.Q6_K.bitsPerWeight());
    }
}
