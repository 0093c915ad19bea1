package io.plmwb.engine.graph;

import static io.plmwb.engine.onnx.OnnxGraph.attr;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.plmwb.engine.family.CacheTensor;
import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.format.gguf.Quantizer;
import io.plmwb.engine.format.gguf.WeightQuantizer;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.onnx.OnnxGraph;
import io.plmwb.engine.onnx.OnnxOps;
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
 * Assembles an ONNX decoder (opset 17; com.microsoft for quantized weights) for a checkpoint of a registered
 * {@link ModelFamily}: embedding, per layer the two RMSNorms around the family's attention and MLP blocks, the final
 * norm, the head and the optional sparsity probes ({@link ProbeEmitter}). fp32 weights are external-data
 * initializers streamed into a sidecar file next to the model, one tensor at a time; the shared emitting helpers
 * are {@link OnnxOps}.
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
    public static final long ACCURACY_LEVEL = OnnxOps.ACCURACY_LEVEL;
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

    private final ModelConfig cfg;
    private final ModelFamily family;
    private final WeightSource weights;
    private final GraphOptions options;
    private final List<CacheTensor> cache;
    private OnnxGraph g;
    private OnnxOps ops;
    private ProbeEmitter probes;
    private OnnxOps.NBits embedNBits;

    private OnnxGraphBuilder(ModelConfig cfg, WeightSource weights, GraphOptions options) {
        this.cfg = cfg;
        this.family = ModelFamilies.of(cfg);
        this.weights = weights;
        this.options = options;
        this.cache = family.cacheTensors(cfg, options.mode() == CacheMode.LATENT);
    }

    /** Cache input names for a config and mode, in graph order (the family's cache tensors of every layer). */
    public static List<String> pastNames(ModelConfig cfg, CacheMode mode) {
        List<CacheTensor> perLayer = ModelFamilies.of(cfg).cacheTensors(cfg, mode == CacheMode.LATENT);
        List<String> r = new ArrayList<>();
        for (int i = 0; i < cfg.numLayers(); i++) {
            for (CacheTensor t : perLayer) {
                r.add(t.past(i));
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
        ModelFamily family = ModelFamilies.of(cfg);
        if (options.mode() == CacheMode.LATENT && !family.hasLatentCache()) {
            throw new IllegalArgumentException("latent cache mode needs an MLA model; " + cfg.family()
                    + " has no latent KV (use expanded)");
        }
        String act = cfg.hiddenAct().toLowerCase(Locale.ROOT);
        if (!act.equals("relu2") && !act.equals("silu")) {
            throw new IllegalArgumentException("unsupported hidden_act '" + cfg.hiddenAct() + "' (relu2, silu)");
        }
        if (!act.equals(family.activation())) {
            throw new IllegalArgumentException("hidden_act '" + cfg.hiddenAct() + "' does not fit the " + family.name()
                    + " MLP (" + family.activation() + ")");
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
            ops = new OnnxOps(g, cfg, weights, options.weightBits(), options.mode() == CacheMode.LATENT);
            probes = new ProbeEmitter(g, cfg.intermediateSize(), cfg.numLayers());
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
                probes.finish();
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
                    .setGraph(g.graph())
                    .addMetadataProps(meta("plmwb.builder_version", BUILDER_VERSION))
                    .addMetadataProps(meta("plmwb.cache_mode", options.mode().key()))
                    .addAllMetadataProps(options.weightBits() > 0 ? List.of(meta("plmwb.weights", options.dtype()))
                            : List.of())
                    .addMetadataProps(meta("plmwb.family", cfg.family().toString()))
                    .addMetadataProps(meta("plmwb.layers", Integer.toString(cfg.numLayers())))
                    .addMetadataProps(meta("plmwb.vocab", Integer.toString(cfg.vocabSize())))
                    .addMetadataProps(meta(PAST_SHAPES_KEY, pastShapes(past)))
                    .addMetadataProps(meta("plmwb.probes", options.sparsityProbes()
                            ? ProbeGrid.describe() : "none"))
                    .build();
        }
        try (OutputStream out = Files.newOutputStream(onnxFile)) {
            model.writeTo(out);
        }
        if (!ops.quantized().isEmpty()) {
            writeQuantization(onnxFile.resolveSibling(QUANTIZATION_FILE), quantizedWeights(ops.quantized()));
        }
        ctx.progress(1, 1);
        return new GraphInfo(onnxFile, dataFile, options.mode(), past, present, bytes);
    }

    private static List<QuantizedWeight> quantizedWeights(List<OnnxOps.Quantized> list) {
        List<QuantizedWeight> r = new ArrayList<>();
        for (OnnxOps.Quantized q : list) {
            WeightQuantizer.Result w = q.result();
            Quantizer.NBits nb = w.nbits();
            r.add(new QuantizedWeight(q.name(), w.source(), nb.bits(), w.direct(), w.maxAbsError(), w.rmsError(),
                    w.rmsWeight(), nb.bytes()));
        }
        return r;
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

    /** The family's shape of a cache tensor with {@code seq} as the symbolic sequence axis. */
    private Object[] cacheDims(String name, String seq) {
        long[] dims = tensorOf(name).dims();
        Object[] r = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = dims[i] < 0 ? seq : (Object) dims[i];
        }
        return r;
    }

    private CacheTensor tensorOf(String name) {
        String suffix = name.substring(name.lastIndexOf('.') + 1);
        return cache.stream().filter(t -> t.suffix().equals(suffix)).findFirst().orElseThrow();
    }

    private String embed() throws ModelFormatException, IOException {
        String ids = g.op("embed/ids", "Reshape", "input_ids", g.ints(-1));
        if (options.weightBits() > 0) {
            return quantizedEmbed(ids);
        }
        String table = ops.weight("model.embed_tokens.weight", cfg.vocabSize(), cfg.hiddenSize());
        return g.op("embed/gather", "Gather", table, ids, attr("axis", 0L));
    }

    /**
     * Embedding rows gathered from the quantized table (the same blob and scales the tied head's MatMulNBits reads)
     * and dequantized in the graph: code − zero point (128 / 8) times the block scale.
     */
    private String quantizedEmbed(String ids) throws ModelFormatException, IOException {
        int hidden = cfg.hiddenSize();
        int kb = hidden / 32;
        embedNBits = ops.nbits("model.embed_tokens.weight", cfg.vocabSize(), hidden);
        int bits = embedNBits.bits();
        String blocks = g.op("embed/gather_blocks", "Gather", embedNBits.blob(), ids, attr("axis", 0L));
        String s2 = g.op("embed/scales_2d", "Reshape", embedNBits.scales(), g.ints(cfg.vocabSize(), kb));
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
        int seqAxis = tensorOf(firstPast).seqAxis();
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
        String mask = g.op("mask/allowed", "LessOrEqual", cols2, rows);
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
            ops.shared(mask, g.op("rope/cos_pairs", "Unsqueeze", c, g.ints(-1)),
                    g.op("rope/sin_pairs", "Unsqueeze", s, g.ints(-1)));
        } else {
            ops.shared(mask, c, s);
        }
    }

    // ------------------------------------------------------------------ one decoder layer

    private String layer(int i, String h) throws ModelFormatException, IOException {
        String pre = "layers." + i;
        String hf = "model.layers." + i + ".";
        String x = ops.rmsNorm(pre + "/norm/input", h, ops.weight(hf + "input_layernorm.weight", cfg.hiddenSize()));
        String attnOut = family.attention(ops, i, pre + "/attn", hf + "self_attn.", x);
        String h1 = g.op(pre + "/attn/residual", "Add", h, attnOut);
        String x2 = ops.rmsNorm(pre + "/norm/post_attention", h1,
                ops.weight(hf + "post_attention_layernorm.weight", cfg.hiddenSize()));
        String m = family.mlp(ops, pre + "/mlp", hf + "mlp.", x2, options.sparsityProbes() ? probes::probe
                : (n, a, width, nonNegative) -> { });
        return g.op(pre + "/mlp/residual", "Add", h1, m);
    }

    /** Graph output of the sparsity probes ({@code token_fires}, {@code neuron_fires}, {@code top_values},
     * {@code top_indices}), all layers stacked along axis 0 (see {@link ProbeEmitter}). */
    public static String probeOutput(String what) {
        return "probe." + what;
    }

    private void head(String h) throws ModelFormatException, IOException {
        String negN = g.op("head/neg_num_logits", "Neg", "num_logits");
        String last = g.op("head/last_positions", "Slice",
                new String[] {h, negN, g.ints(Long.MAX_VALUE), g.ints(0)});
        String x = ops.rmsNorm("head/norm", last, ops.weight("model.norm.weight", cfg.hiddenSize()));
        String l;
        if (options.weightBits() > 0) {
            OnnxOps.NBits t = cfg.tieWordEmbeddings() ? embedNBits
                    : ops.nbits("lm_head.weight", cfg.vocabSize(), cfg.hiddenSize());
            l = ops.matMulNBits("head/lm_head", x, t);
        } else {
            String table = cfg.tieWordEmbeddings() ? "model.embed_tokens.weight"
                    : ops.weight("lm_head.weight", cfg.vocabSize(), cfg.hiddenSize());
            l = g.op("head/lm_head", "Gemm", new String[] {x, table}, attr("transB", 1L));
        }
        g.opMulti("head/logits", "Reshape", new String[] {l, g.ints(1, -1, cfg.vocabSize())}, new String[] {"logits"});
    }
}
