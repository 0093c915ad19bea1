package io.plmwb.experiments.models;

import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.GenerationResult;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.runtime.TokenListener;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.study.Study;
import java.util.Objects;

/**
 * Text from a prompt with a model's ONNX graph, tokens streamed to a {@link Listener} as they arrive: the Models
 * workspace's prompt box and {@code workbench generate}. A study made with {@link #GenerateStudy()} loads the model
 * for each run ({@link ModelLoadStudy}) and closes it afterwards; one made with {@link #on(LoadedModel)} generates
 * with a model that stays loaded (the Models workspace's, shared with the other workspaces).
 */
public final class GenerateStudy implements Study<GenerateStudy.Settings, GenerateReport> {

    /**
     * What to generate.
     *
     * @param load       the model and how to load it
     * @param prompt     the prompt (a user turn when {@code generation.chat()})
     * @param generation max tokens, greedy or sampled (temperature, top-k, top-p, seed), stop ids and strings
     */
    public record Settings(ModelLoadStudy.Settings load, String prompt, GenerationOptions generation) {
        public Settings {
            Objects.requireNonNull(load, "load");
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(generation, "generation");
        }

        /** Settings naming an already loaded model (for {@link GenerateStudy#on(LoadedModel)}). */
        public static Settings forLoaded(LoadedModel model, String prompt, GenerationOptions generation) {
            return new Settings(new ModelLoadStudy.Settings(model.checkpoint(), model.cacheMode(),
                    model.runtimeOptions().intraOpThreads(), model.contextLimit(), null,
                    model.runtimeOptions().prepackWeights(), true), prompt, generation);
        }
    }

    /** Receives the loaded model's facts before the first token, then each token as it is produced. */
    @FunctionalInterface
    public interface Listener extends TokenListener {
        /** The model is loaded; generation starts. */
        default void loaded(ModelFacts model) {
        }
    }

    private final LoadedModel shared;
    private final ModelLoadStudy loader;

    /** A study that loads the model of each run from the process-wide host and closes it afterwards. */
    public GenerateStudy() {
        this(io.plmwb.engine.runtime.ModelSessions.shared());
    }

    /** A study that leases the model of each run from {@code host} and closes the lease afterwards. */
    public GenerateStudy(io.plmwb.engine.runtime.ModelSessions host) {
        this.shared = null;
        this.loader = new ModelLoadStudy(host);
    }

    private GenerateStudy(LoadedModel shared) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.loader = null;
    }

    /** A study that generates with this loaded model (not closed by the study); settings must name its checkpoint. */
    public static GenerateStudy on(LoadedModel loaded) {
        return new GenerateStudy(loaded);
    }

    @Override
    public GenerateReport run(Settings settings, TaskContext ctx) throws Exception {
        return run(settings, ctx, t -> { });
    }

    /** Runs, streaming the tokens to {@code listener} on the generating thread. */
    public GenerateReport run(Settings settings, TaskContext ctx, Listener listener) throws Exception {
        if (shared != null) {
            if (!shared.checkpoint().toAbsolutePath().normalize()
                    .equals(settings.load().model().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("the settings name " + settings.load().model()
                        + " but the loaded model is " + shared.checkpoint());
            }
            return generate(shared, settings, ctx, listener);
        }
        try (LoadedModel m = loader.run(settings.load(), ctx).model()) {
            return generate(m, settings, ctx, listener);
        }
    }

    private static GenerateReport generate(LoadedModel m, Settings settings, TaskContext ctx, Listener listener)
            throws Exception {
        ModelFacts facts = ModelFacts.of(m);
        listener.loaded(facts);
        GenerationResult r = m.generator().generate(settings.prompt(), settings.generation(), listener, ctx);
        return new GenerateReport(r, facts);
    }
}
