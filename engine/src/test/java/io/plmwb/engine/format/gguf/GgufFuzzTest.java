package io.plmwb.engine.format.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.tokenizer.GgufTokenizer;
import io.plmwb.engine.checkpoint.GgufCheckpoint;
import io.plmwb.engine.fuzz.FuzzSupport;

/** Jazzer targets for the GGUF reader: header, metadata, tensor table, the model config and the vocabulary. */
class GgufFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void gguf(byte[] data) throws Exception {
        FuzzSupport.check(data, "model.gguf", file -> {
            try (GgufFile g = GgufFile.open(file)) {
                for (GgufTensor t : g.tensors().values()) {
                    if (t.type() == GgmlType.F32 && t.numel() <= 4096) {
                        g.dequantize(t.name());
                    }
                }
                try {
                    GgufCheckpoint.config(g);
                } finally {
                    GgufTokenizer.build(g);
                }
            }
        }, ModelFormatException.class);
    }
}
