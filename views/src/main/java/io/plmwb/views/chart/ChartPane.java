package io.plmwb.views.chart;

import io.plmwb.engine.task.TaskExecutor;
import io.plmwb.experiments.chart.ChartSpec;
import java.util.Objects;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Draws a {@link ChartSpec} with JavaFX charts (title and subtitle above, the plot below) and offers "Export…"
 * (button, context menu, Ctrl+E while focused), which opens an {@link ExportDialog} bound to a
 * {@link ChartExportViewModel}. Export failures appear as an error alert naming the file and the reason.
 */
public final class ChartPane extends Region {

    /** Opens the export dialog while the pane has focus. */
    public static final KeyCombination EXPORT_SHORTCUT = new KeyCodeCombination(KeyCode.E,
            KeyCombination.SHORTCUT_DOWN);

    private final ChartExportViewModel exportModel;
    private final ObjectProperty<ChartSpec> spec = new SimpleObjectProperty<>(this, "spec");
    private final BorderPane root = new BorderPane();
    private final Label title = new Label();
    private final Label subtitle = new Label();
    private final Button exportButton = new Button("Export…");
    private XYChart<?, Number> chart;
    private ExportDialog openDialog;
    private int maxDrawnPoints;

    /** A pane exporting through its own view model on {@code executor}. */
    public ChartPane(TaskExecutor executor) {
        this(ChartExportViewModel.create(executor));
    }

    public ChartPane(ChartExportViewModel exportModel) {
        this.exportModel = Objects.requireNonNull(exportModel, "exportModel");
        getStyleClass().add("chart-pane");
        getStylesheets().add(Objects.requireNonNull(ChartPane.class.getResource("chart-pane.css")).toExternalForm());
        setFocusTraversable(true);

        title.getStyleClass().add("chart-pane-title");
        subtitle.getStyleClass().add("chart-pane-subtitle");
        title.setWrapText(true);
        subtitle.setWrapText(true);
        exportButton.getStyleClass().add("chart-pane-export");
        exportButton.setTooltip(new Tooltip("Export the chart as PNG, SVG, PDF or CSV (Ctrl+E)"));
        exportButton.setOnAction(e -> openExportDialog());
        // keep the label whole when a long title competes for the header's width
        exportButton.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        exportButton.disableProperty().bind(spec.isNull());
        exportButton.setFocusTraversable(false);
        exportButton.setMinWidth(Region.USE_PREF_SIZE); // a long subtitle must not squeeze it to "…"
        VBox titles = new VBox(2, title, subtitle);
        titles.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(titles, Priority.ALWAYS);
        HBox header = new HBox(8, titles, exportButton);
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(6, 8, 2, 8));
        header.getStyleClass().add("chart-pane-header");
        root.setTop(header);
        getChildren().add(root);

        MenuItem export = new MenuItem("Export…");
        export.setAccelerator(EXPORT_SHORTCUT);
        export.setOnAction(e -> openExportDialog());
        ContextMenu menu = new ContextMenu(export);
        setOnContextMenuRequested(e -> {
            if (spec.get() != null) {
                menu.show(this, e.getScreenX(), e.getScreenY());
            }
            e.consume();
        });
        addEventHandler(MouseEvent.MOUSE_PRESSED, e -> requestFocus());
        addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (EXPORT_SHORTCUT.match(e) && spec.get() != null) {
                e.consume();
                openExportDialog();
            }
        });

        exportModel.specProperty().bind(spec);
        exportModel.errorProperty().addListener((obs, old, now) -> {
            if (now != null && !now.isEmpty()) {
                showError(now);
            }
        });
        spec.addListener((obs, old, now) -> rebuild(now));
    }

    /** A pane showing {@code spec}. */
    public ChartPane(ChartSpec spec, TaskExecutor executor) {
        this(executor);
        setSpec(spec);
    }

    public ObjectProperty<ChartSpec> specProperty() {
        return spec;
    }

    public ChartSpec getSpec() {
        return spec.get();
    }

    public void setSpec(ChartSpec value) {
        spec.set(value);
    }

    /**
     * Draws at most this many points of each line series (every k-th and the last; 0, the default, draws all). Only
     * the drawing is thinned: the spec, and so the export, keeps every point.
     */
    public void setMaxDrawnPoints(int max) {
        maxDrawnPoints = Math.max(0, max);
        rebuild(spec.get());
    }

    /** The JavaFX chart now shown (null without a spec); for snapshots and tests. */
    public XYChart<?, Number> getChart() {
        return chart;
    }

    public ChartExportViewModel getExportModel() {
        return exportModel;
    }

    /** The dialog opened by the last export request, while it is showing. */
    public ExportDialog getOpenDialog() {
        return openDialog != null && openDialog.isShowing() ? openDialog : null;
    }

    /** Opens the export dialog (non-blocking); OK runs the export. */
    public void openExportDialog() {
        if (spec.get() == null || getOpenDialog() != null) {
            return;
        }
        exportModel.prepare();
        openDialog = new ExportDialog(exportModel, getScene() == null ? null : getScene().getWindow());
        openDialog.show();
    }

    private void rebuild(ChartSpec s) {
        if (s == null) {
            chart = null;
            root.setCenter(null);
            title.setText("");
            subtitle.setText("");
            return;
        }
        title.setText(s.title());
        subtitle.setText(s.subtitle().orElse(""));
        subtitle.setManaged(s.subtitle().isPresent());
        subtitle.setVisible(s.subtitle().isPresent());
        chart = FxCharts.create(s, maxDrawnPoints);
        root.setCenter(chart);
    }

    private void showError(String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR, message);
        alert.setHeaderText("Export failed");
        alert.setTitle("Export failed");
        if (getScene() != null && getScene().getWindow() != null) {
            alert.initOwner(getScene().getWindow());
        }
        alert.show();
    }

    @Override
    protected void layoutChildren() {
        Insets in = getInsets();
        root.resizeRelocate(in.getLeft(), in.getTop(), getWidth() - in.getLeft() - in.getRight(),
                getHeight() - in.getTop() - in.getBottom());
    }

    @Override
    protected double computePrefWidth(double height) {
        Insets in = getInsets();
        return in.getLeft() + root.prefWidth(height) + in.getRight();
    }

    @Override
    protected double computePrefHeight(double width) {
        Insets in = getInsets();
        return in.getTop() + root.prefHeight(width) + in.getBottom();
    }

    @Override
    protected double computeMinWidth(double height) {
        return 200;
    }

    @Override
    protected double computeMinHeight(double width) {
        return 150;
    }
}
