package io.plmwb.engine.family;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.RopeScaling;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A config.json object being read, with strict field readers whose errors name the file and the field.
 *
 * @param file only used in messages
 * @param root the JSON object
 */
public record HfConfig(Path file, JsonNode root) {

    /**
     * The fields every family shares, read and validated in this order.
     *
     * @param modelType the config's model_type as written
     */
    public record Common(String modelType, int vocab, int hidden, int intermediate, int layers, int heads,
                         int kvHeads, int maxPositions, double ropeTheta, double rmsNormEps, String torchDtype,
                         Integer bos, Integer eos, boolean synthetic, RopeScaling ropeScaling) {
    }

    /** Reads the shared fields. */
    public Common common(String modelType) throws ModelFormatException {
        int vocab = positive("vocab_size");
        int hidden = positive("hidden_size");
        int inter = positive("intermediate_size");
        int layers = positive("num_hidden_layers");
        int heads = positive("num_attention_heads");
        int kvHeads = present("num_key_value_heads") ? positive("num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(file, "num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int maxPos = root.has("max_position_embeddings") ? positive("max_position_embeddings") : 4096;
        double theta = number("rope_theta", 10000.0);
        double eps = number("rms_norm_eps", 1e-6);
        String dtype = text("torch_dtype", "float32");
        Integer bos = optionalInt("bos_token_id");
        Integer eos = optionalInt("eos_token_id");
        boolean synthetic = root.path("plmwb_synthetic").asBoolean(false);
        RopeScaling scaling = ropeScaling();
        return new Common(modelType, vocab, hidden, inter, layers, heads, kvHeads, maxPos, theta, eps, dtype, bos, eos,
                synthetic, scaling);
    }

    /** True when the field is there and not null. */
    public boolean present(String field) {
        return root.has(field) && !root.get(field).isNull();
    }

    /** A boolean field, or {@code dflt}. */
    public boolean bool(String field, boolean dflt) {
        return root.path(field).asBoolean(dflt);
    }

    /** A whole number in 1 … 2^24. */
    public int positive(String field) throws ModelFormatException {
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

    /** A positive finite number, or {@code dflt} when absent or null. */
    public double number(String field, double dflt) throws ModelFormatException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() <= 0) {
            throw new ModelFormatException(file, "field " + field + " must be a positive number, found " + n);
        }
        return n.doubleValue();
    }

    /** An int (the first of an array), or null. */
    public Integer optionalInt(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isArray() && !n.isEmpty() && n.get(0).canConvertToInt()) {
            return n.get(0).intValue();
        }
        return n.canConvertToInt() ? n.intValue() : null;
    }

    /** A text field, or {@code dflt}. */
    public String text(String field, String dflt) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    /**
     * Parses {@code rope_scaling}: null/absent or {@code rope_type} "default" → no scaling; "linear" and "llama3" are
     * implemented; anything else (dynamic, yarn, longrope, …) is refused naming the field, because running it
     * unscaled would silently give wrong positions. Older configs spell the key {@code type}.
     */
    public RopeScaling ropeScaling() throws ModelFormatException {
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
        String type = typeNode.asText().toLowerCase(Locale.ROOT);
        switch (type) {
            case "default":
                return null;
            case RopeScaling.LINEAR:
                return RopeScaling.linear(scalingNumber(n, "factor"));
            case RopeScaling.LLAMA3: {
                double factor = scalingNumber(n, "factor");
                double low = scalingNumber(n, "low_freq_factor");
                double high = scalingNumber(n, "high_freq_factor");
                double orig = scalingNumber(n, "original_max_position_embeddings");
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

    private double scalingNumber(JsonNode scaling, String field) throws ModelFormatException {
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
}
