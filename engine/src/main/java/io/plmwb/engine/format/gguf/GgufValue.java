package io.plmwb.engine.format.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One metadata value: integers as {@link Long} (UINT64 values above 2^63 come out negative: use
 * {@link Long#toUnsignedString}), FLOAT32/FLOAT64 as {@link Double}, BOOL as {@link Boolean}, STRING as
 * {@link String}, ARRAY as a {@link List} of such objects with {@link #elementType()}.
 *
 * @param type        value type
 * @param value       the decoded value
 * @param elementType the element type of an ARRAY, null otherwise
 */
public record GgufValue(GgufValueType type, Object value, GgufValueType elementType) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType is set exactly for arrays");
        }
    }

    public static GgufValue of(GgufValueType type, Object value) {
        return new GgufValue(type, value, null);
    }

    public static GgufValue array(GgufValueType elementType, List<?> values) {
        return new GgufValue(GgufValueType.ARRAY, List.copyOf(values), elementType);
    }

    public static GgufValue string(String s) {
        return of(GgufValueType.STRING, s);
    }

    public static GgufValue u32(long v) {
        return of(GgufValueType.UINT32, v);
    }

    public static GgufValue f32(double v) {
        return of(GgufValueType.FLOAT32, v);
    }

    public static GgufValue bool(boolean v) {
        return of(GgufValueType.BOOL, v);
    }

    /** The array elements (throws when this is not an array). */
    public List<?> list() {
        if (type != GgufValueType.ARRAY) {
            throw new IllegalStateException("not an array: " + type);
        }
        return (List<?>) value;
    }

    @Override
    public String toString() {
        if (type == GgufValueType.ARRAY) {
            List<?> l = list();
            return "[" + elementType + " × " + l.size() + "]";
        }
        return type + " " + value;
    }
}
