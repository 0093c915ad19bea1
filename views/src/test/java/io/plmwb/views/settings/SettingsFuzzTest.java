package io.plmwb.views.settings;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.fuzz.FuzzSupport;
import java.nio.file.Files;

/**
 * Jazzer target for settings.json: loading never throws; a file that is not used as is is kept aside (never
 * deleted) and named in {@link SettingsStore#lastProblem()}; what was loaded can be saved and read again.
 */
class SettingsFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void settings(byte[] data) throws Exception {
        FuzzSupport.check(data, "settings.json", file -> {
            SettingsStore store = new SettingsStore(file.getParent());
            AppSettings s = store.load();
            if (s == null) {
                throw new AssertionError("load() returned null");
            }
            long files;
            try (var l = Files.list(file.getParent())) {
                files = l.count();
            }
            if (store.lastProblem() != null && !store.lastProblem().contains("settings.json")) {
                throw new AssertionError("the problem does not name the file: " + store.lastProblem());
            }
            if (files < 1) {
                throw new AssertionError("settings.json vanished");
            }
            store.save(s);
            new SettingsStore(file.getParent()).load();
        });
    }
}
