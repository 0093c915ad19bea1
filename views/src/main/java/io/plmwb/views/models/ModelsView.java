package io.plmwb.views.models;

import io.plmwb.views.common.FxmlWorkspace;
import java.io.File;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.stage.DirectoryChooser;

/** The Models workspace: binds the architecture cards and the parameter chart to {@link ModelsViewModel}. */
public final class ModelsView extends FxmlWorkspace {

    @FXML private Label headline;
    @FXML private Label detail;
    @FXML private Label syntheticBadge;
    @FXML private ComboBox<String> presetBox;
    @FXML private Button openButton;
    @FXML private GridPane configGrid;
    @FXML private GridPane paramGrid;
    @FXML private GridPane kvGrid;

    private final ModelsViewModel model;
    private final java.util.function.Consumer<java.nio.file.Path> opener;

    /**
     * @param model  the view model
     * @param opener how a chosen folder is opened (through the shell, so recent files and errors are handled once)
     */
    public ModelsView(ModelsViewModel model, java.util.function.Consumer<java.nio.file.Path> opener) {
        this.model = model;
        this.opener = opener;
    }

    @FXML
    private void initialize() {
        headline.textProperty().bind(model.headlineProperty());
        detail.textProperty().bind(model.detailProperty());
        syntheticBadge.visibleProperty().bind(model.syntheticProperty());
        syntheticBadge.managedProperty().bind(model.syntheticProperty());
        presetBox.setItems(model.presets());
        model.shownPresetProperty().addListener((obs, old, name) -> presetBox.setValue(name));
        presetBox.setValue(model.shownPresetProperty().get());
        presetBox.setOnAction(e -> {
            String name = presetBox.getValue();
            if (name != null && !name.equals(model.shownPresetProperty().get())) {
                model.showPreset(name);
            }
        });
        bindGrid(configGrid, model.configRows());
        bindGrid(paramGrid, model.paramRows());
        bindGrid(kvGrid, model.kvRows());
    }

    private static void bindGrid(GridPane grid, ObservableList<ModelsViewModel.Row> rows) {
        Runnable fill = () -> {
            grid.getChildren().clear();
            int r = 0;
            for (ModelsViewModel.Row row : List.copyOf(rows)) {
                Label k = new Label(row.key());
                k.getStyleClass().add("kv-key");
                k.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                Label v = new Label(row.value());
                v.getStyleClass().add("kv-value");
                v.setWrapText(true);
                grid.addRow(r++, k, v);
            }
        };
        rows.addListener((ListChangeListener<ModelsViewModel.Row>) c -> fill.run());
        fill.run();
    }

    @FXML
    private void onOpen() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open model folder (config.json + safetensors)");
        File dir = chooser.showDialog(openButton.getScene().getWindow());
        if (dir != null) {
            opener.accept(dir.toPath());
        }
    }
}
