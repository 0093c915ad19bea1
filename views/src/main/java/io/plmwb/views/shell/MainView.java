package io.plmwb.views.shell;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import io.plmwb.views.common.Dialogs;
import io.plmwb.views.common.ViewLoader;
import io.plmwb.views.common.Workspace;
import java.io.File;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.geometry.Rectangle2D;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;

/** The main window: menu bar, navigation rail, the workspace host and the status bar. Binds to {@link MainViewModel}. */
public final class MainView {

    /** The application stylesheet, applied on top of the AtlantaFX theme. */
    public static final String APP_CSS = Objects.requireNonNull(
            MainView.class.getResource("/io/plmwb/views/app.css")).toExternalForm();

    @FXML private BorderPane root;
    @FXML private VBox rail;
    @FXML private StackPane content;
    @FXML private Menu recentMenu;
    @FXML private Menu workspaceMenu;
    @FXML private RadioMenuItem lightThemeItem;
    @FXML private RadioMenuItem darkThemeItem;
    @FXML private Label statusMessage;
    @FXML private HBox taskBox;
    @FXML private Label taskTitle;
    @FXML private ProgressBar taskProgress;
    @FXML private Button cancelButton;
    @FXML private Label threadsLabel;
    @FXML private Label modelsLabel;
    @FXML private Label heapLabel;

    private final MainViewModel model;
    private final Map<WorkspaceId, Workspace> workspaces;
    private final Map<WorkspaceId, ToggleButton> railButtons = new EnumMap<>(WorkspaceId.class);
    private final ToggleGroup railGroup = new ToggleGroup();
    private Stage stage;
    private Timeline heapTimer;

    public MainView(MainViewModel model, Map<WorkspaceId, Workspace> workspaces) {
        this.model = model;
        this.workspaces = new EnumMap<>(workspaces);
    }

    /** Loads the FXML and returns the root node. */
    public Parent load() {
        return ViewLoader.load(this);
    }

