package io.plmwb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** schedule, schedule fit, replay and bench-logs through the real command line. */
class ScheduleCommandsTest {

    @TempDir
    Path dir;

    static Path models() {
        return Path.of(System.getProperty("plmwb.root", ".."), "datasets", "models");
    }

    @Test
    void scheduleWritesTheChartAndTheRates() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("schedule", "--spec",
                "wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=3e-4,floor=3e-5,shape=cosine,phases=60000",
                "--steps", "100000", "--out", dir.toString(), "--formats", "csv,svg", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("wsdc", j.at("/kind").asText());
        assertEquals(80000, j.at("/parameters/stable_end").asLong());
        assertEquals(3e-4, j.at("/parameters/peak").asDouble());
        assertEquals("cosine", j.at("/parameters/shape").asText());
        assertEquals(3e-5, j.at("/lr_last").asDouble(), 1e-18);
        List<String> csv = Files.readAllLines(dir.resolve("schedule.csv"));
        // the drawn phase boundaries are columns too (their x)
        assertEquals("Step,lr,stable (x marker),decay (x marker),constant (x marker),data phase 2 (x marker)",
                csv.get(0));
        assertEquals(10_002, csv.size(), "10,001 positions drawn for 100,000 steps");
        assertEquals("1000,1.5E-4,2000,80000,96000,60000", csv.get(101), "step 1000: half the warmup");
        assertTrue(Files.size(dir.resolve("schedule.svg")) > 1000);
    }

    @Test
    void badSpecAndMissingOptionsAreBadInput() {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("schedule", "--spec", "wsdc:stable_end=10,decay_end=5,peak=1",
                "--steps", "10", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("stable_end (10) must not be after decay_end (5)"), r.err());
        assertEquals(2, WorkbenchCliTest.run("schedule", "--steps", "10").code());
    }

    @Test
    void fitJsonHasTheIssuesShapeAndTheRecipe() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("schedule", "fit", "--log",
                models().resolve("plm-nano/training_log.csv").toString(), "--column", "lr", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("wsdc", j.at("/kind").asText());
        assertEquals(45, j.at("/parameters/warmup").asLong());
        assertEquals(541, j.at("/parameters/stable_end").asLong());
        assertEquals(766, j.at("/parameters/decay_end").asLong());
        assertEquals(0.002, j.at("/parameters/peak").asDouble());
        assertEquals(0.0002, j.at("/parameters/floor").asDouble());
        assertEquals("linear", j.at("/parameters/shape").asText());
        assertTrue(j.at("/residual").asDouble() < 1e-8, r.out());

        WorkbenchCliTest.Run tb = WorkbenchCliTest.run("schedule", "fit", "--log",
                models().resolve("plm-nano-cosine").toString(), "--kind", "cosine");
        assertEquals(0, tb.code(), tb.err());
        assertTrue(tb.out().startsWith("cosine:warmup=45,"), tb.out());

        WorkbenchCliTest.Run bad = WorkbenchCliTest.run("schedule", "fit", "--log",
                models().resolve("plm-nano/training_log.csv").toString(), "--column", "nope");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("no numeric column 'nope'"), bad.err());
    }

    @Test
    void replayWritesOneWideCsvPerChartWithTheSmoothedSeries() throws Exception {
        Path events;
        try (var s = Files.list(models().resolve("plm-nano-cosine"))) {
            events = s.filter(p -> p.getFileName().toString().contains("tfevents")).findFirst().orElseThrow();
        }
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("replay", "--log", models().resolve("plm-nano").toString(),
                "--log", events.toString(), "--spec", "wsdc:warmup=45,stable_end=540,decay_end=765,peak=2e-3,"
                        + "floor=2e-4", "--out", dir.toString(), "--formats", "csv", "--smoothing", "trailing",
                "--weight", "0.8", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.at("/runs").size());
        assertEquals("tfevents", j.at("/runs/1/format").asText());
        List<String> loss = Files.readAllLines(dir.resolve("schedule-train-loss.csv"));
        assertEquals("Step,plm-nano train_loss,plm-nano train_loss (trailing mean 5),plm-nano-cosine train/loss,"
                + "plm-nano-cosine train/loss (trailing mean 5),data phase 2 (x marker),data phase 3 (x marker),"
                + "data phase 4 (x marker)", loss.get(0));
        assertEquals(901, loss.size());
        List<String> lr = Files.readAllLines(dir.resolve("schedule-lr.csv"));
        assertEquals("Step,plm-nano lr,plm-nano-cosine lr,schedule wsdc,stable (x marker),decay (x marker),"
                + "constant (x marker)", lr.get(0));
        // rerunning refuses to overwrite
        WorkbenchCliTest.Run again = WorkbenchCliTest.run("replay", "--log", models().resolve("plm-nano").toString(),
                "--out", dir.toString(), "--formats", "csv");
        assertEquals(2, again.code(), again.out());
    }

    @Test
    void benchLogsRunsSmall() throws Exception {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("bench-logs", "--steps", "2000", "--repeats", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.at("/target_met").asBoolean());
        assertTrue(j.at("/csv_vs_tablesaw").asDouble() > 0);
    }

    @Test
    void stepsBeyondTheBoundAreBadInputNotAnInternalError(@org.junit.jupiter.api.io.TempDir Path tmp) {
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("schedule", "--spec",
                "wsdc:warmup=2,stable_end=8,decay_end=9,peak=3e-4,floor=3e-5", "--steps", "9223372036854775807",
                "--out", tmp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--steps must be 1 to 1,000,000,000,000,000"), r.err());
    }

    @Test
    void fitErrorsNameTheLogAndRefuseAnOverflowingResidual(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path few = tmp.resolve("few.csv");
        java.nio.file.Files.writeString(few, "step,lr,loss\n1,0.001,3\n2,0.001,2.9\n3,0.0009,2.8\n");
        WorkbenchCliTest.Run r = WorkbenchCliTest.run("schedule", "fit", "--log", few.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("few.csv") && r.err().contains("at least 8 logged rates"), r.err());

        StringBuilder huge = new StringBuilder("step,lr,loss\n");
        for (int i = 1; i <= 40; i++) {
            huge.append(i).append(',').append(i % 2 == 0 ? "1e308" : "-1e308").append(",1\n");
        }
        Path big = java.nio.file.Files.writeString(tmp.resolve("huge.csv"), huge.toString());
        WorkbenchCliTest.Run h = WorkbenchCliTest.run("schedule", "fit", "--log", big.toString());
        assertEquals(2, h.code(), h.out() + h.err());
        assertTrue(h.err().contains("huge.csv"), h.err());
        assertTrue(!h.out().contains("Infinity"), "no 'RMS Infinity' reported as a result: " + h.out());
    }
}
