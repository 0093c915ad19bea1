package io.plmwb.views.shell;

import io.plmwb.engine.EngineInfo;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.experiments.open.OpenTarget;
import io.plmwb.experiments.open.PathInspector;
import io.plmwb.views.common.DialogService;
import io.plmwb.views.common.FxTaskExecutor;
import io.plmwb.views.settings.AppSettings;
import io.plmwb.views.settings.SettingsStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and commands of the main window: the selected workspace, theme, recent files, the status bar (heap, engine
 * threads, the running task) and opening paths. The main view only binds to it.
 */
public final class MainViewModel {

    /** Where a recognised path goes: the Models workspace for models; data workspaces once they exist. */
    public interface OpenRouter {
        /** Handles the target; returns the workspace that now shows it, or null when no workspace reads it yet. */
        WorkspaceId open(OpenTarget target);
    }

    private final SettingsStore store;
    private final AppSettings settings;
    private final FxTaskExecutor executor;
    private final OpenRouter router;
    private final DialogService dialogs;

    private final ReadOnlyObjectWrapper<WorkspaceId> workspace = new ReadOnlyObjectWrapper<>(WorkspaceId.MODELS);
    private final ReadOnlyBooleanWrapper dark = new ReadOnlyBooleanWrapper();
    private final ObservableList<String> recent = FXCollections.observableArrayList();
    private final ObservableList<String> recentView = FXCollections.unmodifiableObservableList(recent);
    private final ReadOnlyStringWrapper statusMessage = new ReadOnlyStringWrapper("Ready");
    private final ReadOnlyStringWrapper heap = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper threads = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper loadedModels = new ReadOnlyStringWrapper("no model loaded");
    private final ReadOnlyStringWrapper loadedModelsDetail = new ReadOnlyStringWrapper("No checkpoint is open");
    private final ReadOnlyStringWrapper taskTitle = new ReadOnlyStringWrapper("");
    private final ReadOnlyDoubleWrapper taskProgress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyBooleanWrapper taskRunning = new ReadOnlyBooleanWrapper(false);
    private Consumer<Path> openListener = p -> { };

    public MainViewModel(SettingsStore store, AppSettings settings, FxTaskExecutor executor, OpenRouter router,
            DialogService dialogs) {
        this.dialogs = dialogs;
        this.store = store;
        this.settings = settings;
        this.executor = executor;
        this.router = router;
        this.dark.set("dark".equals(settings.theme));
        this.recent.setAll(settings.recentFiles);
        try {
            this.workspace.set(WorkspaceId.valueOf(settings.workspace));
        } catch (IllegalArgumentException | NullPointerException e) {
            this.workspace.set(WorkspaceId.MODELS);
        }
        this.threads.set("Engine threads: " + settings.engineThreads);
        executor.currentTaskProperty().addListener((obs, old, task) -> showTask(task));
        refreshHeap();
        if (store.lastProblem() != null) {
            statusMessage.set(store.lastProblem());
        }
    }

    private void showTask(TaskHandle task) {
        if (task == null) {
            taskRunning.set(false);
            taskTitle.set("");
            taskProgress.set(0);
            return;
        }
        taskRunning.set(true);
        String msg = task.message();
        taskTitle.set(msg == null || msg.isBlank() ? task.title() : task.title() + " — " + msg);
        taskProgress.set(task.progress());
    }

    /**
     * Shows what {@code host} holds in the status bar ({@link #loadedModelsProperty()}, with the checkpoints and
     * sessions in {@link #loadedModelsDetailProperty()}), now and after every open and close; the host's listener
     * runs on the thread that made the change and hands the update to {@code uiThread} (Platform::runLater).
     */
    public void showSessions(io.plmwb.engine.runtime.ModelSessions host, java.util.concurrent.Executor uiThread) {
        java.util.Objects.requireNonNull(host, "host");
        java.util.Objects.requireNonNull(uiThread, "uiThread");
        host.addListener(() -> {
            io.plmwb.engine.runtime.ModelSessions.Snapshot snap = host.snapshot();
            uiThread.execute(() -> showSessions(snap));
        });
        uiThread.execute(() -> showSessions(host.snapshot()));
    }

    private void showSessions(io.plmwb.engine.runtime.ModelSessions.Snapshot snap) {
        loadedModels.set(snap.summary());
        loadedModelsDetail.set(sessionsDetail(snap));
    }

    /** The tooltip of the loaded-models cell: each checkpoint, then each session's key, leases and bytes held. */
    static String sessionsDetail(io.plmwb.engine.runtime.ModelSessions.Snapshot snap) {
        if (snap.checkpoints().isEmpty()) {
            return "No checkpoint is open · " + snap.threads() + " engine threads";
        }
        StringBuilder b = new StringBuilder();
        for (io.plmwb.engine.runtime.ModelSessions.CheckpointState c : snap.checkpoints()) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(c.identity().path()).append(" (").append(c.modelType())
                    .append(c.synthetic() ? ", synthetic" : "").append(", ").append(c.nativeWeights()).append(", ")
                    .append(c.handles()).append(c.handles() == 1 ? " handle)" : " handles)");
            if (c.sessions().isEmpty()) {
                b.append("\n  no session");
            }
            for (io.plmwb.engine.runtime.ModelSessions.SessionState st : c.sessions()) {
                b.append("\n  ").append(st.key().describe()).append(": ").append(st.leases())
                        .append(st.leases() == 1 ? " lease" : " leases").append(", ")
                        .append(gib(st.heldBytes())).append(" (")
                        .append(st.heldBytes()).append(" bytes)");
            }
        }
        b.append("\nTotal ").append(gib(snap.heldBytes())).append(" in ")
                .append(snap.sessionCount()).append(snap.sessionCount() == 1 ? " session" : " sessions");
        return b.toString();
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    // ---- commands

