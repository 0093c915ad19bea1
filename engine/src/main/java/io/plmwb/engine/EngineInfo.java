package io.plmwb.engine;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;

/** Versions of the runtime pieces as actually loaded (not as declared in a build file). */
public final class EngineInfo {

    private EngineInfo() {
    }

    /** DJL's version from its jar. */
    public static String djlVersion() {
        try {
            return Engine.getDjlVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** The ONNX Runtime native library's own version (loads it on first call). */
    public static String onnxRuntimeVersion() {
        try {
            return io.plmwb.engine.Ort.environment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** The workbench's own version, from the build. */
    public static String appVersion() {
        try (java.io.InputStream in = EngineInfo.class.getResourceAsStream("version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** Java runtime version and vendor. */
    public static String javaVersion() {
        return System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                + System.getProperty("java.vendor", "?") + ")";
    }

    /** Engine-side versions, in display order. */
    public static Map<String, String> versions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PLM Workbench", appVersion());
        m.put("Java", javaVersion());
        m.put("DJL", djlVersion());
        m.put("ONNX Runtime", onnxRuntimeVersion());
        return m;
    }
}
