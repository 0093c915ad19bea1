package io.plmwb.views.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsGeometryThemeAndRecentFiles() throws Exception {
        SettingsStore store = new SettingsStore(dir.resolve("cfg"));
        AppSettings s = store.load();
        assertEquals(1280, s.windowWidth);
        s.windowX = 40;
        s.windowY = 50;
        s.windowWidth = 1500;
        s.theme = "dark";
        s.addRecent("/a");
        s.addRecent("/b");
        s.addRecent("/a");
        store.save(s);
        AppSettings back = new SettingsStore(dir.resolve("cfg")).load();
        assertEquals(40, back.windowX);
        assertEquals(1500, back.windowWidth);
        assertEquals("dark", back.theme);
        assertEquals(List.of("/a", "/b"), back.recentFiles);
        try (Stream<Path> files = Files.list(dir.resolve("cfg"))) {
            assertEquals(List.of("settings.json"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temp files left behind");
        }
    }

    @Test
    void recentListIsCapped() {
        AppSettings s = new AppSettings();
        for (int i = 0; i < 25; i++) {
            s.addRecent("/f" + i);
        }
        assertEquals(AppSettings.MAX_RECENT, s.recentFiles.size());
        assertEquals("/f24", s.recentFiles.get(0));
    }

    @Test
    void brokenFileIsKeptAsideNotOverwritten() throws Exception {
        Files.writeString(dir.resolve("settings.json"), "{ this is not json");
        SettingsStore store = new SettingsStore(dir);
        AppSettings s = store.load();
        assertEquals("light", s.theme);
        assertNotNull(store.lastProblem());
        try (Stream<Path> files = Files.list(dir)) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("settings.json.broken-"))
                    .findFirst().orElseThrow();
            assertEquals("{ this is not json", Files.readString(aside));
        }
        store.save(s);
        assertTrue(Files.readString(dir.resolve("settings.json")).contains("\"theme\""));
        assertNull(new SettingsStore(dir).lastProblem());
    }
}
