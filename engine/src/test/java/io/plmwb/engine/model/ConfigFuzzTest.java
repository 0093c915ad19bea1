package io.plmwb.engine.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.format.ModelFormatException;
import io.plmwb.engine.checkpoint.ConfigLoader;
import io.plmwb.engine.fuzz.FuzzSupport;

/** Jazzer target for config.json. */
class ConfigFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void config(byte[] data) throws Exception {
        FuzzSupport.check(data, "config.json", ConfigLoader::load, ModelFormatException.class);
    }
}
