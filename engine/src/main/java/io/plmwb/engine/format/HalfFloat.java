package io.plmwb.engine.format;

/**
 * Conversions between fp32 and the 16-bit float formats: IEEE fp16 (binary16, with subnormals, infinities and NaN)
 * and bfloat16 (the top 16 bits of an fp32). Float-to-16-bit conversions round to nearest, ties to even.
 */
public final class HalfFloat {

    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) {
            HALF_TO_FLOAT[h] = computeHalfToFloat(h);
        }
    }

    private HalfFloat() {
    }

    /** fp16 bits (low 16 bits of {@code bits}) to float; exact. */
    public static float halfToFloat(int bits) {
        return HALF_TO_FLOAT[bits & 0xFFFF];
    }

    private static float computeHalfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): mant × 2^-24, exact in fp32
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13)); // inf or NaN (payload kept)
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float to fp16 bits, round to nearest even; overflow gives ±inf, NaN stays NaN. */
    public static short floatToHalf(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            if (abs == 0x7F800000) {
                return (short) (sign | 0x7C00);
            }
            return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF)); // quiet NaN, keep high payload bits
        }
        int e = abs >>> 23;
        if (e > 142) {
            return (short) (sign | 0x7C00); // ≥ 2^16: beyond the largest finite half
        }
        if (e < 113) {
            // below 2^-14: a half subnormal, mant = round(value / 2^-24) = round(m × 2^(e-126))
            int shift = 126 - e;
            if (shift > 24) {
                return (short) sign;
            }
            int m = (abs & 0x7FFFFF) | 0x800000;
            int r = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (r & 1) != 0)) {
                r++; // may carry into the smallest normal (0x400): still the right encoding
            }
            return (short) (sign | r);
        }
        int mant = abs & 0x7FFFFF;
        int h = ((e - 112) << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
            h++; // a carry into the exponent is correct, up to 0x7C00 (inf)
        }
        return (short) (sign | h);
    }

    /** bf16 bits (low 16 bits of {@code bits}) to float; exact. */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float to bf16 bits, round to nearest even; NaN stays a quiet NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((x >>> 16) | 0x0040);
        }
        int lsb = (x >>> 16) & 1;
        return (short) ((x + 0x7FFF + lsb) >>> 16);
    }
}
