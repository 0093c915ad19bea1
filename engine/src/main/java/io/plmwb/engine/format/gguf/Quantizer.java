package io.plmwb.engine.format.gguf;

import io.plmwb.engine.format.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * fp32 to the ggml Q8_0 and Q4_0 block formats, as ggml's reference quantizers ({@code quantize_row_q8_0_ref},
 * {@code quantize_row_q4_0_ref}, which {@code llama-quantize} uses when no importance matrix is given), and ggml
 * blocks to ONNX Runtime's {@code com.microsoft.MatMulNBits} layout.
 *
 * <p>Q8_0 per block of 32: {@code d = max|x| / 127}, {@code q = round(x / d)} (half away from zero), d stored as fp16.
 * Q4_0: {@code d = m / −8} with {@code m} the value of largest magnitude (sign kept), {@code q = min(15,
 * (int8)(x / d + 8.5))}; byte j holds q[j] (low nibble) and q[j+16] (high nibble).
 *
 * <p>MatMulNBits stores B as {@code [N, K/32, blob]} with element {@code 2i} in the low nibble of byte i (4-bit) or one
 * byte per element (8-bit), float scales {@code [N·K/32]}, and a default zero point of 8 (4-bit) / 128 (8-bit) when
 * none is given: exactly ggml's Q4_0 (q − 8) and Q8_0 (signed int8 = uint8 − 128), so those blocks map without loss
 * (only the nibble order and the fp16 → fp32 scale change).
 */
public final class Quantizer {

    private Quantizer() {
    }

