package io.plmwb.app.gui;

import io.plmwb.experiments.open.OpenTarget;
import io.plmwb.views.common.CurrentModel;
import io.plmwb.views.common.FxTaskExecutor;
import io.plmwb.views.kvcache.KvCacheView;
import io.plmwb.views.kvcache.KvCacheViewModel;
import io.plmwb.views.latency.LatencyView;
import io.plmwb.views.latency.LatencyViewModel;
import io.plmwb.views.models.ModelsView;
import io.plmwb.views.models.ModelsViewModel;
import io.plmwb.views.rounds.RoundsView;
import io.plmwb.views.rounds.RoundsViewModel;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.views.schedules.SchedulesView;
import io.plmwb.views.schedules.SchedulesViewModel;
import io.plmwb.views.settings.AppSettings;
import io.plmwb.views.settings.SettingsStore;
import io.plmwb.views.shell.MainView;
import io.plmwb.views.shell.MainViewModel;
import io.plmwb.views.common.Workspace;
import io.plmwb.views.shell.WorkspaceId;
import io.plmwb.views.sparsity.SparsityView;
import io.plmwb.views.sparsity.SparsityViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import javafx.application.Application;
import javafx.stage.Stage;

/** The desktop application: wires settings, the task executor, view models and views, then shows the window. */
public class WorkbenchApp extends Application {

    /** The default checkpoint the app opens on start (the bundled nano model), relative to the install folder. */
    static final String DEFAULT_MODEL = "datasets/models/plm-nano";
    /** The rounds the Refinement Rounds workspace shows first (generated with plm-nano), relative to the install. */
    static final String DEFAULT_ROUNDS = "datasets/rounds/plm-nano-demo.jsonl";

    private FxTaskExecutor executor;
    private MainViewModel mainModel;
    private MainView mainView;
    private SparsityViewModel sparsity;
    private KvCacheViewModel kv;
    private LatencyViewModel latency;
    private io.plmwb.engine.runtime.ModelSessions sessions;

    @Override
    public void start(Stage stage) {
        SettingsStore store = SettingsStore.defaultStore();
        AppSettings settings = store.load();
        executor = new FxTaskExecutor(2);
        CurrentModel current = new CurrentModel();
        // the one session host of the application: every workspace leases its models from it
        sessions = new io.plmwb.engine.runtime.ModelSessions(Math.max(1, settings.engineThreads),
                io.plmwb.engine.graph.GraphCache.atDefaultLocation(), io.plmwb.engine.runtime.MemoryGuard.system());
        ModelsViewModel models = new ModelsViewModel(executor, javafx.application.Platform::runLater,
                sessions, current, io.plmwb.views.common.Dialogs.service());
        sparsity = new SparsityViewModel(executor, current, settings.engineThreads,
                io.plmwb.views.common.Dialogs.service());
        RoundsViewModel rounds = new RoundsViewModel(executor, current,
                io.plmwb.views.common.Dialogs.service(), sessions);
        SchedulesViewModel schedules = new SchedulesViewModel(executor, bundledModels(),
                io.plmwb.views.common.Dialogs.service());
        latency = new LatencyViewModel(executor, current, settings.engineThreads, io.plmwb.views.common.Dialogs.service(),
                new io.plmwb.experiments.latency.LatencyStudy(sessions));
        MainViewModel.OpenRouter router = (OpenTarget target) -> switch (target.kind()) {
            case HF_CHECKPOINT -> {
                models.openCheckpoint(target.path());
                yield WorkspaceId.MODELS;
            }
            case SPARSITY_RESULT -> {
                sparsity.open(target.path());
                yield WorkspaceId.SPARSITY;
            }
            case ROUND_DATA -> {
                rounds.open(target.path());
                yield WorkspaceId.ROUNDS;
            }
            case TABLE, TENSORBOARD_EVENTS, JSON_DATA -> {
                if (!TrainingLogs.isLog(target.path())) {
                    yield null;
                }
                schedules.openLog(target.path()); // training logs: replayed in Schedules
                yield WorkspaceId.SCHEDULES;
            }
            case GGUF_MODEL -> {
                models.openCheckpoint(target.path());
                yield WorkspaceId.MODELS;
            }
            default -> null;
        };
        mainModel = new MainViewModel(store, settings, executor, router, io.plmwb.views.common.Dialogs.service());
        mainModel.showSessions(sessions, javafx.application.Platform::runLater);
        models.followRecent(mainModel.recentFiles());

        Map<WorkspaceId, Workspace> workspaces = new EnumMap<>(WorkspaceId.class);
        workspaces.put(WorkspaceId.MODELS, new ModelsView(models, mainModel::open));
        workspaces.put(WorkspaceId.SPARSITY, new SparsityView(sparsity));
        kv = new KvCacheViewModel(executor, current, sessions, settings.deviceBudgets,
                list -> {
                    settings.deviceBudgets = new java.util.ArrayList<>(list);
                    mainModel.persist();
                }, io.plmwb.views.common.Dialogs.service());
        workspaces.put(WorkspaceId.KV_CACHE, new KvCacheView(kv));
        workspaces.put(WorkspaceId.LATENCY, new LatencyView(latency));
        workspaces.put(WorkspaceId.SCHEDULES, new SchedulesView(schedules, executor));
        workspaces.put(WorkspaceId.ROUNDS, new RoundsView(rounds, mainModel::open));

        mainView = new MainView(mainModel, workspaces);
        mainView.load();
        mainView.attach(stage, executor::close);
        stage.show();
        var start = startWorkspace();
        start.ifPresent(mainModel::select);

        String roundsOption = System.getProperty("plmwb.rounds");
        if (roundsOption != null && !roundsOption.isBlank()) {
            // -Dplmwb.rounds=PATH[,PATH…]: compare these rounds (e.g. two AlpacaEval folders) from the start
            rounds.openAll(java.util.Arrays.stream(roundsOption.split(",")).map(String::strip).map(Path::of)
                    .toList());
        } else {
            Path demoRounds = initialRounds();
            if (demoRounds != null) {
                rounds.open(demoRounds);
            }
        }
        Path initial = initialModel();
        if (initial != null) {
            // the bundled model fills Models without taking the user away from the workspace they were in last time
            boolean restored = mainModel.workspaceProperty().get() != WorkspaceId.MODELS;
            mainModel.open(initial, start.isEmpty() && !restored);
        } else {
            models.showPreset("plm-1.8b");
            mainModel.setStatus("No bundled model found; showing the PLM-1.8B architecture. Open a checkpoint with Ctrl+O.");
        }
    }

