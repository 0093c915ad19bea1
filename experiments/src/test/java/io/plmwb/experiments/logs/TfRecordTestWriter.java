package io.plmwb.experiments.logs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An independent TensorBoard event writer for tests, byte by byte per the format: its own table-driven CRC-32C
 * (polynomial 0x82F63B78, checked against the standard check value) and its own protobuf encoding.
 */
final class TfRecordTestWriter {

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static int crc32c(byte[] b) {
        int c = 0xFFFFFFFF;
        for (byte x : b) {
            c = TABLE[(c ^ x) & 0xFF] ^ (c >>> 8);
        }
        return ~c;
    }

    static int masked(byte[] b) {
        int c = crc32c(b);
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** Appends one framed record; returns the offset of its first data byte. */
    int record(byte[] data) {
        byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.writeBytes(len);
        out.writeBytes(le32(masked(len)));
        int at = out.size();
        out.writeBytes(data);
        out.writeBytes(le32(masked(data)));
        return at;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    static byte[] key(int field, int wire) {
        return varint(((long) field << 3) | wire);
    }

    static byte[] lenField(int field, byte[] payload) {
        return cat(key(field, 2), varint(payload.length), payload);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] str(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Event{wall_time, step, summary{value[]}} */
    static byte[] event(double wall, long step, byte[]... values) {
        byte[] head = cat(key(1, 1), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(wall).array(),
                key(2, 0), varint(step));
        if (values.length == 0) {
            return cat(head, lenField(3, str("brain.Event:2")));
        }
        byte[] summary = new byte[0];
        for (byte[] v : values) {
            summary = cat(summary, lenField(1, v));
        }
        return cat(head, lenField(5, summary));
    }

    /** Value{tag, simple_value} */
    static byte[] simple(String tag, float v) {
        return cat(lenField(1, str(tag)), key(2, 5), le32(Float.floatToIntBits(v)));
    }

    /** Value{tag, metadata{plugin scalars}, tensor{dtype DT_FLOAT, shape {}, float_val packed [v]}} (TF2). */
    static byte[] tensorFloatVal(String tag, float v) {
        byte[] meta = lenField(1, lenField(1, str("scalars")));
        byte[] tensor = cat(key(1, 0), varint(1), lenField(2, new byte[0]), lenField(5, le32(Float.floatToIntBits(v))));
        return cat(lenField(1, str(tag)), lenField(9, meta), lenField(8, tensor));
    }

    /** Value{tag, tensor{dtype DT_DOUBLE, tensor_content 8 bytes}} */
    static byte[] tensorContentDouble(String tag, double v) {
        byte[] tensor = cat(key(1, 0), varint(2), lenField(4,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array()));
        return cat(lenField(1, str(tag)), lenField(8, tensor));
    }

    /** Value{tag, tensor{dtype DT_FLOAT, shape [3], float_val [1, 2, 3]}}: not a scalar. */
    static byte[] tensorVector(String tag) {
        byte[] dim = lenField(2, cat(key(1, 0), varint(3)));
        byte[] vals = cat(le32(Float.floatToIntBits(1)), le32(Float.floatToIntBits(2)), le32(Float.floatToIntBits(3)));
        byte[] tensor = cat(key(1, 0), varint(1), lenField(2, dim), lenField(5, vals));
        return cat(lenField(1, str(tag)), lenField(8, tensor));
    }
}
