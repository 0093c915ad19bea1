package io.plmwb.engine.bench;

import io.plmwb.engine.checkpoint.GgufConverter;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.DecoderSession;
import io.plmwb.engine.runtime.InsufficientMemoryException;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.RuntimeOptions;
import io.plmwb.engine.runtime.SessionLease;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The same model at fp32, 8-bit and 4-bit side by side: bytes on disk and in the graph, resident memory, prefill and
 * decode speed, and quality against the fp32 variant on held-out text (mean KL divergence of the next-token
 * distributions, top-1 agreement, perplexity).
 *
 * <p>Variants: for an HF checkpoint folder, fp32 is the folder itself and the 8/4-bit variants are the Q8_0/Q4_0 GGUF
 * files {@code workbench quantize} writes (made once into a work folder and reused), run with {@code --weights q8/q4};
 * for a GGUF file, fp32 is its weights dequantized and the 8/4-bit variants are the same file run quantized (see
 * {@link io.plmwb.engine.format.gguf.WeightQuantizer}). Every variant is a session leased from a {@link ModelSessions}
 * host, one at a time (closed before the next, so only one is resident); the source checkpoint is opened once for
 * all of them.
 */
public final class VariantComparison {

    private VariantComparison() {
    }

    /**
     * How to compare.
     *
     * @param bits          quantized widths to compare with fp32 (8 and/or 4)
     * @param evalTokens    held-out tokens scored (capped by the model's context)
     * @param prefillTokens tokens of the timed prefill (capped likewise)
     * @param decodeTokens  greedy tokens of the timed decode
     * @param threads       ORT intra-op threads (0: the host's setting; the old entry points: all cores)
     * @param workDir       where quantized GGUFs of a checkpoint folder are written
     * @param cache         compiled-graph cache
     */
    public record Options(List<Integer> bits, int evalTokens, int prefillTokens, int decodeTokens, int threads,
                          Path workDir, GraphCache cache) {
        public Options {
            bits = List.copyOf(bits);
            for (int b : bits) {
                if (b != 8 && b != 4) {
                    throw new IllegalArgumentException("bits must be 8 or 4, got " + b);
                }
            }
            if (evalTokens < 2 || prefillTokens < 1 || decodeTokens < 1) {
                throw new IllegalArgumentException("need ≥ 2 eval tokens, ≥ 1 prefill and decode tokens");
            }
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(cache, "cache");
        }

        /** 8 and 4 bits, 256 eval tokens, 128-token prefill, 32 decode tokens, all cores, default locations. */
        public static Options defaults() {
            return new Options(List.of(8, 4), 256, 128, 32, 0, Path.of(System.getProperty("user.home"), ".cache",
                    "plm-workbench", "variants"), GraphCache.atDefaultLocation());
        }

        public Options withBits(List<Integer> b) {
            return new Options(b, evalTokens, prefillTokens, decodeTokens, threads, workDir, cache);
        }

        public Options withTokens(int eval, int prefill, int decode) {
            return new Options(bits, eval, prefill, decode, threads, workDir, cache);
        }

        public Options withThreads(int t) {
            return new Options(bits, evalTokens, prefillTokens, decodeTokens, t, workDir, cache);
        }

        public Options withWorkDir(Path d) {
            return new Options(bits, evalTokens, prefillTokens, decodeTokens, threads, d, cache);
        }

        public Options withCache(GraphCache c) {
            return new Options(bits, evalTokens, prefillTokens, decodeTokens, threads, workDir, c);
        }
    }

    /**
     * One variant's figures.
     *
     * @param label          "fp32", "8-bit", "4-bit"
     * @param weights        graph weights ("f32", "q8", "q4")
     * @param model          the file or folder loaded
     * @param fileBytes      bytes of the model's weight file(s) on disk
     * @param graphBytes     bytes of the compiled graph's weights (what ORT maps)
     * @param residentBytes  growth of the process's resident set (VmRSS) from before loading to after the timed runs;
     *                       -1 where /proc is not available
     * @param prefillTokensPerSecond tokens/s of one prefill of {@code prefillTokens} tokens (best of two)
     * @param decodeTokensPerSecond  tokens/s of greedy decoding after it
     * @param perplexity     exp(mean negative log-likelihood of the next held-out token)
     * @param meanKl         mean over positions of KL(p_fp32 ‖ p_variant) in nats (0 for fp32)
     * @param top1Agreement  share of positions whose argmax equals fp32's (1 for fp32)
     */
    public record Variant(String label, String weights, Path model, long fileBytes, long graphBytes,
                          long residentBytes, double prefillTokensPerSecond, double decodeTokensPerSecond,
                          double perplexity, double meanKl, double top1Agreement) {
    }

