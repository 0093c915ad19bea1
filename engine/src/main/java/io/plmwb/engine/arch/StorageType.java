package io.plmwb.engine.arch;

import java.util.Locale;
import java.util.Optional;

/**
 * How numbers are stored (weights or cache): bytes per block of {@code blockSize} values. Block-quantized types
 * carry their scales inside the block (Q8_0: 32 int8 + one fp16 scale = 34 bytes per 32 values).
 */
public enum StorageType {
    FP32("fp32", 4, 1),
    BF16("bf16", 2, 1),
    FP16("fp16", 2, 1),
    FP8("fp8", 1, 1),
    Q8_0("q8_0", 34, 32),
    Q4_0("q4_0", 18, 32);

    private final String label;
    private final int blockBytes;
    private final int blockSize;

    StorageType(String label, int blockBytes, int blockSize) {
        this.label = label;
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
    }

    /** The name used on the command line and in JSON. */
    public String label() {
        return label;
    }

    /** Bytes taken by {@code values} values (rounded up to whole blocks). */
    public long bytesFor(long values) {
        return (values + blockSize - 1) / blockSize * blockBytes;
    }

    /** Average bits per value. */
    public double bitsPerValue() {
        return 8.0 * blockBytes / blockSize;
    }

    /** Parses a label ("bf16", "bfloat16", "float32", "q8_0", …). */
    public static Optional<StorageType> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fp32", "f32", "float32", "float" -> Optional.of(FP32);
            case "bf16", "bfloat16" -> Optional.of(BF16);
            case "fp16", "f16", "float16", "half" -> Optional.of(FP16);
            case "fp8", "f8", "float8" -> Optional.of(FP8);
            case "q8_0", "q8" -> Optional.of(Q8_0);
            case "q4_0", "q4" -> Optional.of(Q4_0);
            default -> Optional.empty();
        };
    }
}
