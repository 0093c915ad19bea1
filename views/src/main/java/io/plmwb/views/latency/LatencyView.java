package io.plmwb.views.latency;

import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.common.FxmlWorkspace;
import java.io.File;
import java.util.List;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/** The Latency workspace: binds controls and charts to {@link LatencyViewModel}. */
public final class LatencyView extends FxmlWorkspace {

    @FXML private Label modelLabel;
    @FXML private Label statusLabel;
    @FXML private Label summaryLabel;
    @FXML private Label pinnedLabel;
    @FXML private Spinner<Integer> promptSpinner;
    @FXML private Spinner<Integer> decodeSpinner;
    @FXML private Spinner<Integer> contextSpinner;
    @FXML private Spinner<Integer> repeatsSpinner;
    @FXML private Spinner<Integer> threadsSpinner;
    @FXML private ComboBox<String> modeBox;
    @FXML private ComboBox<String> diffPhaseBox;
    @FXML private Button runButton;
    @FXML private Button cancelButton;
    @FXML private Button pinButton;
    @FXML private Button clearPinButton;
    @FXML private Button traceButton;
    @FXML private Button exportAllButton;
    @FXML private Button contextButton;
    @FXML private Button sweepButton;
    @FXML private TextField contextsField;
    @FXML private TextField sweepField;
    @FXML private HBox phaseRow;
    @FXML private HBox compareRow;
    @FXML private HBox sweepRow;

    private final LatencyViewModel model;
    private final List<ObjectProperty<Integer>> spinnerValues = new java.util.ArrayList<>();
    private List<ChartPane> panes = List.of();

    public LatencyView(LatencyViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        modelLabel.textProperty().bind(model.modelTextProperty());
        statusLabel.textProperty().bind(model.statusProperty());
        summaryLabel.textProperty().bind(model.summaryProperty());
        pinnedLabel.textProperty().bind(model.pinnedTextProperty());
        spin(promptSpinner, model.promptTokensProperty(), 1, 1 << 16, 16);
        spin(decodeSpinner, model.decodeTokensProperty(), 1, 4096, 1);
        spin(contextSpinner, model.contextProperty(), 0, 1 << 20, 128);
        spin(repeatsSpinner, model.repeatsProperty(), 1, 1000, 1);
        spin(threadsSpinner, model.threadsProperty(), 1, 256, 1);
        modeBox.getItems().setAll(LatencyViewModel.MODES);
        modeBox.valueProperty().bindBidirectional(model.modeProperty());
        diffPhaseBox.getItems().setAll("decode", "prefill");
        diffPhaseBox.setValue(model.diffDecodeProperty().get() ? "decode" : "prefill");
        diffPhaseBox.valueProperty().addListener((o, a, b) -> model.diffDecodeProperty().set(!"prefill".equals(b)));
        contextsField.textProperty().bindBidirectional(model.contextsProperty());
        sweepField.textProperty().bindBidirectional(model.sweepThreadsProperty());

        runButton.disableProperty().bind(model.runningProperty());
        contextButton.disableProperty().bind(model.runningProperty());
        sweepButton.disableProperty().bind(model.runningProperty());
        cancelButton.disableProperty().bind(model.runningProperty().not());
        pinButton.disableProperty().bind(model.resultProperty().isNull());
        clearPinButton.disableProperty().bind(model.pinnedProperty().isNull());
        traceButton.disableProperty().bind(model.resultProperty().isNull());

        ChartPane prefill = pane("prefill", model.prefillChartProperty(), "latency-prefill-chart");
        ChartPane decode = pane("decode", model.decodeChartProperty(), "latency-decode-chart");
        ChartPane totals = pane("totals", model.totalsChartProperty(), "latency-totals-chart");
        ChartPane diff = pane("diff", model.diffChartProperty(), "latency-diff-chart");
        ChartPane context = pane("context", model.contextChartProperty(), "latency-context-chart");
        ChartPane threads = pane("threads", model.threadsChartProperty(), "latency-threads-chart");
        phaseRow.getChildren().setAll(prefill, decode);
        compareRow.getChildren().setAll(totals, diff);
        sweepRow.getChildren().setAll(context, threads);
        panes = List.of(prefill, decode, totals, diff, context, threads);
    }

    private void spin(Spinner<Integer> s, IntegerProperty p, int min, int max, int step) {
        s.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, p.get(), step));
        ObjectProperty<Integer> obj = p.asObject();
        spinnerValues.add(obj);
        s.getValueFactory().valueProperty().bindBidirectional(obj);
    }

    private ChartPane pane(String key, javafx.beans.value.ObservableValue<io.plmwb.experiments.chart.ChartSpec> spec,
                           String id) {
        ChartPane p = new ChartPane(model.export(key));
        p.specProperty().bind(spec);
        p.setId(id);
        p.setPrefSize(560, 320);
        p.setMinSize(360, 280);
        HBox.setHgrow(p, Priority.ALWAYS);
        p.getStyleClass().add("card");
        return p;
    }

    /** The focused chart's export dialog, else the first chart that shows something. */
    @Override
    public boolean exportCurrentChart() {
        for (ChartPane p : panes) {
            if (p.isFocused() && p.getSpec() != null) {
                p.openExportDialog();
                return true;
            }
        }
        for (ChartPane p : panes) {
            if (p.getSpec() != null) {
                p.openExportDialog();
                return true;
            }
        }
        return false;
    }

    @FXML
    private void onRun() {
        model.run();
    }

    @FXML
    private void onCancel() {
        model.cancel();
    }

    @FXML
    private void onPin() {
        model.pin();
    }

    @FXML
    private void onClearPin() {
        model.clearPin();
    }

    @FXML
    private void onContextSweep() {
        model.runContextSweep();
    }

    @FXML
    private void onThreadSweep() {
        model.runThreadSweep();
    }

    @FXML
    private void onSaveTrace() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Save the raw ONNX Runtime trace (opens in Perfetto / chrome://tracing)");
        fc.setInitialFileName("latency-trace.json");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Chrome trace JSON", "*.json"));
        File f = fc.showSaveDialog(root().getScene().getWindow());
        if (f != null) {
            model.saveTrace(f.toPath());
        }
    }

    @FXML
    private void onExportAll() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder for the latency charts (PNG, SVG, PDF) and CSVs");
        File d = dc.showDialog(root().getScene().getWindow());
        if (d != null) {
            model.exportAll(d.toPath());
        }
    }
}
