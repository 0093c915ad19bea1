package io.plmwb.views.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    private Path aside() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("settings.json.broken-")).findFirst()
                    .orElse(null);
        }
    }

    @Test
    void unusableFieldsAreReplacedFieldByFieldAndTheOriginalKeptAside() throws Exception {
        String original = "{\"theme\": \"dark\", \"recentFiles\": null, \"windowWidth\": 1500, "
                + "\"engineThreads\": -3}";
        Files.writeString(dir.resolve("settings.json"), original);
        SettingsStore store = new SettingsStore(dir);
        AppSettings s = store.load();
        assertEquals("dark", s.theme, "usable fields are kept");
        assertEquals(1500, s.windowWidth);
        assertEquals(List.of(), s.recentFiles, "a null list becomes the empty default, never null");
        assertTrue(s.engineThreads >= 1);
        assertTrue(store.lastProblem().contains("recentFiles") && store.lastProblem().contains("engineThreads"),
                store.lastProblem());
        assertEquals(original, Files.readString(aside()), "the original is kept aside byte for byte");
    }

    @Test
    void nullAndNulEntriesInTheRecentListAreDropped() throws Exception {
        Files.writeString(dir.resolve("settings.json"), "{\"recentFiles\": [null, \"/ok\", \"/a\\u0000b\", 7, \"\"]}");
        SettingsStore store = new SettingsStore(dir);
        AppSettings s = store.load();
        assertEquals(List.of("/ok"), s.recentFiles);
        assertTrue(store.lastProblem().contains("4 unusable entries in recentFiles"), store.lastProblem());
        assertNotNull(aside());
    }

    @Test
    void trailingGarbageIsNotAcceptedSilently() throws Exception {
        Files.writeString(dir.resolve("settings.json"), "{\"theme\": \"dark\"} garbage");
        SettingsStore store = new SettingsStore(dir);
        AppSettings s = store.load();
        assertEquals("light", s.theme);
        assertNotNull(store.lastProblem());
        assertEquals("{\"theme\": \"dark\"} garbage", Files.readString(aside()));
    }

    @Test
    void deepNestingAndHugeFilesGiveAProblemNotAnException() throws Exception {
        Files.writeString(dir.resolve("settings.json"), "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        SettingsStore deep = new SettingsStore(dir);
        assertEquals("light", deep.load().theme);
        assertNotNull(deep.lastProblem());
        Files.delete(aside());

        Files.write(dir.resolve("settings.json"), new byte[SettingsStore.MAX_BYTES + 1]);
        SettingsStore huge = new SettingsStore(dir);
        huge.load();
        assertTrue(huge.lastProblem().contains("more than a settings file holds"), huge.lastProblem());
    }

    @Test
    void whenTheOriginalCannotBeKeptAsideItIsNeverOverwritten() throws Exception {
        Files.writeString(dir.resolve("settings.json"), "{ broken");
        SettingsStore store = new SettingsStore(dir, (from, to) -> {
            throw new java.nio.file.AccessDeniedException(to.toString());
        });
        store.load();
        assertTrue(store.lastProblem().contains("could not be moved aside"), store.lastProblem());
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> store.save(new AppSettings()));
        assertTrue(e.getMessage().contains("settings.json"), e.getMessage());
        assertEquals("{ broken", Files.readString(dir.resolve("settings.json")));
    }

    @Test
    void everyFieldRoundTrips() throws Exception {
        SettingsStore store = new SettingsStore(dir);
        AppSettings s = new AppSettings();
        s.maximized = true;
        s.workspace = "SCHEDULES";
        s.engineThreads = 3;
        s.deviceBudgets = List.of("Pi=8");
        store.save(s);
        SettingsStore again = new SettingsStore(dir);
        AppSettings back = again.load();
        assertNull(again.lastProblem());
        assertTrue(back.maximized);
        assertEquals("SCHEDULES", back.workspace);
        assertEquals(3, back.engineThreads);
        assertEquals(List.of("Pi=8"), back.deviceBudgets);
        assertTrue(Double.isNaN(back.windowX), "an unset position stays unset");
        assertEquals(List.of("windowWidth", "windowHeight", "maximized", "theme", "workspace", "engineThreads",
                "recentFiles", "deviceBudgets"), SettingsStore.fieldNames());
    }
}
