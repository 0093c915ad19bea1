package io.plmwb.engine.format.gguf;

import java.util.Optional;

/**
 * ggml tensor types as stored in GGUF files (ids from ggml.h), with their block geometry: {@code blockSize} values
 * are stored in {@code typeSize} bytes. {@link #readable()} says whether {@link Dequantizer} converts the type.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, true),
    Q5_0(6, 32, 22, true),
    Q5_1(7, 32, 24, true),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, true),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    IQ2_XXS(16, 256, 66, false),
    IQ2_XS(17, 256, 74, false),
    IQ3_XXS(18, 256, 98, false),
    IQ1_S(19, 256, 50, false),
    IQ4_NL(20, 32, 18, false),
    IQ3_S(21, 256, 110, false),
    IQ2_S(22, 256, 82, false),
    IQ4_XS(23, 256, 136, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    IQ1_M(29, 256, 56, false),
    BF16(30, 1, 2, true),
    TQ1_0(34, 256, 54, false),
    TQ2_0(35, 256, 66, false);

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean readable;

    GgmlType(int id, int blockSize, int typeSize, boolean readable) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.readable = readable;
    }

    /** The numeric id in the file. */
    public int id() {
        return id;
    }

    /** Values per block (1 for plain float/int types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** True when the engine dequantizes this type. */
    public boolean readable() {
        return readable;
    }

    /** True for the block-quantized types. */
    public boolean quantized() {
        return blockSize > 1;
    }

    /** Bytes of {@code numel} values; the caller checks {@code numel % blockSize == 0}. */
    public long bytesFor(long numel) {
        return Math.multiplyExact(numel / blockSize, (long) typeSize);
    }

    /** Bits per weight as stored (8.5 for Q8_0, 4.5 for Q4_0, …). */
    public double bitsPerWeight() {
        return typeSize * 8.0 / blockSize;
    }

    /** The type with this file id, if known. */
    public static Optional<GgmlType> byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
