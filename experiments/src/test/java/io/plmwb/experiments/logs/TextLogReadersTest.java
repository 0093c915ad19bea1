package io.plmwb.experiments.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextLogReadersTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void wideCsvWithGapsTextColumnsAndABadLine() throws Exception {
        Path f = write("run.csv", "step,tokens,lr,train_loss,phase\n1,4096,1e-4,8.5,warmup\n2,8192,2e-4,,warmup\n"
                + "3,12288,3e-4,7.9\n4,16.384k,3e-4,abc,stable\n\n5,20480,3e-4,7.5,stable\n");
        TrainingLog log = TrainingLogs.read(f);
        assertArrayEquals(new double[] {1, 2, 4, 5}, log.steps(), "line 4 has 4 cells and is skipped");
        assertArrayEquals(new double[] {4096, 8192, 16384, 20480}, log.column("tokens"));
        double[] loss = log.column("train_loss");
        assertEquals(8.5, loss[0]);
        assertTrue(Double.isNaN(loss[1]) && Double.isNaN(loss[2]), "empty and bad cells are gaps");
        assertEquals("lr", log.lrColumn().orElseThrow());
        assertEquals("train_loss", log.lossColumn().orElseThrow());
        assertEquals("tokens", log.tokensColumn().orElseThrow());
        assertEquals(java.util.List.of("phase"), log.textColumns());
        assertTrue(log.warnings().stream().anyMatch(w -> w.startsWith("line 4: 4 cells")), log.warnings().toString());
        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("line 5, column 'train_loss': 'abc'")),
                log.warnings().toString());
    }

    @Test
    void longExportsTsvAndResumedRuns() throws Exception {
        Path f = write("run-nano-tag-train_lr.csv", "Wall time,Step,Value\n1700000000.5,10,0.001\n"
                + "1700000001.5,20,0.002\n");
        TrainingLog log = TrainingLogs.read(f);
        assertEquals(java.util.List.of("wall_time", "train_lr"), log.metrics());
        assertArrayEquals(new double[] {0.001, 0.002}, log.column("train_lr"));
        assertEquals("train_lr", log.lrColumn().orElseThrow());

        Path t = write("log.tsv", "global_step\tlearning_rate\tloss\n1\t1\t5\n2\t2\t4\n3\t3\t3\n2\t20\t40\n3\t30\t30\n");
        TrainingLog tsv = TrainingLogs.read(t);
        assertEquals("tsv", tsv.format());
        assertArrayEquals(new double[] {1, 2, 3}, tsv.steps());
        assertArrayEquals(new double[] {1, 20, 30}, tsv.column("learning_rate"), "a resumed run's later values win");
    }

    @Test
    void badCsvsSayWhy() throws Exception {
        Path empty = write("e.csv", "");
        assertTrue(assertThrows(LogFormatException.class, () -> TrainingLogs.read(empty)).getMessage()
                .contains("no header"));
        Path header = write("h.csv", "step,lr\n");
        assertTrue(assertThrows(LogFormatException.class, () -> TrainingLogs.read(header)).getMessage()
                .contains("no data rows"));
        Path one = write("o.csv", "just one column\n1\n");
        assertTrue(assertThrows(LogFormatException.class, () -> TrainingLogs.read(one)).getMessage()
                .contains("line 1"));
    }

    @Test
    void jsonlPerStep() throws Exception {
        Path f = write("metrics.jsonl", "{\"step\": 1, \"lr\": 1e-4, \"train\": {\"loss\": 3.0}, \"tag\": \"a\"}\n"
                + "not json\n{\"step\": 2, \"lr\": 2e-4, \"train\": {\"loss\": 2.5}, \"val_loss\": 2.7}\n"
                + "{\"step\": 3, \"lr\": \"NaN\"}\n");
        TrainingLog log = TrainingLogs.read(f);
        assertEquals("jsonl", log.format());
        assertArrayEquals(new double[] {1, 2, 3}, log.steps());
        assertEquals(2.5, log.column("train/loss")[1]);
        assertTrue(Double.isNaN(log.column("lr")[2]));
        assertTrue(Double.isNaN(log.column("val_loss")[0]));
        assertEquals("train/loss", log.lossColumn().orElseThrow());
        assertEquals("val_loss", log.valLossColumn().orElseThrow());
        assertTrue(log.warnings().get(0).startsWith("line 2:"), log.warnings().toString());
    }

    @Test
    void trainerState() throws Exception {
        Path run = Files.createDirectories(dir.resolve("my-run"));
        Path f = run.resolve("trainer_state.json");
        Files.writeString(f, "{\"global_step\": 20, \"log_history\": [{\"epoch\": 0.5, \"learning_rate\": 5e-05, "
                + "\"loss\": 2.1, \"step\": 10}, {\"epoch\": 1.0, \"learning_rate\": 2.5e-05, \"loss\": 1.8, "
                + "\"step\": 20}, {\"epoch\": 1.0, \"eval_loss\": 1.9, \"step\": 20}]}");
        TrainingLog log = TrainingLogs.read(run);
        assertEquals("my-run", log.name());
        assertEquals("trainer_state", log.format());
        assertArrayEquals(new double[] {10, 20}, log.steps());
        assertArrayEquals(new double[] {5e-5, 2.5e-5}, log.column("learning_rate"));
        assertEquals(1.9, log.column("eval_loss")[1]);
        assertEquals("learning_rate", log.lrColumn().orElseThrow());
        Files.writeString(f, "{\"log_history\": [");
        assertTrue(assertThrows(LogFormatException.class, () -> TrainingLogs.read(f)).getMessage()
                .contains("not valid JSON"));
    }

    @Test
    void bundledCsvLog() throws Exception {
        TrainingLog log = TrainingLogs.read(TensorBoardEventReaderTest.models().resolve("plm-nano"));
        assertEquals("plm-nano", log.name());
        assertEquals(900, log.rows());
        assertEquals(900 * 4096.0, log.column("tokens")[899]);
        assertEquals(0.002, log.column("lr")[44]);
        assertEquals("data_phase", log.dataPhaseColumn().orElseThrow());
        assertTrue(log.warnings().isEmpty(), log.warnings().toString());
    }

    @Test
    void fastNumbersAreExact() {
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 20000; i++) {
            double v = Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL);
            String[] texts = {Double.toString(v), String.format("%.6g", r.nextDouble() * 1e-3),
                    Long.toString(r.nextLong() >> r.nextInt(64)), String.format("%.5f", r.nextDouble() * 10)};
            for (String t : texts) {
                byte[] b = t.getBytes();
                assertEquals(Double.parseDouble(t), FastNumbers.parse(b, 0, b.length), t);
            }
        }
    }
}
