package io.plmwb.experiments.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.bench.BandwidthProbe;
import io.plmwb.engine.bench.GemmProbe;
import io.plmwb.engine.bench.HostProbe;
import io.plmwb.engine.bench.ModeBenchmark;
import io.plmwb.engine.bench.ModelCost;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.ModelLoader;
import io.plmwb.engine.runtime.Sampler;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One run of {@link BenchStudy}: the settings unpacked, the task context, the probes' helpers. */
final class BenchRun {

    private final BenchStudy.Settings s;
    private final TaskContext ctx;
    private final Path model;
    private final int promptTokens;
    private final int decodeTokens;
    private final int threads;
    private final int context;
    private final int prefillRuns;
    private final long bandwidthMib;
    private final int gemmSize;
    private final boolean skipMachine;
    private final int pairedBlocks;

    BenchRun(BenchStudy.Settings s, TaskContext ctx) {
        this.s = s;
        this.ctx = ctx;
        this.model = s.load().model();
        this.promptTokens = s.promptTokens();
        this.decodeTokens = s.decodeTokens();
        this.threads = s.load().threads();
        this.context = s.context();
        this.prefillRuns = s.prefillRuns();
        this.bandwidthMib = s.bandwidthMib();
        this.gemmSize = s.gemmSize();
        this.skipMachine = s.skipMachine();
        this.pairedBlocks = s.pairedBlocks();
    }

