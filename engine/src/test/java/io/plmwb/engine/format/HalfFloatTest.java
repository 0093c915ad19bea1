package io.plmwb.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatTest {

    @Test
    void halfDecodesKnownValues() {
        assertEquals(1.0f, HalfFloat.halfToFloat(0x3C00));
        assertEquals(-2.0f, HalfFloat.halfToFloat(0xC000));
        assertEquals(65504.0f, HalfFloat.halfToFloat(0x7BFF));
        assertEquals(0x1p-14f, HalfFloat.halfToFloat(0x0400));
        assertEquals(0x1p-24f, HalfFloat.halfToFloat(0x0001)); // smallest subnormal
        assertEquals(1023 * 0x1p-24f, HalfFloat.halfToFloat(0x03FF)); // largest subnormal
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.halfToFloat(0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloat.halfToFloat(0xFC00));
        assertTrue(Float.isNaN(HalfFloat.halfToFloat(0x7E00)));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(HalfFloat.halfToFloat(0x8000)));
        assertEquals(0.333251953125f, HalfFloat.halfToFloat(0x3555));
    }

    @Test
    void halfEncodesWithRoundToNearestEven() {
        assertEquals(0x3C00, HalfFloat.floatToHalf(1.0f + 0x1p-11f) & 0xFFFF); // tie → even (down)
        assertEquals(0x3C02, HalfFloat.floatToHalf(1.0f + 3 * 0x1p-11f) & 0xFFFF); // tie → even (up)
        assertEquals(0x3C01, HalfFloat.floatToHalf(1.0f + 0x1p-11f + 0x1p-20f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloat.floatToHalf(65519f) & 0xFFFF);
        assertEquals(0x7C00, HalfFloat.floatToHalf(65520f) & 0xFFFF); // tie between 65504 and 2^16 → inf
        assertEquals(0x7C00, HalfFloat.floatToHalf(1e10f) & 0xFFFF);
        assertEquals(0xFC00, HalfFloat.floatToHalf(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x0001, HalfFloat.floatToHalf(0x1p-24f) & 0xFFFF);
        assertEquals(0x0000, HalfFloat.floatToHalf(0x1p-25f) & 0xFFFF); // tie → 0
        assertEquals(0x0001, HalfFloat.floatToHalf(0x1.8p-25f) & 0xFFFF);
        assertEquals(0x0002, HalfFloat.floatToHalf(0x1.8p-24f) & 0xFFFF); // 1.5 ulp → 2
        assertEquals(0x0002, HalfFloat.floatToHalf(0x1.4p-23f) & 0xFFFF); // 2.5 ulp → 2
        assertEquals(0x0400, HalfFloat.floatToHalf(0x1.ffcp-15f) & 0xFFFF); // rounds up into the smallest normal
        assertEquals(0x8000, HalfFloat.floatToHalf(-0.0f) & 0xFFFF);
        assertEquals(0x8000, HalfFloat.floatToHalf(-1e-30f) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloat.halfToFloat(HalfFloat.floatToHalf(Float.NaN))));
    }

    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfFloat.halfToFloat(h);
            if (!Float.isNaN(f)) {
                assertEquals(h, HalfFloat.floatToHalf(f) & 0xFFFF, "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void halfMatchesNearestNeighbourReference() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // magnitudes from 2^-27 to 2^17: subnormals, normals and overflow
            float f = (float) (Math.scalb(1.0 + r.nextDouble(), r.nextInt(-27, 17)) * (r.nextBoolean() ? 1 : -1));
            int got = HalfFloat.floatToHalf(f) & 0xFFFF;
            assertEquals(referenceHalf(f), got, "for " + f);
        }
    }

    /** Nearest half by exhaustive neighbour comparison in double: independent of the bit tricks. */
    private static int referenceHalf(float f) {
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
        double a = Math.abs((double) f);
        if (a >= 65520.0) {
            return sign | 0x7C00;
        }
        int lo = 0;
        int hi = 0x7BFF;
        while (lo < hi) { // largest h with value(h) <= a
            int mid = (lo + hi + 1) >>> 1;
            if (HalfFloat.halfToFloat(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        double below = HalfFloat.halfToFloat(lo);
        if (below == a) {
            return sign | lo;
        }
        double above = lo == 0x7BFF ? 65536.0 : HalfFloat.halfToFloat(lo + 1);
        double dLo = a - below;
        double dHi = above - a;
        int pick = dLo < dHi ? lo : dHi < dLo ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
        return sign | pick;
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals(0x3F80, HalfFloat.floatToBf16(1.0f) & 0xFFFF);
        assertEquals(0x3F80, HalfFloat.floatToBf16(1.0f + 0x1p-8f) & 0xFFFF); // tie → even (down)
        assertEquals(0x3F82, HalfFloat.floatToBf16(1.0f + 3 * 0x1p-8f) & 0xFFFF); // tie → even (up)
        assertEquals(0x3F81, HalfFloat.floatToBf16(1.0f + 0x1p-8f + 0x1p-20f) & 0xFFFF);
        assertEquals(0x7F80, HalfFloat.floatToBf16(Float.MAX_VALUE) & 0xFFFF); // rounds to inf
        assertEquals(0x7F7F, HalfFloat.floatToBf16(Float.intBitsToFloat(0x7F7F7FFF)) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(Float.NaN))));
        assertTrue(Float.isNaN(HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(Float.intBitsToFloat(0x7F800001)))));
        assertEquals(-1.5f, HalfFloat.bf16ToFloat(0xBFC0));
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfFloat.bf16ToFloat(h);
            if (!Float.isNaN(f)) {
                assertEquals(h, HalfFloat.floatToBf16(f) & 0xFFFF);
            }
        }
    }
}
