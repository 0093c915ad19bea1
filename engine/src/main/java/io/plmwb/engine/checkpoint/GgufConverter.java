package io.plmwb.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.gguf.Dequantizer;
import io.plmwb.engine.format.gguf.GgmlType;
import io.plmwb.engine.format.gguf.GgufValue;
import io.plmwb.engine.format.gguf.GgufValueType;
import io.plmwb.engine.format.gguf.GgufWriter;
import io.plmwb.engine.format.gguf.Quantizer;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quantizes an HF checkpoint folder into one GGUF file (what {@code workbench quantize} writes): every 2-D weight as
 * Q8_0 (8 bits) or Q4_0 (4 bits) with ggml's reference rounding (byte-identical to {@code llama-quantize} without an
 * importance matrix, tested on the fixture), 1-D norm weights as F32, metadata and tensor names as llama.cpp's
 * converter writes them, and the tokenizer as {@code tokenizer.ggml.*}. The result loads through the same GGUF path
 * as any llama.cpp file (and llama.cpp can read it). Arch {@code llama} q/k rows are permuted as llama.cpp's converter
 * does.
 */
public final class GgufConverter {

    /** llama.cpp's {@code LLAMA_FTYPE_MOSTLY_*} values. */
    static final int FTYPE_ALL_F32 = 0;
    static final int FTYPE_Q4_0 = 2;
    static final int FTYPE_Q8_0 = 7;

    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufConverter() {
    }

    /**
     * One written tensor.
     *
     * @param name        GGUF name
     * @param type        stored type
     * @param bytes       bytes in the file
     * @param maxAbsError max |dequantized − original| (0 for F32)
     * @param rmsError    RMS of that difference
     */
    public record TensorReport(String name, GgmlType type, long bytes, double maxAbsError, double rmsError) {
    }

    /** What was written. */
    public record Report(Path file, int bits, long fileBytes, long sourceBytes, List<TensorReport> tensors) {
    }

