package io.plmwb.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.views.kvcache.KvCacheViewModel;
import io.plmwb.views.settings.SettingsStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.util.WaitForAsyncUtils;

/** The KV Cache workspace headless: measure plm-nano, switch to the PLM-1.8B preset, edit device budgets. */
class KvCacheWorkspaceTest extends WorkspaceTestBase {

    @BeforeAll
    static void start() throws Exception {
        launch(false);
    }

    @Test
    void measureThenPresetThenBudgets() throws Exception {
        Path nano = Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models", "plm-nano")
                .toAbsolutePath();
        ROBOT.interact(() -> app.mainModel().open(nano));
        ROBOT.clickOn("#rail-kv_cache");
        KvCacheViewModel vm = app.kvModel();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.canMeasureProperty().get());
        assertTrue(vm.headlineProperty().get().startsWith("plm-nano"), vm.headlineProperty().get());
        // plm-nano: 6 layers × (64 + 16) latent values × 2 B (bf16) = 960 B/token
        assertEquals("960 B", vm.layoutRows().get(0).bytesPerToken());
        ROBOT.interact(() -> vm.contextProperty().set(300));
        ROBOT.interact(vm::measure); // the button is below the fold of the test window
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> !vm.measuringProperty().get()
                && !vm.measuredRows().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(MESSAGES.isEmpty(), "no error dialogs: " + MESSAGES);
        // latent and expanded, 6 layers each; fp32 latent per layer at 300 tokens: 80 × 4 × 300 = 96,000 B
        assertEquals(12, vm.measuredRows().size());
        assertTrue(vm.measuredRows().stream().allMatch(KvCacheViewModel.MeasuredRow::matches));
        assertEquals("96,000 B", vm.measuredRows().get(0).measured());
        assertFalse(vm.mismatchProperty().get());
        assertTrue(vm.measureStatusProperty().get().contains("match"), vm.measureStatusProperty().get());

        ROBOT.interact(() -> {
            vm.sourceProperty().set("plm-1.8b");
            vm.contextProperty().set(4096);
        });
        assertFalse(vm.canMeasureProperty().get(), "a preset has no weights to measure");
        assertEquals("36,864 B", vm.layoutRows().get(0).bytesPerToken());
        assertEquals("327,680 B", vm.layoutRows().get(1).bytesPerToken());
        assertEquals("144.0 MiB", vm.layoutRows().get(0).atContext());
        assertEquals("1.25 GiB", vm.layoutRows().get(1).atContext());

        ROBOT.interact(() -> assertTrue(vm.addBudget("nonsense").contains("NAME=SIZE")));
        ROBOT.interact(() -> assertEquals("", vm.addBudget("Edge box=3.5GiB")));
        assertEquals(5, vm.deviceRows().size());
        // 3.5 GiB cannot hold 3.40 GiB of bf16 weights plus the 256 MiB workspace floor
        assertEquals("weights do not fit", vm.deviceRows().get(4).latent());
        List<String> saved = new SettingsStore(configDir).load().deviceBudgets;
        assertEquals(5, saved.size());
        assertEquals("Edge box=3.5GiB", saved.get(4));
        ROBOT.interact(vm::resetBudgets);
        assertEquals(4, vm.deviceRows().size());
    }
}
