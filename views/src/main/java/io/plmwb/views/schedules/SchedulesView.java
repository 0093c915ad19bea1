package io.plmwb.views.schedules;

import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.common.FxmlWorkspace;
import java.io.File;
import java.util.List;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.chart.ValueAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Line;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/**
 * The Schedules workspace: binds the schedule editor, run list, alignment and smoothing controls, the learning-rate
 * and metric charts (with a replay cursor drawn over them), the play/scrub control and the fit panel to
 * {@link SchedulesViewModel}.
 */
public final class SchedulesView extends FxmlWorkspace {

    @FXML private ProgressIndicator busyIndicator;
    @FXML private Label statusLabel;
    @FXML private Button addLogButton;
    @FXML private Button exportAllButton;
    @FXML private CheckBox showScheduleBox;
    @FXML private TextField specField;
    @FXML private ComboBox<String> presetBox;
    @FXML private Label specErrorLabel;
    @FXML private ComboBox<String> runBox;
    @FXML private Button removeRunButton;
    @FXML private ChoiceBox<String> alignBox;
    @FXML private ComboBox<String> metricBox;
    @FXML private ChoiceBox<String> smoothingBox;
    @FXML private Slider weightSlider;
    @FXML private Label weightLabel;
    @FXML private HBox chartRow;
    @FXML private Button playButton;
    @FXML private Slider cursorSlider;
    @FXML private Label cursorLabel;
    @FXML private ComboBox<String> fitRunBox;
    @FXML private Button fitButton;
    @FXML private Button useFitButton;
    @FXML private Label fitSummaryLabel;
    @FXML private GridPane fitGrid;
    @FXML private VBox residualHost;

    /** Points of a series drawn at most (the charts, and so every export, keep all of them). */
    static final int MAX_DRAWN_POINTS = 4000;

    private final SchedulesViewModel model;
    private final TaskExecutor executor;
    private ChartPane lrPane;
    private ChartPane metricPane;
    private ChartPane residualPane;
    private final Line lrCursor = cursorLine();
    private final Line metricCursor = cursorLine();

    public SchedulesView(SchedulesViewModel model, TaskExecutor executor) {
        this.model = model;
        this.executor = executor;
    }

