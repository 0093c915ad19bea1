package io.plmwb.app.cli;

import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR | --preset NAME}: a checkpoint folder or a published architecture. */
public final class ModelSelection {

    @Option(names = "--model", paramLabel = "DIR", description = "HF checkpoint folder (config.json, safetensors) or a .gguf file")
    Path model;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "published architecture: plm-1.8b, qwen2.5-1.5b, llama-3.2-1b")
    String preset;

    /** The config chosen; exactly one of a folder and a preset must be given. */
    public ModelConfig config(Path positional) throws ModelFormatException {
        Path dir = model != null ? model : positional;
        if (dir != null && preset != null) {
            throw new BadInputException("give either a model folder or --preset, not both");
        }
        if (preset != null) {
            return Presets.byName(preset).orElseThrow(() -> new BadInputException("unknown preset '" + preset
                    + "' (known: " + String.join(", ", Presets.names()) + ")"));
        }
        if (dir == null) {
            throw new BadInputException("give a model folder (--model DIR) or --preset NAME");
        }
        return io.plmwb.engine.runtime.ModelFiles.config(dir);
    }

    /** Study settings for the selection (bf16 cache at the model's context); exactly one of a folder and a preset. */
    public io.plmwb.experiments.models.ModelInfoStudy.Settings settings(Path positional) {
        Path dir = model != null ? model : positional;
        if (dir != null && preset != null) {
            throw new BadInputException("give either a model folder or --preset, not both");
        }
        if (preset == null && dir == null) {
            throw new BadInputException("give a model folder (--model DIR) or --preset NAME");
        }
        return preset != null ? io.plmwb.experiments.models.ModelInfoStudy.Settings.preset(preset)
                : io.plmwb.experiments.models.ModelInfoStudy.Settings.checkpoint(dir);
    }

    /** A name for the selection: the folder name or the preset name. */
    public String label(Path positional) {
        if (preset != null) {
            return preset;
        }
        Path dir = model != null ? model : positional;
        return dir == null ? "model" : dir.toAbsolutePath().normalize().getFileName().toString();
    }
}
