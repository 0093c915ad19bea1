package io.plmwb.engine.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.fuzz.FuzzSupport;

/** Jazzer targets for tokenizer.json and tokenizer_config.json. */
class TokenizerFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void tokenizerJson(byte[] data) throws Exception {
        FuzzSupport.check(data, "tokenizer.json", file -> {
            try (PlmTokenizer t = PlmTokenizer.load(file)) {
                t.encode("Hello world");
            }
        }, ModelFormatException.class);
    }
}
