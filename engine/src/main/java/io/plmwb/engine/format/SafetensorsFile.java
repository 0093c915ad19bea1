package io.plmwb.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code .safetensors} file, validated strictly on open and read tensor by tensor through memory maps of each
 * tensor's byte range (never the whole file in heap).
 *
 * <p>Layout: 8-byte little-endian header length {@code n}, {@code n} bytes of JSON, then the data section. Every
 * header entry needs a dtype, a shape of non-negative integers and {@code data_offsets [begin, end]} relative to the
 * data section, with {@code end - begin == numel × dtype size}; ranges must lie inside the data section and must not
 * overlap (gaps are allowed). Tensors in dtypes the engine does not convert (I64, F8, …) are validated but left out of
 * {@link #names()}; see {@link #unsupported()}.
 */
public final class SafetensorsFile implements WeightSource {

    /** Headers larger than this are refused before anything is allocated. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Bytes mapped at once when converting a tensor (a multiple of every element size). */
    static final int MAP_CHUNK_BYTES = 1 << 30;

    /** The largest float[] the JVM reliably allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Element sizes of every dtype of the safetensors spec (readable or not). */
    private static final Map<String, Integer> SPEC_DTYPES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E8M0", 1), Map.entry("I16", 2), Map.entry("U16", 2),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));

    /** Where a tensor's bytes lie: {@code [begin, end)} relative to the data section. */
    private record Slot(String name, String dtypeName, int elemSize, long[] shape, long begin, long end) {
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final long fileSize;
    private final Map<String, String> metadata;
    private final Map<String, Slot> slots;
    private final Map<String, TensorInfo> infos;
    private final Map<String, String> unsupported;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, long fileSize, Map<String, String> metadata,
            Map<String, Slot> slots) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.fileSize = fileSize;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.slots = slots;
        Map<String, TensorInfo> inf = new LinkedHashMap<>();
        Map<String, String> unsup = new LinkedHashMap<>();
        for (Slot s : slots.values()) {
            Optional<DType> d = DType.fromSafetensors(s.dtypeName());
            if (d.isPresent()) {
                inf.put(s.name(), new TensorInfo(s.name(), d.get(), s.shape()));
            } else {
                unsup.put(s.name(), s.dtypeName());
            }
        }
        this.infos = Collections.unmodifiableMap(inf);
        this.unsupported = Collections.unmodifiableMap(unsup);
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws ModelFormatException naming the file (and tensor) when anything in the header is wrong
     */
    public static SafetensorsFile open(Path file) throws ModelFormatException {
        FileChannel ch = ModelFormatException.openForReading(file);
        try {
            SafetensorsFile f = parse(file, ch);
            ch = null;
            return f;
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch) throws ModelFormatException {
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read size: " + e.getMessage(), e);
        }
        if (size < 8) {
            throw new ModelFormatException(file, "truncated: " + size
                    + " bytes, not even the 8-byte header length of a safetensors file");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (Long.compareUnsigned(n, size - 8) > 0) {
            throw new ModelFormatException(file, "header length " + Long.toUnsignedString(n)
                    + " runs past the end of the file (" + size + " bytes): truncated or not a safetensors file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new ModelFormatException(file, "header length " + n + " exceeds the " + MAX_HEADER_BYTES
                    + "-byte limit: refusing to parse it");
        }
        if (n < 2) {
            throw new ModelFormatException(file, "header length " + n + " is too small for a JSON object");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(file, ch, hb, 8);
        byte[] hbytes = hb.array();
        if (hbytes[0] != '{') {
            throw new ModelFormatException(file, "header is not a JSON object (it must start with '{')");
        }
        JsonNode root;
        try {
            root = JSON.readTree(hbytes);
        } catch (IOException e) {
            throw new ModelFormatException(file, "header is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Slot> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new ModelFormatException(file, "__metadata__ must be an object of strings, found "
                            + v.getNodeType());
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext();) {
                    Map.Entry<String, JsonNode> me = m.next();
                    if (!me.getValue().isTextual()) {
                        throw new ModelFormatException(file, "__metadata__ value '" + me.getKey()
                                + "' must be a string, found " + me.getValue().getNodeType());
                    }
                    metadata.put(me.getKey(), me.getValue().textValue());
                }
                continue;
            }
            list.add(slot(file, name, v, dataLen));
        }
        // no overlaps: sort by begin (zero-length tensors may sit anywhere)
        List<Slot> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
        Slot prev = null;
        for (Slot s : byOffset) {
            if (s.begin() == s.end()) {
                continue;
            }
            if (prev != null && s.begin() < prev.end()) {
                throw new ModelFormatException(file, "tensor '" + s.name() + "' bytes [" + s.begin() + ", " + s.end()
                        + ") overlap tensor '" + prev.name() + "' bytes [" + prev.begin() + ", " + prev.end() + ")");
            }
            prev = s;
        }
        Map<String, Slot> slots = new LinkedHashMap<>();
        for (Slot s : byOffset) {
            slots.put(s.name(), s);
        }
        return new SafetensorsFile(file, ch, dataStart, size, metadata, slots);
    }

    private static Slot slot(Path file, String name, JsonNode v, long dataLen) throws ModelFormatException {
        String where = "tensor '" + name + "': ";
        if (!v.isObject()) {
            throw new ModelFormatException(file, where + "entry must be an object, found " + v.getNodeType());
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFormatException(file, where + "missing or non-string dtype");
        }
        Integer elem = SPEC_DTYPES.get(dt.textValue());
        if (elem == null) {
            throw new ModelFormatException(file, where + "unknown dtype '" + dt.textValue() + "'");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new ModelFormatException(file, where + "missing shape array");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new ModelFormatException(file, where + "shape[" + i + "] must be a non-negative integer, found "
                        + d);
            }
            shape[i] = d.longValue();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(file, where + "shape " + sh + " overflows 64 bits");
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new ModelFormatException(file, where + "data_offsets must be an array [begin, end]");
        }
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode d = off.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new ModelFormatException(file, where + "data_offsets[" + i
                        + "] must be a non-negative integer, found " + d);
            }
            be[i] = d.longValue();
        }
        if (be[1] < be[0]) {
            throw new ModelFormatException(file, where + "data_offsets end " + be[1] + " is before begin " + be[0]);
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, (long) elem);
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(file, where + "byte size of shape " + sh + " overflows 64 bits");
        }
        if (be[1] - be[0] != expected) {
            throw new ModelFormatException(file, where + "data_offsets [" + be[0] + ", " + be[1] + "] hold "
                    + (be[1] - be[0]) + " bytes but shape " + sh + " of " + dt.textValue() + " needs " + expected);
        }
        if (be[1] > dataLen) {
            throw new ModelFormatException(file, where + "data_offsets end " + be[1]
                    + " is past the end of the data section (" + dataLen + " bytes): file truncated?");
        }
        return new Slot(name, dt.textValue(), elem, shape, be[0], be[1]);
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long pos) throws ModelFormatException {
        try {
            long p = pos;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, p);
                if (r < 0) {
                    throw new ModelFormatException(file, "truncated while reading the header");
                }
                p += r;
            }
        } catch (IOException e) {
            throw new ModelFormatException(file, "read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Path origin() {
        return file;
    }

    /** The file's {@code __metadata__} (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Names of the tensors the engine can convert to float, in file (offset) order. */
    @Override
    public List<String> names() {
        return new ArrayList<>(infos.keySet());
    }

    /** Every tensor in the file, readable or not, in file order. */
    public List<String> allNames() {
        return new ArrayList<>(slots.keySet());
    }

    /** Tensors whose dtype the engine does not convert, with that dtype string (e.g. "I64"). */
    public Map<String, String> unsupported() {
        return unsupported;
    }

    @Override
    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(infos.get(name));
    }

    /** Absolute file offset of a tensor's first byte. */
    public long fileOffset(String name) throws ModelFormatException {
        return dataStart + slotOf(name).begin();
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return fileSize;
    }

    /**
     * A read-only little-endian map of a tensor's bytes (any dtype).
     *
     * @throws ModelFormatException when the tensor is missing or larger than one mapping can hold (2 GB)
     */
    public ByteBuffer mapRaw(String name) throws ModelFormatException {
        Slot s = slotOf(name);
        long len = s.end() - s.begin();
        if (len > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, "tensor '" + name + "' is " + len
                    + " bytes, more than one memory map can hold (2^31-1); read it in slices");
        }
        return map(s, s.begin(), len);
    }

    private ByteBuffer map(Slot s, long relBegin, long len) throws ModelFormatException {
        try {
            MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + relBegin, len);
            return mb.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFormatException(file, "tensor '" + s.name() + "': cannot map bytes: " + e.getMessage(), e);
        }
    }

    private Slot slotOf(String name) throws ModelFormatException {
        Slot s = slots.get(name);
        if (s == null) {
            throw new ModelFormatException(file, "no tensor '" + name + "' in this file");
        }
        return s;
    }

    @Override
    public float[] readFloats(String name) throws ModelFormatException {
        TensorInfo info = supportedInfo(name);
        long n = info.numel();
        if (n > MAX_ARRAY) {
            throw new ModelFormatException(file, "tensor '" + name + "' has " + n
                    + " elements, more than one Java array can hold (2^31-1); read it in slices");
        }
        return readFloats(name, 0, (int) n);
    }

    /**
     * {@code count} elements of a tensor from flat index {@code start}, converted to float and checked for NaN/Inf
     * (for rows of a large embedding, or tensors too big for one array).
     */
    public float[] readFloats(String name, long start, int count) throws ModelFormatException {
        TensorInfo info = supportedInfo(name);
        long n = info.numel();
        if (start < 0 || count < 0 || start > n - count) {
            throw new ModelFormatException(file, "tensor '" + name + "': slice [" + start + ", " + (start + count)
                    + ") is outside its " + n + " elements");
        }
        Slot s = slots.get(name);
        int es = s.elemSize();
        float[] out = new float[count];
        int perChunk = MAP_CHUNK_BYTES / es;
        int done = 0;
        while (done < count) {
            int k = Math.min(perChunk, count - done);
            ByteBuffer b = map(s, s.begin() + (start + done) * es, (long) k * es);
            switch (info.dtype()) {
                case F32 -> {
                    FloatBuffer fb = b.asFloatBuffer();
                    fb.get(out, done, k);
                }
                case BF16 -> {
                    ShortBuffer sb = b.asShortBuffer();
                    for (int i = 0; i < k; i++) {
                        out[done + i] = HalfFloat.bf16ToFloat(sb.get(i));
                    }
                }
                case F16 -> {
                    ShortBuffer sb = b.asShortBuffer();
                    for (int i = 0; i < k; i++) {
                        out[done + i] = HalfFloat.halfToFloat(sb.get(i));
                    }
                }
                default -> throw new IllegalStateException(info.dtype().name());
            }
            done += k;
        }
        for (int i = 0; i < count; i++) {
            float v = out[i];
            if (!Float.isFinite(v)) {
                throw new ModelFormatException(file, "tensor '" + name + "' holds " + (Float.isNaN(v) ? "NaN" : v > 0
                        ? "+Inf" : "-Inf") + " at index " + (start + i) + " (of " + n + " values)");
            }
        }
        return out;
    }

    private TensorInfo supportedInfo(String name) throws ModelFormatException {
        TensorInfo info = infos.get(name);
        if (info == null) {
            String dt = unsupported.get(name);
            if (dt != null) {
                throw new ModelFormatException(file, "tensor '" + name + "' has dtype " + dt
                        + ", which the engine does not read (F32, F16, BF16 only)");
            }
            throw new ModelFormatException(file, "no tensor '" + name + "' in this file");
        }
        return info;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the maps stay valid until collected
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
