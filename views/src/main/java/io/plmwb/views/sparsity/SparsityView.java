package io.plmwb.views.sparsity;

import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.chart.ExportDialog;
import io.plmwb.views.common.FxmlWorkspace;
import java.io.File;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/** The Sparsity workspace: binds heat maps, charts and the budget cards to {@link SparsityViewModel}. */
public final class SparsityView extends FxmlWorkspace {

    @FXML private Label modelLabel;
    @FXML private Label statusLabel;
    @FXML private Label epsDefinition;
    @FXML private Label swigluNote;
    @FXML private TextArea promptArea;
    @FXML private Button runButton;
    @FXML private Button batchButton;
    @FXML private Button compareModelButton;
    @FXML private Button clearCompareButton;
    @FXML private Button saveButton;
    @FXML private Button exportAllButton;
    @FXML private Spinner<Integer> generateSpinner;
    @FXML private Slider epsSlider;
    @FXML private Label epsValue;
    @FXML private Slider percentSlider;
    @FXML private Label percentValue;
    @FXML private Spinner<Integer> layerSpinner;
    @FXML private CheckBox logBox;
    @FXML private ComboBox<String> captureBox;
    @FXML private TextField comparePrompt;
    @FXML private TextField compareModelPath;
    @FXML private Label summaryLabel;
    @FXML private Label titleA;
    @FXML private Region legendBar;
    @FXML private VBox heatHost;
    @FXML private Label selectionLabel;
    @FXML private HBox chartRow;
    @FXML private Label budgetLabel;
    @FXML private GridPane budgetGrid;
    @FXML private Label activatedLabel;

    private final SparsityViewModel model;
    private final HeatmapCanvas heatA = new HeatmapCanvas();
    private final HeatmapCanvas heatB = new HeatmapCanvas();
    private final HeatmapCanvas heatDiff = new HeatmapCanvas();
    private final Label titleB = new Label();
    private final Label titleDiff = new Label("A − B (red: A sparser, blue: B sparser; white: equal)");
    private ChartPane perLayerPane;
    private ChartPane histogramPane;
    private javafx.beans.property.ObjectProperty<Integer> generateObject;
    private javafx.beans.property.ObjectProperty<Integer> layerObject;

