package io.plmwb.engine.format.gguf;

import io.plmwb.engine.format.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (versions 2 and 3), validated strictly on open; tensor bytes are memory-mapped on demand.
 *
 * <p>Layout (little-endian): magic {@code "GGUF"}, uint32 version, uint64 tensor count, uint64 metadata count;
 * metadata key/value pairs (key: uint64 length + UTF-8; uint32 value type; value; arrays: uint32 element type,
 * uint64 count, elements); tensor infos (name, uint32 n_dims ≤ 4, uint64 ne[n_dims], uint32 ggml type, uint64
 * offset); padding to {@code general.alignment} (default 32); the data section. Every tensor offset must be a multiple
 * of the alignment, its bytes ({@code numel / blockSize × typeSize}, with {@code ne[0]} a multiple of the block)
 * must lie inside the file, and no two tensors may overlap. Counts and lengths are checked against the bytes left
 * before anything is allocated, so a hostile header cannot make the reader allocate gigabytes or loop for long.
 */
public final class GgufFile implements AutoCloseable {

    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    /** Default data alignment. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** Most dimensions a ggml tensor has. */
    public static final int MAX_DIMS = 4;
    /** Longest key or string value accepted (a chat template is a few KB; this is generous). */
    public static final long MAX_STRING_BYTES = 64L * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final int version;
    private final long fileSize;
    private final long dataStart;
    private final int alignment;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensor> tensors;

