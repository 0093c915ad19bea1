package io.plmwb.app.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the CLI tests that run the shared tiny-PLM fixture: each test gets a fresh graph cache in its temp folder
 * (so "first run compiles, second run hits the cache" can be asserted), restored afterwards.
 */
abstract class FixtureCommandTest {

    @TempDir
    Path dir;

    private String oldCache;

    @BeforeEach
    void cacheInTemp() {
        oldCache = System.getProperty("plmwb.cache.dir");
        System.setProperty("plmwb.cache.dir", dir.resolve("graphs").toString());
    }

    @AfterEach
    void restoreCache() {
        if (oldCache == null) {
            System.clearProperty("plmwb.cache.dir");
        } else {
            System.setProperty("plmwb.cache.dir", oldCache);
        }
    }

    /** ../shared/fixtures/gguf. */
    static Path fixture() {
        return Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf");
    }

    /** The fixture's HF checkpoint folder. */
    static String hf() {
        return fixture().resolve("hf").toString();
    }
}
