package io.plmwb.engine.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A STREAM-like read bandwidth probe in plain Java (no ONNX Runtime): sums {@code long[]} blocks far larger than the
 * caches from several threads at once (C2 vectorises the reduction), best of a few passes. The result is the
 * memory read rate this JVM can reach on this host, the denominator of the decode bandwidth limit.
 */
public final class BandwidthProbe {

    private static final int BLOCK_LONGS = 64 << 20; // 512 MiB per array

    private BandwidthProbe() {
    }

    /**
     * The result.
     *
     * @param bytes    bytes read per pass
     * @param threads  reader threads
     * @param passes   timed passes
     * @param bestGbps best pass in GB/s (10^9 bytes per second)
     * @param checksum sum of the data (keeps the loop from being optimised away)
     */
    public record Result(long bytes, int threads, int passes, double bestGbps, long checksum) {
    }

    /** Reads about {@code bytes} bytes with {@code threads} threads, {@code passes} times (plus one warm-up). */
    public static Result measure(long bytes, int threads, int passes) throws InterruptedException {
        int arrays = (int) Math.max(threads, Math.min(64, (bytes + BLOCK_LONGS * 8L - 1) / (BLOCK_LONGS * 8L)));
        int perArray = (int) Math.min(BLOCK_LONGS, bytes / 8 / arrays);
        long[][] data = new long[arrays][];
        for (int a = 0; a < arrays; a++) {
            long[] d = new long[perArray];
            for (int i = 0; i < d.length; i++) {
                d[i] = i ^ a;
            }
            data[a] = d;
        }
        long total = (long) arrays * perArray * 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            long check = 0;
            for (int pass = 0; pass <= passes; pass++) {
                long t0 = System.nanoTime();
                List<Future<Long>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int tt = t;
                    fs.add(pool.submit(() -> {
                        long s = 0;
                        for (int a = tt; a < data.length; a += threads) {
                            s += sum(data[a]);
                        }
                        return s;
                    }));
                }
                for (Future<Long> f : fs) {
                    check += f.get();
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                if (pass > 0) {
                    best = Math.max(best, total / sec / 1e9);
                }
            }
            return new Result(total, threads, passes, best, check);
        } catch (ExecutionException e) {
            throw new IllegalStateException("bandwidth probe failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long sum(long[] d) {
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        int n = d.length & ~3;
        for (int i = 0; i < n; i += 4) {
            s0 += d[i];
            s1 += d[i + 1];
            s2 += d[i + 2];
            s3 += d[i + 3];
        }
        for (int i = n; i < d.length; i++) {
            s0 += d[i];
        }
        return s0 + s1 + s2 + s3;
    }
}