    private GgufFile(Path file, FileChannel channel, int version, long fileSize, long dataStart, int alignment,
                     Map<String, GgufValue> metadata, Map<String, GgufTensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.version = version;
        this.fileSize = fileSize;
        this.dataStart = dataStart;
        this.alignment = alignment;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws ModelFormatException naming the file and the problem (bad magic, unsupported version, truncated header,
     *                              bad counts, unknown types, misaligned or out-of-file tensors, overlaps, …)
     */
    public static GgufFile open(Path file) throws ModelFormatException {
        FileChannel ch = ModelFormatException.openForReading(file);
        io.plmwb.engine.io.FileReads.record(file);
        boolean ok = false;
        try {
            GgufFile f = parse(file, ch);
            ok = true;
            return f;
        } finally {
            if (!ok) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    /** Bounds-checked little-endian reader over the mapped header region. */
    private static final class Cursor {
        private final Path file;
        private final ByteBuffer buf;
        private final long fileSize;
        private int pos;
        private String what = "the header";

        Cursor(Path file, ByteBuffer buf, long fileSize) {
            this.file = file;
            this.buf = buf;
            this.fileSize = fileSize;
        }

        void need(long n) throws ModelFormatException {
            if (n < 0 || n > buf.limit() - pos) {
                throw new ModelFormatException(file, "truncated: " + what + " needs " + n + " more bytes at offset "
                        + pos + " but the file has " + fileSize + " bytes");
            }
        }

        long remaining() {
            return buf.limit() - pos;
        }

        int u8() throws ModelFormatException {
            need(1);
            return buf.get(pos++) & 0xFF;
        }

        int i32() throws ModelFormatException {
            need(4);
            int v = buf.getInt(pos);
            pos += 4;
            return v;
        }

        long u32() throws ModelFormatException {
            return i32() & 0xFFFFFFFFL;
        }

        long i64() throws ModelFormatException {
            need(8);
            long v = buf.getLong(pos);
            pos += 8;
            return v;
        }

        short i16() throws ModelFormatException {
            need(2);
            short v = buf.getShort(pos);
            pos += 2;
            return v;
        }

        String string() throws ModelFormatException {
            int at = pos;
            long n = i64();
            if (n < 0 || n > MAX_STRING_BYTES) {
                throw new ModelFormatException(file, what + ": string length " + Long.toUnsignedString(n)
                        + " at offset " + at + " is implausible (limit " + MAX_STRING_BYTES + ")");
            }
            need(n);
            ByteBuffer slice = buf.duplicate();
            slice.position(pos).limit(pos + (int) n);
            pos += (int) n;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(file, what + ": string at offset " + at + " is not valid UTF-8");
            }
        }
    }

    private static GgufFile parse(Path file, FileChannel ch) throws ModelFormatException {
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read size: " + e.getMessage(), e);
        }
        if (size < 24) {
            throw new ModelFormatException(file, "truncated: " + size
                    + " bytes, shorter than a GGUF header (24 bytes)");
        }
        MappedByteBuffer mapped;
        try {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot map: " + e.getMessage(), e);
        }
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        Cursor c = new Cursor(file, mapped, size);
        int magic = c.i32();
        if (magic != MAGIC) {
            throw new ModelFormatException(file, String.format("not a GGUF file: magic is 0x%08x (%s), expected "
                    + "\"GGUF\"", magic, printable(magic)));
        }
        long version = c.u32();
        if (version == 1) {
            throw new ModelFormatException(file, "GGUF version 1 (32-bit counts, before August 2023) is not "
                    + "supported; re-convert it with a current llama.cpp");
        }
        if (version == 0x02000000L || version == 0x03000000L) {
            throw new ModelFormatException(file, "big-endian GGUF (version " + (version >>> 24) + " byte-swapped) is "
                    + "not supported; use a little-endian file");
        }
        if (version != 2 && version != 3) {
            throw new ModelFormatException(file, "unsupported GGUF version " + version + " (2 and 3 are read)");
        }
        long nTensors = c.i64();
        long nKv = c.i64();
        // each KV needs at least 8 (key length) + 4 (type) + 1 bytes, each tensor info 8 + 4 + 8 + 4 + 8
        if (nKv < 0 || nKv > c.remaining() / 13) {
            throw new ModelFormatException(file, "metadata count " + Long.toUnsignedString(nKv)
                    + " cannot fit in the " + size + "-byte file");
        }
        if (nTensors < 0 || nTensors > c.remaining() / 32) {
            throw new ModelFormatException(file, "tensor count " + Long.toUnsignedString(nTensors)
                    + " cannot fit in the " + size + "-byte file");
        }
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            c.what = "metadata entry " + i + " of " + nKv;
            String key = c.string();
            c.what = "metadata '" + key + "'";
            long typeId = c.u32();
            GgufValueType type = GgufValueType.byId(typeId).orElseThrow(() -> new ModelFormatException(file,
                    "metadata '" + key + "' has unknown value type " + typeId));
            GgufValue v = value(c, type, key);
            if (meta.putIfAbsent(key, v) != null) {
                throw new ModelFormatException(file, "metadata key '" + key + "' appears twice");
            }
        }
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue al = meta.get("general.alignment");
        if (al != null) {
            if (al.type() != GgufValueType.UINT32) {
                throw new ModelFormatException(file, "general.alignment must be UINT32, found " + al.type());
            }
            long a = (Long) al.value();
            if (a == 0 || (a & (a - 1)) != 0 || a > (1 << 20)) {
                throw new ModelFormatException(file, "general.alignment " + a
                        + " is not a power of two (up to 1 MiB)");
            }
            alignment = (int) a;
        }
        List<GgufTensor> list = new ArrayList<>();
        Map<String, GgufTensor> byName = new LinkedHashMap<>();
        for (long i = 0; i < nTensors; i++) {
            c.what = "tensor info " + i + " of " + nTensors;
            String name = c.string();
            c.what = "tensor info '" + name + "'";
            long nd = c.u32();
            if (nd < 1 || nd > MAX_DIMS) {
                throw new ModelFormatException(file, "tensor '" + name + "' has " + nd + " dimensions (1.."
                        + MAX_DIMS + ")");
            }
            long[] ne = new long[(int) nd];
            long numel = 1;
            for (int d = 0; d < nd; d++) {
                ne[d] = c.i64();
                if (ne[d] <= 0) {
                    throw new ModelFormatException(file, "tensor '" + name + "' dimension " + d + " is "
                            + Long.toUnsignedString(ne[d]) + " (must be positive)");
                }
                try {
                    numel = Math.multiplyExact(numel, ne[d]);
                } catch (ArithmeticException e) {
                    throw new ModelFormatException(file, "tensor '" + name + "' element count overflows 64 bits");
                }
            }
            long typeId = c.u32();
            GgmlType type = GgmlType.byId(typeId).orElseThrow(() -> new ModelFormatException(file, "tensor '"
                    + name + "' has unknown ggml type " + typeId));
            long offset = c.i64();
            if (ne[0] % type.blockSize() != 0) {
                throw new ModelFormatException(file, "tensor '" + name + "' rows of " + ne[0] + " values are not a "
                        + "multiple of the " + type + " block size " + type.blockSize());
            }
            if (offset < 0 || offset % alignment != 0) {
                throw new ModelFormatException(file, "tensor '" + name + "' offset " + Long.toUnsignedString(offset)
                        + " is not a multiple of the alignment " + alignment);
            }
            GgufTensor t = new GgufTensor(name, type, ne, offset);
            if (byName.putIfAbsent(name, t) != null) {
                throw new ModelFormatException(file, "tensor '" + name + "' is listed twice");
            }
            list.add(t);
        }
        long headerEnd = c.pos;
        long dataStart = (headerEnd + alignment - 1) / alignment * alignment;
        long dataLen = size - dataStart;
        if (nTensors > 0 && dataLen < 0) {
            throw new ModelFormatException(file, "truncated: the data section would start at " + dataStart
                    + " but the file has " + size + " bytes");
        }
        List<GgufTensor> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(GgufTensor::offset));
        GgufTensor prev = null;
        for (GgufTensor t : byOffset) {
            long bytes;
            try {
                bytes = t.byteSize();
            } catch (ArithmeticException e) {
                throw new ModelFormatException(file, "tensor '" + t.name() + "' byte size overflows 64 bits");
            }
            if (t.offset() > dataLen || bytes > dataLen - t.offset()) {
                throw new ModelFormatException(file, "tensor '" + t.name() + "' (" + t.type() + ", " + bytes
                        + " bytes at data offset " + t.offset() + ") runs past the end of the file: the data section "
                        + "has " + Math.max(0, dataLen) + " bytes (truncated?)");
            }
            if (prev != null && t.offset() < prev.offset() + prev.byteSize()) {
                throw new ModelFormatException(file, "tensor '" + t.name() + "' at data offset " + t.offset()
                        + " overlaps tensor '" + prev.name() + "' [" + prev.offset() + ", "
                        + (prev.offset() + prev.byteSize()) + ")");
            }
            prev = t;
        }
        return new GgufFile(file, ch, (int) version, size, dataStart, alignment, meta, byName);
    }

    private static GgufValue value(Cursor c, GgufValueType type, String key) throws ModelFormatException {
        if (type == GgufValueType.ARRAY) {
            long et = c.u32();
            GgufValueType elem = GgufValueType.byId(et).orElseThrow(() -> new ModelFormatException(c.file,
                    "metadata '" + key + "' is an array of unknown value type " + et));
            if (elem == GgufValueType.ARRAY) {
                throw new ModelFormatException(c.file, "metadata '" + key + "' is an array of arrays (not supported)");
            }
            long n = c.i64();
            if (n < 0 || n > c.remaining() / elem.minSize()) {
                throw new ModelFormatException(c.file, "metadata '" + key + "': array of " + Long.toUnsignedString(n)
                        + " " + elem + " values cannot fit in the rest of the file (" + c.remaining()
                        + " bytes): truncated or corrupt");
            }
            List<Object> values = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                values.add(scalar(c, elem, key));
            }
            return new GgufValue(GgufValueType.ARRAY, Collections.unmodifiableList(values), elem);
        }
        return GgufValue.of(type, scalar(c, type, key));
    }

    private static Object scalar(Cursor c, GgufValueType type, String key) throws ModelFormatException {
        return switch (type) {
            case UINT8 -> (long) c.u8();
            case INT8 -> (long) (byte) c.u8();
            case UINT16 -> (long) (c.i16() & 0xFFFF);
            case INT16 -> (long) c.i16();
            case UINT32 -> c.u32();
            case INT32 -> (long) c.i32();
            case FLOAT32 -> (double) Float.intBitsToFloat(c.i32());
            case BOOL -> {
                int b = c.u8();
                if (b > 1) {
                    throw new ModelFormatException(c.file, "metadata '" + key + "': BOOL value " + b
                            + " is neither 0 nor 1");
                }
                yield b == 1;
            }
            case STRING -> c.string();
            case UINT64, INT64 -> c.i64();
            case FLOAT64 -> Double.longBitsToDouble(c.i64());
            case ARRAY -> throw new IllegalStateException();
        };
    }

    private static String printable(int magic) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < 4; i++) {
            int ch = (magic >>> (8 * i)) & 0xFF;
            sb.append(ch >= 0x20 && ch < 0x7F ? String.valueOf((char) ch) : String.format("\\x%02x", ch));
        }
        return sb.append('"').toString();
    }

    public Path file() {
        return file;
    }

    /** 2 or 3. */
    public int version() {
        return version;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Absolute offset of the data section. */
    public long dataStart() {
        return dataStart;
    }

    public int alignment() {
        return alignment;
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** All tensors in file (listing) order. */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    public Optional<GgufTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** A string value, or empty. */
    public Optional<String> string(String key) throws ModelFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.STRING) {
            throw new ModelFormatException(file, "metadata '" + key + "' must be a STRING, found " + v.type());
        }
        return Optional.of((String) v.value());
    }

    /** An integer value (any integer type), or empty. */
    public Optional<Long> integer(String key) throws ModelFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v.value() instanceof Long l) || v.type() == GgufValueType.ARRAY) {
            throw new ModelFormatException(file, "metadata '" + key + "' must be an integer, found " + v.type());
        }
        if (v.type() == GgufValueType.UINT64 && l < 0) {
            throw new ModelFormatException(file, "metadata '" + key + "' = " + Long.toUnsignedString(l)
                    + " does not fit a signed 64-bit integer");
        }
        return Optional.of(l);
    }

    /** A number (integer or float), or empty. */
    public Optional<Double> number(String key) throws ModelFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.value() instanceof Long l) {
            return Optional.of(l.doubleValue());
        }
        if (v.value() instanceof Double d) {
            return Optional.of(d);
        }
        throw new ModelFormatException(file, "metadata '" + key + "' must be a number, found " + v.type());
    }

    /** A boolean value, or empty. */
    public Optional<Boolean> bool(String key) throws ModelFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.BOOL) {
            throw new ModelFormatException(file, "metadata '" + key + "' must be a BOOL, found " + v.type());
        }
        return Optional.of((Boolean) v.value());
    }

    /** An array value's elements, or empty. */
    public Optional<List<?>> array(String key, GgufValueType elementType) throws ModelFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.ARRAY || (elementType != null && v.elementType() != elementType)) {
            throw new ModelFormatException(file, "metadata '" + key + "' must be an array of "
                    + (elementType == null ? "values" : elementType) + ", found " + v);
        }
        return Optional.of(v.list());
    }

    /** The raw bytes of a tensor, memory-mapped read-only, little-endian, position 0. */
    public ByteBuffer bytes(String name) throws ModelFormatException {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(file, "no tensor '" + name + "' in this file");
        }
        long n = t.byteSize();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, "tensor '" + name + "' is " + n + " bytes, more than one mapping "
                    + "(2 GiB) holds");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.offset(), n)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFormatException(file, "tensor '" + name + "': cannot map its bytes: " + e.getMessage(), e);
        }
    }

    /**
     * A tensor dequantized to fp32, row-major in {@link GgufTensor#shape()} order, checked for NaN/Inf.
     *
     * @throws ModelFormatException when the tensor is missing, of a type the engine does not dequantize, too large for
     *                              one array, or holds a non-finite value
     */
    public float[] dequantize(String name) throws ModelFormatException {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(file, "no tensor '" + name + "' in this file");
        }
        if (!t.type().readable()) {
            throw new ModelFormatException(file, "tensor '" + name + "' is " + t.type()
                    + ", which the engine does not dequantize (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, "
                    + "Q5_K, Q6_K)");
        }
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, "tensor '" + name + "' has " + n
                    + " values, more than one Java array holds");
        }
        float[] out = Dequantizer.dequantize(t.type(), bytes(name), (int) n);
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new ModelFormatException(file, "tensor '" + name + "' holds " + (Float.isNaN(out[i]) ? "NaN"
                        : out[i] > 0 ? "+Inf" : "-Inf") + " at index " + i + " (of " + n + " values)");
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the maps stay valid until collected
        }
    }
}
