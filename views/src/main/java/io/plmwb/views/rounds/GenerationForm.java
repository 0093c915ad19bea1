package io.plmwb.views.rounds;

import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.rounds.RefinementGenerator;
import io.plmwb.experiments.rounds.RoundsGenerationStudy;
import io.plmwb.experiments.rounds.SelectionRule;
import io.plmwb.views.common.DialogService;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The Generate tab: its inputs, the generation settings they make and the background run of the study. */
final class GenerationForm {

    final IntegerProperty steps = new SimpleIntegerProperty(2);
    final IntegerProperty maxTokens = new SimpleIntegerProperty(40);
    final StringProperty answerTemplate = new SimpleStringProperty(RefinementGenerator.DEFAULT_ANSWER_TEMPLATE);
    final StringProperty template = new SimpleStringProperty(RefinementGenerator.DEFAULT_REFINE_TEMPLATE);
    final StringProperty rule = new SimpleStringProperty(SelectionRule.MEAN_LOGPROB);
    final StringProperty roundName = new SimpleStringProperty("round 1");
    final ReadOnlyBooleanWrapper generating = new ReadOnlyBooleanWrapper();
    final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");

    private final RoundsGenerationStudy study;
    private final TaskExecutor executor;
    private final DialogService dialogs;

    GenerationForm(TaskExecutor executor, DialogService dialogs, io.plmwb.engine.runtime.ModelSessions host) {
        this.study = new RoundsGenerationStudy(host);
        this.executor = executor;
        this.dialogs = dialogs;
    }

    /**
     * The settings of a generation with the model in {@code folder} (greedy, round 0, the file replaced: the save
     * dialog has asked).
     *
     * @throws IllegalArgumentException an input is not usable (the message says which)
     */
    RoundsGenerationStudy.Settings settings(Path folder, Path prompts, Path out) {
        String name = roundName.get() == null || roundName.get().isBlank() ? "round" : roundName.get().strip();
        RefinementGenerator.Settings g = new RefinementGenerator.Settings(name, 0, steps.get(), answerTemplate.get(),
                template.get(), maxTokens.get(), 0, 0, SelectionRule.parse(rule.get()));
        return new RoundsGenerationStudy.Settings(folder, prompts, g, out, true, false, null);
    }

    /**
     * Generates with the model in {@code folder} (null: tells the user there is none), after {@code replace} agreed;
     * hands the written file to {@code open}.
     */
    void generate(Path folder, Path promptsFile, Path out, BooleanSupplier replace, Consumer<Path> open) {
        if (folder == null) {
            dialogs.error("No model to generate with", "Open a checkpoint folder in the Models workspace first "
                    + "(a published architecture has no weights).");
            return;
        }
        RoundsGenerationStudy.Settings settings;
        try {
            settings = settings(folder, promptsFile, out);
        } catch (IllegalArgumentException e) {
            dialogs.error("Cannot generate", e.getMessage());
            return;
        }
        if (!replace.getAsBoolean()) {
            return;
        }
        generating.set(true);
        status.set("Generating with " + folder.getFileName() + "…");
        executor.execute(BackgroundTask.of("Generate round with " + folder.getFileName(),
                ctx -> study.run(settings, ctx)).onSuccess(g -> {
                    status.set("Wrote " + out + ": " + g.round().prompts().size() + " prompts × "
                            + (settings.generation().steps() + 1) + " steps, pairs by "
                            + settings.generation().rule().name());
                    open.accept(out);
                }).onCancelled(() -> status.set("Generation cancelled; nothing was written"))
                .onFailure(e -> {
                    status.set("Generation failed: " + DialogService.reason(e));
                    dialogs.error("Cannot generate a round", e);
                })
                .onFinished(() -> generating.set(false)));
    }
}
