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

    /**
     * One block of decode steps and the bandwidth probe run right after it.
     *
     * @param steps        decode steps in the block
     * @param ms           their total time
     * @param probeGbps    what the probe measured right after the block (GB/s)
     */
    public record PairedBlock(int steps, double ms, double probeGbps) {

        /** Decode tokens/s in this block. */
        public double tokensPerS() {
            return steps / (ms / 1000);
        }

        /** Fraction of the bandwidth limit (probe GB/s ÷ bytes read per token) this block reached. */
        public double fractionOfLimit(long bytesPerToken) {
            return tokensPerS() * bytesPerToken / (probeGbps * 1e9);
        }
    }

    /**
     * Decode timed in blocks, each followed at once by a bandwidth probe, so every block's speed is compared with
     * the bandwidth the machine gave at that moment (on a shared VM it moves by 2× within minutes). Fills the cache
     * to {@code context} first.
     *
     * @param probe measures GB/s now (e.g. an ORT GEMV over a large weight)
     */
    public static java.util.List<PairedBlock> decodePaired(DecoderSession s, int[] fill, int context, int blocks,
            int blockSteps, java.util.function.DoubleSupplier probe, TaskContext ctx) {
        float[] logits = fill(s, fill, context, 512, ctx);
        java.util.List<PairedBlock> out = new java.util.ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            double total = 0;
            for (int i = 0; i < blockSteps; i++) {
                ctx.checkCancelled();
                int id = Sampler.argmax(logits);
                long t0 = System.nanoTime();
                logits = s.decode(id);
                total += (System.nanoTime() - t0) / 1e6;
            }
            out.add(new PairedBlock(blockSteps, total, probe.getAsDouble()));
            ctx.progress(b + 1, blocks);
        }
        return out;
    }

    private static float[] fill(DecoderSession s, int[] fill, int context, int chunk, TaskContext ctx) {
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
        return logits;
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
        float[] logits = fill(s, fill, context, chunk, ctx);
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
