package io.plmwb.views.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@code settings.json} in the user's config folder ({@code $XDG_CONFIG_HOME/plm-workbench}, else
 * {@code ~/.config/plm-workbench}; {@code -Dplmwb.config.dir} overrides). Writes are atomic (temp file, then move),
 * and a settings file that cannot be parsed is kept aside as {@code settings.json.broken-<time>}, never overwritten.
 */
public final class SettingsStore {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private String lastProblem;

    public SettingsStore(Path folder) {
        this.file = folder.resolve("settings.json");
    }

    /** The store in the default config folder. */
    public static SettingsStore defaultStore() {
        return new SettingsStore(defaultFolder());
    }

    /** The default config folder. */
    public static Path defaultFolder() {
        String override = System.getProperty("plmwb.config.dir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("plm-workbench");
    }

    public Path file() {
        return file;
    }

    /** A problem met while loading, for the user to see once, or null. */
    public String lastProblem() {
        return lastProblem;
    }

    /** Loads settings; defaults when there is no file or it is broken (the broken file is kept aside). */
    public AppSettings load() {
        lastProblem = null;
        if (!Files.isRegularFile(file)) {
            return new AppSettings();
        }
        try {
            AppSettings s = JSON.readValue(file.toFile(), AppSettings.class);
            return s == null ? new AppSettings() : s;
        } catch (IOException e) {
            Path aside = file.resolveSibling("settings.json.broken-" + Instant.now().toEpochMilli());
            try {
                Files.move(file, aside);
                lastProblem = "Settings file " + file + " could not be read (" + e.getMessage().lines().findFirst().orElse("unreadable")
                        + "); it was kept as " + aside.getFileName() + " and defaults are used.";
            } catch (IOException moveFailed) {
                lastProblem = "Settings file " + file + " could not be read and could not be moved aside: "
                        + moveFailed.getMessage();
            }
            LOG.warn(lastProblem);
            return new AppSettings();
        }
    }

    /** Writes settings atomically. */
    public void save(AppSettings settings) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "settings", ".json.tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), settings);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
