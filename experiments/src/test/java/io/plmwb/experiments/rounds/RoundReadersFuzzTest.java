package io.plmwb.experiments.rounds;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.fuzz.FuzzSupport;

/** Jazzer targets for the round importers: AlpacaEval, Arena-Hard and the native rounds JSONL. */
class RoundReadersFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void alpacaModelOutputs(byte[] data) throws Exception {
        FuzzSupport.check(data, "model_outputs.json", AlpacaEvalImporter::readModelOutputs,
                RoundFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void alpacaAnnotations(byte[] data) throws Exception {
        FuzzSupport.check(data, "annotations.json", AlpacaEvalImporter::roundFromAnnotations,
                RoundFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void arenaHard(byte[] data) throws Exception {
        FuzzSupport.check(data, "model-a.jsonl", ArenaHardImporter::read, RoundFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void nativeRounds(byte[] data) throws Exception {
        FuzzSupport.check(data, "rounds.jsonl", NativeRoundsFormat::read, RoundFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void sniffAndRead(byte[] data) throws Exception {
        FuzzSupport.check(data, "rounds.jsonl", file -> RoundImporters.read(file, null), RoundFormatException.class);
    }
}
