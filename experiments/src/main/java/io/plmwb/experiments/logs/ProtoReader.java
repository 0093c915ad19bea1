package io.plmwb.experiments.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protocol-buffer wire-format reader over a byte range: varints, fixed 32/64-bit values and
 * length-delimited fields, each bounds-checked ({@link IOException} on malformed input, never an index error).
 * Enough for TensorBoard's Event/Summary/TensorProto without a protobuf dependency.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH = 2;
    static final int FIXED32 = 5;

    private final byte[] b;
    private int pos;
    private final int end;
    private int wire;

    ProtoReader(byte[] b, int from, int to) {
        this.b = b;
        this.pos = from;
        this.end = to;
    }

    boolean hasNext() {
        return pos < end;
    }

    /** Reads the next key and returns its field number; {@link #wire()} then gives its wire type. */
    int next() throws IOException {
        long key = varint();
        wire = (int) (key & 7);
        long field = key >>> 3;
        if (field <= 0 || field > 0x1FFFFFFF) {
            throw new IOException("bad field number " + field + " at byte " + pos);
        }
        return (int) field;
    }

    int wire() {
        return wire;
    }

    long varint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new IOException("varint runs past the end of its message");
            }
            int x = b[pos++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint longer than 10 bytes");
    }

    long fixed64() throws IOException {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    int fixed32() throws IOException {
        need(4);
        int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    double doubleValue() throws IOException {
        return Double.longBitsToDouble(fixed64());
    }

    float floatValue() throws IOException {
        return Float.intBitsToFloat(fixed32());
    }

    /** A reader over the next length-delimited field's bytes (and skips them here). */
    ProtoReader message() throws IOException {
        int len = length();
        ProtoReader r = new ProtoReader(b, pos, pos + len);
        pos += len;
        return r;
    }

    String string() throws IOException {
        int len = length();
        String s = new String(b, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** The start offset and length of the next length-delimited field, skipped here: {start, length}. */
    int[] bytes() throws IOException {
        int len = length();
        int[] r = {pos, len};
        pos += len;
        return r;
    }

    byte[] array() {
        return b;
    }

    /** Skips the value of the field just read by {@link #next()}. */
    void skip() throws IOException {
        switch (wire) {
            case VARINT -> varint();
            case FIXED64 -> {
                need(8);
                pos += 8;
            }
            case LENGTH -> {
                int len = length();
                pos += len;
            }
            case FIXED32 -> {
                need(4);
                pos += 4;
            }
            default -> throw new IOException("unsupported wire type " + wire);
        }
    }

    private int length() throws IOException {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw new IOException("a field claims " + len + " bytes but only " + (end - pos) + " remain");
        }
        return (int) len;
    }

    private void need(int n) throws IOException {
        if (end - pos < n) {
            throw new IOException("a fixed-size field runs past the end of its message");
        }
    }
}
