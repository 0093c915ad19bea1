package io.plmwb.engine.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.format.gguf.GgufValueType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Rebuilds a HuggingFace {@code tokenizer.json} + {@code tokenizer_config.json} from a GGUF's {@code tokenizer.ggml.*}
 * metadata, so DJL's HuggingFace tokenizer runs the same byte-level BPE llama.cpp runs.
 *
 * <p>Only {@code tokenizer.ggml.model = gpt2} (byte-level BPE, the Qwen2 / PLM / llama-3 family) is rebuilt. The
 * pre-tokenizer split follows {@code tokenizer.ggml.pre}: {@code qwen2} (Qwen2 regex, NFC normaliser as the HF
 * tokenizer has it), {@code llama-bpe} (llama-3 regex), {@code gpt2}/{@code default} (GPT-2 regex). Every token goes
 * into {@code model.vocab} with its id; CONTROL (3) and USER_DEFINED (4) tokens are also {@code added_tokens}
 * (CONTROL ones special), so they are matched whole in text. Merges are the GGUF's "a b" strings in rank order.
 */
public final class GgufTokenizer {

    /** Token types of tokenizer.ggml.token_type. */
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    public static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}"
            + "\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    public static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s"
            + "\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufTokenizer() {
    }

    /** The two JSON documents. */
    public record Json(byte[] tokenizerJson, byte[] tokenizerConfigJson) {
    }

    /** Builds the tokenizer of {@code gguf} (through DJL). */
    public static PlmTokenizer load(GgufFile gguf) throws ModelFormatException {
        Json j = build(gguf);
        Path f = gguf.file();
        return PlmTokenizer.fromJson(f.resolveSibling(f.getFileName() + "#tokenizer.json"), j.tokenizerJson(),
                f.resolveSibling(f.getFileName() + "#tokenizer_config.json"), j.tokenizerConfigJson());
    }

    /**
     * The tokenizer.json and tokenizer_config.json of a GGUF.
     *
     * @throws ModelFormatException naming the file and key when the vocabulary is missing, inconsistent or not
     *                              byte-level BPE
     */
    public static Json build(GgufFile gguf) throws ModelFormatException {
        Path file = gguf.file();
        String model = gguf.string("tokenizer.ggml.model").orElseThrow(() -> new ModelFormatException(file,
                "no tokenizer.ggml.model: this GGUF carries no vocabulary"));
        if (!model.equals("gpt2")) {
            throw new ModelFormatException(file, "tokenizer.ggml.model '" + model + "' is not rebuilt (only gpt2 "
                    + "byte-level BPE, as PLM, Qwen2 and llama-3 use)");
        }
        List<?> tokens = gguf.array("tokenizer.ggml.tokens", GgufValueType.STRING).orElseThrow(
                () -> new ModelFormatException(file, "missing tokenizer.ggml.tokens"));
        List<?> types = gguf.array("tokenizer.ggml.token_type", null).orElse(null);
        if (types != null && !types.isEmpty() && !(types.get(0) instanceof Long)) {
            throw new ModelFormatException(file, "tokenizer.ggml.token_type must be an array of integers, found "
                    + gguf.value("tokenizer.ggml.token_type").orElseThrow());
        }
        if (types != null && types.size() != tokens.size()) {
            throw new ModelFormatException(file, "tokenizer.ggml.token_type has " + types.size() + " entries but "
                    + "tokenizer.ggml.tokens has " + tokens.size());
        }
        List<?> merges = gguf.array("tokenizer.ggml.merges", GgufValueType.STRING).orElseThrow(
                () -> new ModelFormatException(file, "missing tokenizer.ggml.merges (a gpt2 vocabulary needs them)"));
        String pre = gguf.string("tokenizer.ggml.pre").orElse("default").toLowerCase(Locale.ROOT);

        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int i = 0; i < tokens.size(); i++) {
            String t = (String) tokens.get(i);
            int type = types == null ? NORMAL : ((Number) types.get(i)).intValue();
            if (vocab.has(t)) {
                throw new ModelFormatException(file, "tokenizer.ggml.tokens: token " + i + " '" + t
                        + "' repeats id " + vocab.get(t).intValue());
            }
            vocab.put(t, i);
            if (type == CONTROL || type == USER_DEFINED) {
                ObjectNode a = added.addObject();
                a.put("id", i);
                a.put("content", t);
                a.put("single_word", false);
                a.put("lstrip", false);
                a.put("rstrip", false);
                a.put("normalized", type != CONTROL);
                a.put("special", type == CONTROL);
            }
        }
        switch (pre) {
            case "qwen2" -> {
                root.putObject("normalizer").put("type", "NFC");
                root.set("pre_tokenizer", splitThenByteLevel(QWEN2_REGEX));
            }
            case "llama-bpe", "llama3" -> {
                root.putNull("normalizer");
                root.set("pre_tokenizer", splitThenByteLevel(LLAMA3_REGEX));
            }
            case "gpt2", "default" -> {
                root.putNull("normalizer");
                root.set("pre_tokenizer", byteLevel(true));
            }
            default -> throw new ModelFormatException(file, "tokenizer.ggml.pre '" + pre + "' is not known here "
                    + "(qwen2, llama-bpe, gpt2, default): its pre-tokenizer split would be guessed");
        }
        root.set("post_processor", byteLevel(false));
        root.set("decoder", byteLevel(false));
        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        m.putNull("unk_token");
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", false);
        m.put("byte_fallback", false);
        m.put("ignore_merges", false);
        m.set("vocab", vocab);
        ArrayNode mg = m.putArray("merges");
        for (int i = 0; i < merges.size(); i++) {
            String s = (String) merges.get(i);
            int sp = s.indexOf(' ');
            if (sp <= 0 || sp == s.length() - 1 || s.indexOf(' ', sp + 1) >= 0) {
                throw new ModelFormatException(file, "tokenizer.ggml.merges[" + i + "] '" + s
                        + "' is not two tokens separated by one space");
            }
            mg.add(s);
        }

        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        putToken(gguf, cfg, "bos_token", "tokenizer.ggml.bos_token_id", tokens);
        putToken(gguf, cfg, "eos_token", "tokenizer.ggml.eos_token_id", tokens);
        putToken(gguf, cfg, "pad_token", "tokenizer.ggml.padding_token_id", tokens);
        cfg.put("add_bos_token", gguf.bool("tokenizer.ggml.add_bos_token").orElse(false));
        gguf.string("tokenizer.chat_template").ifPresent(t -> cfg.put("chat_template", t));
        try {
            return new Json(JSON.writeValueAsBytes(root), JSON.writeValueAsBytes(cfg));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putToken(GgufFile gguf, ObjectNode cfg, String field, String key, List<?> tokens)
            throws ModelFormatException {
        var id = gguf.integer(key);
        if (id.isEmpty()) {
            cfg.putNull(field);
            return;
        }
        long v = id.get();
        if (v < 0 || v >= tokens.size()) {
            throw new ModelFormatException(gguf.file(), key + " " + v + " is outside the " + tokens.size()
                    + "-token vocabulary");
        }
        cfg.put(field, (String) tokens.get((int) v));
    }

    private static ObjectNode byteLevel(boolean useRegex) {
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "ByteLevel");
        b.put("add_prefix_space", false);
        b.put("trim_offsets", false);
        b.put("use_regex", useRegex);
        return b;
    }

    private static ObjectNode splitThenByteLevel(String regex) {
        ObjectNode seq = JSON.createObjectNode();
        seq.put("type", "Sequence");
        ArrayNode list = seq.putArray("pretokenizers");
        ObjectNode split = list.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", regex);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        list.add(byteLevel(false));
        return seq;
    }
}