    /** The workspace to show first: {@code -Dplmwb.workspace=SPARSITY} (a {@link WorkspaceId} name, any case). */
    static java.util.Optional<WorkspaceId> startWorkspace() {
        String name = System.getProperty("plmwb.workspace");
        if (name == null || name.isBlank()) {
            return java.util.Optional.empty();
        }
        for (WorkspaceId id : WorkspaceId.values()) {
            if (id.name().equalsIgnoreCase(name.strip().replace('-', '_'))) {
                return java.util.Optional.of(id);
            }
        }
        System.err.println("Unknown workspace '" + name + "' in -Dplmwb.workspace; starting on Models");
        return java.util.Optional.empty();
    }

    /** The bundled demo rounds, if present under {@code plmwb.home}. */
    static Path initialRounds() {
        String home = System.getProperty("plmwb.home");
        if (home != null) {
            Path p = Path.of(home).resolve(DEFAULT_ROUNDS);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** The bundled models folder (install folder's datasets/models), whose runs Schedules compares; or null. */
    static Path bundledModels() {
        String home = System.getProperty("plmwb.home");
        if (home != null) {
            Path p = Path.of(home).resolve("datasets/models");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /** The model to open at start: {@code -Dplmwb.open=PATH}, else the bundled default if it is there. */
    static Path initialModel() {
        String explicit = System.getProperty("plmwb.open");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getProperty("plmwb.home");
        if (home != null) {
            Path p = Path.of(home).resolve(DEFAULT_MODEL);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void stop() {
        if (sparsity != null) {
            sparsity.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (sessions != null) {
            sessions.close();
        }
    }

    /** For UI tests: the application's one session host. */
    public io.plmwb.engine.runtime.ModelSessions sessions() {
        return sessions;
    }

    /** For UI tests: the task executor. */
    public FxTaskExecutor executor() {
        return executor;
    }

    /** For UI tests: the KV Cache workspace's view model. */
    public KvCacheViewModel kvModel() {
        return kv;
    }

    /** For UI tests: the Sparsity view model. */
    public SparsityViewModel sparsityModel() {
        return sparsity;
    }

    /** For UI tests: the Latency workspace's view model. */
    public LatencyViewModel latencyModel() {
        return latency;
    }

    /** For UI tests: the main view model once started. */
    public MainViewModel mainModel() {
        return mainModel;
    }
}
