package io.plmwb.views.chart;

import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.FigureSettings;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;

/**
 * The export dialog: format, size (the logical-pixel layout, a figure preset or a custom figure in in/cm/pt with its
 * font), DPI, file and a preview of the chart at that size, all bound to a {@link ChartExportViewModel}. "Export" asks
 * before replacing an existing file, then starts the export and closes; the view model reports the outcome.
 */
public final class ExportDialog extends Dialog<ButtonType> {

    /** The button that starts the export. */
    public static final ButtonType EXPORT = new ButtonType("Export", ButtonBar.ButtonData.OK_DONE);

    private final ChartExportViewModel model;
    // bidirectional bindings through asObject() are weak: keep the adapters alive
    private final ObjectProperty<Integer> widthObject;
    private final ObjectProperty<Integer> heightObject;
    private final ObjectProperty<Integer> dpiObject;
    private javafx.beans.value.ChangeListener<byte[]> previewListener;

    public ExportDialog(ChartExportViewModel model, Window owner) {
        this.model = model;
        setTitle("Export chart");
        setHeaderText(model.specProperty().get() == null ? "Export" : "Export “" + model.specProperty().get().title()
                + "”");
        if (owner != null) {
            initOwner(owner);
        }
        setResizable(true);

        ChoiceBox<ExportFormat> format = new ChoiceBox<>();
        format.getItems().setAll(ExportFormat.values()); // TEX too: it is only off the default lists
        format.setConverter(new StringConverter<>() {
            @Override
            public String toString(ExportFormat f) {
                return f == null ? "" : f.name() + " — " + f.description();
            }

            @Override
            public ExportFormat fromString(String s) {
                return null;
            }
        });
        format.valueProperty().bindBidirectional(model.formatProperty());
        format.setId("export-format");

        Spinner<Integer> width = spinner(100, 10_000, 50);
        Spinner<Integer> height = spinner(100, 10_000, 50);
        Spinner<Integer> dpi = spinner(48, 1200, 12);
        width.setId("export-width");
        height.setId("export-height");
        dpi.setId("export-dpi");
        widthObject = model.widthProperty().asObject();
        heightObject = model.heightProperty().asObject();
        dpiObject = model.dpiProperty().asObject();
        width.getValueFactory().valueProperty().bindBidirectional(widthObject);
        height.getValueFactory().valueProperty().bindBidirectional(heightObject);
        dpi.getValueFactory().valueProperty().bindBidirectional(dpiObject);
        ChoiceBox<String> size = new ChoiceBox<>();
        size.getItems().setAll(ChartExportViewModel.sizeChoices());
        size.valueProperty().bindBidirectional(model.sizeProperty());
        size.setId("export-size");
        Spinner<Double> figW = doubleSpinner(0.1, 5000, 0.25, model.figureWidthProperty(), "export-figure-width");
        Spinner<Double> figH = doubleSpinner(0.1, 5000, 0.25, model.figureHeightProperty(), "export-figure-height");
        ChoiceBox<FigureSettings.Unit> unit = new ChoiceBox<>();
        unit.getItems().setAll(FigureSettings.Unit.values());
        unit.valueProperty().bindBidirectional(model.unitProperty());
        unit.setId("export-unit");
        Spinner<Double> font = doubleSpinner(4, 72, 0.5, model.fontPtProperty(), "export-font");
        ChoiceBox<FigureSettings.Family> family = new ChoiceBox<>();
        family.getItems().setAll(FigureSettings.Family.values());
        family.valueProperty().bindBidirectional(model.familyProperty());
        family.setId("export-family");
        HBox figureRow = new HBox(6, figW, new Label("×"), figH, unit);
        HBox fontRow = new HBox(6, font, new Label("pt"), family);
        HBox pxRow = new HBox(6, width, new Label("×"), height, new Label("px"));
        javafx.beans.binding.BooleanBinding pixelsMode = model.sizeProperty().isEqualTo(ChartExportViewModel.PIXELS);
        figureRow.disableProperty().bind(pixelsMode);
        fontRow.disableProperty().bind(pixelsMode);
        pxRow.disableProperty().bind(pixelsMode.not());
        javafx.scene.image.ImageView preview = new javafx.scene.image.ImageView();
        preview.setId("export-preview");
        preview.setPreserveRatio(true);
        preview.setFitWidth(560);
        preview.setFitHeight(360);
        javafx.beans.value.ChangeListener<byte[]> show = (obs, old, png) -> preview.setImage(png == null ? null
                : new javafx.scene.image.Image(new java.io.ByteArrayInputStream(png)));
        previewListener = show;
        model.previewPng().addListener(new javafx.beans.value.WeakChangeListener<>(show));
        show.changed(null, null, model.previewPng().get());
        Label pixels = new Label();
        pixels.textProperty().bind(model.pixelSizeText());
        pixels.disableProperty().bind(model.formatProperty().isNotEqualTo(ExportFormat.PNG));

        TextField file = new TextField();
        file.setId("export-file");
        file.textProperty().bindBidirectional(model.targetProperty());
        file.setPrefColumnCount(32);
        Button browse = new Button("Browse…");
        browse.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        browse.setOnAction(e -> browse());
        HBox fileRow = new HBox(6, file, browse);
        HBox.setHgrow(file, Priority.ALWAYS);

        Label problem = new Label();
        problem.getStyleClass().add("export-problem");
        problem.textProperty().bind(model.validationMessage());

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(12));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        grid.getColumnConstraints().addAll(labels, new ColumnConstraints());
        grid.getColumnConstraints().get(1).setHgrow(Priority.ALWAYS);
        int r = 0;
        grid.addRow(r++, fieldLabel("Format"), format);
        grid.addRow(r++, fieldLabel("Size"), size);
        grid.addRow(r++, fieldLabel("Figure"), figureRow);
        grid.addRow(r++, fieldLabel("Font"), fontRow);
        grid.addRow(r++, fieldLabel("Layout (px)"), pxRow);
        grid.addRow(r++, fieldLabel("DPI (PNG)"), new HBox(8, dpi, pixels));
        grid.addRow(r++, fieldLabel("File"), fileRow);
        grid.add(problem, 0, r++, 2, 1);
        grid.add(preview, 0, r, 2, 1);
        getDialogPane().setContent(grid);
        getDialogPane().setMinWidth(600);
        getDialogPane().getButtonTypes().setAll(EXPORT, ButtonType.CANCEL);

