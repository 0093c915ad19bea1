package io.plmwb.engine.format.gguf;

import io.plmwb.engine.format.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ggml block formats to fp32, operation for operation as ggml's reference C dequantizers ({@code dequantize_row_*}
 * in ggml-quants.c) so the results are bit-identical: every product is a separate fp32 multiply in the same order
 * (Java never fuses multiply-adds).
 *
 * <p>Layouts (little-endian, {@code d}/{@code m}/{@code dmin} are fp16):
 * <ul>
 *   <li>Q8_0: 32 values = d, int8 q[32]; x = d·q.</li>
 *   <li>Q4_0: 32 values = d, 16 bytes; x[j] = (lo4(b[j]) − 8)·d, x[j+16] = (hi4(b[j]) − 8)·d.</li>
 *   <li>Q4_1: d, m, 16 bytes; x = q·d + m.</li>
 *   <li>Q5_0 / Q5_1: d (, m), 32 high bits qh, 16 bytes of low nibbles; q = nibble | (bit &lt;&lt; 4), Q5_0 subtracts 16.</li>
 *   <li>Q4_K: 256 values = d, dmin, 12 bytes of packed 6-bit scales/mins, 128 bytes; eight sub-blocks of 32,
 *       x = (d·sc)·q − (dmin·m).</li>
 *   <li>Q5_K: as Q4_K plus 32 bytes of fifth bits.</li>
 *   <li>Q6_K: 256 values = 128 bytes low nibbles, 64 bytes high 2-bit pairs, int8 scales[16], d; x = (d·sc)·(q − 32).</li>
 * </ul>
 */
public final class Dequantizer {

    private Dequantizer() {
    }

    /**
     * Dequantizes {@code n} values of {@code type} starting at {@code src}'s position 0.
     *
     * @throws IllegalArgumentException when the type is not readable, {@code n} is not a multiple of its block, or the
     *                                  buffer is too short
     */
    public static float[] dequantize(GgmlType type, ByteBuffer src, int n) {
        float[] out = new float[n];
        dequantize(type, src, out, 0, n);
        return out;
    }

