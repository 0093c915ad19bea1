package io.plmwb.engine.bench;

import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.Sampler;
import io.plmwb.engine.task.TaskContext;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Prefill and decode timings on an open session (no model loading): what {@code workbench bench} reports per mode. */
public final class ModeBenchmark {

    private ModeBenchmark() {
    }

    /**
     * Prefill timing.
     *
     * @param tokens     prompt tokens
     * @param bestMs     fastest of the runs
     * @param tokensPerS tokens / bestMs
     */
    public record Prefill(int tokens, double bestMs, double tokensPerS) {
    }

    /**
     * Decode timing.
     *
     * @param startContext   tokens in the cache before the first timed step
     * @param steps          timed decode steps
     * @param totalMs        their total time
     * @param tokensPerS     steps / totalMs
     * @param msPerToken     mean step time
     * @param medianMs       median step time
     * @param cacheBytes     native cache bytes after the last step
     */
    public record Decode(int startContext, int steps, double totalMs, double tokensPerS, double msPerToken,
                         double medianMs, long cacheBytes) {
    }

    /** Seeded random prompt ids in [0, vocab). */
    public static int[] promptIds(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    /** Resets and prefills {@code ids} {@code runs} times; the fastest counts. */
    public static Prefill prefill(DecoderSession s, int[] ids, int runs, TaskContext ctx) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            ctx.checkCancelled();
            s.reset();
            long t0 = System.nanoTime();
            s.prefill(ids);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return new Prefill(ids.length, best, ids.length / (best / 1000));
    }

    /**
     * Fills the cache to {@code context} tokens (chunked prefills of {@code chunk}), then times {@code steps} greedy
     * decode steps.
     */
    public static Decode decodeAt(DecoderSession s, int[] fill, int context, int steps, int chunk, TaskContext ctx) {
        s.reset();
        float[] logits = null;
        for (int at = 0; at < context; at += chunk) {
            ctx.checkCancelled();
            int n = Math.min(chunk, context - at);
            int[] part = new int[n];
            for (int i = 0; i < n; i++) {
                part[i] = fill[(at + i) % fill.length];
            }
            logits = s.prefill(part);
            ctx.message("Filled " + (at + n) + " of " + context + " tokens");
        }
        double[] ms = new double[steps];
        double total = 0;
        for (int i = 0; i < steps; i++) {
            ctx.checkCancelled();
            int id = Sampler.argmax(logits);
            long t0 = System.nanoTime();
            logits = s.decode(id);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            total += ms[i];
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = steps == 0 ? 0 : sorted[steps / 2];
        return new Decode(context, steps, total, steps / (total / 1000), total / steps, median, s.cacheBytes());
    }
}