        Node ok = getDialogPane().lookupButton(EXPORT);
        ok.disableProperty().bind(model.canExport().not());
        ok.addEventFilter(ActionEvent.ACTION, e -> {
            if (!confirmOverwrite() || model.export().isEmpty()) {
                e.consume();
            }
        });
    }

    private boolean confirmOverwrite() {
        if (model.overwriteProperty().get() || !model.targetExists()) {
            return true;
        }
        Path target = model.targetPath().orElseThrow();
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, target + " exists. Replace it?", ButtonType.YES,
                ButtonType.NO);
        ask.setHeaderText("Replace existing file?");
        ask.initOwner(getDialogPane().getScene().getWindow());
        Optional<ButtonType> answer = ask.showAndWait();
        if (answer.orElse(ButtonType.NO) == ButtonType.YES) {
            model.overwriteProperty().set(true);
            return true;
        }
        return false;
    }

    private void browse() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export chart");
        for (ExportFormat f : ExportFormat.values()) {
            FileChooser.ExtensionFilter filter = new FileChooser.ExtensionFilter(f.description(),
                    "*." + f.extension());
            chooser.getExtensionFilters().add(filter);
            if (f == model.formatProperty().get()) {
                chooser.setSelectedExtensionFilter(filter);
            }
        }
        model.targetPath().ifPresent(p -> {
            if (p.getParent() != null && p.getParent().toFile().isDirectory()) {
                chooser.setInitialDirectory(p.getParent().toFile());
            }
            chooser.setInitialFileName(p.getFileName().toString());
        });
        File chosen = chooser.showSaveDialog(getDialogPane().getScene().getWindow());
        if (chosen != null) {
            model.chooseTarget(chosen.toPath());
            // the platform save dialog has already asked about replacing the file
            model.overwriteProperty().set(chosen.exists());
        }
    }

    private static Spinner<Double> doubleSpinner(double min, double max, double step,
            javafx.beans.property.DoubleProperty value, String id) {
        SpinnerValueFactory.DoubleSpinnerValueFactory f = new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max,
                value.get(), step);
        Spinner<Double> s = new Spinner<>(f);
        s.setEditable(true);
        s.setPrefWidth(95);
        s.setId(id);
        f.valueProperty().addListener((obs, old, now) -> {
            if (now != null && now != value.get()) {
                value.set(now);
            }
        });
        value.addListener((obs, old, now) -> {
            if (now.doubleValue() != f.getValue()) {
                f.setValue(now.doubleValue());
            }
        });
        return s;
    }

    private static Spinner<Integer> spinner(int min, int max, int step) {
        Spinner<Integer> s = new Spinner<>();
        s.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, min, step));
        s.setEditable(true);
        s.setPrefWidth(110);
        return s;
    }

    private static Label fieldLabel(String text) {
        Label l = new Label(text);
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }
}
