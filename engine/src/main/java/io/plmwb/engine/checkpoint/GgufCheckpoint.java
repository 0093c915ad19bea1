package io.plmwb.engine.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.format.DType;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.TensorInfo;
import io.plmwb.engine.format.gguf.GgmlType;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.format.gguf.GgufTensor;
import io.plmwb.engine.format.gguf.GgufWeights;
import io.plmwb.engine.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF model seen as an HF checkpoint: the {@link ModelConfig} from the GGUF metadata (arch {@code plm},
 * {@code llama}, {@code qwen2}) and the tensors under the HF names the graph builder uses, dequantized to fp32 on
 * read.
 *
 * <p>Names: {@code token_embd → model.embed_tokens}, {@code output_norm → model.norm}, {@code output → lm_head},
 * per block {@code attn_norm → input_layernorm}, {@code attn_q → self_attn.q_proj}, {@code attn_k/v → k_proj/v_proj},
 * {@code attn_kv_a_mqa → kv_a_proj_with_mqa}, {@code attn_kv_a_norm → kv_a_layernorm}, {@code attn_kv_b → kv_b_proj},
 * {@code attn_q_a/attn_q_a_norm/attn_q_b → q_a_proj/q_a_layernorm/q_b_proj}, {@code attn_output → o_proj},
 * {@code ffn_norm → post_attention_layernorm}, {@code ffn_gate/up/down → mlp.gate_proj/up_proj/down_proj}.
 * Shapes are the GGUF {@code ne} reversed, i.e. PyTorch {@code [out, in]}.
 *
 * <p>RoPE layout: llama.cpp's converter permutes the rows of {@code attn_q}/{@code attn_k} of arch {@code llama} so that
 * its adjacent-pair RoPE reproduces HF's rotate-half RoPE; {@link #readFloats} undoes that permutation (per head, rows
 * {@code [2i, 2i+1]} → {@code [i, i + d/2]}), so the config keeps HF's {@code rope_interleave = false}. PLM's GGUF is
 * not permuted (PLM rotates adjacent pairs itself: the fixture README checks it) and qwen2 is run by llama.cpp with
 * NeoX RoPE, unpermuted.
 */
public final class GgufCheckpoint implements GgufWeights {

    /** Metadata key marking a GGUF written from a synthetic (random-weight) checkpoint. */
    public static final String SYNTHETIC_KEY = "plmwb.synthetic";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    /** GGUF block part → HF part over every registered family (the names do not clash). */
    private static final Map<String, String> BLOCK_NAMES = blockNames();

