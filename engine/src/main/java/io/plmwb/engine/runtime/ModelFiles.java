package io.plmwb.engine.runtime;

import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.format.WeightSource;
import io.plmwb.engine.format.gguf.GgufFile;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import io.plmwb.engine.tokenizer.PlmTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The two shapes a model comes in: an HF checkpoint folder (config.json, safetensors, tokenizer.json) or one GGUF
 * file (config, weights and tokenizer in one). Config, weights and tokenizer are opened the same way for both.
 */
public final class ModelFiles {

    private ModelFiles() {
    }

    /** True for a regular file named {@code *.gguf} or starting with the GGUF magic. */
    public static boolean isGguf(Path p) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() == GgufFile.MAGIC;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The model's config: config.json of a folder, or the metadata of a GGUF file.
     *
     * @throws ModelFormatException when it is neither, or unreadable (naming the file)
     */
    public static ModelConfig config(Path model) throws ModelFormatException {
        if (isGguf(model)) {
            try (GgufFile g = GgufFile.open(model)) {
                return GgufCheckpoint.config(g);
            }
        }
        if (Files.isRegularFile(model)) {
            throw new ModelFormatException(model, "not a model: give a checkpoint folder or a .gguf file");
        }
        return ConfigLoader.load(model);
    }

    /** The weights: the folder's safetensors or the GGUF tensors under HF names. */
    public static WeightSource openWeights(Path model) throws ModelFormatException {
        return isGguf(model) ? GgufCheckpoint.open(model) : SafetensorsCheckpoint.open(model);
    }

    /** The tokenizer: the folder's tokenizer.json or the one rebuilt from the GGUF's tokenizer metadata. */
    public static PlmTokenizer tokenizer(Path model, WeightSource weights) throws ModelFormatException {
        if (weights instanceof GgufCheckpoint g) {
            return GgufTokenizer.load(g.file());
        }
        if (isGguf(model)) {
            try (GgufFile g = GgufFile.open(model)) {
                return GgufTokenizer.load(g);
            }
        }
        return PlmTokenizer.load(model);
    }
}
