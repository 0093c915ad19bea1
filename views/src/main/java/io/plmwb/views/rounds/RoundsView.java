package io.plmwb.views.rounds;

import io.plmwb.views.chart.ChartPane;
import io.plmwb.views.common.FxmlWorkspace;
import io.plmwb.views.rounds.RoundsViewModel.Column;
import io.plmwb.views.rounds.RoundsViewModel.ColumnMode;
import io.plmwb.views.rounds.RoundsViewModel.PromptRow;
import io.plmwb.views.rounds.RoundsViewModel.Sort;
import io.plmwb.views.rounds.RoundsViewModel.StatsRow;
import java.io.File;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.FileChooser;

/** The Refinement Rounds workspace: binds the prompt list, the diff columns, statistics and charts to its model. */
public final class RoundsView extends FxmlWorkspace {

    @FXML private javafx.scene.layout.BorderPane rootPane;
    @FXML private Label sourceLabel;
    @FXML private Label statusLabel;
    @FXML private Button openButton;
    @FXML private Button exportTableButton;
    @FXML private Button exportAllButton;
    @FXML private Button addButton;
    @FXML private ComboBox<ColumnMode> modeBox;
    @FXML private ComboBox<String> stepsRoundBox;
    @FXML private ComboBox<String> baselineBox;
    @FXML private TextField searchField;
    @FXML private ComboBox<String> datasetBox;
    @FXML private ComboBox<Sort> sortBox;
    @FXML private CheckBox differBox;
    @FXML private CheckBox regressionBox;
    @FXML private ListView<PromptRow> promptList;
    @FXML private Label countLabel;
    @FXML private Label instructionLabel;
    @FXML private HBox columnsBox;
    @FXML private TableView<StatsRow> statsTable;
    @FXML private Label methodLabel;
    @FXML private VBox pairedBox;
    @FXML private CheckBox overlayBox;
    @FXML private HBox chartHost;
    @FXML private GridPane generateGrid;
    @FXML private ListView<String> problemList;
    @FXML private javafx.scene.control.Tab problemsTab;
    @FXML private javafx.scene.control.SplitPane mainSplit;
    @FXML private javafx.scene.control.TabPane tabs;

    private final RoundsViewModel model;
    private final Consumer<Path> opener;
    private ChartPane winRatePane;
    private ChartPane lengthPane;
    private boolean syncing;

    /**
     * @param model  the view model
     * @param opener how a chosen file is opened (through the shell, so recent files and routing are handled once)
     */
    public RoundsView(RoundsViewModel model, Consumer<Path> opener) {
        this.model = model;
        this.opener = opener;
    }

