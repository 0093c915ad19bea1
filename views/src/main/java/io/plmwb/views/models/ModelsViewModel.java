package io.plmwb.views.models;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.arch.KvLayout;
import io.plmwb.engine.arch.StorageType;
import io.plmwb.engine.model.ConfigLoader;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.views.common.Dialogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Models workspace: which model (or preset) is shown, its configuration, parameter breakdown and KV-cache
 * costs, all computed from the config by the engine's {@link ArchitectureSummary}.
 */
public final class ModelsViewModel {

    /** One line of a key/value card. */
    public record Row(String key, String value) {
    }

    private final TaskExecutor executor;
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("No model open");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(
            "Open a checkpoint folder (Ctrl+O) or drop one on the window, or pick a published architecture.");
    private final ReadOnlyStringWrapper shownPreset = new ReadOnlyStringWrapper();
    private final ReadOnlyBooleanWrapper synthetic = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<ArchitectureSummary> summary = new ReadOnlyObjectWrapper<>();
    private final ObservableList<Row> configRows = FXCollections.observableArrayList();
    private final ObservableList<Row> configRowsView = FXCollections.unmodifiableObservableList(configRows);
    private final ObservableList<Row> paramRows = FXCollections.observableArrayList();
    private final ObservableList<Row> paramRowsView = FXCollections.unmodifiableObservableList(paramRows);
    private final ObservableList<Row> kvRows = FXCollections.observableArrayList();
    private final ObservableList<Row> kvRowsView = FXCollections.unmodifiableObservableList(kvRows);
    private final ObservableList<String> presets = FXCollections.observableArrayList();
    private final ObservableList<String> presetsView = FXCollections.unmodifiableObservableList(presets);

    public ModelsViewModel(TaskExecutor executor) {
        this.executor = executor;
        Presets.names().forEach(presets::add);
    }

    /** Shows the architecture of a checkpoint folder; reading happens in the background. */
    public void openCheckpoint(Path folder) {
        executor.execute(BackgroundTask.of("Read " + folder.getFileName(), ctx -> {
            ctx.message("reading config.json");
            return ConfigLoader.load(folder);
        }).onSuccess(c -> {
            shownPreset.set(null);
            show(folder.getFileName().toString(), folder.toString(), c);
        })
                .onFailure(e -> Dialogs.error("Cannot read the model in " + folder, e)));
    }

    /** Shows a published architecture by preset name. */
    public void showPreset(String name) {
        Presets.byName(name).ifPresentOrElse(
                c -> {
                    shownPreset.set(name);
                    show(name, "Published architecture (preset) — no weights loaded", c);
                },
                () -> Dialogs.error("Unknown preset", "There is no preset named '" + name + "'"));
    }

    private void show(String title, String where, ModelConfig c) {
        ArchitectureSummary s = ArchitectureSummary.of(c);
        headline.set(title);
        detail.set(where);
        synthetic.set(c.synthetic());
        configRows.setAll(configRows(c));
        paramRows.setAll(paramRows(s));
        kvRows.setAll(kvRows(s));
        summary.set(s);
    }

