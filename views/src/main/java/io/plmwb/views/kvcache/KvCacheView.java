package io.plmwb.views.kvcache;

import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.common.FxmlWorkspace;
import java.io.File;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;

/** The KV Cache workspace: binds the layout table, the two charts, the device budgets and the measurement. */
public final class KvCacheView extends FxmlWorkspace {

    @FXML private Label headline;
    @FXML private Label detail;
    @FXML private ComboBox<String> sourceBox;
    @FXML private ComboBox<String> cacheTypeBox;
    @FXML private ComboBox<String> weightTypeBox;
    @FXML private Spinner<Integer> contextSpinner;
    @FXML private TableView<KvCacheViewModel.LayoutRow> layoutTable;
    @FXML private VBox cacheChartHost;
    @FXML private VBox budgetChartHost;
    @FXML private TableView<KvCacheViewModel.DeviceRow> deviceTable;
    @FXML private TextField budgetField;
    @FXML private Button removeButton;
    @FXML private Label budgetError;
    @FXML private Button measureButton;
    @FXML private Label mismatchBadge;
    @FXML private Label measureStatus;
    @FXML private TableView<KvCacheViewModel.MeasuredRow> measuredTable;
    @FXML private Button exportAllButton;
    @FXML private Label exportStatus;

    private final KvCacheViewModel model;
    private ChartPane cachePane;
    private ChartPane budgetPane;
    /** Strong reference: the bidirectional binding to asObject() is weak. */
    private javafx.beans.property.ObjectProperty<Integer> contextObject;

