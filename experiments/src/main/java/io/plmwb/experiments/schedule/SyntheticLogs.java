package io.plmwb.experiments.schedule;

import io.plmwb.experiments.logs.TensorBoardEventReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Writes synthetic training logs of a given schedule (for the load benchmark and for trying the workspace on long
 * runs): a wide CSV with the bundled logs' columns and a TensorBoard event file with the same scalars. The loss is a
 * seeded noisy power law; nothing here is presented as a measurement.
 */
public final class SyntheticLogs {

    private SyntheticLogs() {
    }

    /** A loss-like curve: 2.5 + 6·(1 + step/50)^-0.5 with 2% seeded noise. */
    static double loss(int step, Random r) {
        return 2.5 + 6 * Math.pow(1 + step / 50.0, -0.5) * (1 + 0.02 * r.nextGaussian());
    }

    /** step,tokens,lr,train_loss,grad_norm,data_phase,lr_phase,val_loss,wall_time_s for steps 1..steps. */
    public static void writeCsv(Path file, int steps, Schedule schedule, long seed) throws IOException {
        Random r = new Random(seed);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("step,tokens,lr,train_loss,grad_norm,data_phase,lr_phase,val_loss,wall_time_s\n");
            StringBuilder sb = new StringBuilder(128);
            for (int s = 1; s <= steps; s++) {
                sb.setLength(0);
                double lr = schedule.lr(s);
                sb.append(s).append(',').append(s * 4096L).append(',')
                        .append(String.format(Locale.ROOT, "%.6g", lr)).append(',')
                        .append(String.format(Locale.ROOT, "%.5f", loss(s, r))).append(',')
                        .append(String.format(Locale.ROOT, "%.4f", 0.5 + r.nextDouble())).append(',')
                        .append(1 + 3L * s / (steps + 1)).append(',')
                        .append(phaseName(schedule, s)).append(',');
                if (s % 1000 == 0) {
                    sb.append(String.format(Locale.ROOT, "%.4f", loss(s, r) + 0.3));
                }
                sb.append(',').append(String.format(Locale.ROOT, "%.1f", s * 0.25)).append('\n');
                w.write(sb.toString());
            }
        }
    }

    private static String phaseName(Schedule schedule, int s) {
        for (var p : schedule.phases()) {
            if (s >= p.start() && s < p.end()) {
                return p.name();
            }
        }
        return "";
    }

    /** An event file with train/loss, train/lr (simple_value) and train/tokens (a TF2 tensor scalar) per step. */
    public static void writeEvents(Path file, int steps, Schedule schedule, long seed) throws IOException {
        Random r = new Random(seed);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            frame(out, event(1.7e9, 0, "brain.Event:2".getBytes(StandardCharsets.UTF_8), null));
            for (int s = 1; s <= steps; s++) {
                byte[] summary = cat(
                        lenField(1, simple("train/loss", (float) loss(s, r))),
                        lenField(1, simple("train/lr", (float) schedule.lr(s))),
                        lenField(1, tensor("train/tokens", s * 4096.0)));
                frame(out, event(1.7e9 + s * 0.25, s, null, summary));
            }
        }
    }

    private static void frame(OutputStream out, byte[] data) throws IOException {
        byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(len);
        out.write(le32(TensorBoardEventReader.maskedCrc(len, 0, 8)));
        out.write(data);
        out.write(le32(TensorBoardEventReader.maskedCrc(data, 0, data.length)));
    }

    private static byte[] event(double wall, long step, byte[] fileVersion, byte[] summary) {
        byte[] head = cat(key(1, 1), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(wall).array(),
                key(2, 0), varint(step));
        if (fileVersion != null) {
            return cat(head, lenField(3, fileVersion));
        }
        return cat(head, lenField(5, summary));
    }

    private static byte[] simple(String tag, float v) {
        return cat(lenField(1, tag.getBytes(StandardCharsets.UTF_8)), key(2, 5), le32(Float.floatToIntBits(v)));
    }

    private static byte[] tensor(String tag, double v) {
        byte[] t = cat(key(1, 0), varint(2), lenField(2, new byte[0]),
                lenField(6, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array()));
        return cat(lenField(1, tag.getBytes(StandardCharsets.UTF_8)), lenField(8, t));
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] varint(long v) {
        byte[] buf = new byte[10];
        int n = 0;
        while ((v & ~0x7FL) != 0) {
            buf[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
        return java.util.Arrays.copyOf(buf, n);
    }

    private static byte[] key(int field, int wire) {
        return varint(((long) field << 3) | wire);
    }

    private static byte[] lenField(int field, byte[] payload) {
        return cat(key(field, 2), varint(payload.length), payload);
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int k = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }
}
