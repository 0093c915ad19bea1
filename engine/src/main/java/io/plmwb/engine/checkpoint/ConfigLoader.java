package io.plmwb.engine.checkpoint;

import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.RopeScaling;
import io.plmwb.engine.model.ModelFamily;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.format.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes HF {@code config.json} files for the supported families, with strict validation. */
public final class ConfigLoader {

    /** A config.json larger than this is not a config: refuse it rather than parse it. */
    static final long MAX_CONFIG_BYTES = 4L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigLoader() {
    }

    /** Reads {@code config.json} from a checkpoint folder or from the file itself. */
    public static ModelConfig load(Path folderOrFile) throws ModelFormatException {
        if (!Files.exists(folderOrFile)) {
            throw new ModelFormatException(folderOrFile, "does not exist");
        }
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("config.json") : folderOrFile;
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, "no config.json here (is this an HF checkpoint folder?)");
        }
        JsonNode root;
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new ModelFormatException(file, "config.json is " + Files.size(file)
                        + " bytes; a model config is a few KB — is this the right file?");
            }
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, "not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, "expected a JSON object");
        }
        return parse(file, root);
    }

    /** Parses an already read config object; {@code file} is only used in messages. */
    public static ModelConfig parse(Path file, JsonNode root) throws ModelFormatException {
        String modelType = text(root, "model_type", null);
        if (modelType == null) {
            throw new ModelFormatException(file, "missing field model_type");
        }
        ModelFamily family = ModelFamily.fromModelType(modelType).orElseThrow(() -> new ModelFormatException(file,
                "unsupported model_type '" + modelType + "' (supported: plm, edgellm, llama, qwen2)"));
        int vocab = positive(file, root, "vocab_size");
        int hidden = positive(file, root, "hidden_size");
        int inter = positive(file, root, "intermediate_size");
        int layers = positive(file, root, "num_hidden_layers");
        int heads = positive(file, root, "num_attention_heads");
        int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
                ? positive(file, root, "num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(file, "num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int maxPos = root.has("max_position_embeddings") ? positive(file, root, "max_position_embeddings") : 4096;
        double theta = number(file, root, "rope_theta", 10000.0);
        double eps = number(file, root, "rms_norm_eps", 1e-6);
        String dtype = text(root, "torch_dtype", "float32");
        Integer bos = optionalInt(root, "bos_token_id");
        Integer eos = optionalInt(root, "eos_token_id");
        boolean synthetic = root.path("plmwb_synthetic").asBoolean(false);
        RopeScaling scaling = ropeScaling(file, root);

        if (family == ModelFamily.PLM) {
            Integer qLora = optionalInt(root, "q_lora_rank");
            int kvLora = positive(file, root, "kv_lora_rank");
            int nope = positive(file, root, "qk_nope_head_dim");
            int rope = positive(file, root, "qk_rope_head_dim");
            int v = positive(file, root, "v_head_dim");
            if (rope % 2 != 0) {
                throw new ModelFormatException(file, "qk_rope_head_dim " + rope + " must be even (RoPE rotates pairs)");
            }
            String act = text(root, "hidden_act", "relu2");
            boolean interleave = root.path("rope_interleave").asBoolean(true);
            boolean tie = root.path("tie_word_embeddings").asBoolean(true);
            return new ModelConfig(family, modelType, vocab, hidden, inter, layers, heads, heads, nope + rope, qLora,
                    kvLora, nope, rope, v, act, maxPos, theta, interleave, eps, tie,
                    root.path("attention_bias").asBoolean(false), dtype, bos, eos, synthetic, scaling);
        }
        if (hidden % heads != 0 && !root.has("head_dim")) {
            throw new ModelFormatException(file, "hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads + " and no head_dim is given");
        }
        int headDim = root.has("head_dim") && !root.get("head_dim").isNull()
                ? positive(file, root, "head_dim") : hidden / heads;
        if (headDim % 2 != 0) {
            throw new ModelFormatException(file, "head_dim " + headDim + " must be even (RoPE rotates pairs)");
        }
        String act = text(root, "hidden_act", "silu");
        boolean bias = family == ModelFamily.QWEN2 || root.path("attention_bias").asBoolean(false);
        boolean tie = root.path("tie_word_embeddings").asBoolean(false);
        return new ModelConfig(family, modelType, vocab, hidden, inter, layers, heads, kvHeads, headDim, null, 0, 0, 0,
                headDim, act, maxPos, theta, false, eps, tie, bias, dtype, bos, eos, synthetic, scaling);
    }

    /** The config as HF writes it (plus {@code plmwb_synthetic} when synthetic). */
    public static ObjectNode toJson(ModelConfig c) {
        ObjectNode o = JSON.createObjectNode();
        switch (c.family()) {
            case PLM -> o.putArray("architectures").add("PLMForCausalLM");
            case LLAMA -> o.putArray("architectures").add("LlamaForCausalLM");
            case QWEN2 -> o.putArray("architectures").add("Qwen2ForCausalLM");
            default -> throw new IllegalStateException(c.family().name());
        }
        o.put("model_type", c.modelType());
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numLayers());
        o.put("num_attention_heads", c.numHeads());
        o.put("num_key_value_heads", c.numKvHeads());
        if (c.family().isMla()) {
            if (c.qLoraRank() == null) {
                o.putNull("q_lora_rank");
            } else {
                o.put("q_lora_rank", c.qLoraRank());
            }
            o.put("kv_lora_rank", c.kvLoraRank());
            o.put("qk_nope_head_dim", c.qkNopeHeadDim());
            o.put("qk_rope_head_dim", c.qkRopeHeadDim());
            o.put("v_head_dim", c.vHeadDim());
            o.put("rope_interleave", c.ropeInterleave());
        } else {
            o.put("head_dim", c.headDim());
        }
        o.put("hidden_act", c.hiddenAct());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("rope_theta", c.ropeTheta());
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        o.put("attention_bias", c.attentionBias());
        o.put("torch_dtype", c.torchDtype());
        if (c.bosTokenId() != null) {
            o.put("bos_token_id", c.bosTokenId());
        }
        if (c.eosTokenId() != null) {
            o.put("eos_token_id", c.eosTokenId());
        }
        if (c.ropeScaling() == null) {
            o.putNull("rope_scaling");
        } else {
            RopeScaling r = c.ropeScaling();
            ObjectNode rs = o.putObject("rope_scaling");
            rs.put("rope_type", r.ropeType());
            rs.put("factor", r.factor());
            if (r.ropeType().equals(RopeScaling.LLAMA3)) {
                rs.put("low_freq_factor", r.lowFreqFactor());
                rs.put("high_freq_factor", r.highFreqFactor());
                rs.put("original_max_position_embeddings", r.originalMaxPositionEmbeddings());
            }
        }
        if (c.synthetic()) {
            o.put("plmwb_synthetic", true);
            o.put("plmwb_note", "SYNTHETIC: seeded random weights made by 'workbench synth'; not a trained model");
        }
        return o;
    }

    /** Writes {@code config.json} into {@code folder}. */
    public static void write(ModelConfig c, Path folder) throws IOException {
        Files.createDirectories(folder);
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("config.json").toFile(), toJson(c));
    }

    /**
     * Parses {@code rope_scaling}: null/absent or {@code rope_type} "default" → no scaling; "linear" and "llama3" are
     * implemented; anything else (dynamic, yarn, longrope, …) is refused naming the field, because running it
     * unscaled would silently give wrong positions. Older configs spell the key {@code type}.
     */
    static RopeScaling ropeScaling(Path file, JsonNode root) throws ModelFormatException {
        JsonNode n = root.get("rope_scaling");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new ModelFormatException(file, "field rope_scaling must be an object or null, found " + n);
        }
        JsonNode typeNode = n.has("rope_type") ? n.get("rope_type") : n.get("type");
        if (typeNode == null || typeNode.isNull() || !typeNode.isTextual()) {
            throw new ModelFormatException(file, "field rope_scaling.rope_type is missing or not a string");
        }
        String type = typeNode.asText().toLowerCase(java.util.Locale.ROOT);
        switch (type) {
            case "default":
                return null;
            case RopeScaling.LINEAR:
                return RopeScaling.linear(scalingNumber(file, n, "factor"));
            case RopeScaling.LLAMA3: {
                double factor = scalingNumber(file, n, "factor");
                double low = scalingNumber(file, n, "low_freq_factor");
                double high = scalingNumber(file, n, "high_freq_factor");
                double orig = scalingNumber(file, n, "original_max_position_embeddings");
                if (high <= low) {
                    throw new ModelFormatException(file, "field rope_scaling.high_freq_factor (" + high
                            + ") must be larger than rope_scaling.low_freq_factor (" + low + ")");
                }
                if (orig != Math.rint(orig) || orig > 1 << 24) {
                    throw new ModelFormatException(file,
                            "field rope_scaling.original_max_position_embeddings must be a whole number, found " + orig);
                }
                return RopeScaling.llama3(factor, low, high, (int) orig);
            }
            default:
                throw new ModelFormatException(file, "field rope_scaling.rope_type '" + typeNode.asText()
                        + "' is not supported (supported: default, linear, llama3)");
        }
    }

    private static double scalingNumber(Path file, JsonNode scaling, String field) throws ModelFormatException {
        JsonNode v = scaling.get(field);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(file, "missing field rope_scaling." + field);
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() <= 0) {
            throw new ModelFormatException(file, "field rope_scaling." + field + " must be a positive number, found "
                    + v);
        }
        return v.doubleValue();
    }

    private static int positive(Path file, JsonNode root, String field) throws ModelFormatException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new ModelFormatException(file, "missing field " + field);
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new ModelFormatException(file, "field " + field + " must be a whole number, found " + n);
        }
        int v = n.intValue();
        if (v <= 0) {
            throw new ModelFormatException(file, "field " + field + " must be positive, found " + v);
        }
        if (v > 1 << 24) {
            throw new ModelFormatException(file, "field " + field + " = " + v + " is implausibly large");
        }
        return v;
    }

    private static double number(Path file, JsonNode root, String field, double dflt) throws ModelFormatException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() <= 0) {
            throw new ModelFormatException(file, "field " + field + " must be a positive number, found " + n);
        }
        return n.doubleValue();
    }

    private static Integer optionalInt(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isArray() && !n.isEmpty() && n.get(0).canConvertToInt()) {
            return n.get(0).intValue();
        }
        return n.canConvertToInt() ? n.intValue() : null;
    }

    private static String text(JsonNode root, String field, String dflt) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