    public SparsityView(SparsityViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        modelLabel.textProperty().bind(model.modelTextProperty());
        statusLabel.textProperty().bind(model.statusProperty());
        epsDefinition.textProperty().bind(model.epsTextProperty());
        swigluNote.textProperty().bind(model.swigluNoteProperty());
        swigluNote.visibleProperty().bind(model.swigluNoteProperty().isNotEmpty());
        swigluNote.managedProperty().bind(swigluNote.visibleProperty());
        promptArea.textProperty().bindBidirectional(model.promptProperty());
        comparePrompt.textProperty().bindBidirectional(model.comparePromptProperty());
        promptArea.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && e.isShortcutDown()) {
                e.consume();
                model.run();
            }
        });
        runButton.disableProperty().bind(model.runningProperty());
        batchButton.disableProperty().bind(model.runningProperty());
        compareModelButton.disableProperty().bind(model.runningProperty().or(model.resultAProperty().isNull()));
        clearCompareButton.disableProperty().bind(model.comparingProperty().not());
        saveButton.disableProperty().bind(model.resultAProperty().isNull());
        exportAllButton.disableProperty().bind(model.resultAProperty().isNull());
        generateSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 4096,
                model.generateTokensProperty().get(), 8));
        generateObject = model.generateTokensProperty().asObject();
        generateSpinner.getValueFactory().valueProperty().bindBidirectional(generateObject);

        epsSlider.setMin(0);
        epsSlider.setMax(model.maxEpsIndex());
        epsSlider.setValue(model.epsIndexProperty().get());
        epsSlider.valueProperty().addListener((o, a, b) -> model.epsIndexProperty().set((int) Math.round(
                b.doubleValue())));
        model.epsIndexProperty().addListener((o, a, b) -> {
            epsSlider.setValue(b.intValue());
            epsValue.setText(model.epsValue(b.intValue()));
        });
        epsValue.setText(model.epsValue(model.epsIndexProperty().get()));
        percentSlider.valueProperty().bindBidirectional(model.percentProperty());
        percentValue.textProperty().bind(model.percentProperty().asString("%.0f %%"));
        layerSpinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 127, 0));
        layerObject = model.layerProperty().asObject();
        layerSpinner.getValueFactory().valueProperty().bindBidirectional(layerObject);
        logBox.selectedProperty().bindBidirectional(model.logCountsProperty());
        captureBox.setItems(model.captureLabels());
        captureBox.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (b.intValue() >= 0) {
                model.captureIndexProperty().set(b.intValue());
            }
        });
        model.captureLabels().addListener((ListChangeListener<String>) c -> {
            captureBox.getSelectionModel().select(Math.max(0, model.captureIndexProperty().get()));
            captureBox.setDisable(model.captureLabels().size() < 2);
        });
        captureBox.setDisable(true);
        summaryLabel.textProperty().bind(model.summaryTextProperty());
        titleA.textProperty().bind(model.titleAProperty());
        titleB.textProperty().bind(model.titleBProperty());
        titleB.getStyleClass().add("card-title");
        titleDiff.getStyleClass().add("card-title");
        selectionLabel.textProperty().bind(model.selectionTextProperty());
        legendBar.setStyle("-fx-background-color: linear-gradient(to right, #440154, #3E4A89, #26828E, #35B779, "
                + "#FDE725);");

        heatA.setDescriber((r, c) -> model.describeCell(SparsityViewModel.Which.A, r, c));
        heatB.setDescriber((r, c) -> model.describeCell(SparsityViewModel.Which.B, r, c));
        heatDiff.setDescriber((r, c) -> model.describeCell(SparsityViewModel.Which.DIFF, r, c));
        heatA.setOnSelect((r, c) -> model.select(SparsityViewModel.Which.A, r, c));
        heatB.setOnSelect((r, c) -> model.select(SparsityViewModel.Which.B, r, c));
        heatDiff.setOnSelect((r, c) -> model.select(SparsityViewModel.Which.DIFF, r, c));
        heatA.setId("heatmap-a");
        heatB.setId("heatmap-b");
        heatDiff.setId("heatmap-diff");
        model.heatAProperty().addListener((o, a, b) -> showHeat());
        model.heatBProperty().addListener((o, a, b) -> showHeat());
        model.heatDiffProperty().addListener((o, a, b) -> showHeat());
        showHeat();

        perLayerPane = new ChartPane(model.perLayerExport());
        perLayerPane.specProperty().bind(model.perLayerChartProperty());
        histogramPane = new ChartPane(model.histogramExport());
        histogramPane.specProperty().bind(model.histogramChartProperty());
        for (ChartPane p : new ChartPane[] {perLayerPane, histogramPane}) {
            p.setPrefSize(560, 320);
            p.setMinSize(360, 280);
            HBox.setHgrow(p, Priority.ALWAYS);
            p.getStyleClass().add("card");
        }
        chartRow.getChildren().setAll(perLayerPane, histogramPane);

        budgetLabel.textProperty().bind(model.budgetTextProperty());
        activatedLabel.textProperty().bind(model.activatedTextProperty());
        model.budgetRows().addListener((ListChangeListener<BudgetRow>) c -> fillBudget());
        fillBudget();
    }

    private void showHeat() {
        HeatMatrix a = model.heatAProperty().get();
        HeatMatrix b = model.heatBProperty().get();
        HeatMatrix d = model.heatDiffProperty().get();
        heatA.setMatrix(a, model.tokenStrip(SparsityViewModel.Which.A));
        heatA.setGeneratedFrom(model.generatedFrom(SparsityViewModel.Which.A));
        heatB.setGeneratedFrom(model.generatedFrom(SparsityViewModel.Which.B));
        if (b != null && d != null) {
            heatB.setMatrix(b, model.tokenStrip(SparsityViewModel.Which.B));
            heatDiff.setMatrix(d, model.tokenStrip(SparsityViewModel.Which.A).subList(0, d.columns()));
            heatHost.getChildren().setAll(heatA, titleB, heatB, titleDiff, heatDiff);
            for (HeatmapCanvas c : List.of(heatA, heatB, heatDiff)) {
                c.setPrefHeight(170);
            }
        } else {
            heatHost.getChildren().setAll(heatA);
            heatA.setPrefHeight(240);
        }
    }

    private void fillBudget() {
        budgetGrid.getChildren().clear();
        budgetGrid.addRow(0, header("Layer"), header("zero fraction (mean ± s.d.)"), header("hot neurons"),
                header("hot weights"));
        int r = 1;
        for (BudgetRow row : List.copyOf(model.budgetRows())) {
            budgetGrid.addRow(r++, new Label(row.layer()), new Label(row.zeroFraction()), new Label(row.hot()),
                    new Label(row.mib()));
        }
    }

    private static Label header(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("kv-header");
        return l;
    }

    /** The focused chart's export dialog; the heat map's otherwise. */
    @Override
    public boolean exportCurrentChart() {
        if (perLayerPane != null && perLayerPane.isFocused() && perLayerPane.getSpec() != null) {
            perLayerPane.openExportDialog();
            return true;
        }
        if (histogramPane != null && histogramPane.isFocused() && histogramPane.getSpec() != null) {
            histogramPane.openExportDialog();
            return true;
        }
        if (model.heatmapExport().specProperty().get() == null) {
            return false;
        }
        onExportHeatmap();
        return true;
    }

    @FXML
    private void onExportHeatmap() {
        if (model.heatmapExport().specProperty().get() == null) {
            return;
        }
        model.heatmapExport().prepare();
        new ExportDialog(model.heatmapExport(), root().getScene().getWindow()).show();
    }

    @FXML
    private void onRun() {
        model.run();
    }

    @FXML
    private void onBatch() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Prompt file (TXT: one prompt per line; JSONL: \"prompt\" or \"instruction\")");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Prompt files", "*.txt", "*.jsonl",
                "*.json"), new FileChooser.ExtensionFilter("All files", "*"));
        File f = fc.showOpenDialog(root().getScene().getWindow());
        if (f != null) {
            model.runBatch(f.toPath());
        }
    }

    @FXML
    private void onComparePrompt() {
        model.compareWithPrompt();
    }

    @FXML
    private void onCompareModel() {
        String typed = compareModelPath.getText();
        if (typed != null && !typed.isBlank()) {
            model.compareWithModel(java.nio.file.Path.of(typed.strip()));
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Model folder to compare with (same prompts)");
        File d = dc.showDialog(root().getScene().getWindow());
        if (d != null) {
            model.compareWithModel(d.toPath());
        }
    }

    @FXML
    private void onClearCompare() {
        model.clearCompare();
    }

    @FXML
    private void onOpen() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a saved sparsity result");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Sparsity results", "*.sparsity.json",
                "*.json"));
        File f = fc.showOpenDialog(root().getScene().getWindow());
        if (f != null) {
            model.open(f.toPath());
        }
    }

    @FXML
    private void onSave() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Save the sparsity result");
        fc.setInitialFileName("capture.sparsity.json");
        File f = fc.showSaveDialog(root().getScene().getWindow());
        if (f != null) {
            model.save(f.toPath());
        }
    }

    @FXML
    private void onExportAll() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder for the charts (PNG, SVG, PDF) and CSVs");
        File d = dc.showDialog(root().getScene().getWindow());
        if (d != null) {
            model.exportAll(d.toPath());
        }
    }
}