    /**
     * Writes {@code out} (refusing to replace an existing file) from the checkpoint folder {@code hf}.
     *
     * @throws ModelFormatException when the checkpoint or its tokenizer cannot be converted (naming the file)
     * @throws IllegalArgumentException for bits other than 8/4
     */
    public static Report quantize(Path hf, int bits, Path out, TaskContext ctx) throws ModelFormatException,
            IOException {
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
        }
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; not overwriting it");
        }
        ModelConfig c = ConfigLoader.load(hf);
        ModelFamily family = ModelFamilies.of(c);
        String arch = family.ggufArchitecture();
        Map<String, GgufValue> meta = new LinkedHashMap<>();
        meta.put("general.architecture", GgufValue.string(arch));
        meta.put("general.type", GgufValue.string("model"));
        meta.put("general.name", GgufValue.string(hf.toAbsolutePath().normalize().getFileName() + "-"
                + (bits == 8 ? "Q8_0" : "Q4_0")));
        meta.put("general.quantization_version", GgufValue.u32(2));
        meta.put("general.file_type", GgufValue.u32(bits == 8 ? FTYPE_Q8_0 : FTYPE_Q4_0));
        meta.put(arch + ".block_count", GgufValue.u32(c.numLayers()));
        meta.put(arch + ".context_length", GgufValue.u32(c.maxPositionEmbeddings()));
        meta.put(arch + ".embedding_length", GgufValue.u32(c.hiddenSize()));
        meta.put(arch + ".feed_forward_length", GgufValue.u32(c.intermediateSize()));
        meta.put(arch + ".attention.head_count", GgufValue.u32(c.numHeads()));
        meta.put(arch + ".attention.head_count_kv", GgufValue.u32(c.numKvHeads()));
        meta.put(arch + ".rope.freq_base", GgufValue.f32(c.ropeTheta()));
        meta.put(arch + ".attention.layer_norm_rms_epsilon", GgufValue.f32(c.rmsNormEps()));
        meta.put(arch + ".vocab_size", GgufValue.u32(c.vocabSize()));
        family.writeGgufMetadata(c, arch, meta, hf.resolve("config.json"));
        if (c.ropeScaling() != null) {
            if (!c.ropeScaling().ropeType().equals("linear")) {
                throw new ModelFormatException(hf.resolve("config.json"), "rope_scaling " + c.ropeScaling().ropeType()
                        + " is not written to GGUF here (linear only)");
            }
            meta.put(arch + ".rope.scaling.type", GgufValue.string("linear"));
            meta.put(arch + ".rope.scaling.factor", GgufValue.f32(c.ropeScaling().factor()));
        }
        if (c.synthetic()) {
            meta.put(GgufCheckpoint.SYNTHETIC_KEY, GgufValue.bool(true));
        }
        tokenizer(hf, c, meta);

        List<GgufWriter.Entry> entries = new ArrayList<>();
        List<TensorReport> reports = new ArrayList<>();
        long[] sourceBytes = {0};
        try (SafetensorsCheckpoint w = SafetensorsCheckpoint.open(hf)) {
            CheckpointLayout.validate(w, c);
            List<String> names = CheckpointLayout.of(c).names();
            int[] done = {0};
            for (String hfName : names) {
                String g = GgufCheckpoint.ggufName(hfName);
                long[] shape = w.info(hfName).orElseThrow().shape();
                sourceBytes[0] += w.info(hfName).orElseThrow().byteSize();
                long[] ne = new long[shape.length];
                for (int i = 0; i < shape.length; i++) {
                    ne[i] = shape[shape.length - 1 - i];
                }
                GgmlType type = shape.length == 2 && ne[0] % 32 == 0 ? (bits == 8 ? GgmlType.Q8_0 : GgmlType.Q4_0)
                        : GgmlType.F32;
                entries.add(new GgufWriter.Entry(g, type, ne, () -> {
                    ctx.checkCancelled();
                    ctx.message("Quantizing " + hfName);
                    float[] v;
                    try {
                        v = w.readFloats(hfName);
                    } catch (ModelFormatException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    v = family.toGguf(c, hfName, v, (int) ne[0]);
                    byte[] b;
                    if (type == GgmlType.F32) {
                        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                        bb.asFloatBuffer().put(v);
                        b = bb.array();
                        reports.add(new TensorReport(g, type, b.length, 0, 0));
                    } else {
                        b = type == GgmlType.Q8_0 ? Quantizer.q8_0(v) : Quantizer.q4_0(v);
                        float[] back = Dequantizer.dequantize(type, ByteBuffer.wrap(b), v.length);
                        double max = 0;
                        double se = 0;
                        for (int i = 0; i < v.length; i++) {
                            double d = back[i] - v[i];
                            max = Math.max(max, Math.abs(d));
                            se += d * d;
                        }
                        reports.add(new TensorReport(g, type, b.length, max, Math.sqrt(se / v.length)));
                    }
                    ctx.progress(++done[0], names.size());
                    return b;
                }));
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            GgufWriter.write(out, meta, entries);
        }
        return new Report(out, bits, Files.size(out), sourceBytes[0], reports);
    }

    /** tokenizer.json (+ tokenizer_config.json) → tokenizer.ggml.* (byte-level BPE only). */
    static void tokenizer(Path hf, ModelConfig c, Map<String, GgufValue> meta) throws ModelFormatException {
        Path file = hf.resolve("tokenizer.json");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText()) || !hasByteLevel(root.path("pre_tokenizer"))) {
            throw new ModelFormatException(file, "only byte-level BPE tokenizers are written to GGUF here");
        }
        String pre = "gpt2";
        String regex = findSplitRegex(root.path("pre_tokenizer"));
        if (regex != null) {
            if (regex.equals(GgufTokenizer.QWEN2_REGEX)) {
                pre = "qwen2";
            } else if (regex.equals(GgufTokenizer.LLAMA3_REGEX)) {
                pre = "llama-bpe";
            } else {
                throw new ModelFormatException(file, "the pre-tokenizer split regex is neither Qwen2's nor llama-3's: "
                        + "no tokenizer.ggml.pre name for it");
            }
        }
        Map<Integer, String> byId = new HashMap<>();
        Map<Integer, Integer> types = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            byId.put(e.getValue().intValue(), e.getKey());
        }
        Map<String, Integer> idOf = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.path("id").intValue();
            byId.put(id, t.path("content").asText());
            types.put(id, t.path("special").asBoolean() ? GgufTokenizer.CONTROL : GgufTokenizer.USER_DEFINED);
        }
        int n = Math.max(c.vocabSize(), byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1);
        List<String> tokens = new ArrayList<>(n);
        List<Long> tt = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            tokens.add(t != null ? t : "[PAD" + i + "]");
            tt.add((long) (t == null ? GgufTokenizer.UNUSED : types.getOrDefault(i, GgufTokenizer.NORMAL)));
            idOf.putIfAbsent(tokens.get(i), i);
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        meta.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        meta.put("tokenizer.ggml.pre", GgufValue.string(pre));
        meta.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        meta.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, tt));
        meta.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, merges));
        Path cfgFile = hf.resolve("tokenizer_config.json");
        JsonNode cfg = null;
        if (Files.isRegularFile(cfgFile)) {
            try {
                cfg = JSON.readTree(cfgFile.toFile());
            } catch (IOException e) {
                throw new ModelFormatException(cfgFile, "cannot read: " + e.getMessage(), e);
            }
        }
        Integer bos = c.bosTokenId();
        Integer eos = c.eosTokenId();
        Integer pad = null;
        if (cfg != null) {
            bos = special(cfg, "bos_token", idOf, bos);
            eos = special(cfg, "eos_token", idOf, eos);
            pad = special(cfg, "pad_token", idOf, null);
        }
        if (bos != null) {
            meta.put("tokenizer.ggml.bos_token_id", GgufValue.u32(bos));
        }
        if (eos != null) {
            meta.put("tokenizer.ggml.eos_token_id", GgufValue.u32(eos));
        }
        if (pad != null) {
            meta.put("tokenizer.ggml.padding_token_id", GgufValue.u32(pad));
        }
        meta.put("tokenizer.ggml.add_bos_token", GgufValue.bool(cfg != null && cfg.path("add_bos_token")
                .asBoolean(false)));
        if (cfg != null && cfg.path("chat_template").isTextual()) {
            meta.put("tokenizer.chat_template", GgufValue.string(cfg.path("chat_template").asText()));
        }
    }

    private static Integer special(JsonNode cfg, String field, Map<String, Integer> idOf, Integer fallback) {
        JsonNode n = cfg.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        String s = n.isTextual() ? n.asText() : n.path("content").asText(null);
        Integer id = s == null ? null : idOf.get(s);
        return id != null ? id : fallback;
    }

    private static boolean hasByteLevel(JsonNode pre) {
        if ("ByteLevel".equals(pre.path("type").asText())) {
            return true;
        }
        for (JsonNode p : pre.path("pretokenizers")) {
            if (hasByteLevel(p)) {
                return true;
            }
        }
        return false;
    }

    private static String findSplitRegex(JsonNode pre) {
        if ("Split".equals(pre.path("type").asText())) {
            return pre.path("pattern").path("Regex").asText(null);
        }
        for (JsonNode p : pre.path("pretokenizers")) {
            String r = findSplitRegex(p);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** The output file name for a folder: {@code <folder>-Q8_0.gguf} / {@code -Q4_0.gguf}. */
    public static String defaultFileName(Path hf, int bits) {
        return hf.toAbsolutePath().normalize().getFileName().toString().toLowerCase(Locale.ROOT)
                + (bits == 8 ? "-Q8_0.gguf" : "-Q4_0.gguf");
    }
}