    @FXML
    private void initialize() {
        busyIndicator.visibleProperty().bind(model.busyProperty());
        busyIndicator.managedProperty().bind(model.busyProperty());
        statusLabel.textProperty().bind(model.statusProperty());
        specField.textProperty().bindBidirectional(model.specTextProperty());
        showScheduleBox.selectedProperty().bindBidirectional(model.showScheduleProperty());
        specErrorLabel.textProperty().bind(model.specErrorProperty());
        specErrorLabel.visibleProperty().bind(model.specErrorProperty().isNotEmpty());
        specErrorLabel.managedProperty().bind(specErrorLabel.visibleProperty());
        specErrorLabel.setStyle("-fx-text-fill: #c0392b;");
        presetBox.setItems(model.presetNames());
        presetBox.setOnAction(e -> {
            if (presetBox.getValue() != null) {
                model.choosePreset(presetBox.getValue());
            }
        });
        runBox.setItems(model.runNames());
        model.runNames().addListener((ListChangeListener<String>) c -> {
            if (runBox.getValue() == null || !model.runNames().contains(runBox.getValue())) {
                runBox.setValue(model.runNames().isEmpty() ? null : model.runNames().get(0));
            }
        });
        removeRunButton.disableProperty().bind(runBox.valueProperty().isNull());
        alignBox.setItems(model.alignChoices());
        alignBox.valueProperty().bindBidirectional(model.alignProperty());
        metricBox.setItems(model.metrics());
        metricBox.valueProperty().bindBidirectional(model.metricProperty());
        smoothingBox.setItems(model.smoothingChoices());
        smoothingBox.valueProperty().bindBidirectional(model.smoothingProperty());
        weightSlider.valueProperty().bindBidirectional(model.weightProperty());
        weightLabel.textProperty().bind(model.weightTextProperty());
        fitRunBox.setItems(model.runNames());
        fitRunBox.valueProperty().bindBidirectional(model.fitRunProperty());
        fitButton.disableProperty().bind(model.fitRunProperty().isNull());
        fitSummaryLabel.textProperty().bind(model.fitSummaryProperty());
        useFitButton.disableProperty().bind(model.residualChartProperty().isNull());
        model.fitRows().addListener((ListChangeListener<SchedulesViewModel.Row>) c -> fillFit());

        lrPane = new ChartPane(executor);
        lrPane.specProperty().bind(model.lrChartProperty());
        metricPane = new ChartPane(executor);
        metricPane.specProperty().bind(model.metricChartProperty());
        residualPane = new ChartPane(executor);
        residualPane.specProperty().bind(model.residualChartProperty());
        residualPane.setPrefSize(600, 300);
        residualPane.setMinHeight(260);
        residualPane.getStyleClass().add("card");
        residualHost.getChildren().setAll(residualPane);
        chartRow.getChildren().setAll(withCursor(lrPane, lrCursor), withCursor(metricPane, metricCursor));
        for (ChartPane p : new ChartPane[] {lrPane, metricPane, residualPane}) {
            p.setMaxDrawnPoints(MAX_DRAWN_POINTS);
        }
        exportAllButton.disableProperty().bind(model.reportProperty().isNull());

        cursorSlider.maxProperty().bind(model.cursorMaxProperty());
        cursorSlider.setBlockIncrement(1);
        cursorSlider.setMajorTickUnit(1);
        cursorSlider.setSnapToTicks(false);
        cursorSlider.valueProperty().addListener((o, a, b) -> {
            int i = (int) Math.round(b.doubleValue());
            if (i != model.cursorProperty().get()) {
                model.cursorProperty().set(i);
            }
        });
        model.cursorProperty().addListener((o, a, b) -> cursorSlider.setValue(b.intValue()));
        cursorSlider.setValue(model.cursorProperty().get());
        cursorLabel.textProperty().bind(model.cursorTextProperty());
        playButton.textProperty().bind(javafx.beans.binding.Bindings.when(model.playingProperty())
                .then("❚❚ Pause").otherwise("▶ Play"));
        playButton.disableProperty().bind(model.cursorMaxProperty().isEqualTo(0));
        model.cursorXProperty().addListener((o, a, b) -> placeCursors());
        model.lrChartProperty().addListener((o, a, b) -> Platform.runLater(this::placeCursors));
        model.metricChartProperty().addListener((o, a, b) -> Platform.runLater(this::placeCursors));
    }

    private static Line cursorLine() {
        Line l = new Line();
        l.setMouseTransparent(true);
        l.setManaged(false);
        l.setStrokeWidth(1.5);
        l.setStyle("-fx-stroke: #d62728; -fx-stroke-dash-array: 4 3;");
        l.setVisible(false);
        return l;
    }

