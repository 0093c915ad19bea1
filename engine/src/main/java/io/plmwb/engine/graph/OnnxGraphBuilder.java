package io.plmwb.engine.graph;

import static io.plmwb.engine.graph.OnnxGraph.attr;
import static io.plmwb.engine.graph.OnnxGraph.attrs;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.format.gguf.Quantizer;
import io.plmwb.engine.format.gguf.WeightQuantizer;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Emits an ONNX decoder (opset 17, default domain only) for a PLM / llama / qwen2 checkpoint: fp32 weights as
 * external-data initializers streamed into a sidecar file next to the model, one tensor at a time.
 *
 * <p>Graph interface (batch is always 1):
 * <ul>
 *   <li>{@code input_ids} int64 [1, T]; positions are {@code past_len .. past_len+T-1}, where past_len is read from the
 *       shape of the past cache tensors;</li>
 *   <li>{@code num_logits} int64 [1]: logits are computed for the last {@code min(num_logits, T)} positions only (pass T
 *       or 0 for all, 1 for generation), so a long prefill does not materialise [T, vocab];</li>
 *   <li>per layer i, {@link CacheMode#LATENT}: {@code past.i.latent} float [1, P, kv_lora_rank + rope];
 *       {@link CacheMode#EXPANDED}: {@code past.i.key} float [1, kvHeads, P, key] and {@code past.i.value}
 *       float [1, kvHeads, P, value];</li>
 *   <li>outputs {@code logits} float [1, N, vocab] and {@code present.i.*} = past concatenated with the new entries.</li>
 * </ul>
 * Nodes are named {@code layers.N/attn/...}, {@code layers.N/mlp/...}, {@code layers.N/norm/...}, {@code head/...},
 * {@code embed/...}, {@code rope/...}, {@code mask/...} so ORT profiles map to layers.
 */
public final class OnnxGraphBuilder {

    /** Bumped whenever the emitted graph changes; part of the graph-cache key. */
    public static final String BUILDER_VERSION = "3";
    /** Default opset. */
    public static final int OPSET = 17;

    /**
     * MatMulNBits accuracy_level: 4 = int8 compute on activations quantized per block at run time (as llama.cpp does
     * for its quantized matmuls); decision 0050 has the measurements (fp32 compute, 0, is 25-150x slower at M=1).
     */
    public static final long ACCURACY_LEVEL = 4;
    /** Sidecar written next to a quantized graph: what each weight became. */
    public static final String QUANTIZATION_FILE = "quantization.json";

    /**
     * One quantized weight of a graph.
     *
     * @param name        HF tensor name
     * @param source      stored type (GGUF ggml type or safetensors dtype)
     * @param bits        MatMulNBits width
     * @param direct      GGUF blocks mapped without re-quantizing
     * @param maxAbsError max |graph weight − stored weight| (0 when direct)
     * @param rmsError    RMS of that difference
     * @param rmsWeight   RMS of the stored weight (NaN when direct: not computed)
     * @param bytes       blob + fp32 scales
     */
    public record QuantizedWeight(String name, String source, int bits, boolean direct, double maxAbsError,
                                  double rmsError, double rmsWeight, long bytes) {
    }

    private static final TensorProto.DataType F = TensorProto.DataType.FLOAT;
    private static final TensorProto.DataType I64 = TensorProto.DataType.INT64;
    private static final TensorProto.DataType I32 = TensorProto.DataType.INT32;

    private final ModelConfig cfg;
    private final WeightSource weights;
    private final GraphOptions options;
    private OnnxGraph g;
    /** Shared probe inputs of the graph being built (null until the first probed layer). */
    private String probeGrid;
    private String probeOnesT;
    /** Per-layer probe tensors to stack: token fires, neuron fires, top values, top indices. */
    private final List<List<String>> probeParts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());
    private String mask;
    private NBitsInit embedNBits;
    private final List<QuantizedWeight> quantization = new ArrayList<>();
    private String cos;
    private String sin;

    private OnnxGraphBuilder(ModelConfig cfg, WeightSource weights, GraphOptions options) {
        this.cfg = cfg;
        this.weights = weights;
        this.options = options;
    }

    /** Cache input names for a config and mode, in graph order. */
    public static List<String> pastNames(ModelConfig cfg, CacheMode mode) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < cfg.numLayers(); i++) {
            if (mode == CacheMode.LATENT) {
                r.add("past." + i + ".latent");
            } else {
                r.add("past." + i + ".key");
                r.add("past." + i + ".value");
            }
        }
        return r;
    }

    /**
     * Writes {@code onnxFile} and its sidecar {@code onnxFile + ".data"}.
     *
     * @throws ModelFormatException when a tensor is missing or has the wrong size (naming it)
     * @throws IllegalArgumentException when the mode or activation does not fit the model
     */
    public static GraphInfo build(ModelConfig cfg, WeightSource weights, GraphOptions options, Path onnxFile,
                                  TaskContext ctx) throws IOException, ModelFormatException {
        if (options.mode() == CacheMode.LATENT && !cfg.family().isMla()) {
            throw new IllegalArgumentException("latent cache mode needs an MLA model; " + cfg.family()
                    + " has no latent KV (use expanded)");
        }
        String act = cfg.hiddenAct().toLowerCase(Locale.ROOT);
        if (!act.equals("relu2") && !act.equals("silu")) {
            throw new IllegalArgumentException("unsupported hidden_act '" + cfg.hiddenAct() + "' (relu2, silu)");
        }
        return new OnnxGraphBuilder(cfg, weights, options).write(onnxFile.toAbsolutePath(), ctx);
    }

    private GraphInfo write(Path onnxFile, TaskContext ctx) throws IOException, ModelFormatException {
        Files.createDirectories(onnxFile.getParent());
        Path dataFile = onnxFile.resolveSibling(onnxFile.getFileName() + ".data");
        List<String> past = pastNames(cfg, options.mode());
        List<String> present = new ArrayList<>();
        for (String p : past) {
            present.add("present" + p.substring("past".length()));
        }
        ModelProto model;
        long bytes;
        try (FileChannel ch = FileChannel.open(dataFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            g = new OnnxGraph("plmwb_" + cfg.modelType() + "_" + options.mode().key(), ch,
                    dataFile.getFileName().toString());
            probeGrid = null;
            probeOnesT = null;
            for (List<String> parts : probeParts) {
                parts.clear();
            }
            declareIo(past, present);
            String h = embed();
            prologue(past.get(0));
            for (int layer = 0; layer < cfg.numLayers(); layer++) {
                ctx.checkCancelled();
                ctx.message("Compiling layer " + (layer + 1) + " of " + cfg.numLayers());
                h = layer(layer, h);
                ctx.progress(layer + 1, cfg.numLayers() + 1);
            }
            head(h);
            if (options.sparsityProbes()) {
                finishProbes();
            }
            bytes = g.dataBytes();
            ch.force(false);
            model = ModelProto.newBuilder()
                    .setIrVersion(8)
                    .setProducerName("plm-workbench")
                    .setProducerVersion(BUILDER_VERSION)
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                    .addAllOpsetImport(options.weightBits() > 0 ? List.of(OperatorSetIdProto.newBuilder()
                            .setDomain("com.microsoft").setVersion(1).build()) : List.of())
                    .setGraph(g.graph)
                    .addMetadataProps(meta("plmwb.builder_version", BUILDER_VERSION))
                    .addMetadataProps(meta("plmwb.cache_mode", options.mode().key()))
                    .addAllMetadataProps(options.weightBits() > 0 ? List.of(meta("plmwb.weights", options.dtype()))
                            : List.of())
                    .addMetadataProps(meta("plmwb.family", cfg.family().name()))
                    .addMetadataProps(meta("plmwb.layers", Integer.toString(cfg.numLayers())))
                    .addMetadataProps(meta("plmwb.vocab", Integer.toString(cfg.vocabSize())))
                    .addMetadataProps(meta(PAST_SHAPES_KEY, pastShapes(past)))
                    .addMetadataProps(meta("plmwb.probes", options.sparsityProbes()
                            ? io.plmwb.engine.graph.ProbeGrid.describe() : "none"))
                    .build();
        }
        try (OutputStream out = Files.newOutputStream(onnxFile)) {
            model.writeTo(out);
        }
        if (!quantization.isEmpty()) {
            writeQuantization(onnxFile.resolveSibling(QUANTIZATION_FILE), quantization);
        }
        ctx.progress(1, 1);
        return new GraphInfo(onnxFile, dataFile, options.mode(), past, present, bytes);
    }

    private void writeQuantization(Path file, List<QuantizedWeight> list) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = json.createObjectNode();
        root.put("dtype", options.dtype());
        root.put("accuracy_level", ACCURACY_LEVEL);
        var arr = root.putArray("weights");
        for (QuantizedWeight q : list) {
            var o = arr.addObject();
            o.put("name", q.name());
            o.put("source", q.source());
            o.put("bits", q.bits());
            o.put("direct", q.direct());
            o.put("max_abs_error", q.maxAbsError());
            o.put("rms_error", q.rmsError());
            if (!Double.isNaN(q.rmsWeight())) {
                o.put("rms_weight", q.rmsWeight());
            }
            o.put("bytes", q.bytes());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** Reads the quantization sidecar next to a graph file (empty for fp32 graphs). */
    public static List<QuantizedWeight> readQuantization(Path onnxFile) throws IOException {
        Path f = onnxFile.resolveSibling(QUANTIZATION_FILE);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile());
        List<QuantizedWeight> r = new ArrayList<>();
        for (var o : root.path("weights")) {
            r.add(new QuantizedWeight(o.path("name").asText(), o.path("source").asText(), o.path("bits").asInt(),
                    o.path("direct").asBoolean(), o.path("max_abs_error").asDouble(), o.path("rms_error").asDouble(),
                    o.has("rms_weight") ? o.path("rms_weight").asDouble() : Double.NaN, o.path("bytes").asLong()));
        }
        return r;
    }

    /** Metadata key listing the cache inputs and their shapes ("name=1,-1,80;…", -1 = sequence axis). */
    public static final String PAST_SHAPES_KEY = "plmwb.past_shapes";

    private String pastShapes(List<String> past) {
        StringBuilder sb = new StringBuilder();
        for (String p : past) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(p).append('=');
            Object[] dims = cacheDims(p, "s");
            for (int i = 0; i < dims.length; i++) {
                sb.append(i == 0 ? "" : ",").append(dims[i] instanceof String ? "-1" : dims[i].toString());
            }
        }
        return sb.toString();
    }

    private static StringStringEntryProto meta(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    // ------------------------------------------------------------------ inputs, embedding, shared tables

    private void declareIo(List<String> past, List<String> present) {
        g.input("input_ids", I64, 1L, "seq");
        g.input("num_logits", I64, 1L);
        for (String p : past) {
            g.input(p, F, cacheDims(p, "past_seq"));
        }
        g.output("logits", F, 1L, "num_out", (long) cfg.vocabSize());
        for (String p : present) {
            g.output(p, F, cacheDims(p, "total_seq"));
        }
    }

    private Object[] cacheDims(String name, String seq) {
        if (name.endsWith(".latent")) {
            return new Object[] {1L, seq, (long) cfg.kvAWidth()};
        }
        long heads = cfg.family().isMla() ? cfg.numHeads() : cfg.numKvHeads();
        long width = name.endsWith(".key") ? cfg.qHeadDim() : cfg.vHeadDim();
        return new Object[] {1L, heads, seq, width};
    }

    private String embed() throws ModelFormatException, IOException {
        String ids = g.op("embed/ids", "Reshape", "input_ids", g.ints(-1));
        if (options.weightBits() > 0) {
            return quantizedEmbed(ids);
        }
        String table = weight("model.embed_tokens.weight", cfg.vocabSize(), cfg.hiddenSize());
        return g.op("embed/gather", "Gather", table, ids, attr("axis", 0L));
    }

    /**
     * Embedding rows gathered from the quantized table (the same blob and scales the tied head's MatMulNBits reads)
     * and dequantized in the graph: code − zero point (128 / 8) times the block scale.
     */
    private String quantizedEmbed(String ids) throws ModelFormatException, IOException {
        int hidden = cfg.hiddenSize();
        int kb = hidden / 32;
        embedNBits = nbits("model.embed_tokens.weight", cfg.vocabSize(), hidden);
        int bits = embedNBits.bits;
        String blocks = g.op("embed/gather_blocks", "Gather", embedNBits.blob, ids, attr("axis", 0L));
        String s2 = g.op("embed/scales_2d", "Reshape", embedNBits.scales, g.ints(cfg.vocabSize(), kb));
        String scales = g.op("embed/gather_scales", "Gather", s2, ids, attr("axis", 0L));
        String f = g.op("embed/codes_f", "Cast", new String[] {blocks}, attr("to", (long) F.getNumber()));
        String q;
        if (bits == 8) {
            q = g.op("embed/centered", "Sub", f, g.f32(128f));
        } else {
            String hi = g.op("embed/hi", "Floor", g.op("embed/div16", "Div", f, g.f32(16f)));
            String lo = g.op("embed/lo", "Sub", f, g.op("embed/hi16", "Mul", hi, g.f32(16f)));
            String pair = g.op("embed/pairs", "Concat", new String[] {
                g.op("embed/lo_1", "Unsqueeze", lo, g.ints(-1)), g.op("embed/hi_1", "Unsqueeze", hi, g.ints(-1))},
                attr("axis", -1L));
            String codes = g.op("embed/codes", "Reshape", pair, g.ints(-1, kb, 32));
            if (embedNBits.zeroPoints() != null) {
                String z2 = g.op("embed/zero_points_2d", "Reshape", embedNBits.zeroPoints(),
                        g.ints(cfg.vocabSize(), kb));
                String z = g.op("embed/gather_zero_points", "Gather", z2, ids, attr("axis", 0L));
                q = g.op("embed/centered", "Sub", codes, g.op("embed/zero_points_1", "Unsqueeze", z, g.ints(-1)));
            } else {
                q = g.op("embed/centered", "Sub", codes, g.f32(8f));
            }
        }
        String v = g.op("embed/scaled", "Mul", q, g.op("embed/scales_1", "Unsqueeze", scales, g.ints(-1)));
        return g.op("embed/gather", "Reshape", v, g.ints(-1, hidden));
    }

    /** Past length, positions, RoPE cos/sin tables and the causal mask, shared by all layers. */
    private void prologue(String firstPast) {
        int seqAxis = firstPast.endsWith(".latent") ? 1 : 2;
        String t = g.op("mask/seq_len", "Shape", new String[] {"input_ids"}, attr("start", 1L), attr("end", 2L));
        String p = g.op("mask/past_len", "Shape", new String[] {firstPast}, attr("start", (long) seqAxis),
                attr("end", (long) seqAxis + 1));
        String total = g.op("mask/total_len", "Add", p, t);
        String ps = g.op("mask/past_len_scalar", "Squeeze", p, g.ints(0));
        String ts = g.op("mask/total_len_scalar", "Squeeze", total, g.ints(0));
        String one = g.i64(true, 1);
        String zero = g.i64(true, 0);
        String pos = g.op("rope/positions", "Range", new String[] {ps, ts, one});
        // causal mask [T, S]: key j is visible from query i iff j <= past_len + i
        String rows = g.op("mask/rows", "Unsqueeze", pos, g.ints(1));
        String cols = g.op("mask/cols_1d", "Range", new String[] {zero, ts, one});
        String cols2 = g.op("mask/cols", "Unsqueeze", cols, g.ints(0));
        mask = g.op("mask/allowed", "LessOrEqual", cols2, rows);
        // RoPE tables [T, dim/2]
        // inverse frequencies with the config's rope_scaling (linear / llama3) applied
        double[] invD = cfg.ropeInverseFrequencies();
        float[] inv = new float[invD.length];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) invD[i];
        }
        String invFreq = g.f32Tensor("rope/inv_freq", inv, inv.length);
        String posF = g.op("rope/positions_f", "Cast", new String[] {pos}, attr("to", (long) F.getNumber()));
        String posCol = g.op("rope/positions_col", "Unsqueeze", posF, g.ints(1));
        String ang = g.op("rope/angles", "Mul", posCol, invFreq);
        String c = g.op("rope/cos", "Cos", ang);
        String s = g.op("rope/sin", "Sin", ang);
        if (cfg.ropeInterleave()) {
            cos = g.op("rope/cos_pairs", "Unsqueeze", c, g.ints(-1));
            sin = g.op("rope/sin_pairs", "Unsqueeze", s, g.ints(-1));
        } else {
            cos = c;
            sin = s;
        }
    }

    // ------------------------------------------------------------------ one decoder layer

    private String layer(int i, String h) throws ModelFormatException, IOException {
        String pre = "layers." + i;
        String hf = "model.layers." + i + ".";
        String x = rmsNorm(pre + "/norm/input", h, weight(hf + "input_layernorm.weight", cfg.hiddenSize()));
        String attnOut = cfg.family().isMla() ? mla(i, pre + "/attn", hf + "self_attn.", x)
                : gqa(i, pre + "/attn", hf + "self_attn.", x);
        String h1 = g.op(pre + "/attn/residual", "Add", h, attnOut);
        String x2 = rmsNorm(pre + "/norm/post_attention", h1,
                weight(hf + "post_attention_layernorm.weight", cfg.hiddenSize()));
        String m = mlp(i, pre + "/mlp", hf + "mlp.", x2);
        return g.op(pre + "/mlp/residual", "Add", h1, m);
    }

    private String mla(int layer, String n, String w, String x) throws ModelFormatException, IOException {
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int nope = cfg.qkNopeHeadDim();
        int rope = cfg.qkRopeHeadDim();
        int vd = cfg.vHeadDim();
        int qd = nope + rope;
        int lat = cfg.kvLoraRank();
        String q;
        if (cfg.qLoraRank() == null) {
            q = linear(n + "/q_proj", x, w + "q_proj.weight", heads * qd, d, null);
        } else {
            int qr = cfg.qLoraRank();
            String qa = linear(n + "/q_a_proj", x, w + "q_a_proj.weight", qr, d, null);
            qa = rmsNorm(n + "/q_a_norm", qa, weight(w + "q_a_layernorm.weight", qr));
            q = linear(n + "/q_b_proj", qa, w + "q_b_proj.weight", heads * qd, qr, null);
        }
        String q3 = g.op(n + "/q_heads", "Reshape", q, g.ints(-1, heads, qd));
        String qt = g.op(n + "/q_transpose", "Transpose", new String[] {q3}, attrs("perm", 1, 0, 2));
        String qNope = slice(n + "/q_nope", qt, 0, nope, 2);
        String qPe = rope(n + "/q_rope", slice(n + "/q_pe", qt, nope, qd, 2), heads, rope);
        String ckr = linear(n + "/kv_a_proj", x, w + "kv_a_proj_with_mqa.weight", lat + rope, d, null);
        String c = rmsNorm(n + "/kv_a_norm", slice(n + "/latent_raw", ckr, 0, lat, 1),
                weight(w + "kv_a_layernorm.weight", lat));
        String kpe = g.op(n + "/k_pe_3d", "Reshape", slice(n + "/k_pe", ckr, lat, lat + rope, 1), g.ints(1, -1, rope));
        kpe = rope(n + "/k_rope", kpe, 1, rope);
        float scale = (float) cfg.attentionScale();
        float[] kvb = read(w + "kv_b_proj.weight", (long) heads * (nope + vd) * lat);
        String o;
        if (options.mode() == CacheMode.LATENT) {
            // per head: W_UK,i [nope, lat] and W_UV,i^T [lat, v] from kv_b rows [k_nope ; v]
            float[] wuk = new float[heads * nope * lat];
            float[] wuvT = new float[heads * lat * vd];
            for (int hh = 0; hh < heads; hh++) {
                int base = hh * (nope + vd) * lat;
                System.arraycopy(kvb, base, wuk, hh * nope * lat, nope * lat);
                for (int r = 0; r < vd; r++) {
                    for (int k = 0; k < lat; k++) {
                        wuvT[hh * lat * vd + k * vd + r] = kvb[base + (nope + r) * lat + k];
                    }
                }
            }
            kvb = null;
            String wUk = g.weight(w + "kv_b_proj.w_uk", wuk, heads, nope, lat);
            String wUvT = g.weight(w + "kv_b_proj.w_uv_t", wuvT, heads, lat, vd);
            String kpe2 = g.op(n + "/k_pe_2d", "Reshape", kpe, g.ints(-1, rope));
            String entry = g.op(n + "/cache_entry", "Concat", new String[] {c, kpe2}, attr("axis", 1L));
            String entry3 = g.op(n + "/cache_entry_3d", "Unsqueeze", entry, g.ints(0));
            String presentName = "present." + layer + ".latent";
            g.opMulti(n + "/present_latent", "Concat", new String[] {"past." + layer + ".latent", entry3},
                    new String[] {presentName}, attr("axis", 1L));
            // absorbed attention on the whole cache row [c ; k_pe] (no slicing of the cache):
            // score_ij = [W_UK,i^T q_nope,i ; q_rope,i] . [c_j ; k_pe,j],  context_i = W_UV,i (sum_j p_ij c_j)
            String all = g.op(n + "/cache_all", "Squeeze", presentName, g.ints(0));
            String qAbs = g.op(n + "/q_absorb", "MatMul", qNope, wUk);
            String qCat = g.op(n + "/q_latent", "Concat", new String[] {qAbs, qPe}, attr("axis", 2L));
            String allT = g.op(n + "/cache_t", "Transpose", new String[] {all}, attrs("perm", 1, 0));
            String s = g.op(n + "/scores", "MatMul", qCat, allT);
            String p = softmax(n, s, scale);
            String ctxAll = g.op(n + "/context_cache", "MatMul", p, all);
            String ctxLat = slice(n + "/context_latent", ctxAll, 0, lat, 2);
            o = g.op(n + "/context", "MatMul", ctxLat, wUvT);
        } else {
            String kvbW = g.weight(w + "kv_b_proj.weight", kvb, heads * (nope + vd), lat);
            kvb = null;
            String kv = g.op(n + "/kv_b_proj", "Gemm", new String[] {c, kvbW}, attr("transB", 1L));
            String kv3 = g.op(n + "/kv_heads", "Reshape", kv, g.ints(-1, heads, nope + vd));
            String kvt = g.op(n + "/kv_transpose", "Transpose", new String[] {kv3}, attrs("perm", 1, 0, 2));
            String kNope = slice(n + "/k_nope", kvt, 0, nope, 2);
            String v = slice(n + "/v", kvt, nope, nope + vd, 2);
            String kpeH = g.op(n + "/k_pe_heads", "Expand", kpe, g.ints(heads, 1, 1));
            String k = g.op(n + "/k", "Concat", new String[] {kNope, kpeH}, attr("axis", 2L));
            String qq = g.op(n + "/q", "Concat", new String[] {qNope, qPe}, attr("axis", 2L));
            String[] kvAll = appendExpanded(n, layer, k, v);
            o = attend(n, qq, kvAll[0], kvAll[1], heads, heads, scale);
        }
        String ot = g.op(n + "/o_transpose", "Transpose", new String[] {o}, attrs("perm", 1, 0, 2));
        String o2 = g.op(n + "/o_flat", "Reshape", ot, g.ints(-1, (long) heads * vd));
        return linear(n + "/o_proj", o2, w + "o_proj.weight", d, heads * vd, null);
    }

    private String gqa(int layer, String n, String w, String x) throws ModelFormatException, IOException {
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int kvh = cfg.numKvHeads();
        int hd = cfg.headDim();
        boolean b = cfg.attentionBias();
        String q = linear(n + "/q_proj", x, w + "q_proj.weight", heads * hd, d, b ? w + "q_proj.bias" : null);
        String k = linear(n + "/k_proj", x, w + "k_proj.weight", kvh * hd, d, b ? w + "k_proj.bias" : null);
        String v = linear(n + "/v_proj", x, w + "v_proj.weight", kvh * hd, d, b ? w + "v_proj.bias" : null);
        q = heads(n + "/q", q, heads, hd);
        k = heads(n + "/k", k, kvh, hd);
        v = heads(n + "/v", v, kvh, hd);
        q = rope(n + "/q_rope", q, heads, hd);
        k = rope(n + "/k_rope", k, kvh, hd);
        String[] kvAll = appendExpanded(n, layer, k, v);
        String o = attend(n, q, kvAll[0], kvAll[1], heads, kvh, (float) cfg.attentionScale());
        String ot = g.op(n + "/o_transpose", "Transpose", new String[] {o}, attrs("perm", 1, 0, 2));
        String o2 = g.op(n + "/o_flat", "Reshape", ot, g.ints(-1, (long) heads * hd));
        return linear(n + "/o_proj", o2, w + "o_proj.weight", d, heads * hd, null);
    }

    /** [T, heads*dim] → [heads, T, dim]. */
    private String heads(String n, String x, int heads, int dim) {
        String r = g.op(n + "_heads", "Reshape", x, g.ints(-1, heads, dim));
        return g.op(n + "_transpose", "Transpose", new String[] {r}, attrs("perm", 1, 0, 2));
    }

    /** Concatenates new K/V [kvH, T, *] onto the past cache; returns the full K, V as [kvH, S, *]. */
    private String[] appendExpanded(String n, int layer, String k, String v) {
        String k4 = g.op(n + "/k_new", "Unsqueeze", k, g.ints(0));
        String v4 = g.op(n + "/v_new", "Unsqueeze", v, g.ints(0));
        String pk = "present." + layer + ".key";
        String pv = "present." + layer + ".value";
        g.opMulti(n + "/present_key", "Concat", new String[] {"past." + layer + ".key", k4}, new String[] {pk},
                attr("axis", 2L));
        g.opMulti(n + "/present_value", "Concat", new String[] {"past." + layer + ".value", v4}, new String[] {pv},
                attr("axis", 2L));
        return new String[] {g.op(n + "/k_all", "Squeeze", pk, g.ints(0)), g.op(n + "/v_all", "Squeeze", pv, g.ints(0))};
    }

    /** softmax(q·Kᵀ·scale + causal mask)·V with q [H, T, D], K [kvH, S, D], V [kvH, S, Dv] → [H, T, Dv]. */
    private String attend(String n, String q, String k, String v, int heads, int kvHeads, float scale) {
        int group = heads / kvHeads;
        String qg = group == 1 ? q : g.op(n + "/q_grouped", "Reshape", q, g.ints(kvHeads, -1, cfgKeyDim()));
        String kt = g.op(n + "/k_t", "Transpose", new String[] {k}, attrs("perm", 0, 2, 1));
        String s = g.op(n + "/scores", "MatMul", qg, kt);
        if (group != 1) {
            s = g.op(n + "/scores_heads", "Reshape", s, g.ints(heads, -1, 0));
        }
        String p = softmax(n, s, scale);
        if (group != 1) {
            p = g.op(n + "/probs_grouped", "Reshape", p, g.ints(kvHeads, -1, 0));
        }
        String o = g.op(n + "/context", "MatMul", p, v);
        if (group != 1) {
            o = g.op(n + "/context_heads", "Reshape", o, g.ints(heads, -1, cfg.vHeadDim()));
        }
        return o;
    }

    private int cfgKeyDim() {
        return cfg.qHeadDim();
    }

    private String softmax(String n, String scores, float scale) {
        String s = g.op(n + "/scores_scaled", "Mul", scores, g.f32(scale));
        String m = g.op(n + "/scores_masked", "Where", new String[] {mask, s, g.f32(Float.NEGATIVE_INFINITY)});
        return g.op(n + "/probs", "Softmax", new String[] {m}, attr("axis", -1L));
    }

    /** RoPE on x [lead, T, dim] (interleaved adjacent pairs, or NeoX halves). */
    private String rope(String n, String x, int lead, int dim) {
        int half = dim / 2;
        if (cfg.ropeInterleave()) {
            String pairs = g.op(n + "/pairs", "Reshape", x, g.ints(lead, -1, half, 2));
            String x0 = slice(n + "/even", pairs, 0, 1, 3);
            String x1 = slice(n + "/odd", pairs, 1, 2, 3);
            String a = g.op(n + "/even_out", "Sub", g.op(n + "/even_cos", "Mul", x0, cos),
                    g.op(n + "/odd_sin", "Mul", x1, sin));
            String b = g.op(n + "/odd_out", "Add", g.op(n + "/odd_cos", "Mul", x1, cos),
                    g.op(n + "/even_sin", "Mul", x0, sin));
            String cat = g.op(n + "/pairs_out", "Concat", new String[] {a, b}, attr("axis", 3L));
            return g.op(n + "/out", "Reshape", cat, g.ints(lead, -1, dim));
        }
        String x1 = slice(n + "/first", x, 0, half, 2);
        String x2 = slice(n + "/second", x, half, dim, 2);
        String a = g.op(n + "/first_out", "Sub", g.op(n + "/first_cos", "Mul", x1, cos),
                g.op(n + "/second_sin", "Mul", x2, sin));
        String b = g.op(n + "/second_out", "Add", g.op(n + "/second_cos", "Mul", x2, cos),
                g.op(n + "/first_sin", "Mul", x1, sin));
        return g.op(n + "/out", "Concat", new String[] {a, b}, attr("axis", 2L));
    }

    // ------------------------------------------------------------------ MLP, norms, head

    private String mlp(int layer, String n, String w, String x) throws ModelFormatException, IOException {
        int d = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        String up = linear(n + "/up_proj", x, w + "up_proj.weight", f, d, null);
        String a;
        boolean relu2 = cfg.hiddenAct().toLowerCase(Locale.ROOT).equals("relu2");
        if (relu2) {
            String r = g.op(n + "/relu", "Relu", up);
            a = g.op(n + "/relu_squared", "Mul", r, r);
        } else {
            String gate = linear(n + "/gate_proj", x, w + "gate_proj.weight", f, d, null);
            String silu = g.op(n + "/silu", "Mul", gate, g.op(n + "/sigmoid", "Sigmoid", gate));
            a = g.op(n + "/gated", "Mul", silu, up);
        }
        if (options.sparsityProbes()) {
            probe(n + "/probe", a, f, relu2);
        }
        return linear(n + "/down_proj", a, w + "down_proj.weight", d, f, null);
    }

    /** Graph output of the sparsity probes ({@code token_fires}, {@code neuron_fires}, {@code top_values},
     * {@code top_indices}), all layers stacked along axis 0 (see {@link #probe}). */
    public static String probeOutput(String what) {
        return "probe." + what;
    }

    /**
     * Reduces the activation a [T, F] of one layer to its probe tensors (see {@link io.plmwb.engine.graph.ProbeGrid},
     * decisions 0012 and 0013); {@link #finishProbes} stacks them over the layers into four graph outputs:
     * {@code probe.token_fires} int32 [L·E, T, 1]: per layer, grid point ε_e and token, how many of the F activations
     * have |a| &gt; ε_e (ε₀ = 0); {@code probe.neuron_fires} int32 [L·M, 1, F]: per layer and neuron, on how many of
     * the T tokens |a| &gt; ε at the M per-neuron grid points; {@code probe.top_values} float [L·T, k] /
     * {@code probe.top_indices} int32 [L·T, k]: the k neurons of largest |a| per token with their signed values, in
     * no particular order (TopK unsorted; the reader sorts).
     * <p>One broadcast {@code Greater} against the [E, 1, 1] grid, one {@code Cast} of that to uint8 (a quarter of
     * the bytes of an fp32 indicator; ORT's Cast is single-threaded, so there is only one), and two
     * {@code MatMulInteger}s against ones — over F for the per-token counts (indicator × int8 ones), over T for the
     * per-neuron counts (uint8 ones × indicator): exact int32 sums. For relu² a ≥ 0, so |a| = a and the TopK values
     * are the signed values. Nothing of size T×F leaves the graph.
     */
    private void probe(String n, String a, int f, boolean nonNegative) {
        int eps = io.plmwb.engine.graph.ProbeGrid.EPSILONS;
        String abs = nonNegative ? a : g.op(n + "/abs", "Abs", a);
        if (probeGrid == null) {
            float[] grid = new float[eps];
            for (int e = 0; e < eps; e++) {
                grid[e] = (float) io.plmwb.engine.graph.ProbeGrid.epsilon(e);
            }
            probeGrid = g.f32Tensor("probe/epsilons", grid, eps, 1, 1);
            // ones [1, T] for the per-neuron sums over T (T = the step's token count = input_ids' second dimension)
            probeOnesT = g.op("probe/ones_t", "Expand", g.fill(TensorProto.DataType.UINT8, 1, 1, 1),
                    g.op("probe/ids_shape", "Shape", "input_ids"));
        }
        int m = io.plmwb.engine.graph.ProbeGrid.NEURON_EPSILONS;
        String gt = g.op(n + "/gt", "Greater", abs, probeGrid);
        String firesU8 = g.op(n + "/fires_u8", "Cast", new String[] {gt},
                attr("to", (long) TensorProto.DataType.UINT8.getNumber()));
        probeParts.get(0).add(g.op(n + "/token_fires", "MatMulInteger", firesU8,
                g.fill(TensorProto.DataType.INT8, 1, f, 1)));
        String neuronInput = firesU8;
        if (m != eps) {
            long[] rows = new long[m];
            for (int i = 0; i < m; i++) {
                rows[i] = io.plmwb.engine.graph.ProbeGrid.neuronGridIndex(i);
            }
            neuronInput = g.op(n + "/neuron_rows", "Gather", new String[] {firesU8, g.ints(rows)}, attr("axis", 0L));
        }
        probeParts.get(1).add(g.op(n + "/neuron_fires", "MatMulInteger", probeOnesT, neuronInput));
        // top-k neurons by |a|, with signed values
        int top = Math.min(io.plmwb.engine.graph.ProbeGrid.TOP_K, f);
        String[] tk = g.opMulti(n + "/topk", "TopK", new String[] {abs, g.ints(top)},
                new String[] {n + "/top_abs", n + "/top_indices"}, attr("axis", -1L), attr("largest", 1L),
                attr("sorted", 0L));
        probeParts.get(2).add(nonNegative ? tk[0] : g.op(n + "/top_values", "GatherElements",
                new String[] {a, tk[1]}, attr("axis", 1L)));
        probeParts.get(3).add(tk[1]);
    }

    /** Stacks the layers' probe tensors into the four probe outputs (see {@link #probe}). */
    private void finishProbes() {
        int eps = io.plmwb.engine.graph.ProbeGrid.EPSILONS;
        int m = io.plmwb.engine.graph.ProbeGrid.NEURON_EPSILONS;
        int f = cfg.intermediateSize();
        long top = Math.min(io.plmwb.engine.graph.ProbeGrid.TOP_K, f);
        long layers = cfg.numLayers();
        String[] what = {"token_fires", "neuron_fires", "top_values", "top_indices"};
        for (int i = 0; i < what.length; i++) {
            String[] out = {i == 3 ? "probe/top_indices_i64" : probeOutput(what[i])};
            g.opMulti("probe/" + what[i], "Concat", probeParts.get(i).toArray(new String[0]), out, attr("axis", 0L));
        }
        // neuron indices < F fit int32: half the bytes to copy out
        g.opMulti("probe/top_indices_i32", "Cast", new String[] {"probe/top_indices_i64"},
                new String[] {probeOutput("top_indices")}, attr("to", (long) I32.getNumber()));
        g.output(probeOutput("token_fires"), I32, layers * eps, "seq", 1L);
        g.output(probeOutput("neuron_fires"), I32, layers * m, 1L, (long) f);
        g.output(probeOutput("top_values"), F, "layers_x_seq", top);
        g.output(probeOutput("top_indices"), I32, "layers_x_seq", top);
    }

    /** x * 1/sqrt(mean(x²) + eps) * w over the last axis, in fp32. */
    private String rmsNorm(String n, String x, String w) {
        String sq = g.op(n + "/pow", "Pow", x, g.f32(2f));
        String mean = g.op(n + "/mean", "ReduceMean", new String[] {sq}, attrs("axes", -1), attr("keepdims", 1L));
        String ve = g.op(n + "/add_eps", "Add", mean, g.f32((float) cfg.rmsNormEps()));
        String rs = g.op(n + "/sqrt", "Sqrt", ve);
        String y = g.op(n + "/div", "Div", x, rs);
        return g.op(n + "/scale", "Mul", y, w);
    }

    private void head(String h) throws ModelFormatException, IOException {
        String negN = g.op("head/neg_num_logits", "Neg", "num_logits");
        String last = g.op("head/last_positions", "Slice",
                new String[] {h, negN, g.ints(Long.MAX_VALUE), g.ints(0)});
        String x = rmsNorm("head/norm", last, weight("model.norm.weight", cfg.hiddenSize()));
        String l;
        if (options.weightBits() > 0) {
            NBitsInit t = cfg.tieWordEmbeddings() ? embedNBits
                    : nbits("lm_head.weight", cfg.vocabSize(), cfg.hiddenSize());
            l = matMulNBits("head/lm_head", x, t);
        } else {
            String table = cfg.tieWordEmbeddings() ? "model.embed_tokens.weight"
                    : weight("lm_head.weight", cfg.vocabSize(), cfg.hiddenSize());
            l = g.op("head/lm_head", "Gemm", new String[] {x, table}, attr("transB", 1L));
        }
        g.opMulti("head/logits", "Reshape", new String[] {l, g.ints(1, -1, cfg.vocabSize())}, new String[] {"logits"});
    }

    // ------------------------------------------------------------------ helpers

    private String linear(String n, String x, String wName, int out, int in, String biasName)
            throws ModelFormatException, IOException {
        if (options.weightBits() > 0) {
            String y = matMulNBits(n, x, nbits(wName, out, in));
            return biasName == null ? y : g.op(n + "/bias", "Add", y, weight(biasName, out));
        }
        String w = weight(wName, out, in);
        if (biasName == null) {
            return g.op(n, "Gemm", new String[] {x, w}, attr("transB", 1L));
        }
        String b = weight(biasName, out);
        return g.op(n, "Gemm", new String[] {x, w, b}, attr("transB", 1L));
    }

    /** Initializer names and geometry of one MatMulNBits weight. */
    private record NBitsInit(String blob, String scales, String zeroPoints, int n, int k, int bits) {
    }

    /** Quantizes a checkpoint weight [out, in] and streams its blob and scales into the sidecar. */
    private NBitsInit nbits(String name, int out, int in) throws ModelFormatException, IOException {
        if (weights.info(name).isEmpty()) {
            throw new ModelFormatException(weights.origin(), "missing tensor " + name + " (needed by the "
                    + cfg.family() + " graph)");
        }
        long[] shape = weights.info(name).get().shape();
        if (shape.length != 2 || shape[0] != out || shape[1] != in) {
            throw new ModelFormatException(weights.origin(), "tensor " + name + " has shape "
                    + java.util.Arrays.toString(shape) + "; the config implies [" + out + ", " + in + "]");
        }
        WeightQuantizer.Result r = WeightQuantizer.quantize(weights, name, out, in, options.weightBits());
        Quantizer.NBits q = r.nbits();
        quantization.add(new QuantizedWeight(name, r.source(), q.bits(), r.direct(), r.maxAbsError(), r.rmsError(),
                r.rmsWeight(), q.bytes()));
        int kb = in / 32;
        String blob = g.bytes(name + ".nbits", TensorProto.DataType.UINT8, q.blob(), out, kb, 32L * q.bits() / 8);
        String scales = g.weight(name + ".scales", q.scales(), (long) out * kb);
        String zp = q.zeroPoints() == null ? null : g.weight(name + ".zero_points", q.zeroPoints(), (long) out * kb);
        return new NBitsInit(blob, scales, zp, out, in, q.bits());
    }

    private String matMulNBits(String n, String x, NBitsInit w) {
        String[] in = w.zeroPoints() == null ? new String[] {x, w.blob(), w.scales()}
                : new String[] {x, w.blob(), w.scales(), w.zeroPoints()};
        return g.opDomain(n, "com.microsoft", "MatMulNBits", in,
                attr("K", (long) w.k()), attr("N", (long) w.n()), attr("bits", (long) w.bits()),
                attr("block_size", 32L), attr("accuracy_level", ACCURACY_LEVEL));
    }

    private String slice(String n, String x, long start, long end, long axis) {
        return g.op(n, "Slice", new String[] {x, g.ints(start), g.ints(end), g.ints(axis)});
    }

    /** Reads a checkpoint tensor, checks its size, streams it into the sidecar. */
    private String weight(String name, long... dims) throws ModelFormatException, IOException {
        long numel = 1;
        for (long dd : dims) {
            numel *= dd;
        }
        return g.weight(name, read(name, numel), dims);
    }

    private float[] read(String name, long expected) throws ModelFormatException {
        if (weights.info(name).isEmpty()) {
            throw new ModelFormatException(weights.origin(), "missing tensor " + name + " (needed by the "
                    + cfg.family() + " graph)");
        }
        float[] v = weights.readFloats(name);
        if (v.length != expected) {
            throw new ModelFormatException(weights.origin(), "tensor " + name + " has " + v.length
                    + " values; the config implies " + expected);
        }
        return v;
    }
}
