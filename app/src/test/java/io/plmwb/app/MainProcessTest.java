package io.plmwb.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real entry point in its own JVM: a command line far longer than the ~3.7 KB that used to end the JVM with
 * SIGSEGV inside ONNX Runtime's environment creation (exit 139, no message) runs to a clean answer.
 */
class MainProcessTest {

    @TempDir
    Path dir;

    @Test
    void aHundredKilobytePromptGetsACleanAnswerNotASegfault() throws Exception {
        Path model = Path.of("..", "datasets", "models", "plm-nano").toAbsolutePath().normalize();
        String prompt = "And God said ".repeat(100_000 / 13 + 1);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Dai.djl.default_engine=OnnxRuntime",
                "-Duser.home=" + dir, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "generate", "--model", model.toString(), "--max-tokens", "1", "--threads", "1", "--prompt", prompt));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the CLI finished");
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("the prompt has") && out.contains("context limit"), out);
    }
}