    /** The chart with a cursor overlay; a click in the plot moves the cursor there. */
    private StackPane withCursor(ChartPane pane, Line line) {
        pane.setPrefSize(560, 380);
        pane.setMinSize(360, 320);
        Pane overlay = new Pane(line);
        overlay.setMouseTransparent(true);
        overlay.setPickOnBounds(false);
        StackPane stack = new StackPane(pane, overlay);
        stack.getStyleClass().add("card");
        HBox.setHgrow(stack, Priority.ALWAYS);
        stack.setMaxWidth(Double.MAX_VALUE);
        stack.addEventFilter(MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getButton() == MouseButton.PRIMARY && pane.getChart() != null
                    && pane.getChart().getXAxis() instanceof ValueAxis<?> axis) {
                Point2D p = axis.sceneToLocal(e.getSceneX(), e.getSceneY());
                if (p != null && p.getX() >= 0 && p.getX() <= axis.getWidth()) {
                    Number x = ((ValueAxis<Number>) axis).getValueForDisplay(p.getX());
                    model.cursorTo(x.doubleValue());
                }
            }
        });
        stack.widthProperty().addListener((o, a, b) -> Platform.runLater(this::placeCursors));
        stack.heightProperty().addListener((o, a, b) -> Platform.runLater(this::placeCursors));
        return stack;
    }

    private void placeCursors() {
        place(lrPane, lrCursor);
        place(metricPane, metricCursor);
    }

    @SuppressWarnings("unchecked")
    private void place(ChartPane pane, Line line) {
        double x = model.cursorXProperty().get();
        XYChart<?, Number> chart = pane == null ? null : pane.getChart();
        if (chart == null || Double.isNaN(x) || !(chart.getXAxis() instanceof ValueAxis<?> axis)) {
            line.setVisible(false);
            return;
        }
        Node plot = chart.lookup(".chart-plot-background");
        if (plot != null && plot.getBoundsInLocal().getWidth() <= 0) {
            chart.applyCss(); // a chart not laid out yet (just rebuilt): lay it out once
            chart.layout();
        }
        if (plot == null || line.getParent() == null) {
            line.setVisible(false);
            return;
        }
        double dx = ((ValueAxis<Number>) axis).getDisplayPosition(x);
        if (Double.isNaN(dx) || dx < 0 || dx > axis.getWidth()) {
            line.setVisible(false);
            return;
        }
        Node overlay = line.getParent();
        Point2D top = overlay.sceneToLocal(axis.localToScene(dx, 0));
        Bounds plotBounds = overlay.sceneToLocal(plot.localToScene(plot.getBoundsInLocal()));
        if (top == null || plotBounds == null) {
            line.setVisible(false);
            return;
        }
        line.setStartX(top.getX());
        line.setEndX(top.getX());
        line.setStartY(plotBounds.getMinY());
        line.setEndY(plotBounds.getMaxY());
        line.setVisible(true);
    }

    private void fillFit() {
        fitGrid.getChildren().clear();
        int r = 0;
        for (SchedulesViewModel.Row row : List.copyOf(model.fitRows())) {
            Label k = new Label(row.key());
            k.getStyleClass().add("kv-key");
            k.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            Label v = new Label(row.value());
            v.getStyleClass().add("kv-value");
            v.setWrapText(true);
            fitGrid.addRow(r++, k, v);
        }
    }

    /** Exports the focused chart, else the metric chart (raw and smoothed series), else the lr chart. */
    @Override
    public boolean exportCurrentChart() {
        for (ChartPane p : new ChartPane[] {lrPane, residualPane, metricPane}) {
            if (p != null && p.isFocused() && p.getSpec() != null) {
                p.openExportDialog();
                return true;
            }
        }
        ChartPane target = metricPane != null && metricPane.getSpec() != null ? metricPane : lrPane;
        if (target == null || target.getSpec() == null) {
            return false;
        }
        target.openExportDialog();
        return true;
    }

    /** For tests: the panes (lr, metric, residual). */
    ChartPane[] panes() {
        return new ChartPane[] {lrPane, metricPane, residualPane};
    }

    /** For tests: the cursor line over the lr chart. */
    Line lrCursorLine() {
        return lrCursor;
    }

    @FXML
    private void onAddLog() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Add a training log");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Training logs", "*.csv", "*.tsv", "*.jsonl", "*.json",
                        "events.out.tfevents.*", "*tfevents*"),
                new FileChooser.ExtensionFilter("All files", "*"));
        List<File> files = chooser.showOpenMultipleDialog(addLogButton.getScene().getWindow());
        if (files != null) {
            files.forEach(f -> model.openLog(f.toPath()));
        }
    }

    @FXML
    private void onExportAll() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Folder for the schedule charts (PNG, SVG, PDF) and their CSVs");
        File dir = chooser.showDialog(root().getScene().getWindow());
        if (dir != null) {
            model.exportAll(dir.toPath());
        }
    }

    @FXML
    private void onRemoveRun() {
        if (runBox.getValue() != null) {
            model.removeRun(runBox.getValue());
        }
    }

    @FXML
    private void onPlay() {
        model.togglePlay();
    }

    @FXML
    private void onFit() {
        model.fit();
    }

    @FXML
    private void onUseFit() {
        model.useFit();
    }
}