    /** Every mode, then the machine probes; the report's JSON tree. */
    ObjectNode run() throws Exception {
        ModelConfig cfg = ConfigLoader.load(model);
        List<CacheMode> modeList = BenchStudy.modes(cfg, s.modes());
        int limit = s.load().contextLimit();
        if (limit > cfg.maxPositionEmbeddings()) {
            ctx.message(String.format("note: %d tokens exceed the model's max_position_embeddings %d (speed is still "
                    + "measured)", limit, cfg.maxPositionEmbeddings()));
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("date", Instant.now().toString());
        root.put("model", model.toAbsolutePath().normalize().toString());
        root.put("synthetic", cfg.synthetic());
        root.put("layers", cfg.numLayers());
        root.put("params", ArchitectureSummary.of(cfg).total());
        root.put("threads", threads);
        root.put("prepack_weights", s.load().prepack());
        root.put("prompt_tokens", promptTokens);
        root.put("decode_tokens", decodeTokens);
        root.put("context", context);
        root.putPOJO("load_average_start", HostProbe.loadAverage());
        root.put("mem_available_bytes_start", HostProbe.memAvailable());

        long weightBytes = ModelCost.decodeWeightBytes(cfg);
        int vocabForIds = Math.min(cfg.vocabSize(), 256);
        int[] ids = ModeBenchmark.promptIds(Math.max(promptTokens, 512), vocabForIds, 1);
        int[] prompt = java.util.Arrays.copyOf(ids, promptTokens);
        ModelLoader.Options base = s.load().loaderOptions();
        double[] ortBefore = null;
        ObjectNode probesBefore = om.createObjectNode();
        if (!skipMachine) {
            ortBefore = ortProbes(probesBefore);
        }
        ArrayNode modesOut = root.putArray("modes");
        List<ObjectNode> results = new ArrayList<>();
        for (CacheMode mode : modeList) {
            ObjectNode m = modesOut.addObject();
            results.add(m);
            m.put("mode", mode.key());
            boolean reset = HostProbe.resetPeakRss();
            ctx.checkCancelled();
            LoadedModel lm = ModelLoader.load(model, base.withMode(mode), ctx);
            ObjectNode load = m.putObject("load");
            load.put("graph_cache_hit", lm.timings().cacheHit());
            load.put("compile_ms", r(lm.timings().compileMs()));
            load.put("session_open_ms", r(lm.timings().sessionOpenMs()));
            load.put("total_ms", r(lm.timings().totalMs()));
            load.put("rss_after_load_bytes", HostProbe.rss());
            // quantized graphs read their quantized weights: bytes per decode token = the graph's weight sidecar
            String graphWeights = ModelLoader.weightsOf(lm);
            m.put("weights", graphWeights);
            if (!graphWeights.equals("f32")) {
                weightBytes = java.nio.file.Files.size(lm.graphFile().resolveSibling(lm.graphFile().getFileName()
                        + ".data"));
            }
            m.put("decode_weight_bytes_per_token", weightBytes);
            ModeBenchmark.Prefill pf;
            ModeBenchmark.Decode dec;
            ModeBenchmark.Decode decCtx = null;
            List<ModeBenchmark.PairedBlock> paired = List.of();
            try (lm) {
                ctx.message(mode.key() + ": warm-up, prefill " + promptTokens + ", decode "
                        + decodeTokens);
                ModeBenchmark.decodeAt(lm.session(), ids, Math.min(16, promptTokens), 2, 512, TaskContext.none());
                pf = ModeBenchmark.prefill(lm.session(), prompt, prefillRuns, TaskContext.none());
                dec = ModeBenchmark.decodeAt(lm.session(), prompt, promptTokens, decodeTokens, promptTokens,
                        TaskContext.none());
                if (context > 0) {
                    ctx.message(mode.key() + ": decode at context " + context);
                    decCtx = ModeBenchmark.decodeAt(lm.session(), ids, context, decodeTokens, 512, TaskContext.none());
                }
                if (!skipMachine && pairedBlocks > 0) {
                    ctx.message(mode.key() + ": " + pairedBlocks
                            + " blocks of 16 decode steps, each followed by the GEMV probe");
                    try (GemmProbe.Open gemv = GemmProbe.open(1, gemvRows(), 2048, threads)) {
                        paired = ModeBenchmark.decodePaired(lm.session(), prompt, promptTokens, pairedBlocks, 16,
                                () -> gemvGbps(gemv), TaskContext.none());
                    }
                }
            }
            m.put("peak_rss_bytes", HostProbe.peakRss());
            m.put("peak_rss_reset_before_load", reset);
            m.put("peak_rss_includes_compile", !lm.timings().cacheHit());

            double flops = ModelCost.prefillFlops(cfg, mode, promptTokens, 0);
            ObjectNode p = m.putObject("prefill");
            p.put("tokens", pf.tokens());
            p.put("ms", r(pf.bestMs()));
            p.put("tokens_per_second", r(pf.tokensPerS()));
            p.put("gflop", r(flops / 1e9));
            p.put("gflops_per_second", r(flops / (pf.bestMs() / 1000) / 1e9));
            m.set("decode", decodeJson(om, dec, weightBytes, ModelCost.decodeCacheBytes(cfg, mode, promptTokens)));
            m.put("cache_bytes", dec.cacheBytes());
            if (!paired.isEmpty()) {
                m.set("decode_paired", pairedJson(om, paired, weightBytes));
            }
            if (decCtx != null) {
                m.set("decode_at_context", decodeJson(om, decCtx, weightBytes,
                        ModelCost.decodeCacheBytes(cfg, mode, context)));
                m.put("cache_bytes_at_context", decCtx.cacheBytes());
            }

            // load-to-first-token of the compiled model: load (cache hit) + prompt prefill + first token
            System.gc();
            long t0 = System.nanoTime();
            try (LoadedModel again = ModelLoader.load(model, base.withMode(mode), TaskContext.none())) {
                long t1 = System.nanoTime();
                float[] logits = again.session().prefill(prompt);
                int first = Sampler.argmax(logits);
                long t2 = System.nanoTime();
                ObjectNode lt = m.putObject("load_to_first_token");
                lt.put("ms", r((t2 - t0) / 1e6));
                lt.put("load_ms", r((t1 - t0) / 1e6));
                lt.put("session_open_ms", r(again.timings().sessionOpenMs()));
                lt.put("prefill_ms", r((t2 - t1) / 1e6));
                lt.put("graph_cache_hit", again.timings().cacheHit());
                lt.put("first_token", first);
            }
            System.gc();
        }
        root.putPOJO("load_average_after_modes", HostProbe.loadAverage());

        ObjectNode machine = root.putObject("machine");
        if (!skipMachine) {
            machine.set("ort_probes_before_modes", probesBefore);
        }
        HostProbe.Cpu cpu = HostProbe.cpu();
        machine.put("cpu", cpu.model());
        machine.put("logical_cpus", cpu.logicalCpus());
        machine.put("mhz", cpu.mhz());
        machine.put("avx2", cpu.flags().contains("avx2"));
        machine.put("avx512f", cpu.flags().contains("avx512f"));
        machine.put("fma", cpu.flags().contains("fma"));
        machine.put("theoretical_fp32_peak_gflops", r(cpu.theoreticalPeakGflops()));
        machine.put("theoretical_basis", cpu.peakBasis());
        Double bandwidth = null;
        Double gemm = null;
        if (!skipMachine) {
            ctx.message("memory bandwidth probe (" + bandwidthMib + " MiB, " + threads + " threads)");
            BandwidthProbe.Result bw = BandwidthProbe.measure(bandwidthMib << 20, threads, 4);
            System.gc();
            bandwidth = bw.bestGbps();
            ObjectNode b = machine.putObject("read_bandwidth");
            b.put("gb_per_second", r(bw.bestGbps()));
            b.put("bytes_per_pass", bw.bytes());
            b.put("threads", bw.threads());
            b.put("method", "Java long[] sum, best of " + bw.passes() + " passes");
            // ORT probes ran before the modes too: the machine may change while the modes run; the best counts
            double[] after = ortProbes(machine.putObject("ort_probes_after_modes"));
            double[] before = ortBefore == null ? after : ortBefore;
            gemm = Math.max(before[0], after[0]);
            double gemvGbps = Math.max(before[1], after[1]);
            ObjectNode gj = machine.putObject("gemm");
            gj.put("gflops_per_second", r(gemm));
            gj.put("method", "ORT Gemm(transB=1) " + gemmSize + "³, W as initializer, best of 5, before and after "
                    + "the modes");
            machine.put("peak_used_for_fractions", "measured ORT GEMM");
            ObjectNode gvj = machine.putObject("gemv_read_bandwidth");
            gvj.put("gb_per_second", r(gemvGbps));
            gvj.put("method", "ORT Gemm M=1 over an fp32 initializer, best of 10, before and after the modes");
            bandwidth = Math.max(bw.bestGbps(), gemvGbps);
            machine.put("bandwidth_used_for_limit_gb_per_second", r(bandwidth));
            machine.put("bandwidth_used_for_limit", bandwidth == gemvGbps ? "ORT GEMV (higher than the Java probe)"
                    : "Java read probe (higher than ORT GEMV)");
        }
        for (ObjectNode m : results) {
            if (bandwidth != null) {
                limits(m.with("decode"), bandwidth);
                if (m.has("decode_at_context")) {
                    limits(m.with("decode_at_context"), bandwidth);
                }
            }
            if (gemm != null) {
                m.with("prefill").put("fraction_of_gemm_peak",
                        r(m.at("/prefill/gflops_per_second").asDouble() / gemm));
            }
            if (cpu.theoreticalPeakGflops() > 0) {
                m.with("prefill").put("fraction_of_theoretical_peak",
                        r(m.at("/prefill/gflops_per_second").asDouble() / cpu.theoreticalPeakGflops()));
            }
        }
        root.put("decode_weight_bytes_per_token", weightBytes);
        root.putPOJO("load_average_end", HostProbe.loadAverage());

        return root;
    }

    /** ORT GEMM and GEMV probes; returns {GFLOP/s, GB/s} and records both in {@code into}. */
    private double[] ortProbes(ObjectNode into) throws Exception {
        ctx.message("ORT GEMM probe " + gemmSize + "³");
        GemmProbe.Result g = GemmProbe.measure(gemmSize, gemmSize, gemmSize, threads, 5);
        // ORT's own streaming rate: a GEMV (M = 1) over a weight far larger than the caches, as decode does
        int gemvRows = gemvRows();
        ctx.message("ORT GEMV probe [1, 2048] × [" + gemvRows + ", 2048]ᵀ");
        GemmProbe.Result gv = GemmProbe.measure(1, gemvRows, 2048, threads, 10);
        double gemvGbps = 4.0 * gemvRows * 2048 / (gv.bestMs() / 1000) / 1e9;
        into.put("gemm_gflops_per_second", r(g.gflops()));
        into.put("gemm_best_ms", r(g.bestMs()));
        into.put("gemv_weight_bytes", 4L * gemvRows * 2048);
        into.put("gemv_best_ms", r(gv.bestMs()));
        into.put("gemv_gb_per_second", r(gemvGbps));
        into.putPOJO("load_average", HostProbe.loadAverage());
        return new double[] {g.gflops(), gemvGbps};
    }

    /** Rows of the GEMV probe's [rows, 2048] fp32 weight: a quarter of --bandwidth-mib (512 MiB by default). */
    private int gemvRows() {
        return (int) Math.max(1, Math.min(65536, (bandwidthMib << 20) / 4 / 2048 / 4));
    }

    static double gemvGbps(GemmProbe.Open gemv) {
        try {
            return gemv.weightBytes() / (gemv.run(3).bestMs() / 1000) / 1e9;
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("GEMV probe failed: " + e.getMessage(), e);
        }
    }

    static ObjectNode pairedJson(ObjectMapper om, List<ModeBenchmark.PairedBlock> blocks, long weightBytes) {
        ObjectNode o = om.createObjectNode();
        o.put("method", "blocks of decode steps, each followed at once by the ORT GEMV probe (best of 3); fraction = "
                + "block tokens/s × weight bytes per token ÷ that probe's GB/s");
        ArrayNode arr = o.putArray("blocks");
        double[] fractions = new double[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            ModeBenchmark.PairedBlock b = blocks.get(i);
            fractions[i] = b.fractionOfLimit(weightBytes);
            ObjectNode bj = arr.addObject();
            bj.put("steps", b.steps());
            bj.put("ms", r(b.ms()));
            bj.put("tokens_per_second", r(b.tokensPerS()));
            bj.put("probe_gb_per_second", r(b.probeGbps()));
            bj.put("fraction_of_limit", r(fractions[i]));
        }
        double[] sorted = fractions.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        o.put("median_fraction_of_limit", r(n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2));
        o.put("min_fraction_of_limit", r(sorted[0]));
        o.put("max_fraction_of_limit", r(sorted[n - 1]));
        return o;
    }

    static ObjectNode decodeJson(ObjectMapper om, ModeBenchmark.Decode d, long weightBytes, long cacheRead) {
        ObjectNode o = om.createObjectNode();
        o.put("context_start", d.startContext());
        o.put("steps", d.steps());
        o.put("tokens_per_second", r(d.tokensPerS()));
        o.put("ms_per_token", r(d.msPerToken()));
        o.put("median_ms", r(d.medianMs()));
        o.put("cache_bytes", d.cacheBytes());
        o.put("weight_bytes_per_token", weightBytes);
        o.put("cache_bytes_read_per_token", cacheRead);
        return o;
    }

    static void limits(ObjectNode d, double gbps) {
        double w = d.get("weight_bytes_per_token").asDouble();
        double c = d.get("cache_bytes_read_per_token").asDouble();
        double limit = gbps * 1e9 / w;
        double limitCache = gbps * 1e9 / (w + c);
        d.put("bandwidth_limit_tokens_per_second", r(limit));
        d.put("bandwidth_limit_with_cache_tokens_per_second", r(limitCache));
        d.put("fraction_of_limit", r(d.get("tokens_per_second").asDouble() / limit));
    }

    static double r(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