    @FXML
    private void initialize() {
        rootPane.setId("rounds-workspace");
        sourceLabel.textProperty().bind(model.sourceProperty());
        statusLabel.textProperty().bind(model.statusProperty());
        exportTableButton.disableProperty().bind(model.reportProperty().isNull());
        exportAllButton.disableProperty().bind(model.reportProperty().isNull());
        exportAllButton.setTooltip(new Tooltip("Charts (PNG, SVG, PDF, CSV), the table of the shown prompts (CSV, "
                + "Markdown) and the statistics into a folder: the files of workbench rounds --out"));
        addButton.disableProperty().bind(model.reportProperty().isNull());
        addButton.setTooltip(new Tooltip("Add the rounds of another file (e.g. the next round's model_outputs.json, "
                + "whose annotations.json beside it is read too)"));

        modeBox.getItems().setAll(ColumnMode.values());
        modeBox.setConverter(converter(m -> m == ColumnMode.ROUNDS ? "one per round" : "refinement steps of"));
        modeBox.valueProperty().bindBidirectional(model.columnModeProperty());
        stepsRoundBox.setItems(model.roundNames());
        stepsRoundBox.visibleProperty().bind(model.columnModeProperty().isEqualTo(ColumnMode.STEPS));
        stepsRoundBox.managedProperty().bind(stepsRoundBox.visibleProperty());
        stepsRoundBox.getSelectionModel().selectedIndexProperty().addListener((o, a, i) -> {
            if (i.intValue() >= 0) {
                model.stepsRoundProperty().set(i.intValue());
            }
        });
        model.roundNames().addListener((ListChangeListener<String>) c ->
                stepsRoundBox.getSelectionModel().select(model.stepsRoundProperty().get()));
        baselineBox.setItems(model.columnLabels());
        baselineBox.setTooltip(new Tooltip("Each other column is diffed word by word against this one"));
        baselineBox.getSelectionModel().selectedIndexProperty().addListener((o, a, i) -> {
            if (!syncing && i.intValue() >= 0) {
                model.baselineColumnProperty().set(i.intValue());
            }
        });
        // after the combo box has taken the new items: show the baseline column the model uses
        model.columnLabels().addListener((ListChangeListener<String>) c -> javafx.application.Platform.runLater(
                this::syncBaseline));
        model.baselineColumnProperty().addListener((o, a, b) -> syncBaseline());

        searchField.textProperty().bindBidirectional(model.searchProperty());
        datasetBox.setItems(model.datasets());
        datasetBox.valueProperty().bindBidirectional(model.datasetProperty());
        sortBox.getItems().setAll(Sort.values());
        sortBox.valueProperty().bindBidirectional(model.sortProperty());
        differBox.setTooltip(new Tooltip("Only prompts whose columns do not all have the same text"));
        differBox.selectedProperty().bindBidirectional(model.onlyDifferProperty());
        regressionBox.selectedProperty().bindBidirectional(model.regressionsOnlyProperty());
        regressionBox.setTooltip(new Tooltip("Prompts where a column scores below the baseline column (judge "
                + "preference, else reward, else mean log-likelihood)"));

        promptList.setItems(model.rows());
        promptList.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(PromptRow r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : r.label());
                setTooltip(empty || r == null ? null : new Tooltip(r.instruction()));
            }
        });
        promptList.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (!syncing && r != null) {
                model.select(r.index());
            }
        });
        model.selectedProperty().addListener((o, a, i) -> syncListSelection());
        model.rows().addListener((ListChangeListener<PromptRow>) c -> {
            syncListSelection();
            countLabel.setText(model.rows().size() + " prompt(s) shown");
        });
        instructionLabel.textProperty().bind(model.selectedInstructionProperty());
        model.columns().addListener((ListChangeListener<Column>) c -> fillColumns());

        buildStatsTable();
        methodLabel.setText("Win rate = 100·mean(preference − 1) vs the judge's baseline, ± standard error; W/L/D = "
                + "wins / baseline wins / draws; bootstrap: 2000 seeded resamples, percentile 95%. Length-adjusted*: "
                + model.lengthAdjustedMethod());
        model.pairedLines().addListener((ListChangeListener<String>) c -> fillPaired());

        overlayBox.selectedProperty().bindBidirectional(model.overlaysProperty());
        winRatePane = new ChartPane(model.winRateExport());
        winRatePane.specProperty().bind(model.winRateChartProperty());
        lengthPane = new ChartPane(model.lengthExport());
        lengthPane.specProperty().bind(model.lengthChartProperty());
        for (ChartPane p : new ChartPane[] {winRatePane, lengthPane}) {
            p.setPrefSize(560, 300);
            p.setMinSize(300, 220);
            HBox.setHgrow(p, Priority.ALWAYS);
        }
        winRatePane.setPrefWidth(760);
        chartHost.getChildren().setAll(winRatePane, lengthPane);

        problemList.setItems(model.problems());
        model.problems().addListener((ListChangeListener<String>) c ->
                problemsTab.setText("Problems (" + model.problems().size() + ")"));
        buildGenerateForm();
        // the charts need the room: give the lower half more height while their tab is shown
        tabs.getSelectionModel().selectedIndexProperty().addListener((o, a, i) ->
                mainSplit.setDividerPositions(i.intValue() == 1 || i.intValue() == 2 ? 0.3 : 0.55));

        fillColumns();
        fillPaired();
        // Alt+↑/↓ and Shift+F8/F8: previous/next prompt from anywhere in the workspace
        rootPane.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            boolean next = (e.isAltDown() && e.getCode() == KeyCode.DOWN)
                    || (e.getCode() == KeyCode.F8 && !e.isShiftDown());
            boolean prev = (e.isAltDown() && e.getCode() == KeyCode.UP)
                    || (e.getCode() == KeyCode.F8 && e.isShiftDown());
            if (next) {
                model.next();
                e.consume();
            } else if (prev) {
                model.previous();
                e.consume();
            }
        });
    }

    @Override
    public boolean exportCurrentChart() {
        ChartPane target = lengthPane != null && lengthPane.isFocused() ? lengthPane : winRatePane;
        if (target == null || target.getSpec() == null) {
            return false;
        }
        target.openExportDialog();
        return true;
    }

    private void syncBaseline() {
        syncing = true;
        try {
            baselineBox.getSelectionModel().select(model.baselineColumnProperty().get());
        } finally {
            syncing = false;
        }
    }

    private void syncListSelection() {
        syncing = true;
        try {
            int idx = model.selectedProperty().get();
            for (int i = 0; i < model.rows().size(); i++) {
                if (model.rows().get(i).index() == idx) {
                    promptList.getSelectionModel().select(i);
                    promptList.scrollTo(Math.max(0, i - 3));
                    return;
                }
            }
            promptList.getSelectionModel().clearSelection();
        } finally {
            syncing = false;
        }
    }

    private void fillColumns() {
        columnsBox.getChildren().clear();
        if (model.columns().isEmpty()) {
            Label none = new Label(model.reportProperty().get() == null
                    ? "Open a rounds file (plmwb JSONL, AlpacaEval model_outputs.json / annotations.json or folder, "
                    + "Arena-Hard answers) or generate a round in the Generate tab."
                    : "No prompt matches the filters.");
            none.setWrapText(true);
            none.getStyleClass().add("text-muted");
            columnsBox.getChildren().add(none);
            return;
        }
        for (Column c : model.columns()) {
            VBox box = new VBox(4);
            box.getStyleClass().add("rounds-column");
            if (c.baseline()) {
                box.getStyleClass().add("baseline");
            }
            box.setPrefWidth(340);
            box.setMinWidth(240);
            Label title = new Label(c.label() + (c.baseline() ? "  (baseline)" : c.missing() ? ""
                    : String.format("  +%d / −%d words", c.inserted(), c.deleted())));
            title.getStyleClass().add("rounds-column-title");
            Label stats = new Label(c.stats());
            stats.getStyleClass().add("rounds-column-stats");
            stats.setWrapText(true);
            box.getChildren().addAll(title, stats);
            if (!c.verdict().isEmpty()) {
                Label v = new Label(c.verdict());
                v.getStyleClass().add("rounds-column-verdict");
                v.setWrapText(true);
                if (c.rationale() != null) {
                    v.setTooltip(new Tooltip(c.rationale().length() > 2000 ? c.rationale().substring(0, 2000) + "…"
                            : c.rationale()));
                }
                box.getChildren().add(v);
            }
            TextFlow flow = new TextFlow();
            flow.getStyleClass().add("rounds-diff");
            int shown = 0;
            for (var op : c.ops()) {
                String t = op.text();
                if (shown > 200_000) {
                    flow.getChildren().add(new Text("\n… (" + String.format("%,d", c.text().length())
                            + " characters; the rest is not drawn)"));
                    break;
                }
                shown += t.length();
                Text node = new Text(t);
                node.getStyleClass().add(switch (op.change()) {
                    case SAME -> "diff-equal";
                    case INSERTED -> "diff-insert";
                    case DELETED -> "diff-delete";
                });
                flow.getChildren().add(node);
            }
            ScrollPane sp = new ScrollPane(flow);
            sp.setFitToWidth(true);
            VBox.setVgrow(sp, Priority.ALWAYS);
            box.getChildren().add(sp);
            columnsBox.getChildren().add(box);
        }
    }

    private void fillPaired() {
        pairedBox.getChildren().clear();
        Label h = new Label("Round vs round on shared prompts");
        h.getStyleClass().add("text-bold");
        pairedBox.getChildren().add(h);
        for (String line : model.pairedLines()) {
            Label l = new Label(line);
            l.setWrapText(true);
            pairedBox.getChildren().add(l);
        }
    }

    private void buildStatsTable() {
        statsTable.getColumns().add(col("Round", StatsRow::round, 170));
        statsTable.getColumns().add(col("Judged / prompts", StatsRow::judged, 110));
        statsTable.getColumns().add(col("Win rate ± SE", StatsRow::winRate, 110));
        statsTable.getColumns().add(col("Bootstrap 95%", StatsRow::ci, 120));
        statsTable.getColumns().add(col("W / L / D", StatsRow::record, 100));
        statsTable.getColumns().add(col("Discrete", StatsRow::discrete, 70));
        statsTable.getColumns().add(col("Avg length (chars)", StatsRow::avgLength, 120));
        statsTable.getColumns().add(col("Avg tokens", StatsRow::avgTokens, 80));
        TableColumn<StatsRow, String> lc = col("Length-adjusted*", StatsRow::lengthAdjusted, 120);
        Label header = new Label("Length-adjusted*");
        header.setTooltip(new Tooltip(model.lengthAdjustedMethod()));
        lc.setText(null);
        lc.setGraphic(header);
        statsTable.getColumns().add(lc);
        statsTable.setItems(model.statsRows());
        statsTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        statsTable.setPlaceholder(new Label("No rounds open"));
    }

    private static TableColumn<StatsRow, String> col(String title, Function<StatsRow, String> value, double width) {
        TableColumn<StatsRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }

    private void buildGenerateForm() {
        Label modelLabel = new Label();
        modelLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            Path p = model.modelFolderProperty().get();
            return p == null ? "none — open a checkpoint folder in Models" : p.toString()
                    + "  (a session of its own is opened for generation)";
        }, model.modelFolderProperty()));
        TextField promptsField = new TextField();
        promptsField.setPromptText("one instruction per line, or JSONL with \"instruction\"");
        promptsField.setId("genPrompts");
        Button browsePrompts = new Button("…");
        browsePrompts.setOnAction(e -> choose(promptsField, false));
        Spinner<Integer> steps = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 16,
                model.genStepsProperty().get()));
        steps.valueProperty().addListener((o, a, v) -> model.genStepsProperty().set(v));
        Spinner<Integer> maxTokens = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 1024,
                model.genMaxTokensProperty().get(), 8));
        maxTokens.valueProperty().addListener((o, a, v) -> model.genMaxTokensProperty().set(v));
        TextArea answer = new TextArea();
        answer.setPrefRowCount(2);
        answer.textProperty().bindBidirectional(model.genAnswerTemplateProperty());
        TextArea refine = new TextArea();
        refine.setPrefRowCount(3);
        refine.textProperty().bindBidirectional(model.genTemplateProperty());
        ComboBox<String> rule = new ComboBox<>();
        rule.setEditable(true);
        rule.getItems().setAll("mean_logprob", "last_answering", "last_answering:5", "score:reward");
        rule.valueProperty().bindBidirectional(model.genRuleProperty());
        rule.setTooltip(new Tooltip("mean_logprob: chosen = highest length-normalised log-likelihood under the model, "
                + "rejected = lowest; last_answering[:N]: the last step that still answers (≥ N words, not a repeat); "
                + "score:COLUMN: an external score column"));
        TextField name = new TextField();
        name.textProperty().bindBidirectional(model.genRoundNameProperty());
        TextField outField = new TextField();
        outField.setPromptText("where to save the round (.jsonl)");
        outField.setId("genOut");
        Button browseOut = new Button("…");
        browseOut.setOnAction(e -> choose(outField, true));
        Button generate = new Button("Generate round");
        generate.setId("generateRoundButton");
        generate.disableProperty().bind(model.generatingProperty().or(model.modelFolderProperty().isNull())
                .or(promptsField.textProperty().isEmpty()).or(outField.textProperty().isEmpty()));
        generate.setOnAction(e -> model.generate(Path.of(promptsField.getText().strip()),
                Path.of(outField.getText().strip())));
        Label status = new Label();
        status.textProperty().bind(model.generateStatusProperty());
        status.setWrapText(true);
        int r = 0;
        generateGrid.addRow(r++, new Label("Model"), modelLabel);
        generateGrid.addRow(r++, new Label("Prompts file"), new HBox(4, promptsField, browsePrompts));
        generateGrid.addRow(r++, new Label("Refinement steps K"), steps);
        generateGrid.addRow(r++, new Label("Max tokens per answer"), maxTokens);
        generateGrid.addRow(r++, new Label("Answer template"), answer);
        generateGrid.addRow(r++, new Label("Refinement template"), refine);
        generateGrid.addRow(r++, new Label("Selection rule"), rule);
        generateGrid.addRow(r++, new Label("Round name"), name);
        generateGrid.addRow(r++, new Label("Save as"), new HBox(4, outField, browseOut));
        generateGrid.addRow(r, generate, status);
        HBox.setHgrow(promptsField, Priority.ALWAYS);
        HBox.setHgrow(outField, Priority.ALWAYS);
        promptsField.setPrefWidth(420);
        outField.setPrefWidth(420);
    }

    private void choose(TextField field, boolean save) {
        FileChooser chooser = new FileChooser();
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(save ? "Rounds JSONL" : "Prompts",
                save ? new String[] {"*.jsonl"} : new String[] {"*.txt", "*.jsonl"}));
        File f = save ? chooser.showSaveDialog(field.getScene().getWindow())
                : chooser.showOpenDialog(field.getScene().getWindow());
        if (f != null) {
            field.setText(f.getPath());
        }
    }

    private static <T> javafx.util.StringConverter<T> converter(Function<T, String> f) {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }

    @FXML
    private void onOpen() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open rounds");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Rounds (JSONL, AlpacaEval JSON, Arena-Hard JSONL)", "*.jsonl",
                        "*.json"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(openButton.getScene().getWindow());
        if (f != null) {
            opener.accept(f.toPath());
        }
    }

    @FXML
    private void onAdd() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Add a round (its answers are compared prompt by prompt with the rounds shown)");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Rounds (JSONL, AlpacaEval JSON, Arena-Hard JSONL)", "*.jsonl",
                        "*.json"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(addButton.getScene().getWindow());
        if (f != null) {
            model.add(f.toPath());
        }
    }

    @FXML
    private void onExportTable() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the comparison table");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("CSV", "*.csv"),
                new FileChooser.ExtensionFilter("Markdown", "*.md"));
        chooser.setInitialFileName("rounds-table.csv");
        File f = chooser.showSaveDialog(exportTableButton.getScene().getWindow());
        if (f != null) {
            model.exportTable(f.toPath());
        }
    }

    @FXML
    private void onExportAll() {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle("Folder for the rounds charts, table and statistics");
        File d = chooser.showDialog(exportAllButton.getScene().getWindow());
        if (d != null) {
            model.exportAll(d.toPath());
        }
    }

    @FXML
    private void onNext() {
        model.next();
    }

    @FXML
    private void onPrevious() {
        model.previous();
    }
}
