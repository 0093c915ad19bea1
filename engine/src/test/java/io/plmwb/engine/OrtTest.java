package io.plmwb.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OrtTest {

    @Test
    void theEnvironmentLeavesNoDebugLogInTheTempFolder() {
        assertSame(Ort.environment(), Ort.environment());
        assertFalse(Files.exists(Ort.debugLog()), Ort.debugLog() + " was left behind");
    }

    @Test
    void aFreshProcessLeavesNothingInItsTempFolder(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        ProcessBuilder p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Dai.djl.offline=true", "-Duser.home=" + System.getProperty("user.home"),
                "-cp", System.getProperty("java.class.path"), OrtTest.class.getName() + "$Child")
                .redirectErrorStream(true).redirectOutput(tmp.resolveSibling(tmp.getFileName() + ".out").toFile());
        p.environment().put("TMPDIR", tmp.toString());
        Process run = p.start();
        assertTrue(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(run.exitValue() == 0, Files.readString(tmp.resolveSibling(tmp.getFileName() + ".out")));
        try (var files = Files.list(tmp)) {
            assertTrue(files.toList().isEmpty(), "left in the temp folder: " + Files.list(tmp).toList());
        }
    }

    /** Creates the environment in a child JVM. */
    public static final class Child {
        public static void main(String[] args) {
            Ort.environment();
        }
    }

    @Test
    void nativeLibrariesComeFromTheCacheNotATempCopy() {
        Ort.environment();
        String dir = System.getProperty(Ort.NATIVE_PATH_PROPERTY);
        assertTrue(dir != null && dir.contains("plm-workbench"), "ORT loads its natives from " + dir);
        assertTrue(Files.isRegularFile(Path.of(dir, System.mapLibraryName("onnxruntime"))));
        assertTrue(Files.isRegularFile(Path.of(dir, System.mapLibraryName("onnxruntime4j_jni"))));
    }
}
