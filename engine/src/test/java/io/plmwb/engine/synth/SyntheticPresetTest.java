package io.plmwb.engine.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.checkpoint.CheckpointLayout;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.format.SafetensorsCheckpoint;
import io.plmwb.engine.model.ModelConfig;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real plm-1.8b preset cut to one layer: a 717 MB bf16 file, written and validated. */
class SyntheticPresetTest {

    @TempDir
    Path dir;

    @Test
    void plm18bOneLayer() throws Exception {
        ModelConfig preset = Presets.byName("plm-1.8b").orElseThrow();
        Path out = dir.resolve("plm-1l");
        long t0 = System.nanoTime();
        ModelConfig c = SyntheticCheckpoint.write(preset, out, 1, 2024, TaskContext.none());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("plm-1.8b, 1 layer: wrote %d bytes in %.1f s%n", Files.size(out.resolve(
                "model.safetensors")), seconds);
        long params = 311_164_928L + 47_321_600L + 2048L; // plm.md: embedding + one layer + final norm
        assertEquals(params, ArchitectureSummary.of(c).total());
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            CheckpointLayout.validate(ck, ConfigLoader.load(out));
            assertEquals(11, ck.names().size());
            assertEquals(Files.size(out.resolve("model.safetensors")),
                    ck.files().get(0).fileOffset("model.embed_tokens.weight") + 2 * params);
            float[] row = ck.readFloats("model.embed_tokens.weight", 151935L * 2048, 2048); // last (padding) row
            double ss = 0;
            for (float v : row) {
                ss += v * v;
            }
            assertEquals(0.02, Math.sqrt(ss / row.length), 0.002);
        }
        assertTrue(seconds < 60, "took " + seconds + " s");
    }
}
