package io.plmwb.views.models;

import io.plmwb.views.chart.ChartPane;
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
    @FXML private javafx.scene.control.ProgressIndicator loadingIndicator;
    @FXML private Label loadStatus;
    @FXML private javafx.scene.control.TextArea promptArea;
    @FXML private javafx.scene.control.TextArea outputArea;
    @FXML private javafx.scene.control.Spinner<Integer> maxTokensSpinner;
    @FXML private javafx.scene.control.Spinner<Double> temperatureSpinner;
    @FXML private javafx.scene.control.Spinner<Integer> seedSpinner;
    @FXML private javafx.scene.control.CheckBox chatBox;
    @FXML private Button generateButton;
    @FXML private Button stopButton;
    @FXML private Label generationStats;
    @FXML private javafx.scene.layout.VBox recentBox;
    @FXML private Button exportAllButton;
    @FXML private Label exportStatus;

    /** Strong references: bidirectional bindings to asObject() views are weak. */
    private javafx.beans.property.ObjectProperty<Integer> maxTokensObject;
    private javafx.beans.property.ObjectProperty<Double> temperatureObject;
    private javafx.beans.property.ObjectProperty<Integer> seedObject;
    @FXML private javafx.scene.layout.VBox chartHost;
    @FXML private javafx.scene.layout.VBox variantsHost;

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
        exportAllButton.disableProperty().bind(model.reportProperty().isNull());
        exportStatus.textProperty().bind(model.exportStatusProperty());
        bindGrid(configGrid, model.configRows());
        bindGrid(paramGrid, model.paramRows());
        bindKvGrid();
        bindGenerate();
        model.recentModels().addListener((ListChangeListener<String>) c -> fillRecent());
        fillRecent();

        componentPane = new ChartPane(model.componentExport());
        componentPane.specProperty().bind(model.componentChartProperty());
        perLayerPane = new ChartPane(model.perLayerExport());
        perLayerPane.specProperty().bind(model.perLayerChartProperty());
        for (ChartPane p : new ChartPane[] {componentPane, perLayerPane}) {
            p.setPrefSize(600, 340);
            p.setMinSize(380, 300);
            javafx.scene.layout.VBox.setVgrow(p, javafx.scene.layout.Priority.ALWAYS);
            p.getStyleClass().add("card");
        }
        perLayerPane.setPrefHeight(440);
        perLayerPane.setMinHeight(400);
        chartHost.getChildren().setAll(componentPane, perLayerPane);
        variantsView = new VariantsView(model.variants());
        variantsHost.getChildren().setAll(variantsView.load());
    }

    private VariantsView variantsView;

    private ChartPane componentPane;
    private ChartPane perLayerPane;

    /** Exports the chart that has the focus, else the parameters-by-component chart. */
    @Override
    public boolean exportCurrentChart() {
        ChartPane variantChart = variantsView == null ? null : variantsView.focusedChart();
        ChartPane target = variantChart != null ? variantChart
                : perLayerPane != null && perLayerPane.isFocused() ? perLayerPane : componentPane;
        if (target == null || target.getSpec() == null) {
            return false;
        }
        target.openExportDialog();
        return true;
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

    private void bindGenerate() {
        GenerateViewModel g = model.generate();
        loadStatus.textProperty().bind(model.loadStatusProperty());
        loadingIndicator.visibleProperty().bind(model.loadingProperty());
        loadingIndicator.managedProperty().bind(model.loadingProperty());
        promptArea.textProperty().bindBidirectional(g.promptProperty());
        outputArea.textProperty().bind(g.outputProperty());
        outputArea.textProperty().addListener((obs, old, now) -> outputArea.setScrollTop(Double.MAX_VALUE));
        generationStats.textProperty().bind(g.statsProperty());
        chatBox.selectedProperty().bindBidirectional(g.chatProperty());

        maxTokensSpinner.setValueFactory(new javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory(
                1, 4096, g.maxTokensProperty().get(), 16));
        maxTokensObject = g.maxTokensProperty().asObject();
        maxTokensSpinner.getValueFactory().valueProperty().bindBidirectional(maxTokensObject);
        temperatureSpinner.setValueFactory(new javafx.scene.control.SpinnerValueFactory.DoubleSpinnerValueFactory(
                0, 2, g.temperatureProperty().get(), 0.1));
        temperatureObject = g.temperatureProperty().asObject();
        temperatureSpinner.getValueFactory().valueProperty().bindBidirectional(temperatureObject);
        temperatureSpinner.setTooltip(new javafx.scene.control.Tooltip("0 = greedy; above 0 samples with top-k 40 "
                + "and top-p 0.95"));
        seedSpinner.setValueFactory(new javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory(
                0, Integer.MAX_VALUE, g.seedProperty().get()));
        seedObject = g.seedProperty().asObject();
        seedSpinner.getValueFactory().valueProperty().bindBidirectional(seedObject);

        generateButton.disableProperty().bind(g.canGenerateBinding().not());
        stopButton.disableProperty().bind(g.runningProperty().not());
        promptArea.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && e.isShortcutDown()) {
                e.consume();
                g.generate();
            }
        });
    }

    private void fillRecent() {
        recentBox.getChildren().clear();
        if (model.recentModels().isEmpty()) {
            Label none = new Label("None yet: models you open are listed here.");
            none.getStyleClass().add("text-muted");
            recentBox.getChildren().add(none);
            return;
        }
        for (String p : model.recentModels()) {
            javafx.scene.control.Hyperlink link = new javafx.scene.control.Hyperlink(
                    java.nio.file.Path.of(p).getFileName() + "  —  " + p);
            link.setMnemonicParsing(false);
            link.setTooltip(new javafx.scene.control.Tooltip("Open " + p));
            link.setOnAction(e -> opener.accept(java.nio.file.Path.of(p)));
            recentBox.getChildren().add(link);
        }
    }

    @FXML
    private void onGenerate() {
        model.generate().generate();
    }

    @FXML
    private void onStop() {
        model.generate().stop();
    }

    private void bindKvGrid() {
        Runnable fill = () -> {
            kvGrid.getChildren().clear();
            Label ctx = header("");
            ctx.textProperty().bind(model.kvContextProperty());
            kvGrid.addRow(0, header("Layout"), header("values / layer"), header("bytes / token"), ctx);
            int r = 1;
            for (ModelsViewModel.KvRow row : List.copyOf(model.kvRows())) {
                Label k = new Label(row.layout());
                k.getStyleClass().add("kv-key");
                k.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                kvGrid.addRow(r++, k, number(row.valuesPerLayer()), number(row.bytesPerToken()),
                        number(row.atContext()));
            }
        };
        model.kvRows().addListener((ListChangeListener<ModelsViewModel.KvRow>) c -> fill.run());
        fill.run();
    }

    private static Label header(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("kv-header");
        return l;
    }

    private static Label number(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("kv-value");
        l.setMaxWidth(Double.MAX_VALUE);
        l.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    @FXML
    private void onExportAll() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Folder for the parameter charts (PNG, SVG, PDF) and CSVs");
        File dir = chooser.showDialog(exportAllButton.getScene().getWindow());
        if (dir != null) {
            model.exportAll(dir.toPath());
        }
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
