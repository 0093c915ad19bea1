package io.plmwb.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.family.HfConfig;
import io.plmwb.engine.family.ModelFamilies;
import io.plmwb.engine.family.ModelFamily;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.RopeScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes HF {@code config.json} files with strict validation; the family of the model_type (see
 * {@link ModelFamilies}) maps its own fields.
 */
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
            io.plmwb.engine.io.FileReads.record(file);
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
        HfConfig json = new HfConfig(file, root);
        String modelType = json.text("model_type", null);
        if (modelType == null) {
            throw new ModelFormatException(file, "missing field model_type");
        }
        ModelFamily family = ModelFamilies.byModelType(modelType).orElseThrow(() -> new ModelFormatException(file,
                "unsupported model_type '" + modelType + "' (supported: "
                        + String.join(", ", ModelFamilies.modelTypes()) + ")"));
        return family.fromHfConfig(json, json.common(modelType));
    }

    /** The config as HF writes it (plus {@code plmwb_synthetic} when synthetic). */
    public static ObjectNode toJson(ModelConfig c) {
        ObjectNode o = JSON.createObjectNode();
        ModelFamily family = ModelFamilies.of(c);
        o.putArray("architectures").add(family.hfArchitecture());
        o.put("model_type", c.modelType());
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numLayers());
        o.put("num_attention_heads", c.numHeads());
        o.put("num_key_value_heads", c.numKvHeads());
        family.writeHfAttention(c, o);
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

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
