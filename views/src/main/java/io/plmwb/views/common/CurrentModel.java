package io.plmwb.views.common;

import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.runtime.LoadedModel;
import java.nio.file.Path;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The model the workbench currently shows, shared by every workspace: the checkpoint folder (null for a preset),
 * its configuration (also set for a published preset) and, once loaded, the running {@link LoadedModel}.
 *
 * <p>The Models workspace is the only writer; other workspaces observe it (on the FX thread). A loaded model is
 * owned by the Models workspace and closed there when another one is opened, so a workspace that needs its own
 * session (e.g. a graph with probe outputs) should open one from {@link #folder()} rather than keep this one.
 */
public final class CurrentModel {

    private final ReadOnlyObjectWrapper<Path> folder = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ModelConfig> config = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<String> name = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>();

    /** A checkpoint folder or preset is shown: folder is null for a preset. Clears the loaded model. */
    public void show(String displayName, Path checkpointFolder, ModelConfig modelConfig) {
        loaded.set(null);
        folder.set(checkpointFolder);
        name.set(displayName);
        config.set(modelConfig);
    }

    /** The shown checkpoint finished loading (or was unloaded: null). */
    public void setLoaded(LoadedModel model) {
        loaded.set(model);
    }

    public ReadOnlyObjectProperty<Path> folderProperty() {
        return folder.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ModelConfig> configProperty() {
        return config.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<String> nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LoadedModel> loadedProperty() {
        return loaded.getReadOnlyProperty();
    }

    public Path folder() {
        return folder.get();
    }

    public ModelConfig config() {
        return config.get();
    }

    public String name() {
        return name.get();
    }

    public LoadedModel loaded() {
        return loaded.get();
    }
}
