package io.plmwb.engine.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths and data of the shared tiny-PLM fixture (system property {@code plmwb.shared}). */
public final class Fixture {
    public static final int[] IDS = {300, 17, 42, 255, 0, 128, 64, 480, 3, 42, 511, 7};
    public static final int[] ARGMAX = {400, 76, 418, 66, 188, 188, 447, 66, 424, 39, 434, 187};

    private Fixture() {
    }

    public static Path shared() {
        String s = System.getProperty("plmwb.shared", "/work/shared");
        return Path.of(s).toAbsolutePath().normalize();
    }

    public static Path hf() {
        return shared().resolve("fixtures/gguf/hf");
    }

    public static float[][] llamacppF32() throws IOException {
        return readF32(shared().resolve("fixtures/gguf/logits/llamacpp-F32.f32"), 512);
    }

    public static float[][] readF32(Path file, int vocab) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int rows = b.length / 4 / vocab;
        float[][] out = new float[rows][vocab];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < vocab; j++) {
                out[i][j] = bb.getFloat();
            }
        }
        return out;
    }

    public static double maxAbs(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new AssertionError("row count " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new AssertionError("row " + i + " length " + a[i].length + " vs " + b[i].length);
            }
            for (int j = 0; j < a[i].length; j++) {
                double d = Math.abs((double) a[i][j] - b[i][j]);
                if (!(d <= m)) {
                    m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
                }
            }
        }
        return m;
    }

    public static int[] argmax(float[][] logits) {
        int[] r = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int j = 1; j < logits[i].length; j++) {
                if (logits[i][j] > logits[i][best]) {
                    best = j;
                }
            }
            r[i] = best;
        }
        return r;
    }
}
