package io.plmwb.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while the CLI is generating: the running graph call finishes, the sessions are closed before ONNX
 * Runtime's environment goes away, the JVM exits 143 with a one-line message, no crash report.
 */
class ShutdownProcessTest {

    @TempDir
    Path dir;

    /** The generated text so far (stdout: nothing but the tokens). */
    private static String generated(Path out) throws java.io.IOException {
        return Files.readString(out, StandardCharsets.UTF_8).strip();
    }

    @Test
    void sigtermDuringGenerateClosesTheSessionsAndExits143() throws Exception {
        Path model = Path.of("..", "datasets", "models", "plm-nano").toAbsolutePath().normalize();
        Path out = dir.resolve("out.txt"); // the generated text streams to stdout
        Path err = dir.resolve("err.txt"); // progress and messages to stderr
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Dai.djl.default_engine=OnnxRuntime",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "generate", "--model", model.toString(), "--prompt", "And God said",
                "--max-tokens", "250", "--temperature", "0.8", "--threads", "1")
                .directory(dir.toFile()).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive() && generated(out).length() < 10) {
            Thread.sleep(50); // wait until tokens stream
        }
        assertTrue(p.isAlive(), "still generating when signalled (exit " + (p.isAlive() ? "" : p.exitValue())
                + "): " + Files.readString(out));
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exited after SIGTERM");
        String text = Files.readString(out, StandardCharsets.UTF_8) + "\n" + Files.readString(err,
                StandardCharsets.UTF_8);
        assertEquals(143, p.exitValue(), text);
        assertTrue(text.contains("SIGTERM: closed 1 ONNX Runtime session(s)"), text);
        assertFalse(text.contains("SIGSEGV") || text.contains("A fatal error"), text);
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.startsWith("hs_err")), names.toString());
        }
    }
}