    @FXML
    private void initialize() {
        int index = 1;
        for (WorkspaceId id : WorkspaceId.values()) {
            Label badge = new Label(id.badge());
            badge.getStyleClass().add("rail-badge");
            Label title = new Label(id.title());
            title.getStyleClass().add("rail-title");
            title.setWrapText(true);
            VBox graphic = new VBox(4, badge, title);
            graphic.getStyleClass().add("rail-graphic");
            ToggleButton b = new ToggleButton();
            b.setGraphic(graphic);
            b.setId("rail-" + id.name().toLowerCase(java.util.Locale.ROOT));
            b.getStyleClass().add("rail-button");
            b.setToggleGroup(railGroup);
            b.setTooltip(new Tooltip(id.tooltip() + "  (Ctrl+" + index + ")"));
            b.setMaxWidth(Double.MAX_VALUE);
            b.setOnAction(e -> {
                model.select(id);
                b.setSelected(true);
            });
            railButtons.put(id, b);
            rail.getChildren().add(b);

            MenuItem item = new MenuItem(id.title());
            item.setAccelerator(new KeyCodeCombination(KeyCode.valueOf("DIGIT" + index), KeyCombination.SHORTCUT_DOWN));
            item.setOnAction(e -> model.select(id));
            workspaceMenu.getItems().add(item);
            index++;
        }
        Region spacer = new Region();
        VBox.setVgrow(spacer, Priority.ALWAYS);
        rail.getChildren().add(spacer);

        model.workspaceProperty().addListener((obs, old, id) -> show(id));
        show(model.workspaceProperty().get());

        statusMessage.textProperty().bind(model.statusMessageProperty());
        heapLabel.textProperty().bind(model.heapProperty());
        threadsLabel.textProperty().bind(model.threadsProperty());
        modelsLabel.textProperty().bind(model.loadedModelsProperty());
        Tooltip sessions = new Tooltip();
        sessions.textProperty().bind(model.loadedModelsDetailProperty());
        modelsLabel.setTooltip(sessions);
        taskTitle.textProperty().bind(model.taskTitleProperty());
        taskProgress.progressProperty().bind(model.taskProgressProperty());
        taskBox.visibleProperty().bind(model.taskRunningProperty());
        taskBox.managedProperty().bind(model.taskRunningProperty());
        cancelButton.setTooltip(new Tooltip("Cancel the running task"));

        model.recentFiles().addListener((javafx.collections.ListChangeListener<String>) c -> rebuildRecent());
        rebuildRecent();

        lightThemeItem.setSelected(!model.darkThemeProperty().get());
        darkThemeItem.setSelected(model.darkThemeProperty().get());
        model.darkThemeProperty().addListener((obs, old, isDark) -> applyTheme(isDark));
        applyTheme(model.darkThemeProperty().get());

        root.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
            }
            e.consume();
        });
        root.setOnDragDropped(e -> {
            List<File> files = e.getDragboard().getFiles();
            boolean ok = files != null && !files.isEmpty();
            if (ok) {
                model.open(files.get(0).toPath());
            }
            e.setDropCompleted(ok);
            e.consume();
        });

        heapTimer = new Timeline(new KeyFrame(Duration.seconds(1), e -> model.refreshHeap()));
        heapTimer.setCycleCount(Timeline.INDEFINITE);
        heapTimer.play();
    }

    private void show(WorkspaceId id) {
        Workspace w = workspaces.get(id);
        Parent node = w.root();
        content.getChildren().setAll(node);
        ToggleButton b = railButtons.get(id);
        if (b != null) {
            b.setSelected(true);
        }
        if (stage != null) {
            stage.setTitle("PLM Workbench — " + id.title());
        }
    }

    private void rebuildRecent() {
        recentMenu.getItems().clear();
        if (model.recentFiles().isEmpty()) {
            MenuItem none = new MenuItem("(none yet)");
            none.setDisable(true);
            recentMenu.getItems().add(none);
            return;
        }
        for (String p : model.recentFiles()) {
            MenuItem item = new MenuItem(p);
            item.setMnemonicParsing(false);
            item.setOnAction(e -> model.open(Path.of(p)));
            recentMenu.getItems().add(item);
        }
    }

    private static void applyTheme(boolean dark) {
        Application.setUserAgentStylesheet(dark
                ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }

    /** Puts the view in a stage: restores geometry, installs the scene and remembers geometry on close. */
    public void attach(Stage target, Runnable onClose) {
        this.stage = target;
        Dialogs.setOwner(target);
        var s = model.settings();
        Scene scene = new Scene(root, s.windowWidth, s.windowHeight);
        scene.getStylesheets().add(APP_CSS);
        target.setScene(scene);
        target.setMinWidth(900);
        target.setMinHeight(600);
        if (!Double.isNaN(s.windowX) && !Double.isNaN(s.windowY)
                && !Screen.getScreensForRectangle(new Rectangle2D(s.windowX, s.windowY, 100, 60)).isEmpty()) {
            target.setX(s.windowX);
            target.setY(s.windowY);
        }
        target.setMaximized(s.maximized);
        target.setTitle("PLM Workbench — " + model.workspaceProperty().get().title());
        target.setOnCloseRequest(e -> {
            model.rememberWindow(target.getX(), target.getY(), target.getWidth(), target.getHeight(),
                    target.isMaximized());
            model.persist();
            heapTimer.stop();
            onClose.run();
        });
    }

    /** Remembers geometry now (e.g. before quitting from the menu). */
    private void rememberGeometry() {
        if (stage != null) {
            model.rememberWindow(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(),
                    stage.isMaximized());
        }
        model.persist();
    }

    // ---- menu actions

    @FXML
    private void onOpenModelFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open model folder (config.json + safetensors)");
        File dir = chooser.showDialog(stage);
        if (dir != null) {
            model.open(dir.toPath());
        }
    }

    @FXML
    private void onOpenDataFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open data file");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Data and models", "*.csv", "*.tsv", "*.json", "*.jsonl", "*.gguf",
                        "*tfevents*"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(stage);
        if (f != null) {
            model.open(f.toPath());
        }
    }

    @FXML
    private void onExportChart() {
        Workspace w = workspaces.get(model.workspaceProperty().get());
        if (!w.exportCurrentChart()) {
            Dialogs.info("Nothing to export", "The " + model.workspaceProperty().get().title()
                    + " workspace shows no chart right now.");
        }
    }

    @FXML
    private void onQuit() {
        rememberGeometry();
        heapTimer.stop();
        if (stage != null) {
            stage.close();
        }
        Platform.exit();
    }

    @FXML
    private void onLightTheme() {
        model.setDarkTheme(false);
    }

    @FXML
    private void onDarkTheme() {
        model.setDarkTheme(true);
    }

    @FXML
    private void onCancelTask() {
        model.cancelCurrentTask();
    }

    @FXML
    private void onShortcuts() {
        Dialogs.info("Keyboard shortcuts", String.join("\n",
                "Ctrl+O   Open model folder",
                "Ctrl+Shift+O   Open data file",
                "Ctrl+E   Export the current chart",
                "Ctrl+1 … Ctrl+6   Switch workspace",
                "Ctrl+Q   Quit",
                "F1   This list",
                "Refinement Rounds: F8 / Shift+F8 (or Alt+↓ / Alt+↑)   Next / previous prompt",
                "Models, Sparsity: Ctrl+Enter   Generate / run the prompt",
                "Drop a folder or file on the window to open it."));
    }

    @FXML
    private void onAbout() {
        Alert about = new Alert(Alert.AlertType.INFORMATION);
        about.initOwner(stage);
        about.setTitle("About PLM Workbench");
        about.setHeaderText("PLM Workbench — a research workbench for the Peripheral Language Model family");
        GridPane grid = new GridPane();
        grid.setHgap(16);
        grid.setVgap(6);
        int row = 0;
        for (Map.Entry<String, String> e : model.versions().entrySet()) {
            Label k = new Label(e.getKey());
            k.getStyleClass().add("text-bold");
            Label v = new Label(e.getValue());
            v.setId("about-" + e.getKey().toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
            grid.addRow(row++, k, v);
        }
        about.getDialogPane().setContent(grid);
        about.show();
    }
}
