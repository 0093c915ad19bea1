package io.plmwb.experiments.logs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plmwb.engine.fuzz.FuzzSupport;
import java.io.IOException;
import java.nio.file.Path;

/** Jazzer targets for every training-log reader, each under the file name its reader expects. */
class LogReadersFuzzTest {

    private static void read(Path file) throws IOException, LogFormatException {
        TrainingLog log = TrainingLogs.read(file);
        if (log.rows() <= 0 || !log.hasColumn(TrainingLog.STEP)) {
            throw new AssertionError("an empty log came back from " + file);
        }
        double[] steps = log.steps();
        for (int i = 1; i < steps.length; i++) {
            if (!(steps[i] > steps[i - 1])) {
                throw new AssertionError("steps do not ascend at row " + i + " of " + file);
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void tfevents(byte[] data) throws Exception {
        FuzzSupport.check(data, "events.out.tfevents.1700000000.host", LogReadersFuzzTest::read,
                LogFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void csv(byte[] data) throws Exception {
        FuzzSupport.check(data, "training_log.csv", LogReadersFuzzTest::read, LogFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void tsv(byte[] data) throws Exception {
        FuzzSupport.check(data, "metrics.tsv", LogReadersFuzzTest::read, LogFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void jsonl(byte[] data) throws Exception {
        FuzzSupport.check(data, "metrics.jsonl", LogReadersFuzzTest::read, LogFormatException.class);
    }

    @FuzzTest(maxDuration = "2m")
    void trainerState(byte[] data) throws Exception {
        FuzzSupport.check(data, "trainer_state.json", LogReadersFuzzTest::read, LogFormatException.class);
    }
}
