package io.plmwb.experiments.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardEventReaderTest {

    @TempDir
    Path dir;

    static Path models() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
    }

    @Test
    void testWriterCrcIsCrc32c() {
        assertEquals(0xE3069283, TfRecordTestWriter.crc32c("123456789".getBytes()));
        byte[] header = new byte[8];
        assertEquals(TfRecordTestWriter.masked(header), TensorBoardEventReader.maskedCrc(header, 0, 8));
    }

    @Test
    void readsSimpleAndTensorScalarsAndSkipsACorruptedRecord() throws Exception {
        TfRecordTestWriter w = new TfRecordTestWriter();
        w.record(TfRecordTestWriter.event(1.7e9, 0));
        w.record(TfRecordTestWriter.event(1.7e9 + 1, 1, TfRecordTestWriter.simple("train/loss", 2.5f),
                TfRecordTestWriter.simple("train/lr", 1e-4f)));
        int bad = w.record(TfRecordTestWriter.event(1.7e9 + 2, 2, TfRecordTestWriter.simple("train/loss", 2.25f)));
        w.record(TfRecordTestWriter.event(1.7e9 + 3, 3, TfRecordTestWriter.tensorFloatVal("train/loss", 2.0f),
                TfRecordTestWriter.tensorContentDouble("train/lr", 3e-4), TfRecordTestWriter.tensorVector("hist")));
        w.record(TfRecordTestWriter.event(1.7e9 + 4, 4000000000L, TfRecordTestWriter.simple("train/loss", 1.5f)));
        byte[] bytes = w.bytes();
        bytes[bad + 5] ^= 0x40; // one flipped bit inside the third record's data
        Path f = dir.resolve("events.out.tfevents.1700000000.test");
        Files.write(f, bytes);

        TrainingLog log = TrainingLogs.read(f);
        assertEquals("tfevents", log.format());
        assertEquals(3, log.rows(), "steps 1, 3 and 4e9; step 2 was in the corrupted record");
        double[] steps = log.steps();
        assertEquals(1, steps[0]);
        assertEquals(3, steps[1]);
        assertEquals(4e9, steps[2]);
        double[] loss = log.column("train/loss");
        assertEquals(2.5, loss[0]);
        assertEquals(2.0, loss[1]);
        assertEquals(1.5, loss[2]);
        double[] lr = log.column("train/lr");
        assertEquals((double) 1e-4f, lr[0]);
        assertEquals(3e-4, lr[1]);
        assertTrue(Double.isNaN(lr[2]), "no lr at the last step");
        assertEquals("train/lr", log.lrColumn().orElseThrow());
        assertTrue(log.warnings().stream().anyMatch(s -> s.contains("record 3") && s.contains("data CRC")),
                log.warnings().toString());
        assertTrue(log.warnings().stream().anyMatch(s -> s.contains("non-scalar")), log.warnings().toString());
        assertEquals(1.7e9 + 3, log.column("wall_time")[1]);
    }

    @Test
    void damagedLengthResyncsAndTruncatedTailIsAWarning() throws Exception {
        TfRecordTestWriter w = new TfRecordTestWriter();
        w.record(TfRecordTestWriter.event(1, 1, TfRecordTestWriter.simple("loss", 3f)));
        int second = w.record(TfRecordTestWriter.event(2, 2, TfRecordTestWriter.simple("loss", 2f)));
        w.record(TfRecordTestWriter.event(3, 3, TfRecordTestWriter.simple("loss", 1f)));
        byte[] full = w.bytes();
        full[second - 12] ^= 0x01; // the second record's length
        byte[] truncated = java.util.Arrays.copyOf(full, full.length - 3);
        Path f = dir.resolve("events.out.tfevents.2.test");
        Files.write(f, truncated);
        TrainingLog log = TrainingLogs.read(f);
        assertEquals(1, log.rows(), "record 1 read, record 2's header damaged, record 3 cut short");
        assertTrue(log.warnings().stream().anyMatch(s -> s.contains("length's CRC")), log.warnings().toString());
        byte[] intactButCut = java.util.Arrays.copyOf(w.bytes(), w.bytes().length - 3);
        Files.write(f, intactButCut);
        TrainingLog cut = TrainingLogs.read(f);
        assertEquals(2, cut.rows(), "a run still writing: the last record is cut short");
        assertTrue(cut.warnings().stream().anyMatch(s -> s.contains("truncated")), cut.warnings().toString());

        Files.write(f, full);
        TrainingLog resumed = TrainingLogs.read(f);
        assertEquals(2, resumed.rows(), "after the damaged header the reader finds record 3");
        assertEquals(1.0, resumed.column("loss")[1]);
    }

    @Test
    void garbageIsRefusedWithTheFileName() throws Exception {
        Path f = dir.resolve("events.out.tfevents.3.test");
        Files.write(f, "this is not a tfrecord stream at all, just text".getBytes());
        LogFormatException e = assertThrows(LogFormatException.class, () -> TrainingLogs.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("no intact TFRecord"),
                e.getMessage());
        Files.write(f, new byte[0]);
        assertThrows(LogFormatException.class, () -> TrainingLogs.read(f));
    }

    /** The recipe's own Python writer (experiments/recipes/nano/tbwriter.py) against its CSV log of the same run. */
    @Test
    void bundledEventFilesMatchTheCsvLogs() throws Exception {
        for (String model : new String[] {"plm-nano", "plm-nano-cosine"}) {
            Path folder = models().resolve(model);
            Path events;
            try (Stream<Path> s = Files.list(folder)) {
                events = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).findFirst()
                        .orElseThrow();
            }
            TrainingLog tb = TrainingLogs.read(events);
            TrainingLog csv = TrainingLogs.read(folder.resolve("training_log.csv"));
            assertEquals(model, tb.name());
            assertTrue(tb.warnings().isEmpty(), tb.warnings().toString());
            assertEquals(csv.rows(), tb.rows(), model + ": one event per logged step");
            double[] a = tb.column("train/lr");
            double[] b = csv.column("lr");
            double[] la = tb.column("train/loss");
            double[] lb = csv.column("train_loss");
            for (int i = 0; i < a.length; i++) {
                assertEquals(csv.steps()[i], tb.steps()[i]);
                assertEquals(b[i], a[i], 6e-6 * b[i], model + " lr at step " + (i + 1)); // float32 vs %.6g (half a unit in the 6th digit)
                assertEquals(lb[i], la[i], 1e-5 * lb[i], model + " loss at step " + (i + 1));
            }
        }
    }
}
