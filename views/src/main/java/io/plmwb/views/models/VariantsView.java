package io.plmwb.views.models;

import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.common.ViewLoader;
import java.io.File;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;

/** The variant comparison card of the Models workspace: binds {@link VariantsViewModel} to a table and two charts. */
public final class VariantsView {

    @FXML private CheckBox eightBox;
    @FXML private CheckBox fourBox;
    @FXML private Button compareButton;
    @FXML private Button exportAllButton;
    @FXML private Label exportStatus;
    @FXML private Label status;
    @FXML private TableView<VariantsViewModel.Row> table;
    @FXML private HBox chartBox;

    private final VariantsViewModel model;
    private ChartPane speedPane;
    private ChartPane relativePane;
    private Parent root;

    public VariantsView(VariantsViewModel model) {
        this.model = model;
    }

    /** Loads the FXML and returns the card. */
    public Parent load() {
        if (root == null) {
            root = ViewLoader.load(this);
        }
        return root;
    }

    @FXML
    private void initialize() {
        eightBox.selectedProperty().bindBidirectional(model.eightBitProperty());
        fourBox.selectedProperty().bindBidirectional(model.fourBitProperty());
        compareButton.disableProperty().bind(model.canCompareBinding().not());
        status.textProperty().bind(model.statusProperty());
        exportAllButton.disableProperty().bind(model.reportProperty().isNull().or(model.runningProperty()));
        exportStatus.textProperty().bind(model.exportStatusProperty());
        column("Variant", VariantsViewModel.Row::variant);
        column("Weights", VariantsViewModel.Row::weights);
        column("File MB", VariantsViewModel.Row::fileMb);
        column("Graph MB", VariantsViewModel.Row::graphMb);
        column("RSS+ MB", VariantsViewModel.Row::residentMb);
        column("Prefill tok/s", VariantsViewModel.Row::prefill);
        column("Decode tok/s", VariantsViewModel.Row::decode);
        column("Perplexity", VariantsViewModel.Row::perplexity);
        column("Mean KL", VariantsViewModel.Row::meanKl);
        column("Top-1", VariantsViewModel.Row::top1);
        table.setItems(model.rows());
        table.setPlaceholder(new Label("No comparison yet: press Compare."));
        speedPane = new ChartPane(model.speedExport());
        speedPane.specProperty().bind(model.speedChartProperty());
        relativePane = new ChartPane(model.relativeExport());
        relativePane.specProperty().bind(model.relativeChartProperty());
        for (ChartPane p : new ChartPane[] {speedPane, relativePane}) {
            p.setPrefSize(540, 320);
            p.setMinSize(300, 260);
            HBox.setHgrow(p, Priority.ALWAYS);
            p.visibleProperty().bind(p.specProperty().isNotNull());
            p.managedProperty().bind(p.specProperty().isNotNull());
        }
        chartBox.getChildren().setAll(speedPane, relativePane);
    }

    private void column(String title, Function<VariantsViewModel.Row, String> value) {
        TableColumn<VariantsViewModel.Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        c.setSortable(false);
        table.getColumns().add(c);
    }

    @FXML
    private void onCompare() {
        model.compare();
    }

    @FXML
    private void onExportAll() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder for both charts (PNG, SVG, PDF, CSV)");
        File d = dc.showDialog(root.getScene().getWindow());
        if (d != null) {
            model.exportAll(d.toPath());
        }
    }

    /** The focused variant chart, or null. */
    ChartPane focusedChart() {
        if (speedPane != null && speedPane.isFocused() && speedPane.getSpec() != null) {
            return speedPane;
        }
        if (relativePane != null && relativePane.isFocused() && relativePane.getSpec() != null) {
            return relativePane;
        }
        return null;
    }
}