    public KvCacheView(KvCacheViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        headline.textProperty().bind(model.headlineProperty());
        detail.textProperty().bind(model.detailProperty());
        sourceBox.setItems(model.sources());
        sourceBox.valueProperty().bindBidirectional(model.sourceProperty());
        cacheTypeBox.getItems().setAll(KvCacheViewModel.cacheTypes());
        cacheTypeBox.valueProperty().bindBidirectional(model.cacheTypeProperty());
        weightTypeBox.getItems().setAll(KvCacheViewModel.weightTypes());
        weightTypeBox.valueProperty().bindBidirectional(model.weightTypeProperty());
        SpinnerValueFactory.IntegerSpinnerValueFactory ctx = new SpinnerValueFactory.IntegerSpinnerValueFactory(1,
                1 << 24, model.contextProperty().get(), 512);
        contextSpinner.setValueFactory(ctx);
        contextObject = model.contextProperty().asObject();
        ctx.valueProperty().bindBidirectional(contextObject);
        contextSpinner.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                commitSpinnerText();
            }
        });
        contextSpinner.getEditor().setOnAction(e -> commitSpinnerText());

        layoutTable.getColumns().setAll(java.util.List.of(
                col("Layout", KvCacheViewModel.LayoutRow::layout, 150),
                col("Values / token / layer", KvCacheViewModel.LayoutRow::valuesPerTokenPerLayer, 150),
                col("Bytes / token / layer", KvCacheViewModel.LayoutRow::bytesPerTokenPerLayer, 150),
                col("Bytes / token (all layers)", KvCacheViewModel.LayoutRow::bytesPerToken, 170),
                col("At context", KvCacheViewModel.LayoutRow::atContext, 120),
                col("× native", KvCacheViewModel.LayoutRow::ratio, 80)));
        layoutTable.setItems(model.layoutRows());
        layoutTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        deviceTable.getColumns().setAll(java.util.List.of(
                col("Device", KvCacheViewModel.DeviceRow::device, 170),
                col("Budget", KvCacheViewModel.DeviceRow::budget, 90),
                col("MLA latent", KvCacheViewModel.DeviceRow::latent, 120),
                col("Expanded K/V", KvCacheViewModel.DeviceRow::expanded, 120),
                col("MHA-equivalent", KvCacheViewModel.DeviceRow::mha, 120),
                col("GQA-equivalent", KvCacheViewModel.DeviceRow::gqa, 120)));
        deviceTable.setItems(model.deviceRows());
        deviceTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        deviceTable.setPlaceholder(new Label("No device budgets: add one below or reset to the defaults"));
        removeButton.disableProperty().bind(deviceTable.getSelectionModel().selectedItemProperty().isNull());
        budgetField.setOnAction(e -> onAddBudget());

        measuredTable.getColumns().setAll(java.util.List.of(
                col("Mode", KvCacheViewModel.MeasuredRow::mode, 80),
                col("Layer", KvCacheViewModel.MeasuredRow::layer, 60),
                col("Cache tensors (shape)", KvCacheViewModel.MeasuredRow::tensors, 330),
                col("Measured", KvCacheViewModel.MeasuredRow::measured, 120),
                col("Analytic", KvCacheViewModel.MeasuredRow::analytic, 120),
                col("", KvCacheViewModel.MeasuredRow::verdict, 90)));
        measuredTable.setItems(model.measuredRows());
        measuredTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        measuredTable.setPlaceholder(new Label("Not measured yet: open a checkpoint in Models, then Measure"));
        measuredTable.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(KvCacheViewModel.MeasuredRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().remove("mismatch-row");
                if (!empty && row != null && !row.matches()) {
                    getStyleClass().add("mismatch-row");
                }
            }
        });
        measureButton.disableProperty().bind(model.canMeasureProperty().not());
        measureStatus.textProperty().bind(model.measureStatusProperty());
        mismatchBadge.visibleProperty().bind(model.mismatchProperty());
        mismatchBadge.managedProperty().bind(model.mismatchProperty());

        cachePane = new ChartPane(model.cacheExport());
        cachePane.specProperty().bind(model.cacheChartProperty());
        budgetPane = new ChartPane(model.budgetExport());
        budgetPane.specProperty().bind(model.budgetChartProperty());
        for (ChartPane p : new ChartPane[] {cachePane, budgetPane}) {
            p.setPrefSize(900, 420);
            p.setMinSize(400, 380);
            VBox.setVgrow(p, Priority.ALWAYS);
            p.getStyleClass().add("card");
        }
        exportAllButton.disableProperty().bind(model.reportProperty().isNull());
        exportStatus.textProperty().bind(model.exportStatusProperty());
        cacheChartHost.getChildren().setAll(cachePane);
        budgetChartHost.getChildren().setAll(budgetPane);
    }

    private void commitSpinnerText() {
        String text = contextSpinner.getEditor().getText().replace(",", "").strip();
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                contextSpinner.getValueFactory().setValue(v);
                return;
            }
        } catch (NumberFormatException e) {
            // fall through: restore the last valid value
        }
        contextSpinner.getEditor().setText(Integer.toString(contextSpinner.getValue()));
    }

    private static <R> TableColumn<R, String> col(String title, Function<R, String> value, double width) {
        TableColumn<R, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }

    @FXML
    private void onAddBudget() {
        String err = model.addBudget(budgetField.getText());
        budgetError.setText(err);
        if (err.isEmpty()) {
            budgetField.clear();
        }
    }

    @FXML
    private void onRemoveBudget() {
        model.removeBudget(deviceTable.getSelectionModel().getSelectedIndex());
    }

    @FXML
    private void onResetBudgets() {
        model.resetBudgets();
        budgetError.setText("");
    }

    @FXML
    private void onMeasure() {
        model.measure();
    }

    @FXML
    private void onExportAll() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder for both charts (PNG, SVG, PDF, CSV)");
        File d = dc.showDialog(root().getScene().getWindow());
        if (d != null) {
            model.exportAll(d.toPath());
        }
    }

    /** Exports the chart that has the focus, else the cache-vs-context chart. */
    @Override
    public boolean exportCurrentChart() {
        ChartPane target = budgetPane != null && budgetPane.isFocused() ? budgetPane : cachePane;
        if (target == null || target.getSpec() == null) {
            return false;
        }
        target.openExportDialog();
        return true;
    }
}
