package io.plmwb.experiments.logs;

import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * TensorBoard event files ({@code events.out.tfevents.*}). The file is a TFRecord stream: per record a little-endian
 * uint64 length, the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data, where
 * masked(c) = ((c &gt;&gt;&gt; 15) | (c &lt;&lt; 17)) + 0xa282ead8. Each record is an {@code Event} protobuf
 * (wall_time = 1, step = 2, file_version = 3, summary = 5), decoded by hand with {@link ProtoReader}: every
 * {@code Summary.Value} (tag = 1) with a {@code simple_value} (2, float; PyTorch, TF1) or a scalar {@code tensor}
 * (8, TensorProto: float_val, double_val, int_val, int64_val, half_val or tensor_content by dtype; TF2) becomes a
 * value of that tag at the event's step.
 *
 * <p>A record whose data CRC does not match is reported and skipped; after a damaged length the reader searches for
 * the next intact record header; a truncated tail (a run still writing) ends the file with a warning. None of these
 * is fatal while some values were read.
 */
public final class TensorBoardEventReader implements TrainingLogReader {

    static final long MAX_BYTES = 1_500_000_000L;

    @Override
    public String format() {
        return "tfevents";
    }

    @Override
    public boolean accepts(Path file, byte[] head) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).contains("tfevents");
    }

    /** TFRecord's masked CRC32C of {@code b[off, off+len)}. */
    public static int maskedCrc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    @Override
    public TrainingLog read(Path file, TaskContext ctx) throws IOException, LogFormatException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new LogFormatException(file, "is " + size / 1_000_000 + " MB; event files over "
                    + MAX_BYTES / 1_000_000 + " MB are not read");
        }
        byte[] b = Files.readAllBytes(file);
        return parse(b, file, CsvLogReader.runName(file), ctx);
    }

    TrainingLog parse(byte[] b, Path file, String name, TaskContext ctx) throws LogFormatException {
        ScalarCollector out = new ScalarCollector();
        int n = b.length;
        int pos = 0;
        int records = 0;
        int skipped = 0;
        int events = 0;
        int[] nonScalar = {0};
        while (pos < n) {
            if ((records & 0x3FFF) == 0) {
                ctx.checkCancelled();
                ctx.progress(pos, n);
            }
            if (n - pos < 12) {
                out.warn("truncated record at byte " + pos + ": " + (n - pos) + " bytes left, a record header needs 12"
                        + " (was the run still writing?)");
                break;
            }
            long len = le64(b, pos);
            if (maskedCrc(b, pos, 8) != le32(b, pos + 8)) {
                skipped++;
                int q = resync(b, pos + 1);
                out.warn("record " + (records + 1) + " at byte " + pos + ": the length's CRC does not match (corrupted"
                        + " header); " + (q < 0 ? "no intact record follows" : "resumed at byte " + q));
                if (q < 0) {
                    break;
                }
                pos = q;
                continue;
            }
            if (len < 0 || len > n - pos - 16L) { // a uint64 length ≥ 2^63 reads as negative
                out.warn("truncated record at byte " + pos + ": it claims " + Long.toUnsignedString(len) + " bytes of data but only "
                        + Math.max(0, n - pos - 16) + " remain (was the run still writing?)");
                break;
            }
            int dataStart = pos + 12;
            int dataLen = (int) len;
            records++;
            if (maskedCrc(b, dataStart, dataLen) != le32(b, dataStart + dataLen)) {
                skipped++;
                out.warn("record " + records + " at byte " + pos + ": the data CRC does not match (corrupted "
                        + dataLen + "-byte record); skipped");
            } else {
                try {
                    if (event(new ProtoReader(b, dataStart, dataStart + dataLen), out, nonScalar)) {
                        events++;
                    }
                } catch (IOException e) {
                    skipped++;
                    out.warn("record " + records + " at byte " + pos + ": not a valid Event protobuf (" + e.getMessage()
                            + "); skipped");
                }
            }
            pos = dataStart + dataLen + 4;
        }
        if (nonScalar[0] > 0) {
            out.warn(nonScalar[0] + " non-scalar values (histograms, images, tensors with more than one element) "
                    + "ignored");
        }
        if (out.isEmpty()) {
            if (records == 0 && skipped > 0) {
                throw new LogFormatException(file, "is not a TensorBoard event file: no intact TFRecord found ("
                        + String.join("; ", out.warnings()) + ")");
            }
            throw new LogFormatException(file, "holds " + records + " records but no scalar values"
                    + (skipped > 0 ? " (" + skipped + " corrupted)" : ""));
        }
        TrainingLog log = out.build(name, file, format());
        return log;
    }

    /** The next offset ≥ from where an intact record header (length + matching CRC) starts, or -1. */
    private static int resync(byte[] b, int from) {
        for (int q = from; q + 12 <= b.length; q++) {
            long len = le64(b, q);
            if (len >= 0 && len <= b.length - q - 16L && maskedCrc(b, q, 8) == le32(b, q + 8)) {
                return q;
            }
        }
        return -1;
    }

    /** Decodes one Event; true when it carried scalar values. */
    private static boolean event(ProtoReader r, ScalarCollector out, int[] nonScalar) throws IOException {
        double wall = Double.NaN;
        long step = 0;
        ProtoReader summary = null;
        while (r.hasNext()) {
            int f = r.next();
            if (f == 1 && r.wire() == ProtoReader.FIXED64) {
                wall = r.doubleValue();
            } else if (f == 2 && r.wire() == ProtoReader.VARINT) {
                step = r.varint();
            } else if (f == 5 && r.wire() == ProtoReader.LENGTH) {
                summary = r.message();
            } else {
                r.skip();
            }
        }
        if (summary == null) {
            return false;
        }
        boolean any = false;
        while (summary.hasNext()) {
            int f = summary.next();
            if (f == 1 && summary.wire() == ProtoReader.LENGTH) {
                any |= value(summary.message(), step, out, nonScalar);
            } else {
                summary.skip();
            }
        }
        if (any && !Double.isNaN(wall)) {
            out.add(step, "wall_time", wall);
        }
        return any;
    }

    private static boolean value(ProtoReader r, long step, ScalarCollector out, int[] nonScalar) throws IOException {
        String tag = null;
        String nodeName = null;
        double v = Double.NaN;
        boolean has = false;
        while (r.hasNext()) {
            int f = r.next();
            if (f == 1 && r.wire() == ProtoReader.LENGTH) {
                tag = r.string();
            } else if (f == 7 && r.wire() == ProtoReader.LENGTH) {
                nodeName = r.string();
            } else if (f == 2 && r.wire() == ProtoReader.FIXED32) {
                v = r.floatValue();
                has = true;
            } else if (f == 8 && r.wire() == ProtoReader.LENGTH) {
                double[] t = tensorScalar(r.message());
                if (t == null) {
                    nonScalar[0]++;
                } else {
                    v = t[0];
                    has = true;
                }
            } else if ((f >= 3 && f <= 6) && r.wire() == ProtoReader.LENGTH) {
                r.skip();
                nonScalar[0]++;
            } else {
                r.skip();
            }
        }
        String name = tag != null && !tag.isEmpty() ? tag : nodeName;
        if (!has || name == null || name.isEmpty()) {
            return false;
        }
        out.add(step, name, Double.isFinite(v) ? v : Double.NaN);
        return true;
    }

    // TensorFlow DataType numbers
    private static final int DT_FLOAT = 1;
    private static final int DT_DOUBLE = 2;
    private static final int DT_INT32 = 3;
    private static final int DT_INT64 = 9;
    private static final int DT_BFLOAT16 = 14;
    private static final int DT_HALF = 19;

    /** The value of a one-element TensorProto as {value}, or null when it is not a scalar of a numeric type. */
    static double[] tensorScalar(ProtoReader r) throws IOException {
        int dtype = 0;
        long elements = 1;
        int[] content = null;
        Double first = null;
        int count = 0;
        while (r.hasNext()) {
            int f = r.next();
            int w = r.wire();
            switch (f) {
                case 1 -> {
                    if (w != ProtoReader.VARINT) {
                        throw new IOException("TensorProto.dtype has wire type " + w);
                    }
                    dtype = (int) r.varint();
                }
                case 2 -> elements = shapeElements(r.message());
                case 4 -> content = r.bytes();
                case 5 -> { // float_val, packed or not
                    if (w == ProtoReader.LENGTH) {
                        ProtoReader p = r.message();
                        while (p.hasNext()) {
                            float x = p.floatValue();
                            first = first == null ? (double) x : first;
                            count++;
                        }
                    } else {
                        float x = r.floatValue();
                        first = first == null ? (double) x : first;
                        count++;
                    }
                }
                case 6 -> { // double_val
                    if (w == ProtoReader.LENGTH) {
                        ProtoReader p = r.message();
                        while (p.hasNext()) {
                            double x = p.doubleValue();
                            first = first == null ? x : first;
                            count++;
                        }
                    } else {
                        double x = r.doubleValue();
                        first = first == null ? x : first;
                        count++;
                    }
                }
                case 7, 10, 13 -> { // int_val, int64_val, half_val (bits of a half in an int32)
                    boolean half = f == 13;
                    boolean int32 = f == 7;
                    if (w == ProtoReader.LENGTH) {
                        ProtoReader p = r.message();
                        while (p.hasNext()) {
                            long x = p.varint();
                            double d = half ? halfToFloat((int) x) : int32 ? (int) x : x;
                            first = first == null ? d : first;
                            count++;
                        }
                    } else {
                        long x = r.varint();
                        double d = half ? halfToFloat((int) x) : int32 ? (int) x : x;
                        first = first == null ? d : first;
                        count++;
                    }
                }
                default -> r.skip();
            }
        }
        if (elements != 1) {
            return null;
        }
        if (first != null) {
            return count >= 1 ? new double[] {first} : null;
        }
        if (content != null) {
            byte[] a = r.array();
            int off = content[0];
            int len = content[1];
            return switch (dtype) {
                case DT_FLOAT -> len == 4 ? new double[] {Float.intBitsToFloat(le32(a, off))} : null;
                case DT_DOUBLE -> len == 8 ? new double[] {Double.longBitsToDouble(le64(a, off))} : null;
                case DT_INT32 -> len == 4 ? new double[] {le32(a, off)} : null;
                case DT_INT64 -> len == 8 ? new double[] {le64(a, off)} : null;
                case DT_HALF -> len == 2 ? new double[] {halfToFloat((a[off] & 0xff) | (a[off + 1] & 0xff) << 8)} : null;
                case DT_BFLOAT16 -> len == 2
                        ? new double[] {Float.intBitsToFloat(((a[off] & 0xff) | (a[off + 1] & 0xff) << 8) << 16)}
                        : null;
                default -> null;
            };
        }
        return null;
    }

    /** The number of elements of a TensorShapeProto (dim = 2 with size = 1); 1 for a scalar's empty shape. */
    private static long shapeElements(ProtoReader r) throws IOException {
        long n = 1;
        while (r.hasNext()) {
            int f = r.next();
            if (f == 2 && r.wire() == ProtoReader.LENGTH) {
                ProtoReader d = r.message();
                long size = 0;
                while (d.hasNext()) {
                    int g = d.next();
                    if (g == 1 && d.wire() == ProtoReader.VARINT) {
                        size = d.varint();
                    } else {
                        d.skip();
                    }
                }
                n *= Math.max(0, size);
            } else {
                r.skip();
            }
        }
        return n;
    }

    static float halfToFloat(int bits) {
        return io.plmwb.engine.format.HalfFloat.halfToFloat(bits & 0xFFFF);
    }

    static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
