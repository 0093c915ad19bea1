package io.plmwb.engine;

import ai.onnxruntime.OrtEnvironment;
import io.plmwb.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The process's ONNX Runtime environment, created once, leaving nothing in the system temp folder:
 * <ul>
 *   <li>ORT's Java loader copies its two native libraries into a new {@code onnxruntime-java*} folder of the temp
 *   folder on every start and leaves the folder behind; {@link #prepareNatives()} extracts them once into
 *   {@code ~/.cache/plm-workbench/native/onnxruntime-<version>-<platform>} (re-extracted when the size differs) and
 *   points ORT at them with its documented {@code onnxruntime.native.path} property;</li>
 *   <li>the native library's telemetry layer creates an empty {@code mat-debug-<pid>.log} in {@code $TMPDIR} (else
 *   {@code /tmp}) and, when none is there, a {@code .ses} session-id file when the environment is created, and
 *   never removes them; both are removed right after creation (the log when empty, the session file when this
 *   process created it).</li>
 * </ul>
 */
public final class Ort {

    private static volatile OrtEnvironment environment;

    private Ort() {
    }

    /** The environment (created on first call, then the temp-folder litter removed). */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env == null) {
            synchronized (Ort.class) {
                env = environment;
                if (env == null) {
                    prepareNatives();
                    boolean hadSession = Files.exists(sessionFile());
                    // DJL's engine creates the environment with its thread-pool options; it must come first
                    ai.djl.engine.Engine.getEngine("OnnxRuntime");
                    env = OrtEnvironment.getEnvironment();
                    removeLitter(!hadSession);
                    environment = env;
                }
            }
        }
        return env;
    }

    /** ORT's property naming a folder that holds its native libraries. */
    public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

    /**
     * Extracts ORT's native libraries into the workbench's cache once and sets {@value #NATIVE_PATH_PROPERTY}, unless
     * it is set already; must run before the first ORT class loads. Best effort: on any failure ORT's own loader is
     * left to do its usual extraction.
     */
    public static synchronized void prepareNatives() {
        if (System.getProperty(NATIVE_PATH_PROPERTY) != null) {
            return;
        }
        String platform = platform();
        if (platform == null) {
            return;
        }
        String version = Optional.ofNullable(OrtEnvironment.class.getPackage())
                .map(Package::getImplementationVersion).orElse("unknown");
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "plm-workbench", "native",
                "onnxruntime-" + version.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + platform);
        try {
            for (String lib : List.of("onnxruntime", "onnxruntime4j_jni")) {
                String name = System.mapLibraryName(lib);
                URL url = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + name);
                if (url == null) {
                    return;
                }
                URLConnection c = url.openConnection();
                long length = c.getContentLengthLong();
                Path target = dir.resolve(name);
                if (length > 0 && Files.isRegularFile(target) && Files.size(target) == length) {
                    continue;
                }
                try (InputStream in = c.getInputStream()) {
                    AtomicFiles.write(target, true, out -> in.transferTo(out));
                }
            }
            System.setProperty(NATIVE_PATH_PROPERTY, dir.toString());
        } catch (IOException | RuntimeException e) {
            // ORT extracts into the temp folder itself
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("nux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win" : null;
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
                : arch.startsWith("aarch64") ? "aarch64" : null;
        return o == null || a == null ? null : o + "-" + a;
    }

    private static Path nativeTemp() {
        String tmp = System.getenv("TMPDIR");
        return tmp != null && !tmp.isBlank() ? Path.of(tmp) : Path.of("/tmp");
    }

    /** The debug log ONNX Runtime's telemetry layer creates for this process. */
    static Path debugLog() {
        return nativeTemp().resolve("mat-debug-" + ProcessHandle.current().pid() + ".log");
    }

    /** The session-id file the telemetry layer creates in the temp folder when it is not there. */
    static Path sessionFile() {
        return nativeTemp().resolve(".ses");
    }

    private static void removeLitter(boolean sessionFileIsOurs) {
        try {
            Path log = debugLog();
            if (Files.isRegularFile(log) && Files.size(log) == 0) {
                Files.delete(log);
            }
            if (sessionFileIsOurs) {
                Files.deleteIfExists(sessionFile());
            }
        } catch (IOException | SecurityException e) {
            // best effort: a file we cannot remove is left as the library made it
        }
    }
}
