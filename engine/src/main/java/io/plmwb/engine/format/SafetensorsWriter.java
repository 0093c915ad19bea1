package io.plmwb.engine.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streams a {@code .safetensors} file: the header (all names, dtypes, shapes, offsets) goes first, then each tensor is
 * produced chunk by chunk by a {@link Filler}, so a multi-GB checkpoint is written with a few MB of heap.
 *
 * <p>Float values are converted to the declared dtype with round-to-nearest-even. The header is padded with spaces
 * to a multiple of 8 bytes and carries {@code __metadata__ {"format":"pt"}} (plus any extra metadata given).
 * The writer never replaces an existing file.
 */
public final class SafetensorsWriter implements Closeable {

    /** Produces a tensor's values in order: fills {@code buf[0..len)} with the elements at flat index {@code start..}. */
    @FunctionalInterface
    public interface Filler {
        void fill(float[] buf, long start, int len) throws IOException;
    }

    static final int CHUNK_VALUES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<TensorInfo> tensors;
    private final FileChannel channel;
    private final ByteBuffer out;
    private int next;
    private boolean closed;

    private SafetensorsWriter(Path file, List<TensorInfo> tensors, FileChannel channel) {
        this.file = file;
        this.tensors = tensors;
        this.channel = channel;
        this.out = ByteBuffer.allocateDirect(CHUNK_VALUES * 4).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Creates {@code file} (which must not exist) and writes the header for {@code tensors}, in that order.
     *
     * @param metadata extra {@code __metadata__} entries (may be empty); {@code format: pt} is always written
     */
    public static SafetensorsWriter create(Path file, List<TensorInfo> tensors, Map<String, String> metadata)
            throws IOException {
        Set<String> seen = new HashSet<>();
        for (TensorInfo t : tensors) {
            if (t.name().equals("__metadata__") || !seen.add(t.name())) {
                throw new IllegalArgumentException("duplicate or reserved tensor name '" + t.name() + "'");
            }
            t.byteSize(); // throws on overflow
        }
        byte[] header = header(tensors, metadata);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(header.length).put(header).flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return new SafetensorsWriter(file, List.copyOf(tensors), ch);
    }

    /** The JSON header bytes, space-padded to a multiple of 8. */
    static byte[] header(List<TensorInfo> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode meta = root.putObject("__metadata__");
        meta.put("format", "pt");
        new TreeMap<>(metadata).forEach(meta::put); // sorted: the same metadata always gives the same bytes
        long offset = 0;
        for (TensorInfo t : tensors) {
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = Math.addExact(offset, t.byteSize());
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] h = Arrays.copyOf(json, padded);
        Arrays.fill(h, json.length, padded, (byte) ' ');
        return h;
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** Name of the tensor {@link #write} expects next, or null when all are written. */
    public String nextName() {
        return next < tensors.size() ? tensors.get(next).name() : null;
    }

    /** Writes the next tensor from a heap array (its length must equal the tensor's element count). */
    public void write(String name, float[] values) throws IOException {
        TensorInfo t = expect(name);
        if (t.numel() != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for " + t);
        }
        write(name, (buf, start, len) -> System.arraycopy(values, (int) start, buf, 0, len));
    }

    /** Writes the next tensor (it must be {@code name}, in header order), asking {@code filler} chunk by chunk. */
    public void write(String name, Filler filler) throws IOException {
        TensorInfo t = expect(name);
        long n = t.numel();
        float[] buf = new float[(int) Math.min(CHUNK_VALUES, Math.max(1, n))];
        long done = 0;
        while (done < n) {
            int k = (int) Math.min(buf.length, n - done);
            filler.fill(buf, done, k);
            out.clear();
            switch (t.dtype()) {
                case F32 -> {
                    for (int i = 0; i < k; i++) {
                        out.putFloat(buf[i]);
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < k; i++) {
                        out.putShort(HalfFloat.floatToBf16(buf[i]));
                    }
                }
                case F16 -> {
                    for (int i = 0; i < k; i++) {
                        out.putShort(HalfFloat.floatToHalf(buf[i]));
                    }
                }
                default -> throw new IllegalStateException(t.dtype().name());
            }
            out.flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            done += k;
        }
        next++;
    }

    private TensorInfo expect(String name) {
        if (closed) {
            throw new IllegalStateException(file + ": writer is closed");
        }
        if (next >= tensors.size()) {
            throw new IllegalStateException(file + ": all " + tensors.size() + " tensors are written; got '" + name
                    + "'");
        }
        TensorInfo t = tensors.get(next);
        if (!t.name().equals(name)) {
            throw new IllegalStateException(file + ": expected tensor '" + t.name() + "' next, got '" + name + "'");
        }
        return t;
    }

    /** Closes the file and deletes it (for cancelled or failed writes). */
    public void abort() throws IOException {
        closed = true;
        channel.close();
        Files.deleteIfExists(file);
    }

    /**
     * Finishes the file.
     *
     * @throws IllegalStateException when some declared tensors were never written (the file is deleted)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (next < tensors.size()) {
            channel.close();
            Files.deleteIfExists(file);
            throw new IllegalStateException(file + ": closed after " + next + " of " + tensors.size()
                    + " tensors; the incomplete file was deleted");
        }
        channel.force(false);
        channel.close();
    }

    /** Writes a whole small file from heap arrays (tests, tiny models). */
    public static void writeAll(Path file, List<TensorInfo> tensors, List<float[]> values) throws IOException {
        if (tensors.size() != values.size()) {
            throw new IllegalArgumentException(tensors.size() + " tensors but " + values.size() + " value arrays");
        }
        List<TensorInfo> specs = new ArrayList<>(tensors);
        try (SafetensorsWriter w = create(file, specs, Map.of())) {
            for (int i = 0; i < specs.size(); i++) {
                w.write(specs.get(i).name(), values.get(i));
            }
        }
    }
}