    /** Dequantizes {@code n} values into {@code out[off..off+n)}; {@code src} is read from its position 0. */
    public static void dequantize(GgmlType type, ByteBuffer src, float[] out, int off, int n) {
        if (!type.readable()) {
            throw new IllegalArgumentException("ggml type " + type + " is not supported");
        }
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(n + " values are not a multiple of the " + type + " block ("
                    + type.blockSize() + ")");
        }
        long need = type.bytesFor(n);
        if (src.limit() < need) {
            throw new IllegalArgumentException(type + ": " + n + " values need " + need + " bytes, buffer has "
                    + src.limit());
        }
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int blocks = n / type.blockSize();
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = b.getFloat(i * 4);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = HalfFloat.halfToFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = HalfFloat.bf16ToFloat(b.getShort(i * 2));
                }
            }
            case Q8_0 -> {
                for (int i = 0; i < blocks; i++) {
                    int p = i * 34;
                    float d = half(b, p);
                    int o = off + i * 32;
                    for (int j = 0; j < 32; j++) {
                        out[o + j] = b.get(p + 2 + j) * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int i = 0; i < blocks; i++) {
                    int p = i * 18;
                    float d = half(b, p);
                    int o = off + i * 32;
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(p + 2 + j) & 0xFF;
                        out[o + j] = ((q & 0x0F) - 8) * d;
                        out[o + j + 16] = ((q >>> 4) - 8) * d;
                    }
                }
            }
            case Q4_1 -> {
                for (int i = 0; i < blocks; i++) {
                    int p = i * 20;
                    float d = half(b, p);
                    float m = half(b, p + 2);
                    int o = off + i * 32;
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(p + 4 + j) & 0xFF;
                        out[o + j] = (q & 0x0F) * d + m;
                        out[o + j + 16] = (q >>> 4) * d + m;
                    }
                }
            }
            case Q5_0 -> {
                for (int i = 0; i < blocks; i++) {
                    int p = i * 22;
                    float d = half(b, p);
                    int qh = b.getInt(p + 2);
                    int o = off + i * 32;
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(p + 6 + j) & 0xFF;
                        int xh0 = ((qh >>> j) << 4) & 0x10;
                        int xh1 = (qh >>> (j + 12)) & 0x10;
                        out[o + j] = (((q & 0x0F) | xh0) - 16) * d;
                        out[o + j + 16] = (((q >>> 4) | xh1) - 16) * d;
                    }
                }
            }
            case Q5_1 -> {
                for (int i = 0; i < blocks; i++) {
                    int p = i * 24;
                    float d = half(b, p);
                    float m = half(b, p + 2);
                    int qh = b.getInt(p + 4);
                    int o = off + i * 32;
                    for (int j = 0; j < 16; j++) {
                        int q = b.get(p + 8 + j) & 0xFF;
                        int xh0 = ((qh >>> j) << 4) & 0x10;
                        int xh1 = (qh >>> (j + 12)) & 0x10;
                        out[o + j] = ((q & 0x0F) | xh0) * d + m;
                        out[o + j + 16] = ((q >>> 4) | xh1) * d + m;
                    }
                }
            }
            case Q4_K -> {
                int[] sm = new int[2];
                for (int i = 0; i < blocks; i++) {
                    int p = i * 144;
                    float d = half(b, p);
                    float dmin = half(b, p + 2);
                    int sc = p + 4;
                    int qs = p + 16;
                    int o = off + i * 256;
                    int is = 0;
                    for (int j = 0; j < 256; j += 64) {
                        scaleMinK4(is, b, sc, sm);
                        float d1 = d * sm[0];
                        float m1 = dmin * sm[1];
                        scaleMinK4(is + 1, b, sc, sm);
                        float d2 = d * sm[0];
                        float m2 = dmin * sm[1];
                        for (int l = 0; l < 32; l++) {
                            out[o++] = d1 * (b.get(qs + l) & 0x0F) - m1;
                        }
                        for (int l = 0; l < 32; l++) {
                            out[o++] = d2 * ((b.get(qs + l) & 0xFF) >>> 4) - m2;
                        }
                        qs += 32;
                        is += 2;
                    }
                }
            }
            case Q5_K -> {
                int[] sm = new int[2];
                for (int i = 0; i < blocks; i++) {
                    int p = i * 176;
                    float d = half(b, p);
                    float dmin = half(b, p + 2);
                    int sc = p + 4;
                    int qh = p + 16;
                    int ql = p + 48;
                    int o = off + i * 256;
                    int is = 0;
                    int u1 = 1;
                    int u2 = 2;
                    for (int j = 0; j < 256; j += 64) {
                        scaleMinK4(is, b, sc, sm);
                        float d1 = d * sm[0];
                        float m1 = dmin * sm[1];
                        scaleMinK4(is + 1, b, sc, sm);
                        float d2 = d * sm[0];
                        float m2 = dmin * sm[1];
                        for (int l = 0; l < 32; l++) {
                            int h = (b.get(qh + l) & u1) != 0 ? 16 : 0;
                            out[o++] = d1 * ((b.get(ql + l) & 0x0F) + h) - m1;
                        }
                        for (int l = 0; l < 32; l++) {
                            int h = (b.get(qh + l) & u2) != 0 ? 16 : 0;
                            out[o++] = d2 * (((b.get(ql + l) & 0xFF) >>> 4) + h) - m2;
                        }
                        ql += 32;
                        is += 2;
                        u1 <<= 2;
                        u2 <<= 2;
                    }
                }
            }
            case Q6_K -> {
                for (int i = 0; i < blocks; i++) {
                    int p = i * 210;
                    int ql = p;
                    int qh = p + 128;
                    int sc = p + 192;
                    float d = half(b, p + 208);
                    int o = off + i * 256;
                    for (int n128 = 0; n128 < 256; n128 += 128) {
                        for (int l = 0; l < 32; l++) {
                            int is = l / 16;
                            int lo0 = b.get(ql + l) & 0xFF;
                            int lo32 = b.get(ql + l + 32) & 0xFF;
                            int h = b.get(qh + l) & 0xFF;
                            int q1 = ((lo0 & 0x0F) | ((h & 3) << 4)) - 32;
                            int q2 = ((lo32 & 0x0F) | (((h >>> 2) & 3) << 4)) - 32;
                            int q3 = ((lo0 >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                            int q4 = ((lo32 >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                            out[o + l] = d * b.get(sc + is) * q1;
                            out[o + l + 32] = d * b.get(sc + is + 2) * q2;
                            out[o + l + 64] = d * b.get(sc + is + 4) * q3;
                            out[o + l + 96] = d * b.get(sc + is + 6) * q4;
                        }
                        o += 128;
                        ql += 64;
                        qh += 32;
                        sc += 8;
                    }
                }
            }
            default -> throw new IllegalArgumentException("ggml type " + type + " is not supported");
        }
    }

    private static float half(ByteBuffer b, int p) {
        return HalfFloat.halfToFloat(b.getShort(p));
    }

    /** ggml's get_scale_min_k4: the 6-bit scale and min of sub-block {@code j} from the 12 packed bytes. */
    static void scaleMinK4(int j, ByteBuffer b, int q, int[] out) {
        if (j < 4) {
            out[0] = b.get(q + j) & 63;
            out[1] = b.get(q + j + 4) & 63;
        } else {
            int qj4 = b.get(q + j + 4) & 0xFF;
            out[0] = (qj4 & 0x0F) | (((b.get(q + j - 4) & 0xFF) >>> 6) << 4);
            out[1] = (qj4 >>> 4) | (((b.get(q + j) & 0xFF) >>> 6) << 4);
        }
    }
}
