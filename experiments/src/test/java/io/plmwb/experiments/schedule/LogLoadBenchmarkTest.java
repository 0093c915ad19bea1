package io.plmwb.experiments.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogLoadBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void ratiosAndTargetFromTheMedians() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(LogLoadBenchmark.CSV_RAW, 0.5);
        m.put(LogLoadBenchmark.CSV_TABLESAW, 4.0);
        m.put(LogLoadBenchmark.CSV_OURS, 1.0);
        m.put(LogLoadBenchmark.TB_RAW, 0.25);
        m.put(LogLoadBenchmark.TB_OURS, 3.5);
        LogLoadBenchmark.Report r = new LogLoadBenchmark.Report(1000, 3, 123, 456, m, 2);
        ObjectNode j = r.toJson();
        assertEquals(2.0, j.get("csv_vs_raw").asDouble(), 1e-12);
        assertEquals(0.25, j.get("csv_vs_tablesaw").asDouble(), 1e-12);
        assertEquals(14.0, j.get("tfevents_vs_raw").asDouble(), 1e-12);
        assertFalse(j.get("target_met").asBoolean(), "tfevents 3.5 s misses the 3 s target");
        assertTrue(r.text().contains("NOT met"), r.text());
        assertTrue(r.text().contains("(4.0× faster)"), r.text());
    }

    @Test
    void writesBothLogsAndTimesEveryLoad() throws Exception {
        LogLoadBenchmark.Report r = new LogLoadBenchmark().run(new LogLoadBenchmark.Settings(500, 1, dir),
                TaskContext.none());
        assertEquals(Files.size(dir.resolve("training_log.csv")), r.csvBytes());
        assertEquals(Files.size(dir.resolve("events.out.tfevents.0.bench")), r.tfeventsBytes());
        assertEquals(5, r.median().size());
        r.median().values().forEach(v -> assertTrue(v >= 0));
        assertThrows(IllegalArgumentException.class, () -> new LogLoadBenchmark.Settings(9, 1, null));
    }
}
