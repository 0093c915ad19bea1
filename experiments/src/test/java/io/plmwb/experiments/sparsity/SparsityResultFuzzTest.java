package io.plmwb.experiments.sparsity;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.fuzz.FuzzSupport;

/** Jazzer target for saved sparsity results. */
class SparsityResultFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void result(byte[] data) throws Exception {
        FuzzSupport.check(data, "result.sparsity.json", SparsityResultFile::read,
                SparsityResultFile.BadResultFileException.class);
    }
}
