package io.plmwb.views.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.graph.GraphCache;
import io.plmwb.engine.runtime.MemoryGuard;
import io.plmwb.engine.runtime.ModelHandle;
import io.plmwb.engine.runtime.ModelSessions;
import io.plmwb.engine.runtime.SessionLease;
import io.plmwb.engine.runtime.SessionSpec;
import io.plmwb.views.common.FxTaskExecutor;
import io.plmwb.views.settings.AppSettings;
import io.plmwb.views.settings.SettingsStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status bar's loaded-models cell follows the session host, through the UI executor it is given. */
class MainViewModelSessionsTest {

    private static final Path HF = Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf", "hf");

    @TempDir
    Path dir;

    private FxTaskExecutor executor;
    private ModelSessions host;
    private MainViewModel vm;
    /** Updates handed to the "FX thread"; run when the test says so. */
    private final List<Runnable> pending = new ArrayList<>();

    @BeforeEach
    void setUp() {
        executor = new FxTaskExecutor(1);
        host = new ModelSessions(2, new GraphCache(dir.resolve("graphs")), MemoryGuard.system());
        vm = new MainViewModel(new SettingsStore(dir.resolve("config")), new AppSettings(), executor, t -> null,
                new io.plmwb.views.common.DialogService() {
                    @Override
                    public void show(UserMessage message) {
                        throw new AssertionError("unexpected message: " + message);
                    }

                    @Override
                    public boolean confirm(String headline, String question) {
                        throw new AssertionError("unexpected question: " + question);
                    }
                });
        vm.showSessions(host, pending::add);
    }

    @AfterEach
    void tearDown() {
        host.close();
        executor.close();
    }

    private void runPending() {
        List<Runnable> now = new ArrayList<>(pending);
        pending.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void theCellShowsWhatTheHostHoldsAfterEachOpenAndClose() throws Exception {
        assertEquals("no model loaded", vm.loadedModelsProperty().get(), "nothing until the UI thread runs");
        runPending();
        assertEquals("no model loaded · 2 threads", vm.loadedModelsProperty().get());
        assertEquals("No checkpoint is open · 2 engine threads", vm.loadedModelsDetailProperty().get());

        try (ModelHandle h = host.open(HF)) {
            assertTrue(!pending.isEmpty(), "opening notifies through the UI executor");
            assertEquals("no model loaded · 2 threads", vm.loadedModelsProperty().get(), "not before it runs");
            runPending();
            assertEquals(host.snapshot().summary(), vm.loadedModelsProperty().get());
            assertTrue(vm.loadedModelsProperty().get().startsWith("hf: 0 sessions (0 leases)"),
                    vm.loadedModelsProperty().get());
            try (SessionLease a = h.session(SessionSpec.defaults().withMode(CacheMode.EXPANDED));
                 SessionLease b = h.session(SessionSpec.defaults().withMode(CacheMode.EXPANDED))) {
                runPending();
                ModelSessions.Snapshot s = host.snapshot();
                assertEquals(s.summary(), vm.loadedModelsProperty().get());
                assertTrue(vm.loadedModelsProperty().get().startsWith("hf: 1 session (2 leases), ~"),
                        vm.loadedModelsProperty().get());
                ModelSessions.SessionState st = s.checkpoints().get(0).sessions().get(0);
                String detail = vm.loadedModelsDetailProperty().get();
                assertTrue(detail.startsWith(HF.toAbsolutePath().normalize() + " (plm, f32, 1 handle)"), detail);
                assertTrue(detail.contains("\n  expanded · f32 · ctx 256 · 2 threads: 2 leases, "), detail);
                assertTrue(detail.contains("(" + st.heldBytes() + " bytes)"), detail);
                assertTrue(st.heldBytes() > 0);
                assertEquals(a.key(), b.key());
            }
            runPending();
            assertTrue(vm.loadedModelsProperty().get().startsWith("hf: 0 sessions (0 leases)"),
                    vm.loadedModelsProperty().get());
            assertTrue(vm.loadedModelsDetailProperty().get().endsWith("\n  no session\nTotal 0.00 GiB in 0 sessions"),
                    vm.loadedModelsDetailProperty().get());
        }
        runPending();
        assertEquals("no model loaded · 2 threads", vm.loadedModelsProperty().get());
    }
}