    /** Switches workspace. */
    public void select(WorkspaceId id) {
        workspace.set(id);
        settings.workspace = id.name();
    }

    /** Switches between the light and the dark theme. */
    public void setDarkTheme(boolean isDark) {
        dark.set(isDark);
        settings.theme = isDark ? "dark" : "light";
        persist();
    }

    /** Cancels the running task shown in the status bar. */
    public void cancelCurrentTask() {
        TaskHandle t = executor.currentTaskProperty().get();
        if (t != null) {
            t.cancel();
        }
    }

    /** Re-reads heap usage (called once a second by the view). */
    public void refreshHeap() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        heap.set(String.format("Heap %,d / %,d MB", used >> 20, rt.maxMemory() >> 20));
    }

    /**
     * Opens a folder or file: recognises it off the FX thread, then routes it. Every failure reaches the user as a
     * message naming the path and the problem.
     */
    public void open(Path path) {
        open(path, true);
    }

    /**
     * Opens a path; with {@code showWorkspace} false the workspace that reads it is filled but not brought to the
     * front (used at start-up when another workspace was asked for).
     */
    public void open(Path path, boolean showWorkspace) {
        executor.execute(BackgroundTask.of("Open " + (path == null ? "" : path.getFileName()),
                ctx -> PathInspector.inspect(path))
                .onSuccess(t -> route(t, showWorkspace))
                .onFailure(e -> {
                    statusMessage.set("Could not open " + path);
                    dialogs.error("Cannot open " + path, e);
                    if (path != null && recent.contains(path.toAbsolutePath().normalize().toString())) {
                        settings.removeRecent(path.toAbsolutePath().normalize().toString());
                        recent.setAll(settings.recentFiles);
                        persist();
                    }
                }));
    }

    private void route(OpenTarget target, boolean showWorkspace) {
        openListener.accept(target.path());
        WorkspaceId shownIn = router.open(target);
        if (shownIn == null) {
            statusMessage.set(target.path().getFileName() + ": " + target.kind().description()
                    + " — no workspace reads this yet");
            dialogs.info("No workspace reads " + target.kind().description() + " files yet",
                    target.path() + " is a " + target.kind().description() + " (" + target.detail() + "). "
                            + "No workspace reads this kind of file.");
            return;
        }
        settings.addRecent(target.path().toString());
        recent.setAll(settings.recentFiles);
        persist();
        if (showWorkspace) {
            select(shownIn);
        }
        statusMessage.set("Opened " + target.path() + " — " + target.detail());
    }

    /** Called after a path is recognised (before routing); for tests. */
    public void setOpenListener(Consumer<Path> listener) {
        this.openListener = listener == null ? p -> { } : listener;
    }

    /** Records the window geometry (saved on {@link #persist()}). */
    public void rememberWindow(double x, double y, double w, double h, boolean maximized) {
        if (!maximized) {
            settings.windowX = x;
            settings.windowY = y;
            settings.windowWidth = w;
            settings.windowHeight = h;
        }
        settings.maximized = maximized;
    }

    /** Writes settings; a failure is shown in the status bar, never thrown. */
    public void persist() {
        try {
            store.save(settings);
        } catch (IOException e) {
            statusMessage.set("Could not save settings to " + store.file() + ": " + e.getMessage());
        }
    }

    /** Versions for the About dialog: app, Java, JavaFX, DJL, ONNX Runtime. */
    public Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>(EngineInfo.versions());
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("PLM Workbench", v.remove("PLM Workbench"));
        ordered.put("Java", v.remove("Java"));
        ordered.put("JavaFX", System.getProperty("javafx.runtime.version", "unknown"));
        ordered.putAll(v);
        return ordered;
    }

    /** Shows a one-line message in the status bar. */
    public void setStatus(String message) {
        statusMessage.set(message);
    }

    // ---- state

    public AppSettings settings() {
        return settings;
    }

    public ReadOnlyObjectProperty<WorkspaceId> workspaceProperty() {
        return workspace.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty darkThemeProperty() {
        return dark.getReadOnlyProperty();
    }

    /** Recent files, newest first (read-only view). */
    public ObservableList<String> recentFiles() {
        return recentView;
    }

    public ReadOnlyStringProperty statusMessageProperty() {
        return statusMessage.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty heapProperty() {
        return heap.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty threadsProperty() {
        return threads.getReadOnlyProperty();
    }

    /** The status-bar cell of the session host: what is loaded and the memory it holds. */
    public ReadOnlyStringProperty loadedModelsProperty() {
        return loadedModels.getReadOnlyProperty();
    }

    /** The cell's tooltip: checkpoints and sessions (key, leases, bytes). */
    public ReadOnlyStringProperty loadedModelsDetailProperty() {
        return loadedModelsDetail.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty taskTitleProperty() {
        return taskTitle.getReadOnlyProperty();
    }

    /** Progress of the running task in [0,1], negative while indeterminate. */
    public ReadOnlyDoubleProperty taskProgressProperty() {
        return taskProgress.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty taskRunningProperty() {
        return taskRunning.getReadOnlyProperty();
    }
}