    /**
     * The comparison.
     *
     * @param source        the model asked for
     * @param name          its display name
     * @param synthetic     random weights: the quality figures then describe noise
     * @param evalTokens    held-out tokens scored
     * @param prefillTokens tokens in the timed prefill
     * @param decodeTokens  tokens in the timed decode
     * @param threads       ORT threads used
     * @param cacheMode     KV cache mode
     * @param variants      fp32 first, then the quantized ones
     */
    public record Result(Path source, String name, boolean synthetic, int evalTokens, int prefillTokens,
                         int decodeTokens, int threads, String cacheMode, List<Variant> variants) {
        public Result {
            variants = List.copyOf(variants);
        }
    }

    /**
     * Runs the comparison on {@code heldOutText}.
     *
     * @throws ModelFormatException        the model or text is unusable (too few tokens, …)
     * @throws InsufficientMemoryException a variant does not fit
     * @throws IOException                 graph or GGUF files cannot be written
     */
    public static Result run(Path model, String heldOutText, Options o, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return run(host(o), model, heldOutText, null, o, ctx);
    }

    /** As {@link #run(Path, String, Options, TaskContext)} on token ids instead of text (no tokenizer involved). */
    public static Result runIds(Path model, int[] heldOutIds, Options o, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return run(host(o), model, null, heldOutIds.clone(), o, ctx);
    }

    /** {@link #run(Path, String, Options, TaskContext)} with sessions from {@code host}. */
    public static Result run(ModelSessions host, Path model, String heldOutText, Options o, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return run(host, model, heldOutText, null, o, ctx);
    }

    /** {@link #runIds(Path, int[], Options, TaskContext)} with sessions from {@code host}. */
    public static Result runIds(ModelSessions host, Path model, int[] heldOutIds, Options o, TaskContext ctx)
            throws IOException, ModelFormatException, InsufficientMemoryException {
        return run(host, model, null, heldOutIds.clone(), o, ctx);
    }

    /** A host of the comparison's own: its threads (all cores when 0), its graph cache, the system memory guard. */
    private static ModelSessions host(Options o) {
        return new ModelSessions(o.threads() > 0 ? o.threads() : RuntimeOptions.defaults().intraOpThreads(),
                o.cache(), MemoryGuard.system());
    }

    private static Result run(ModelSessions host, Path model, String heldOutText, int[] givenIds, Options o,
                              TaskContext ctx) throws IOException, ModelFormatException, InsufficientMemoryException {
        try (ModelHandle source = host.open(model, ctx)) {
            return run(host, source, heldOutText, givenIds, o, ctx);
        }
    }