    private static Map<String, String> blockNames() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ModelFamily f : ModelFamilies.all()) {
            m.putAll(f.ggufBlockNames());
        }
        return Collections.unmodifiableMap(m);
    }

    private final GgufFile gguf;
    private final ModelConfig config;
    private final ModelFamily family;
    private final Map<String, String> hfToGguf;
    private final List<String> unmapped;

    private GgufCheckpoint(GgufFile gguf, ModelConfig config, Map<String, String> hfToGguf, List<String> unmapped) {
        this.gguf = gguf;
        this.config = config;
        this.family = ModelFamilies.of(config);
        this.hfToGguf = Collections.unmodifiableMap(hfToGguf);
        this.unmapped = List.copyOf(unmapped);
    }

    /**
     * Opens a GGUF model file.
     *
     * @throws ModelFormatException when the file is not valid GGUF, its architecture is not plm/llama/qwen2 or its
     *                              metadata lacks a field the config needs (naming the key)
     */
    public static GgufCheckpoint open(Path file) throws ModelFormatException {
        GgufFile g = GgufFile.open(file);
        try {
            ModelConfig cfg = config(g);
            Map<String, String> map = new LinkedHashMap<>();
            List<String> unmapped = new ArrayList<>();
            for (String n : g.tensors().keySet()) {
                String hf = hfName(n);
                if (hf == null) {
                    unmapped.add(n);
                } else {
                    map.put(hf, n);
                }
            }
            return new GgufCheckpoint(g, cfg, map, unmapped);
        } catch (ModelFormatException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** The HF name of a GGUF tensor name, or null when it has none. */
    public static String hfName(String ggufName) {
        switch (ggufName) {
            case "token_embd.weight":
                return "model.embed_tokens.weight";
            case "output_norm.weight":
                return "model.norm.weight";
            case "output.weight":
                return "lm_head.weight";
            default:
                break;
        }
        Matcher m = BLOCK.matcher(ggufName);
        if (!m.matches()) {
            return null;
        }
        String part = BLOCK_NAMES.get(m.group(2));
        return part == null ? null : "model.layers." + m.group(1) + "." + part + "." + m.group(3);
    }

    /** The GGUF name of an HF tensor name, or null when it has none. */
    public static String ggufName(String hfName) {
        switch (hfName) {
            case "model.embed_tokens.weight":
                return "token_embd.weight";
            case "model.norm.weight":
                return "output_norm.weight";
            case "lm_head.weight":
                return "output.weight";
            default:
                break;
        }
        Matcher m = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.(weight|bias)").matcher(hfName);
        if (!m.matches()) {
            return null;
        }
        for (Map.Entry<String, String> e : BLOCK_NAMES.entrySet()) {
            if (e.getValue().equals(m.group(2))) {
                return "blk." + m.group(1) + "." + e.getKey() + "." + m.group(3);
            }
        }
        return null;
    }

    /**
     * The model config from GGUF metadata, validated by the same rules as a config.json.
     *
     * @throws ModelFormatException naming the file and the missing or wrong key
     */
    public static ModelConfig config(GgufFile g) throws ModelFormatException {
        Path file = g.file();
        String arch = g.string("general.architecture").orElseThrow(() -> new ModelFormatException(file,
                "no general.architecture in the metadata"));
        ModelFamily family = ModelFamilies.byGgufArchitecture(arch).orElseThrow(() -> new ModelFormatException(file,
                "general.architecture '" + arch + "' is not supported ("
                        + String.join(", ", ModelFamilies.ggufArchitectures()) + ")"));
        ObjectNode o = JSON.createObjectNode();
        o.put("model_type", arch);
        GgufTensor embd = g.tensor("token_embd.weight").orElseThrow(() -> new ModelFormatException(file,
                "no token_embd.weight tensor"));
        long vocab = g.integer(arch + ".vocab_size").orElse(embd.shape()[0]);
        o.put("vocab_size", vocab);
        int hidden = requiredInt(g, arch + ".embedding_length");
        o.put("hidden_size", hidden);
        o.put("intermediate_size", requiredInt(g, arch + ".feed_forward_length"));
        o.put("num_hidden_layers", requiredInt(g, arch + ".block_count"));
        int heads = requiredInt(g, arch + ".attention.head_count");
        o.put("num_attention_heads", heads);
        o.put("num_key_value_heads", g.integer(arch + ".attention.head_count_kv").orElse((long) heads));
        o.put("max_position_embeddings", g.integer(arch + ".context_length").orElse(4096L));
        o.put("rope_theta", g.number(arch + ".rope.freq_base").orElse(10000.0));
        o.put("rms_norm_eps", g.number(arch + ".attention.layer_norm_rms_epsilon").orElseThrow(
                () -> new ModelFormatException(file, "missing metadata " + arch
                        + ".attention.layer_norm_rms_epsilon")));
        o.put("tie_word_embeddings", g.tensor("output.weight").isEmpty());
        o.put("torch_dtype", "float32");
        if (g.bool(SYNTHETIC_KEY).orElse(false)) {
            o.put("plmwb_synthetic", true);
        }
        g.integer("tokenizer.ggml.bos_token_id").ifPresent(v -> o.put("bos_token_id", v));
        g.integer("tokenizer.ggml.eos_token_id").ifPresent(v -> o.put("eos_token_id", v));
        Optional<String> scaling = g.string(arch + ".rope.scaling.type");
        if (scaling.isPresent() && !scaling.get().equals("none")) {
            if (!scaling.get().equals("linear")) {
                throw new ModelFormatException(file, arch + ".rope.scaling.type '" + scaling.get()
                        + "' is not implemented (none, linear)");
            }
            ObjectNode rs = o.putObject("rope_scaling");
            rs.put("rope_type", "linear");
            rs.put("factor", g.number(arch + ".rope.scaling.factor").orElseThrow(() -> new ModelFormatException(
                    file, "linear rope scaling without " + arch + ".rope.scaling.factor")));
        }
        if (g.tensor("rope_freqs.weight").isPresent()) {
            throw new ModelFormatException(file, "rope_freqs.weight (llama-3 frequency scaling stored as a tensor) "
                    + "is not supported");
        }
        family.readGgufMetadata(g, arch, o);
        return ConfigLoader.parse(file, o);
    }

    private static long required(GgufFile g, String key) throws ModelFormatException {
        return g.integer(key).orElseThrow(() -> new ModelFormatException(g.file(), "missing metadata " + key));
    }

    /** A required count that must fit an int exactly (never truncated: 2^32+256 is refused, not read as 256). */
    private static int requiredInt(GgufFile g, String key) throws ModelFormatException {
        long v = required(g, key);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new ModelFormatException(g.file(), "metadata " + key + " = " + v + " is not a count between 1 and "
                    + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** The underlying file. */
    public GgufFile file() {
        return gguf;
    }

    /** The config read from the metadata. */
    public ModelConfig config() {
        return config;
    }

    /** GGUF tensors with no HF name (e.g. rope_freqs), which the graph does not use. */
    public List<String> unmapped() {
        return unmapped;
    }

    /** The stored ggml type of an HF-named tensor. */
    public Optional<GgmlType> ggmlType(String hfName) {
        String n = hfToGguf.get(hfName);
        return n == null ? Optional.empty() : gguf.tensor(n).map(GgufTensor::type);
    }

    /** The GGUF tensor behind an HF name. */
    public Optional<GgufTensor> tensor(String hfName) {
        String n = hfToGguf.get(hfName);
        return n == null ? Optional.empty() : gguf.tensor(n);
    }

    @Override
    public Path origin() {
        return gguf.file();
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(hfToGguf.keySet());
    }

    /**
     * The tensor's HF name and shape; the dtype is the stored one for F32/F16/BF16 and F32 (what {@link #readFloats}
     * gives) for block-quantized types; see {@link #ggmlType}.
     */
    @Override
    public Optional<TensorInfo> info(String name) {
        return tensor(name).map(t -> new TensorInfo(name, switch (t.type()) {
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> DType.F32;
        }, t.shape()));
    }

    @Override
    public float[] readFloats(String name) throws ModelFormatException {
        String n = hfToGguf.get(name);
        if (n == null) {
            throw new ModelFormatException(gguf.file(), "no tensor '" + name + "' (GGUF name "
                    + ggufName(name) + ") in this file");
        }
        return family.fromGguf(config, name, gguf.dequantize(n), rowLength(n));
    }

    private int rowLength(String ggufName) {
        long[] ne = gguf.tensors().get(ggufName).ne();
        return ne.length == 1 ? 1 : (int) ne[0];
    }

    /** Lower-case arch name. */
    public String architecture() {
        return config.modelType().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        gguf.close();
    }
}
