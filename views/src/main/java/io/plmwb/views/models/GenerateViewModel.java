package io.plmwb.views.models;

import io.plmwb.engine.runtime.GenerationOptions;
import io.plmwb.engine.runtime.LoadedModel;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.experiments.models.GenerateReport;
import io.plmwb.experiments.models.GenerateStudy;
import io.plmwb.views.common.DialogService;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The prompt box of the Models workspace: generation settings, the streamed output and its timings, a
 * {@link GenerateStudy} on the workspace's loaded model. Tokens arrive on the generating thread and are handed to the
 * UI thread coalesced, so a fast model does not flood it; the finished report is mapped in {@link #finished}.
 */
public final class GenerateViewModel {

    private final TaskExecutor executor;
    private final Executor uiThread;
    private final DialogService dialogs;

    private final StringProperty prompt = new SimpleStringProperty("And God said");
    private final IntegerProperty maxTokens = new SimpleIntegerProperty(64);
    private final DoubleProperty temperature = new SimpleDoubleProperty(0);
    private final IntegerProperty topK = new SimpleIntegerProperty(40);
    private final DoubleProperty topP = new SimpleDoubleProperty(0.95);
    private final IntegerProperty seed = new SimpleIntegerProperty(1);
    private final BooleanProperty chat = new SimpleBooleanProperty(false);

    private final ReadOnlyObjectWrapper<LoadedModel> model = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<GenerateReport> report = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper output = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper stats = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final BooleanBinding canGenerate;

    private final StringBuilder streamed = new StringBuilder();
    private final AtomicBoolean updatePending = new AtomicBoolean();
    private volatile long streamStart;
    private volatile int streamedTokens;
    private TaskHandle current;

    /**
     * @param executor runs generation in the background
     * @param uiThread where streamed text is published ({@code Platform::runLater} in the app, direct in tests)
     * @param dialogs  where failures are shown
     */
    public GenerateViewModel(TaskExecutor executor, Executor uiThread, DialogService dialogs) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.uiThread = Objects.requireNonNull(uiThread, "uiThread");
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.canGenerate = Bindings.createBooleanBinding(
                () -> model.get() != null && !running.get() && prompt.get() != null && !prompt.get().isBlank(),
                model, running, prompt);
    }

    /** The model to generate with (null: none loaded). */
    public void setModel(LoadedModel loaded) {
        stop();
        model.set(loaded);
        stats.set(loaded == null ? "" : "Ready: " + loaded.cacheMode().key() + " cache, context limit "
                + loaded.contextLimit() + " tokens");
    }

    /** Starts generating from the prompt; the output streams in as tokens arrive. */
    public void generate() {
        LoadedModel m = model.get();
        if (m == null || running.get()) {
            return;
        }
        GenerationOptions options = GenerationOptions.greedy(maxTokens.get())
                .withSampling(temperature.get(), topK.get(), topP.get(), seed.get())
                .withChat(chat.get());
        GenerateStudy.Settings settings = GenerateStudy.Settings.forLoaded(m, prompt.get(), options);
        GenerateStudy study = GenerateStudy.on(m);
        synchronized (streamed) {
            streamed.setLength(0);
        }
        report.set(null);
        output.set("");
        stats.set("Prefilling…");
        running.set(true);
        streamedTokens = 0;
        streamStart = System.nanoTime();
        current = executor.execute(BackgroundTask.of("Generate", ctx -> study.run(settings, ctx, token -> {
            synchronized (streamed) {
                streamed.append(token.text());
            }
            streamedTokens++;
            publish();
        }))
                .onSuccess(this::finished)
                .onCancelled(() -> {
                    publish();
                    stats.set("Stopped after " + streamedTokens + " tokens");
                })
                .onFailure(e -> {
                    stats.set("Generation failed: " + DialogService.reason(e));
                    dialogs.error("Generation failed", e);
                })
                .onFinished(() -> running.set(false)));
    }

    private void publish() {
        if (updatePending.compareAndSet(false, true)) {
            uiThread.execute(() -> {
                updatePending.set(false);
                synchronized (streamed) {
                    output.set(streamed.toString());
                }
                double s = (System.nanoTime() - streamStart) / 1e9;
                if (streamedTokens > 0) {
                    stats.set(String.format("%d tokens · %.1f s", streamedTokens, s));
                }
            });
        }
    }

    /** The one place a finished report reaches the screen. */
    private void finished(GenerateReport r) {
        report.set(r);
        output.set(r.text());
        stats.set(String.format("%d prompt tokens · prefill %.0f ms · %d tokens at %.1f tokens/s · stop: %s",
                r.promptTokens(), r.prefillMs(), r.tokens().size(), r.tokensPerSecond(),
                r.stopReason().key().replace('_', ' ')));
    }

    /** Stops a running generation between steps. */
    public void stop() {
        if (current != null && !current.state().isDone()) {
            current.cancel();
        }
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public IntegerProperty maxTokensProperty() {
        return maxTokens;
    }

    /** 0 = greedy. */
    public DoubleProperty temperatureProperty() {
        return temperature;
    }

    public IntegerProperty topKProperty() {
        return topK;
    }

    public DoubleProperty topPProperty() {
        return topP;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    /** Wrap the prompt in the tokenizer's ChatML template. */
    public BooleanProperty chatProperty() {
        return chat;
    }

    public ReadOnlyObjectProperty<LoadedModel> modelProperty() {
        return model.getReadOnlyProperty();
    }

    /** The last finished generation's report (null while one runs or before the first). */
    public ReadOnlyObjectProperty<GenerateReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty outputProperty() {
        return output.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statsProperty() {
        return stats.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** True when a model is loaded, nothing runs and the prompt is not blank. */
    public BooleanBinding canGenerateBinding() {
        return canGenerate;
    }
}
