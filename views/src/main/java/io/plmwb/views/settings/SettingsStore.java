package io.plmwb.views.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.plmwb.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@code settings.json} in the user's config folder ({@code $XDG_CONFIG_HOME/plm-workbench}, else
 * {@code ~/.config/plm-workbench}; {@code -Dplmwb.config.dir} overrides). Writes are atomic. The file is validated
 * field by field: a field that is missing takes its default; a field that is unusable (wrong type, out of range, a
 * NUL in a path, …), trailing text after the object, a file over {@value #MAX_BYTES} bytes or one that does not parse
 * means the original is not used as it is, so it is kept aside as {@code settings.json.broken-<time>} and the usable
 * fields are kept. If it cannot be moved aside, the store never writes over it.
 */
public final class SettingsStore {

    /** Largest settings file read (a real one is well under 10 KB). */
    public static final int MAX_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                .maxStringLength(64 * 1024).build());
        JSON.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /** Moves a file aside (a seam for tests: a failing file system). */
    @FunctionalInterface
    interface Mover {
        void move(Path from, Path to) throws IOException;
    }

    private final Path file;
    private final Mover mover;
    private String lastProblem;
    private boolean protectOriginal;

    public SettingsStore(Path folder) {
        this(folder, (from, to) -> Files.move(from, to));
    }

    SettingsStore(Path folder, Mover mover) {
        this.file = folder.resolve("settings.json");
        this.mover = mover;
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

    /**
     * Loads settings: defaults when there is no file; the usable fields of a file that is partly unusable (the
     * original kept aside); defaults when it does not parse (kept aside too).
     */
    public AppSettings load() {
        lastProblem = null;
        protectOriginal = false;
        if (!Files.exists(file)) {
            return new AppSettings();
        }
        List<String> problems = new ArrayList<>();
        AppSettings s = new AppSettings();
        try {
            if (!Files.isRegularFile(file)) {
                throw new IOException("it is not a regular file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new IOException(String.format(Locale.ROOT, "%,d bytes is more than a settings file holds "
                        + "(at most %,d)", size, MAX_BYTES));
            }
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new IOException("it is not a JSON object");
            }
            s = SettingsFields.read(root, problems);
        } catch (IOException | RuntimeException e) {
            problems.add(firstLine(e));
            s = new AppSettings();
        }
        if (!problems.isEmpty()) {
            keepAside(problems);
        }
        return s;
    }

    private void keepAside(List<String> problems) {
        Path aside = file.resolveSibling("settings.json.broken-" + Instant.now().toEpochMilli());
        String what = String.join("; ", problems);
        try {
            mover.move(file, aside);
            lastProblem = "Settings file " + file + " was not usable as it is (" + what + "); it was kept as "
                    + aside.getFileName() + " and defaults are used for what could not be read.";
        } catch (IOException | RuntimeException moveFailed) {
            protectOriginal = true;
            lastProblem = "Settings file " + file + " was not usable as it is (" + what + ") and could not be moved "
                    + "aside (" + firstLine(moveFailed) + "); settings will not be saved over it this session.";
        }
        LOG.warn(lastProblem);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.lines().findFirst().orElse("unreadable");
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    /**
     * Writes settings atomically.
     *
     * @throws IOException writing failed, or the original file could not be kept aside at load and is protected
     */
    public void save(AppSettings settings) throws IOException {
        if (protectOriginal) {
            throw new IOException("settings not saved: " + file + " could not be kept aside and is left as it is");
        }
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(SettingsFields.write(settings));
        AtomicFiles.write(file, true, bytes);
    }

    /** The JSON field names, in writing order (for tests and the fuzz target). */
    static List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = SettingsFields.write(new AppSettings()).fields();
                it.hasNext();) {
            names.add(it.next().getKey());
        }
        return names;
    }
}
