package io.plmwb.engine.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.fuzz.FuzzSupport;
import java.nio.file.Files;

/** Jazzer targets for the safetensors header and the sharded-checkpoint index. */
class SafetensorsFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void header(byte[] data) throws Exception {
        FuzzSupport.check(data, "model.safetensors", file -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                for (String n : f.names()) {
                    TensorInfo t = f.info(n).orElseThrow();
                    if (t.numel() <= 4096) {
                        f.readFloats(n);
                    }
                }
            }
        }, ModelFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void index(byte[] data) throws Exception {
        FuzzSupport.check(data, "model.safetensors.index.json", file -> {
            Files.write(file.resolveSibling("model-00001-of-00001.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0,
                '{', '}', ' ', ' ', ' ', ' ', ' ', ' '});
            try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(file)) {
                c.names();
            }
        }, ModelFormatException.class);
    }
}