    private static Result run(ModelSessions host, ModelHandle source, String heldOutText, int[] givenIds, Options o,
                              TaskContext ctx) throws IOException, ModelFormatException, InsufficientMemoryException {
        Path src = source.checkpoint();
        boolean gguf = ModelFiles.isGguf(src);
        List<String[]> plan = new ArrayList<>(); // label, weights, path
        plan.add(new String[] {"fp32", "f32", src.toString()});
        for (int b : o.bits()) {
            String w = b == 8 ? "q8" : "q4";
            Path p = src;
            if (!gguf) {
                ctx.message("Quantizing " + src.getFileName() + " to " + b + " bits");
                p = quantized(src, b, o.workDir());
            }
            plan.add(new String[] {b + "-bit", w, p.toString()});
        }
        SessionSpec base = o.threads() > 0 ? SessionSpec.defaults().withThreads(o.threads()) : SessionSpec.defaults();
        float[][] reference = null;
        int[] ids = null;
        List<Variant> out = new ArrayList<>();
        String name = src.getFileName().toString();
        boolean synthetic = false;
        String mode = null;
        int prefillN = 0;
        int threads = 0;
        for (int v = 0; v < plan.size(); v++) {
            String[] p = plan.get(v);
            ctx.checkCancelled();
            ctx.message("Loading " + p[0] + " (" + Path.of(p[2]).getFileName() + ")");
            ctx.progress(v, plan.size());
            System.gc();
            long rss0 = residentBytes();
            Path variant = Path.of(p[2]);
            try (SessionLease lease = variant.equals(src) ? source.session(base.withWeights(p[1]))
                    : host.lease(variant, base.withWeights(p[1]), TaskContext.none())) {
                LoadedModel m = lease.model();
                synthetic = m.synthetic();
                mode = m.cacheMode().key();
                threads = m.runtimeOptions().intraOpThreads();
                if (ids == null) {
                    int[] all = givenIds != null ? givenIds : m.tokenizer().encode(heldOutText);
                    int n = Math.min(all.length, Math.min(o.evalTokens() + 1, m.contextLimit()));
                    if (n < 2) {
                        throw new ModelFormatException(src, "the held-out text gives " + all.length
                                + " token(s); at least 2 are needed");
                    }
                    ids = Arrays.copyOf(all, n);
                }
                DecoderSession s = m.session();
                ctx.message("Scoring " + p[0] + " on " + (ids.length - 1) + " held-out tokens");
                s.reset();
                float[][] logits = s.prefill(Arrays.copyOf(ids, ids.length - 1), true, ctx);
                double nll = 0;
                double kl = 0;
                int agree = 0;
                for (int i = 0; i < logits.length; i++) {
                    double[] lq = logSoftmax(logits[i]);
                    nll -= lq[ids[i + 1]];
                    if (reference == null) {
                        agree++;
                    } else {
                        double[] lp = logSoftmax(reference[i]);
                        double k = 0;
                        for (int j = 0; j < lp.length; j++) {
                            k += Math.exp(lp[j]) * (lp[j] - lq[j]);
                        }
                        kl += k;
                        agree += argmax(reference[i]) == argmax(logits[i]) ? 1 : 0;
                    }
                }
                int t = logits.length;
                if (reference == null) {
                    reference = logits;
                }
                // timing: prefill (last logits only), best of two, then greedy decode
                prefillN = Math.min(o.prefillTokens(), m.contextLimit() - o.decodeTokens() - 3);
                int[] prompt = new int[Math.max(1, prefillN)];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = ids[i % ids.length];
                }
                double best = Double.MAX_VALUE;
                float[] last = null;
                for (int r = 0; r < 2; r++) {
                    ctx.checkCancelled();
                    s.reset();
                    long t0 = System.nanoTime();
                    last = s.prefill(prompt);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                ctx.message("Timing " + p[0] + " decode");
                int next = argmax(last);
                for (int i = 0; i < 2; i++) { // warm-up: the first single-token calls allocate ORT's buffers
                    next = argmax(s.decode(next));
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < o.decodeTokens(); i++) {
                    next = argmax(s.decode(next));
                }
                double decodeS = (System.nanoTime() - t0) / 1e9;
                long rss = residentBytes();
                out.add(new Variant(p[0], p[1], Path.of(p[2]), weightFileBytes(Path.of(p[2])),
                        Files.size(m.graphFile().resolveSibling(m.graphFile().getFileName() + ".data")),
                        rss0 < 0 || rss < 0 ? -1 : Math.max(0, rss - rss0), prompt.length / best,
                        o.decodeTokens() / decodeS, Math.exp(nll / t), reference == logits ? 0 : kl / t,
                        (double) agree / t));
            }
        }
        ctx.progress(plan.size(), plan.size());
        return new Result(src, name, synthetic, ids.length - 1, prefillN, o.decodeTokens(), threads, mode, out);
    }

    /** The Q8_0/Q4_0 GGUF of a checkpoint folder in {@code workDir}, written on first use. */
    static Path quantized(Path hf, int bits, Path workDir) throws IOException, ModelFormatException {
        String key;
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(hf.toString().getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> s = Files.list(hf)) {
                for (Path f : s.sorted().toList()) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".safetensors") || n.equals("config.json") || n.startsWith("tokenizer")) {
                        d.update((n + Files.size(f) + Files.getLastModifiedTime(f).toMillis())
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            key = HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = workDir.resolve(key);
        Files.createDirectories(dir);
        Path f = dir.resolve(GgufConverter.defaultFileName(hf, bits));
        if (!Files.isRegularFile(f)) {
            GgufConverter.quantize(hf, bits, f, TaskContext.none());
        }
        return f;
    }

    private static long weightFileBytes(Path p) throws IOException {
        if (Files.isRegularFile(p)) {
            return Files.size(p);
        }
        long n = 0;
        try (Stream<Path> s = Files.list(p)) {
            for (Path f : s.filter(x -> x.getFileName().toString().endsWith(".safetensors")).toList()) {
                n += Files.size(f);
            }
        }
        return n;
    }

    /** VmRSS of this process in bytes, or -1. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] - lse;
        }
        return r;
    }

    static int argmax(float[] row) {
        int b = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[b]) {
                b = i;
            }
        }
        return b;
    }
}
