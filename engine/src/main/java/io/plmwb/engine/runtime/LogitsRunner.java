package io.plmwb.engine.runtime;

import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.graph.GraphOptions;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Logits service: runs ids from position 0 through a decoder graph, as one prefill or one id at a time through the
 * KV cache, and reads/writes/compares raw little-endian float32 {@code [position][vocab]} files.
 */
public final class LogitsRunner {

    private LogitsRunner() {
    }

    /**
     * Resets {@code session} and returns logits for every position of {@code ids} ({@code float[T][vocab]}).
     *
     * @param incremental false: one prefill call; true: one decode call per id (checks cancellation between ids)
     */
    public static float[][] run(DecoderSession session, int[] ids, boolean incremental, TaskContext ctx) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("no token ids given");
        }
        session.reset();
        if (!incremental) {
            return session.prefill(ids, true, ctx);
        }
        float[][] out = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            ctx.checkCancelled();
            ctx.progress(i, ids.length);
            out[i] = session.decode(ids[i]);
        }
        ctx.progress(ids.length, ids.length);
        return out;
    }

    /** Opens the graph file, runs {@link #run(DecoderSession, int[], boolean, TaskContext)}, closes the session. */
    public static float[][] run(Path onnxFile, int[] ids, boolean incremental, RuntimeOptions options, TaskContext ctx)
            throws IOException {
        try (DecoderSession s = DecoderSession.open(onnxFile, options)) {
            return run(s, ids, incremental, ctx);
        }
    }

    /**
     * Builds (or takes from {@code cache}) the graph of a checkpoint in {@code mode}, then runs the ids.
     *
     * @param checkpoint the checkpoint folder or file (its identity keys the cache)
     */
    public static float[][] run(Path checkpoint, ModelConfig config, WeightSource weights, CacheMode mode, int[] ids,
                                boolean incremental, GraphCache cache, RuntimeOptions options, TaskContext ctx)
            throws IOException, ModelFormatException {
        GraphCache.Entry e = cache.getOrBuild(checkpoint, config, weights, GraphOptions.of(mode), ctx);
        return run(e.onnxFile(), ids, incremental, options, ctx);
    }

    /** Writes logits as raw little-endian float32, row-major {@code [position][vocab]}, no header. */
    public static void writeF32(Path file, float[][] logits) throws IOException {
        writeF32(file, logits, true);
    }

    /**
     * Writes a raw little-endian float32 {@code [position][vocab]} file atomically; an existing file is replaced only
     * when {@code overwrite}.
     *
     * @throws io.plmwb.engine.io.AtomicFiles.TargetExistsException the file exists and {@code overwrite} is off
     */
    public static void writeF32(Path file, float[][] logits, boolean overwrite) throws IOException {
        AtomicFiles.write(file, overwrite, out -> {
            for (float[] row : logits) {
                ByteBuffer bb = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(row);
                out.write(bb.array());
            }
        });
    }

    /** Reads a raw little-endian float32 {@code [position][vocab]} file. */
    public static float[][] readF32(Path file, int vocab) throws IOException {
        long size = Files.size(file);
        if (vocab <= 0 || size % (4L * vocab) != 0) {
            throw new IOException(file + ": " + size + " bytes is not a whole number of float32 rows of " + vocab);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IOException(file + ": " + size + " bytes is too large for a logits file");
        }
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int rows = (int) (size / 4 / vocab);
        float[][] out = new float[rows][vocab];
        for (float[] row : out) {
            bb.asFloatBuffer().get(row);
            bb.position(bb.position() + vocab * 4);
        }
        return out;
    }

    /** Compares logits with a reference of the same shape. */
    public static LogitsComparison compare(float[][] got, float[][] reference) {
        if (got.length != reference.length) {
            throw new IllegalArgumentException("positions differ: " + got.length + " computed vs " + reference.length
                    + " in the reference");
        }
        double max = 0;
        int maxPos = -1;
        int maxTok = -1;
        int[] a = new int[got.length];
        int[] b = new int[got.length];
        int agree = 0;
        for (int i = 0; i < got.length; i++) {
            if (got[i].length != reference[i].length) {
                throw new IllegalArgumentException("vocab differs at position " + i + ": " + got[i].length + " vs "
                        + reference[i].length);
            }
            for (int j = 0; j < got[i].length; j++) {
                double d = Math.abs((double) got[i][j] - reference[i][j]);
                if (Double.isNaN(d)) {
                    d = Double.POSITIVE_INFINITY;
                }
                if (d > max || maxPos < 0) {
                    max = d;
                    maxPos = i;
                    maxTok = j;
                }
            }
            a[i] = argmax(got[i]);
            b[i] = argmax(reference[i]);
            if (a[i] == b[i]) {
                agree++;
            }
        }
        return new LogitsComparison(max, maxPos, maxTok, got.length, agree, a, b);
    }

    /** Index of the largest value (first on ties). */
    public static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }
}
