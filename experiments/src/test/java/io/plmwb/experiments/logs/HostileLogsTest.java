package io.plmwb.experiments.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression tests for the hostile logs of issue #19 (inputs generated here, nothing large committed). */
class HostileLogsTest {

    @TempDir
    Path dir;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void jsonlWithANewTagAtEveryStepKeepsTheDensestTagsInBoundedMemory() throws Exception {
        Path f = dir.resolve("tags.jsonl");
        StringBuilder sb = new StringBuilder();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            sb.append("{\"step\": ").append(i).append(", \"loss\": ").append(1.0 / (i + 1)).append(", \"tag_")
                    .append(i).append("\": 1}\n");
        }
        Files.writeString(f, sb);
        long size = Files.size(f);
        long a0 = allocated();
        TrainingLog log = TrainingLogs.read(f);
        long used = allocated() - a0;
        assertEquals(n, log.rows());
        // budget max(8 Mi cells, 16 × 100,000 values) = 8,388,608 cells / 50,000 steps = 167 columns
        assertEquals(167, log.metrics().size());
        assertEquals("loss", log.metrics().get(0), "the tag logged at every step is kept");
        assertEquals(1.0 / 3, log.column("loss")[2]);
        assertTrue(log.warnings().get(0).startsWith("49834 of 50001 tags left out"), log.warnings().get(0));
        System.out.println("new tag at every step: " + size + " bytes read with " + used + " bytes allocated");
        assertTrue(used < 300L << 20, used + " bytes allocated for a " + size + "-byte log");
    }

    @Test
    void tfeventsWithANewTagAtEveryStepIsBoundedToo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 30_000;
        for (int i = 0; i < n; i++) {
            record(out, event(i, "t" + i, 0.5f));
        }
        Path f = dir.resolve("events.out.tfevents.1.host");
        Files.write(f, out.toByteArray());
        TrainingLog log = TrainingLogs.read(f);
        assertEquals(n, log.rows());
        assertEquals((8 << 20) / n, log.metrics().size());
        assertTrue(log.warnings().get(0).contains("tags left out"), log.warnings().get(0));
    }

    @Test
    void aTfRecordLengthOf2To64Minus1IsACleanError() throws Exception {
        ByteBuffer h = ByteBuffer.allocate(12 + 8).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(-1L);
        h.putInt(masked(h.array(), 0, 8));
        Path f = dir.resolve("events.out.tfevents.2.host");
        Files.write(f, h.array());
        LogFormatException e = assertThrows(LogFormatException.class, () -> TrainingLogs.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        // one intact record before the hostile one: the log is read, the rest reported
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        record(out, event(1, "loss", 2f));
        out.write(h.array());
        Files.write(f, out.toByteArray());
        TrainingLog log = TrainingLogs.read(f);
        assertEquals(1, log.rows());
        assertTrue(String.join("\n", log.warnings()).contains("claims 18446744073709551615 bytes"),
                log.warnings().toString());
    }

    @Test
    void aSingleLine200MbCsvFailsFastWithAShortMessage() throws Exception {
        Path f = dir.resolve("huge.csv");
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'a');
        chunk[100] = ',';
        try (OutputStream o = Files.newOutputStream(f)) {
            for (int i = 0; i < 200; i++) {
                o.write(chunk);
            }
        }
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        LogFormatException e = assertThrows(LogFormatException.class, () -> TrainingLogs.read(f));
        long ms = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        System.out.println("200 MB single line: refused in " + ms + " ms CPU");
        assertTrue(e.getMessage().contains("the header line is 209715200 bytes long"), e.getMessage());
        assertTrue(e.getMessage().length() < f.toString().length() + 200, e.getMessage());
        assertFalse(e.getMessage().contains("aaaaaaaa"));
        assertTrue(ms < 10_000, ms + " ms");
    }

    @Test
    void aCsvWith200001ColumnsFinishes() throws Exception {
        Path f = dir.resolve("wide.csv");
        StringBuilder sb = new StringBuilder("step");
        for (int c = 1; c <= 200_000; c++) {
            sb.append(",c").append(c);
        }
        sb.append('\n');
        for (int r = 1; r <= 3; r++) {
            sb.append(r);
            for (int c = 1; c <= 200_000; c++) {
                sb.append(',').append(r * c);
            }
            sb.append('\n');
        }
        Files.writeString(f, sb);
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        TrainingLog log = TrainingLogs.read(f);
        long ms = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        System.out.println("200,001 columns: " + Files.size(f) + " bytes read in " + ms + " ms CPU");
        assertEquals(3, log.rows());
        assertEquals(TrainingLog.MAX_COLUMNS, log.metrics().size());
        assertEquals("c4096", log.metrics().get(TrainingLog.MAX_COLUMNS - 1));
        assertArrayEquals(new double[] {4096, 8192, 12288}, log.column("c4096"));
        assertTrue(log.warnings().get(0).contains("200001 columns; only the first 4096"), log.warnings().get(0));
        assertTrue(ms < 10_000, ms + " ms CPU");
    }

    @Test
    void duplicateColumnNamesDifferingInCaseGetDistinctNames() throws Exception {
        Path f = dir.resolve("dup.csv");
        Files.writeString(f, "step,Loss,loss,loss (3)\n1,1,2,3\n");
        TrainingLog log = TrainingLogs.read(f);
        assertEquals(java.util.List.of("Loss", "loss (3)", "loss (3) (4)"), log.metrics());
    }

    @Test
    void oneInvalidUtf8ByteSkipsOnlyItsLine() throws Exception {
        Path f = dir.resolve("metrics.jsonl");
        Files.write(f, "{\"step\": 1, \"loss\": 2.0}\n{\"step\": 2, \"loss\u00ff\": 1}\n{\"step\": 3, \"loss\": 1.5}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        TrainingLog log = TrainingLogs.read(f);
        assertArrayEquals(new double[] {1, 3}, log.steps());
        assertArrayEquals(new double[] {2.0, 1.5}, log.column("loss"));
        assertEquals("metrics.jsonl:2: invalid UTF-8; line skipped", log.warnings().get(0));
    }

    @Test
    void minusZeroAndZeroStepsAreOneStep() throws Exception {
        Path f = dir.resolve("zero.jsonl");
        Files.writeString(f, "{\"step\": 1, \"a\": 5}\n{\"step\": -0.0, \"a\": 1}\n{\"step\": 0, \"b\": 2}\n");
        TrainingLog log = TrainingLogs.read(f);
        assertArrayEquals(new double[] {0, 1}, log.steps());
        assertEquals(0, Double.compare(0.0, log.steps()[0]), "+0.0, not -0.0");
        assertArrayEquals(new double[] {1, 5}, log.column("a"));
        assertEquals(2.0, log.column("b")[0]);
    }

    @Test
    void jsonNestedDeeperThan1000LevelsIsACleanError() throws Exception {
        String deep = "{\"a\":".repeat(1500) + "1" + "}".repeat(1500);
        Path jsonl = dir.resolve("deep.jsonl");
        Files.writeString(jsonl, "{\"step\": 1, \"loss\": 2}\n" + deep + "\n");
        TrainingLog log = TrainingLogs.read(jsonl);
        assertEquals(1, log.rows());
        assertTrue(log.warnings().get(0).startsWith("line 2: "), log.warnings().get(0));
        Path state = dir.resolve("trainer_state.json");
        Files.writeString(state, "{\"log_history\": [" + deep + "]}");
        LogFormatException e = assertThrows(LogFormatException.class, () -> TrainingLogs.read(state));
        assertTrue(e.getMessage().startsWith(state + ": is not valid JSON"), e.getMessage());
    }

    private static byte[] event(long step, String tag, float v) throws IOException {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        field(value, 1, 2, tag.getBytes(StandardCharsets.UTF_8));
        value.write(2 << 3 | 5);
        value.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        field(summary, 1, 2, value.toByteArray());
        ByteArrayOutputStream ev = new ByteArrayOutputStream();
        ev.write(2 << 3);
        varint(ev, step);
        field(ev, 5, 2, summary.toByteArray());
        return ev.toByteArray();
    }

    private static void field(ByteArrayOutputStream o, int num, int wire, byte[] payload) throws IOException {
        o.write(num << 3 | wire);
        varint(o, payload.length);
        o.write(payload);
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        o.write((int) v);
    }

    private static void record(ByteArrayOutputStream o, byte[] data) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(data.length);
        h.putInt(masked(h.array(), 0, 8));
        o.write(h.array());
        o.write(data);
        o.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(masked(data, 0, data.length)).array());
    }

    private static int masked(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }
}