    static List<Row> configRows(ModelConfig c) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Family", c.family().name().toLowerCase(java.util.Locale.ROOT) + " (model_type "
                + c.modelType() + ")"));
        rows.add(new Row("Layers", Integer.toString(c.numLayers())));
        rows.add(new Row("Hidden / MLP", c.hiddenSize() + " / " + c.intermediateSize() + " (" + c.hiddenAct() + ")"));
        if (c.family().isMla()) {
            rows.add(new Row("Attention", "MLA, " + c.numHeads() + " heads, latent " + c.kvLoraRank()
                    + ", q/k " + c.qkNopeHeadDim() + "+" + c.qkRopeHeadDim() + ", v " + c.vHeadDim()));
            rows.add(new Row("Query compression", c.qLoraRank() == null ? "none (full q_proj)"
                    : "rank " + c.qLoraRank()));
        } else {
            rows.add(new Row("Attention", (c.numKvHeads() == c.numHeads() ? "MHA, " : "GQA, ") + c.numHeads()
                    + " heads / " + c.numKvHeads() + " KV heads × " + c.headDim()
                    + (c.attentionBias() ? ", q/k/v bias" : "")));
        }
        rows.add(new Row("Vocabulary", String.format("%,d", c.vocabSize())));
        rows.add(new Row("Context", String.format("%,d", c.maxPositionEmbeddings()) + " (RoPE θ "
                + (long) c.ropeTheta() + (c.ropeInterleave() ? ", interleaved pairs)" : ", halves)")));
        rows.add(new Row("Embeddings", c.tieWordEmbeddings() ? "tied to the output head" : "separate output head"));
        rows.add(new Row("Stored dtype", c.torchDtype()));
        return rows;
    }

    static List<Row> paramRows(ArchitectureSummary s) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Total", count(s.total())));
        rows.add(new Row("Embedding", count(s.embedding()) + pct(s.embedding(), s.total())));
        if (s.lmHead() > 0) {
            rows.add(new Row("Output head", count(s.lmHead()) + pct(s.lmHead(), s.total())));
        }
        rows.add(new Row("Attention", count(s.attention()) + pct(s.attention(), s.total())));
        rows.add(new Row("MLP", count(s.mlp()) + pct(s.mlp(), s.total())));
        rows.add(new Row("Norms", count(s.norms()) + pct(s.norms(), s.total())));
        rows.add(new Row("Per layer", count(s.perLayer())));
        rows.add(new Row("Weights bf16 / fp32", mib(s.weightBytes(StorageType.BF16)) + " / "
                + mib(s.weightBytes(StorageType.FP32))));
        return rows;
    }

    static List<Row> kvRows(ArchitectureSummary s) {
        List<Row> rows = new ArrayList<>();
        int ctx = s.config().maxPositionEmbeddings();
        for (KvLayout layout : KvLayout.values()) {
            OptionalLong perToken = s.kvBytesPerToken(layout, StorageType.BF16);
            if (perToken.isPresent()) {
                OptionalLong values = s.kvValuesPerTokenPerLayer(layout);
                rows.add(new Row(label(layout), String.format("%,d values/layer · %,d B/token · %s at %,d",
                        values.getAsLong(), perToken.getAsLong(),
                        mib(s.kvBytes(layout, StorageType.BF16, ctx).getAsLong()), ctx)));
            }
        }
        return rows;
    }

    private static String label(KvLayout l) {
        return Map.of(KvLayout.LATENT, "MLA latent", KvLayout.EXPANDED, "Expanded K/V",
                KvLayout.MHA, "MHA-equivalent", KvLayout.GQA, "GQA-equivalent").get(l);
    }

    static String count(long n) {
        String unit = n >= 1_000_000_000L ? String.format("%.2f B", n / 1e9)
                : n >= 1_000_000L ? String.format("%.1f M", n / 1e6)
                : n >= 1_000L ? String.format("%.1f K", n / 1e3) : Long.toString(n);
        return String.format("%,d (%s)", n, unit);
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.2f GiB", bytes / (double) (1L << 30))
                : String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    private static String pct(long part, long total) {
        return String.format("  · %.1f%%", 100.0 * part / total);
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    /** The preset shown, or null when a checkpoint (or nothing) is shown. */
    public ReadOnlyStringProperty shownPresetProperty() {
        return shownPreset.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty syntheticProperty() {
        return synthetic.getReadOnlyProperty();
    }

    /** The summary shown, or null before anything is opened. */
    public ReadOnlyObjectProperty<ArchitectureSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ObservableList<Row> configRows() {
        return configRowsView;
    }

    public ObservableList<Row> paramRows() {
        return paramRowsView;
    }

    public ObservableList<Row> kvRows() {
        return kvRowsView;
    }

    public ObservableList<String> presets() {
        return presetsView;
    }
}
