package io.plmwb.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plmwb.engine.graph.CacheMode;
import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.runtime.LogitsRunner;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logits study on the shared 2-layer PLM fixture, against llama.cpp's F32 logits. */
class LogitsStudyTest {

    private static final int[] IDS = {300, 17, 42, 255, 0, 128, 64, 480, 3, 42, 511, 7};

    @TempDir
    Path dir;

    static Path fixture() {
        return Path.of(System.getProperty("plmwb.shared", "../shared"), "fixtures", "gguf").toAbsolutePath();
    }

    @Test
    void writesTheLogitsAndComparesWithLlamaCpp() throws Exception {
        Path out = dir.resolve("l.f32");
        Path ref = fixture().resolve("logits/llamacpp-F32.f32");
        LogitsReport r = new LogitsStudy().run(new LogitsStudy.Settings(fixture().resolve("hf"), IDS, null, false,
                out, false, ref, 1, "f32"), TaskContext.none());
        assertEquals(CacheMode.LATENT, r.mode(), "PLM defaults to the latent cache");
        assertEquals(12L * 512 * 4, Files.size(out));
        float[][] written = LogitsRunner.readF32(out, 512);
        int[] argmax = new int[written.length];
        for (int p = 0; p < written.length; p++) {
            for (int v = 1; v < 512; v++) {
                if (written[p][v] > written[p][argmax[p]]) {
                    argmax[p] = v;
                }
            }
        }
        assertArrayEquals(argmax, r.argmax());
        assertEquals(400, argmax[0]);
        assertTrue(r.compared().orElseThrow().maxAbsDiff() <= 1e-4);
        assertEquals(12, r.compared().orElseThrow().argmaxAgree());
        JsonNode j = r.toJson();
        assertEquals(12, j.get("positions").asInt());
        assertEquals(400, j.at("/argmax/0").asInt());
        assertEquals(ref.toAbsolutePath().normalize().toString(), j.at("/comparison/reference").asText());
        assertTrue(r.text().contains("argmax agree 12/12"), r.text());
    }

    @Test
    void refusesBadInputBeforeRunning() throws Exception {
        Path hf = fixture().resolve("hf");
        Path mine = Files.writeString(dir.resolve("mine.f32"), "user data");
        assertThrows(AtomicFiles.TargetExistsException.class, () -> new LogitsStudy().run(
                new LogitsStudy.Settings(hf, new int[] {1}, null, false, mine, false, null, 1, "f32"),
                TaskContext.none()));
        assertEquals("user data", Files.readString(mine));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LogitsStudy().run(
                new LogitsStudy.Settings(hf, new int[] {1, 512}, null, false, dir.resolve("x.f32"), false, null, 1,
                        "f32"), TaskContext.none()));
        assertTrue(e.getMessage().contains("512"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LogitsStudy.Settings(hf, new int[] {1}, null, false,
                dir.resolve("x.f32"), false, null, 1, "q3"));
    }
}