    /** Q8_0 blocks of {@code x} (length a multiple of 32). */
    public static byte[] q8_0(float[] x) {
        check(x.length);
        int blocks = x.length / 32;
        ByteBuffer out = ByteBuffer.allocate(blocks * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blocks; i++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[i * 32 + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(HalfFloat.floatToHalf(d));
            for (int j = 0; j < 32; j++) {
                out.put((byte) roundf(x[i * 32 + j] * id));
            }
        }
        return out.array();
    }

    /** Q4_0 blocks of {@code x} (length a multiple of 32). */
    public static byte[] q4_0(float[] x) {
        check(x.length);
        int blocks = x.length / 32;
        ByteBuffer out = ByteBuffer.allocate(blocks * 18).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blocks; i++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[i * 32 + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(HalfFloat.floatToHalf(d));
            for (int j = 0; j < 16; j++) {
                float x0 = x[i * 32 + j] * id;
                float x1 = x[i * 32 + 16 + j] * id;
                int xi0 = Math.min(15, (byte) (int) (x0 + 8.5f));
                int xi1 = Math.min(15, (byte) (int) (x1 + 8.5f));
                out.put((byte) (xi0 | (xi1 << 4)));
            }
        }
        return out.array();
    }

    /** C's roundf: half away from zero. */
    static int roundf(float v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5f) : Math.floor(v + 0.5f));
    }

    private static void check(int n) {
        if (n % 32 != 0) {
            throw new IllegalArgumentException(n + " values are not a multiple of the 32-value block");
        }
    }

    /**
     * A weight in MatMulNBits form: {@code [n, k]} (PyTorch {@code [out, in]}), {@code blob} = {@code [n, k/32,
     * 32·bits/8]}, {@code scales} = {@code [n·k/32]}, default zero points.
     */
    public record NBits(int n, int k, int bits, byte[] blob, float[] scales, float[] zeroPoints) {
        public static final int BLOCK = 32;

        /** Default zero points (8 for 4-bit, 128 for 8-bit). */
        public NBits(int n, int k, int bits, byte[] blob, float[] scales) {
            this(n, k, bits, blob, scales, null);
        }

        /** Bytes of the quantized weight as ORT holds it (blob + fp32 scales + fp32 zero points when present). */
        public long bytes() {
            return blob.length + 4L * scales.length + (zeroPoints == null ? 0 : 4L * zeroPoints.length);
        }

        /** The values ORT computes with, as fp32 {@code [n, k]}. */
        public float[] dequantize() {
            float[] out = new float[n * k];
            int blobLen = BLOCK * bits / 8;
            int kb = k / BLOCK;
            for (int r = 0; r < n; r++) {
                for (int b = 0; b < kb; b++) {
                    float s = scales[r * kb + b];
                    float zp = zeroPoints != null ? zeroPoints[r * kb + b] : bits == 8 ? 128 : 8;
                    int base = (r * kb + b) * blobLen;
                    for (int j = 0; j < BLOCK; j++) {
                        int q;
                        if (bits == 8) {
                            q = blob[base + j] & 0xFF;
                        } else {
                            int by = blob[base + j / 2] & 0xFF;
                            q = (j & 1) == 0 ? by & 0x0F : by >>> 4;
                        }
                        out[r * k + b * BLOCK + j] = (q - zp) * s;
                    }
                }
            }
            return out;
        }
    }

    /**
     * ggml Q8_0 or Q4_0 blocks of a row-major {@code [n, k]} matrix to MatMulNBits form, losslessly; Q4_K blocks with
     * fp32 zero points {@code zp = min / scale} (exact up to the rounding of that division: ~1e-7 relative).
     *
     * @throws IllegalArgumentException for other types or sizes that do not match
     */
    public static NBits toNBits(GgmlType type, ByteBuffer blocks, int n, int k) {
        if (k % 32 != 0) {
            throw new IllegalArgumentException("row length " + k + " is not a multiple of 32");
        }
        ByteBuffer b = blocks.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int nb = n * (k / 32);
        float[] scales = new float[nb];
        byte[] blob;
        switch (type) {
            case Q8_0 -> {
                blob = new byte[nb * 32];
                for (int i = 0; i < nb; i++) {
                    scales[i] = HalfFloat.halfToFloat(b.getShort(i * 34));
                    for (int j = 0; j < 32; j++) {
                        blob[i * 32 + j] = (byte) (b.get(i * 34 + 2 + j) + 128);
                    }
                }
                return new NBits(n, k, 8, blob, scales);
            }
            case Q4_0 -> {
                blob = new byte[nb * 16];
                int[] q = new int[32];
                for (int i = 0; i < nb; i++) {
                    scales[i] = HalfFloat.halfToFloat(b.getShort(i * 18));
                    for (int j = 0; j < 16; j++) {
                        int by = b.get(i * 18 + 2 + j) & 0xFF;
                        q[j] = by & 0x0F;
                        q[j + 16] = by >>> 4;
                    }
                    for (int j = 0; j < 16; j++) {
                        blob[i * 16 + j] = (byte) (q[2 * j] | (q[2 * j + 1] << 4));
                    }
                }
                return new NBits(n, k, 4, blob, scales);
            }
            case Q4_K -> {
                // 256-value super-blocks: sub-block 2c+h (h = 0 low, 1 high nibble) of 64-value chunk c has scale
                // d·sc and min dmin·m; x = d·sc·q − dmin·m = (q − zp)·s with s = d·sc, zp = dmin·m / s
                blob = new byte[nb * 16];
                float[] zps = new float[nb];
                int[] sm = new int[2];
                int sb = nb / 8;
                int[] q = new int[32];
                for (int i = 0; i < sb; i++) {
                    int p = i * 144;
                    float d = HalfFloat.halfToFloat(b.getShort(p));
                    float dmin = HalfFloat.halfToFloat(b.getShort(p + 2));
                    for (int sub = 0; sub < 8; sub++) {
                        Dequantizer.scaleMinK4(sub, b, p + 4, sm);
                        float s = d * sm[0];
                        float m = dmin * sm[1];
                        int qs = p + 16 + 32 * (sub / 2);
                        for (int l = 0; l < 32; l++) {
                            int by = b.get(qs + l) & 0xFF;
                            q[l] = (sub & 1) == 0 ? by & 0x0F : by >>> 4;
                        }
                        int blk = i * 8 + sub;
                        if (s == 0) {
                            java.util.Arrays.fill(q, 0); // every value is −m: code 0, scale m, zero point 1
                            scales[blk] = m;
                            zps[blk] = m == 0 ? 0 : 1;
                        } else {
                            scales[blk] = s;
                            zps[blk] = m / s;
                        }
                        for (int j = 0; j < 16; j++) {
                            blob[blk * 16 + j] = (byte) (q[2 * j] | (q[2 * j + 1] << 4));
                        }
                    }
                }
                return new NBits(n, k, 4, blob, scales, zps);
            }
            default -> throw new IllegalArgumentException(type + " blocks do not map onto MatMulNBits");
        }
    }

    /** Quantizes an fp32 {@code [n, k]} matrix to {@code bits} (8: Q8_0 rule, 4: Q4_0 rule) in MatMulNBits form. */
    public static NBits nbits(float[] w, int n, int k, int bits) {
        byte[] blocks = switch (bits) {
            case 8 -> q8_0(w);
            case 4 -> q4_0(w);
            default -> throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
        };
        return toNBits(bits == 8 ? GgmlType.Q8_0 : GgmlType.Q4_0, ByteBuffer.wrap(blocks), n, k);
    }
}
