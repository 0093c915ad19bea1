package io.plmwb.engine.format.gguf;

import io.plmwb.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files (little-endian, alignment 32): metadata of every value type and tensors whose bytes are
 * produced one at a time by a callback, so a multi-GB model never sits in memory. The file is written under a
 * temporary name next to the target and moved into place at the end: an existing file is only replaced by a complete
 * one.
 */
public final class GgufWriter {

    /** A tensor to write: its bytes come from {@code data} when the writer reaches it. */
    public record Entry(String name, GgmlType type, long[] ne, TensorData data) {
        public Entry {
            ne = ne.clone();
        }

        long numel() {
            long n = 1;
            for (long d : ne) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /** Produces a tensor's bytes in the ggml layout of its type. */
    @FunctionalInterface
    public interface TensorData {
        byte[] bytes() throws IOException;
    }

    private GgufWriter() {
    }

    /** Writes {@code file} (replacing it atomically when it exists). */
    public static void write(Path file, Map<String, GgufValue> metadata, List<Entry> tensors) throws IOException {
        int alignment = GgufFile.DEFAULT_ALIGNMENT;
        GgufValue al = metadata.get("general.alignment");
        if (al != null) {
            alignment = ((Number) al.value()).intValue();
        }
        Out head = new Out();
        head.u32(GgufFile.MAGIC);
        head.u32(3);
        head.u64(tensors.size());
        head.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            head.string(e.getKey());
            head.u32(e.getValue().type().id());
            value(head, e.getValue().type(), e.getValue().elementType(), e.getValue().value());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Entry t : tensors) {
            if (t.ne()[0] % t.type().blockSize() != 0) {
                throw new IllegalArgumentException(t.name() + ": row " + t.ne()[0] + " not a multiple of the "
                        + t.type() + " block");
            }
            head.string(t.name());
            head.u32(t.ne().length);
            for (long d : t.ne()) {
                head.u64(d);
            }
            head.u32(t.type().id());
            head.u64(offset);
            offsets.add(offset);
            offset = align(offset + t.type().bytesFor(t.numel()), alignment);
        }
        final long totalData = offset;
        final int align = alignment;
        AtomicFiles.writeChannel(file, true, ch -> {
            byte[] h = head.bytes();
            long dataStart = align(h.length, align);
            writeAt(ch, ByteBuffer.wrap(h), 0);
            for (int i = 0; i < tensors.size(); i++) {
                Entry t = tensors.get(i);
                byte[] b = t.data().bytes();
                long want = t.type().bytesFor(t.numel());
                if (b.length != want) {
                    throw new IllegalArgumentException(t.name() + ": " + b.length + " bytes, " + t.type() + " "
                            + java.util.Arrays.toString(t.ne()) + " needs " + want);
                }
                writeAt(ch, ByteBuffer.wrap(b), dataStart + offsets.get(i));
            }
            long end = dataStart + totalData;
            if (ch.size() < end) {
                writeAt(ch, ByteBuffer.allocate((int) (end - ch.size())), ch.size());
            }
        });
    }

    private static void writeAt(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    static long align(long v, int a) {
        return (v + a - 1) / a * a;
    }

    private static void value(Out o, GgufValueType type, GgufValueType elem, Object v) {
        switch (type) {
            case UINT8, INT8, BOOL -> o.u8(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).intValue());
            case UINT16, INT16 -> o.u16(((Number) v).intValue());
            case UINT32, INT32 -> o.u32(((Number) v).intValue());
            case UINT64, INT64 -> o.u64(((Number) v).longValue());
            case FLOAT32 -> o.u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> o.u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case STRING -> o.string((String) v);
            case ARRAY -> {
                List<?> l = (List<?>) v;
                o.u32(elem.id());
                o.u64(l.size());
                for (Object x : l) {
                    value(o, elem, null, x);
                }
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    /** A growable little-endian byte buffer. */
    private static final class Out {
        private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (b.remaining() < n) {
                ByteBuffer nb = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                nb.put(b);
                b = nb;
            }
        }

        void u8(int v) {
            ensure(1);
            b.put((byte) v);
        }

        void u16(int v) {
            ensure(2);
            b.putShort((short) v);
        }

        void u32(int v) {
            ensure(4);
            b.putInt(v);
        }

        void u64(long v) {
            ensure(8);
            b.putLong(v);
        }

        void string(String s) {
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            u64(x.length);
            ensure(x.length);
            b.put(x);
        }

        byte[] bytes() {
            byte[] r = new byte[b.position()];
            b.duplicate().flip().get(r);
            return r;
        }
    }
}
