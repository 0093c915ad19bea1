package io.plmwb.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plmwb.engine.format.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The checkpoint's HF tokenizer ({@code tokenizer.json}, run by DJL's native HuggingFace tokenizers) plus what
 * {@code tokenizer_config.json} says about special tokens, BOS and the chat template.
 *
 * <p>{@link #encode} adds no special tokens except a BOS when {@code add_bos_token} is true. Chat prompts are
 * rendered as ChatML ({@code <|im_start|>role\ncontent<|im_end|>\n}); Jinja templates are not run: a template that
 * is not ChatML-style falls back to ChatML with a {@link #chatTemplateWarning() warning}.
 */
public final class PlmTokenizer implements AutoCloseable {

    /** tokenText per id, filled lazily (racy but benign: Strings are immutable, every writer stores the same text). */
    private volatile String[] textCache;

    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String END_OF_TEXT = "<|endoftext|>";

    private static final long MAX_JSON_BYTES = 64L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Character, Integer> BYTE_OF_CHAR = byteLevelDecoder();

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> added;
    private final Set<Integer> specialIds;
    private final Map<Integer, String> tokenOfId;
    private final boolean byteLevel;
    private final int vocabSize;
    private final Integer bosId;
    private final Integer eosId;
    private final Integer padId;
    private final boolean addBos;
    private final String chatTemplate;
    private final String templateWarning;

    private PlmTokenizer(Path file, HuggingFaceTokenizer tokenizer, Map<String, Integer> added, Set<Integer> specialIds,
            Map<Integer, String> tokenOfId, boolean byteLevel, Integer bosId, Integer eosId, Integer padId,
            boolean addBos, String chatTemplate, String templateWarning) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.added = Collections.unmodifiableMap(added);
        this.specialIds = Collections.unmodifiableSet(specialIds);
        this.tokenOfId = tokenOfId;
        this.byteLevel = byteLevel;
        this.vocabSize = tokenOfId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
        this.addBos = addBos;
        this.chatTemplate = chatTemplate;
        this.templateWarning = templateWarning;
    }

    /**
     * Loads {@code tokenizer.json} (and {@code tokenizer_config.json} beside it when present) from a checkpoint
     * folder or from the tokenizer.json file itself.
     */
    public static PlmTokenizer load(Path folderOrFile) throws ModelFormatException {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("tokenizer.json") : folderOrFile;
        byte[] bytes = readSmall(file, "tokenizer.json");
        io.plmwb.engine.io.FileReads.record(file);
        Path cfgFile = file.resolveSibling("tokenizer_config.json");
        byte[] cfgBytes = Files.isRegularFile(cfgFile) ? readSmall(cfgFile, "tokenizer_config.json") : null;
        return fromJson(file, bytes, cfgFile, cfgBytes);
    }

    /**
     * Builds a tokenizer from the bytes of a tokenizer.json and (optionally) a tokenizer_config.json that are not
     * files of their own, e.g. rebuilt from a GGUF header; {@code file} and {@code cfgFile} name them in messages.
     */
    public static PlmTokenizer fromJson(Path file, byte[] bytes, Path cfgFile, byte[] cfgBytes)
            throws ModelFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ModelFormatException(file, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new ModelFormatException(file, "not a HuggingFace tokenizer.json (no model object)");
        }
        Map<Integer, String> tokenOfId = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().canConvertToInt()) {
                    tokenOfId.put(e.getValue().intValue(), e.getKey());
                }
            }
        } else if (vocab.isArray()) { // unigram: [[piece, score], …]
            for (int i = 0; i < vocab.size(); i++) {
                tokenOfId.put(i, vocab.get(i).path(0).asText());
            }
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        Set<Integer> specialIds = new LinkedHashSet<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (!t.path("id").canConvertToInt() || !t.path("content").isTextual()) {
                throw new ModelFormatException(file, "added_tokens entry without id/content: " + t);
            }
            int id = t.get("id").intValue();
            String content = t.get("content").textValue();
            added.put(content, id);
            tokenOfId.put(id, content);
            if (t.path("special").asBoolean(false)) {
                specialIds.add(id);
            }
        }
        boolean byteLevel = usesByteLevel(root.path("decoder"));

        JsonNode cfg = null;
        if (cfgBytes != null) {
            try {
                cfg = JSON.readTree(cfgBytes);
            } catch (IOException e) {
                throw new ModelFormatException(cfgFile, "not valid JSON: " + firstLine(e.getMessage()));
            }
            if (cfg == null || !cfg.isObject()) {
                throw new ModelFormatException(cfgFile, "expected a JSON object");
            }
        }
        Integer bos = tokenId(cfgFile, cfg, "bos_token", added, tokenOfId);
        Integer eos = tokenId(cfgFile, cfg, "eos_token", added, tokenOfId);
        Integer pad = tokenId(cfgFile, cfg, "pad_token", added, tokenOfId);
        boolean addBos = cfg != null && cfg.path("add_bos_token").asBoolean(false) && bos != null;
        String template = null;
        if (cfg != null) {
            JsonNode ct = cfg.get("chat_template");
            if (ct != null && ct.isTextual()) {
                template = ct.textValue();
            } else if (ct != null && ct.isArray()) { // [{name, template}, …]: prefer "default"
                for (JsonNode n : ct) {
                    if (template == null || "default".equals(n.path("name").asText())) {
                        template = n.path("template").asText(null);
                    }
                }
            }
        }
        String warning = null;
        if (!added.containsKey(IM_START) || !added.containsKey(IM_END)) {
            warning = "the vocabulary has no " + IM_START + "/" + IM_END
                    + " tokens: ChatML prompts will be split into ordinary tokens";
        } else if (template == null) {
            warning = "tokenizer_config.json has no chat_template; using ChatML";
        } else if (!template.contains(IM_START)) {
            warning = "the checkpoint's chat_template is not ChatML and Jinja templates are not run; using ChatML";
        }

        HuggingFaceTokenizer hf;
        try {
            Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                    "padding", "false");
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file, "the HuggingFace tokenizers library refused it: "
                    + firstLine(e.getMessage()), e);
        }
        return new PlmTokenizer(file, hf, added, specialIds, tokenOfId, byteLevel, bos, eos, pad, addBos, template,
                warning);
    }

    private static boolean usesByteLevel(JsonNode decoder) {
        if ("ByteLevel".equals(decoder.path("type").asText())) {
            return true;
        }
        for (JsonNode d : decoder.path("decoders")) {
            if (usesByteLevel(d)) {
                return true;
            }
        }
        return false;
    }

    private static Integer tokenId(Path cfgFile, JsonNode cfg, String field, Map<String, Integer> added,
            Map<Integer, String> tokenOfId) throws ModelFormatException {
        if (cfg == null) {
            return null;
        }
        JsonNode n = cfg.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        String content = n.isTextual() ? n.textValue() : n.path("content").asText(null);
        if (content == null) {
            throw new ModelFormatException(cfgFile, "field " + field + " must be a token string, found " + n);
        }
        Integer id = added.get(content);
        if (id == null) {
            for (Map.Entry<Integer, String> e : tokenOfId.entrySet()) {
                if (e.getValue().equals(content)) {
                    return e.getKey();
                }
            }
            throw new ModelFormatException(cfgFile, "field " + field + " names token '" + content
                    + "', which is not in tokenizer.json");
        }
        return id;
    }

    private static byte[] readSmall(Path file, String what) throws ModelFormatException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, "no " + what + " here");
        }
        try {
            long size = Files.size(file);
            if (size > MAX_JSON_BYTES) {
                throw new ModelFormatException(file, what + " is " + size + " bytes; refusing to parse it");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** GPT-2's byte ↔ printable-character table, inverted: character → byte. */
    private static Map<Character, Integer> byteLevelDecoder() {
        Map<Character, Integer> m = new HashMap<>();
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            m.put(c, b);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The tokenizer.json this was loaded from. */
    public Path file() {
        return file;
    }

    /** Ids of {@code text}: no special tokens are added except a BOS when the config asks for one. */
    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        int off = addBos ? 1 : 0;
        int[] out = new int[ids.length + off];
        if (addBos) {
            out[0] = bosId;
        }
        for (int i = 0; i < ids.length; i++) {
            out[off + i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /**
     * Text of {@code ids}; special tokens are kept or dropped. Ids without a token (a model's padding rows beyond the
     * tokenizer's vocabulary) decode to nothing.
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            l[i] = ids[i];
        }
        return tokenizer.decode(l, skipSpecialTokens);
    }

    /**
     * The decoded text of one token (specials included); a partial UTF-8 sequence shows as U+FFFD. Memoised per id
     * (a native decode costs ~1 µs, and captures ask for every token of a prompt).
     */
    public String tokenText(int id) {
        checkId(id);
        String[] cache = textCache;
        if (cache == null) {
            cache = new String[vocabSize()];
            textCache = cache;
        }
        if (id < cache.length) {
            String t = cache[id];
            if (t == null) {
                t = decode(new int[] {id}, false);
                cache[id] = t;
            }
            return t;
        }
        return decode(new int[] {id}, false);
    }

    /**
     * The raw bytes one token stands for (byte-level vocabularies), for streaming display that joins multi-byte
     * characters split across tokens. Added tokens give their UTF-8 text; ids without a token give no bytes.
     */
    public byte[] tokenBytes(int id) {
        checkId(id);
        String t = tokenOfId.get(id);
        if (t == null) {
            return new byte[0];
        }
        if (!byteLevel || added.containsKey(t)) {
            return t.getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[t.length()];
        int n = 0;
        for (int i = 0; i < t.length(); i++) {
            Integer b = BYTE_OF_CHAR.get(t.charAt(i));
            if (b == null) {
                return decode(new int[] {id}, false).getBytes(StandardCharsets.UTF_8);
            }
            out[n++] = (byte) (int) b;
        }
        return out;
    }

    /** The vocabulary entry (raw token string) of an id, or empty. */
    public Optional<String> token(int id) {
        return Optional.ofNullable(tokenOfId.get(id));
    }

    /** The id of an added token or a vocabulary entry. */
    public OptionalInt idOf(String token) {
        Integer id = added.get(token);
        if (id != null) {
            return OptionalInt.of(id);
        }
        for (Map.Entry<Integer, String> e : tokenOfId.entrySet()) {
            if (e.getValue().equals(token)) {
                return OptionalInt.of(e.getKey());
            }
        }
        return OptionalInt.empty();
    }

    /** Added tokens (content → id), specials and others. */
    public Map<String, Integer> addedTokens() {
        return added;
    }

    /** Ids of the added tokens marked special. */
    public Set<Integer> specialIds() {
        return specialIds;
    }

    /** One past the largest id in the tokenizer (the model's vocab_size may be larger: padding rows). */
    public int vocabSize() {
        return vocabSize;
    }

    public OptionalInt bosId() {
        return bosId == null ? OptionalInt.empty() : OptionalInt.of(bosId);
    }

    public OptionalInt eosId() {
        return eosId == null ? OptionalInt.empty() : OptionalInt.of(eosId);
    }

    public OptionalInt padId() {
        return padId == null ? OptionalInt.empty() : OptionalInt.of(padId);
    }

    /** True when {@link #encode} prepends a BOS ({@code add_bos_token} in tokenizer_config.json). */
    public boolean addsBos() {
        return addBos;
    }

    /** Ids that end generation: the configured EOS, {@code <|im_end|>} and {@code <|endoftext|>} when present. */
    public Set<Integer> stopIds() {
        Set<Integer> s = new LinkedHashSet<>();
        if (eosId != null) {
            s.add(eosId);
        }
        for (String t : List.of(IM_END, END_OF_TEXT)) {
            Integer id = added.get(t);
            if (id != null) {
                s.add(id);
            }
        }
        return s;
    }

    /** The checkpoint's chat_template text, if it has one (informational: it is not executed). */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Why the rendered prompt may differ from what the checkpoint's own template would give; empty when ChatML. */
    public Optional<String> chatTemplateWarning() {
        return Optional.ofNullable(templateWarning);
    }

    /**
     * The prompt for {@code messages} in ChatML: {@code <|im_start|>{role}\n{content}<|im_end|>\n} per message, then
     * {@code <|im_start|>assistant\n} when {@code addGenerationPrompt}.
     */
    public String applyChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(IM_START).append(m.role()).append('\n').append(m.content()).append(IM_END).append('\n');
        }
        if (addGenerationPrompt) {
            sb.append(IM_START).append("assistant\n");
        }
        return sb.toString();
    }

    /** {@link #encode} of {@link #applyChatTemplate}. */
    public int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return encode(applyChatTemplate(messages, addGenerationPrompt));
    }

    private void checkId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative token id " + id + " (" + file + ")");
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
