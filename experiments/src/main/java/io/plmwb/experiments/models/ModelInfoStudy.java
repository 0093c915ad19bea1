package io.plmwb.experiments.models;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.runtime.ModelFiles;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a checkpoint folder, a .gguf file or a published preset is: configuration, parameters by component and per
 * block, weight bytes, KV-cache bytes per token for each layout and, for a .gguf, its tensor types. The Models
 * workspace's cards and charts, {@code workbench info} and {@code workbench chart params}. Reads files, loads no
 * model.
 */
public final class ModelInfoStudy implements Study<ModelInfoStudy.Settings, ModelInfoReport> {

    /**
     * What to describe.
     *
     * @param model      a checkpoint folder or .gguf file (null for a preset)
     * @param preset     a published architecture's name (null for a file)
     * @param cacheDtype the KV-cache dtype of the KV figures
     * @param context    tokens of the "at context" figures; ≤ 0: the model's max_position_embeddings
     */
    public record Settings(Path model, String preset, StorageType cacheDtype, long context) {
        public Settings {
            if (model != null && preset != null) {
                throw new IllegalArgumentException("give either a model folder or a preset, not both");
            }
            if (model == null && (preset == null || preset.isBlank())) {
                throw new IllegalArgumentException("give a model folder or a preset");
            }
            Objects.requireNonNull(cacheDtype, "cacheDtype");
            if (context > Integer.MAX_VALUE) {
                // as in the KV Cache workspace: byte counts at larger contexts overflowed to negative numbers
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "the context must be at most %,d tokens, was %,d", Integer.MAX_VALUE, context));
            }
        }

        /** A checkpoint folder or .gguf file, bf16 cache at the model's context. */
        public static Settings checkpoint(Path model) {
            return new Settings(Objects.requireNonNull(model, "model"), null, StorageType.BF16, 0);
        }

        /** A published preset, bf16 cache at the model's context. */
        public static Settings preset(String name) {
            return new Settings(null, Objects.requireNonNull(name, "name"), StorageType.BF16, 0);
        }

        /** The same model with another cache dtype and context. */
        public Settings withCache(StorageType dtype, long contextTokens) {
            return new Settings(model, preset, dtype, contextTokens);
        }
    }

    private final io.plmwb.engine.runtime.ModelSessions host;
    private io.plmwb.engine.runtime.ModelHandle shown;

    /** Reads the files directly (no host). */
    public ModelInfoStudy() {
        this.host = null;
    }

    /**
     * Reads checkpoints through {@code host} and keeps the last one described open there (released by the next run
     * or {@link #release()}), so that loading it or measuring it in another workspace reads its files no more.
     * A checkpoint the host cannot open (no weights, no tokenizer) is described from its config file alone.
     */
    public ModelInfoStudy(io.plmwb.engine.runtime.ModelSessions host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /** Closes the handle of the checkpoint last described (if any). */
    public synchronized void release() {
        if (shown != null) {
            shown.close();
            shown = null;
        }
    }

    private ModelConfig config(Path model, TaskContext ctx) throws ModelFormatException {
        if (host == null) {
            return ModelFiles.config(model);
        }
        io.plmwb.engine.runtime.ModelHandle h;
        try {
            h = host.open(model, ctx);
        } catch (ModelFormatException e) {
            release();
            return ModelFiles.config(model);
        }
        synchronized (this) {
            io.plmwb.engine.runtime.ModelHandle before = shown;
            shown = h;
            if (before != null) {
                before.close();
            }
        }
        return h.config();
    }

    @Override
    public ModelInfoReport run(Settings settings, TaskContext ctx) throws ModelFormatException {
        ctx.checkCancelled();
        ModelConfig config;
        String name;
        Path file = null;
        GgufFacts gguf = null;
        if (settings.preset() != null) {
            config = Presets.byName(settings.preset()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown preset '" + settings.preset() + "' (known: " + String.join(", ", Presets.names())
                            + ")"));
            name = settings.preset();
        } else {
            file = settings.model().toAbsolutePath().normalize();
            boolean isGguf = ModelFiles.isGguf(file);
            ctx.message(isGguf ? "reading the GGUF metadata" : "reading config.json");
            config = config(settings.model(), ctx);
            name = file.getFileName() == null ? "model" : file.getFileName().toString();
            if (isGguf) {
                ctx.checkCancelled();
                gguf = GgufFacts.read(file);
            }
        }
        long context = settings.context() > 0 ? settings.context() : config.maxPositionEmbeddings();
        return new ModelInfoReport(name, file, settings.preset(), ArchitectureSummary.of(config),
                settings.cacheDtype(), context, gguf);
    }
}
