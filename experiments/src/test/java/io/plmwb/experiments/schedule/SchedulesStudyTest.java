package io.plmwb.experiments.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.engine.task.TaskContext;
import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Series;
import io.plmwb.experiments.smoothing.Smoothing;
import io.plmwb.experiments.study.Bundle;
import io.plmwb.experiments.study.NoSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SchedulesStudy and ScheduleFitStudy on logs written here: every expected value is worked out from the written
 * numbers and the schedule's definition (linear warmup to the peak, flat to stable_end, linear to the floor at
 * decay_end), not taken from the code under test.
 */
class SchedulesStudyTest {

    static final String SPEC = "wsdc:warmup=100,stable_end=3000,decay_end=4000,peak=1e-3,floor=1e-4,shape=linear";

    @TempDir
    Path dir;

    /** step 1..5000: lr = 1e-5·s up to s = 100 then 1e-3; train_loss = s mod 4. */
    private Path longLog(Path folder) throws Exception {
        StringBuilder b = new StringBuilder("step,lr,train_loss\n");
        for (int s = 1; s <= 5000; s++) {
            b.append(s).append(',').append(s <= 100 ? (s + "e-5") : "1e-3").append(',').append(s % 4).append('\n');
        }
        Files.createDirectories(folder);
        return Files.writeString(folder.resolve("long.csv"), b.toString());
    }

    private static SchedulesReport run(SchedulesStudy.Settings s) throws Exception {
        return new SchedulesStudy().run(s, TaskContext.none());
    }

    @Test
    void replayChartsHoldEveryPointWithTheScheduleAndTheSmoothedMetric() throws Exception {
        Path log = longLog(dir);
        SchedulesReport r = run(new SchedulesStudy.Settings(List.of(log), SPEC, Replay.Align.STEP, null,
                Smoothing.Method.TRAILING, 0.5, null));
        assertEquals(List.of("long"), r.runNames());
        assertEquals("train_loss", r.defaultMetric());
        assertTrue(r.metrics().contains("train_loss") && !r.metrics().contains("lr"), r.metrics().toString());

        List<ChartSpec> charts = r.charts(r.selection());
        assertEquals(List.of("schedule-lr", "schedule-train-loss"), charts.stream().map(ChartSpec::id).toList());
        ChartSpec lr = charts.get(0);
        assertEquals(List.of("long lr", "schedule wsdc"), lr.series().stream().map(Series::name).toList());
        Series logged = lr.series().get(0);
        Series schedule = lr.series().get(1);
        assertEquals(5000, logged.size(), "every logged step, none thinned out");
        assertEquals(5000, logged.x(4999));
        assertEquals(5e-4, logged.y(49), 1e-18); // step 50 as written
        assertEquals(1e-3, logged.y(4999), 1e-18);
        assertEquals(5e-4, schedule.y(49), 1e-15); // warmup: 1e-3 · 50/100
        assertEquals(1e-3, schedule.y(1999), 1e-15); // stable
        assertEquals(5.5e-4, schedule.y(3499), 1e-15); // decay: 1e-3 − 9e-4 · (3500 − 3000)/1000
        assertEquals(1e-4, schedule.y(4499), 1e-15); // floor after decay_end

        ChartSpec loss = charts.get(1);
        assertEquals(List.of("long train_loss", "long train_loss (trailing mean 2)"),
                loss.series().stream().map(Series::name).toList());
        assertEquals(1, loss.series().get(1).y(0), 0); // s = 1: only itself
        assertEquals(2.5, loss.series().get(1).y(2), 1e-12); // s = 3: (2 + 3)/2
        assertEquals(0.5, loss.series().get(1).y(4), 1e-12); // s = 5: (0 + 1)/2

        // the selection changes what is drawn without another run
        SchedulesReport.Selection raw = new SchedulesReport.Selection("train_loss", Smoothing.Method.NONE, 0, false);
        assertEquals(List.of("long lr"), r.charts(raw).get(0).series().stream().map(Series::name).toList());
        assertEquals(List.of("long train_loss"), r.charts(raw).get(1).series().stream().map(Series::name).toList());

        // the bundle is the charts, each CSV every point
        Bundle bundle = r.bundle(r.selection());
        assertEquals(List.of("schedule-lr", "schedule-train-loss"),
                bundle.charts().stream().map(Bundle.ChartEntry::name).toList());
        String[] csv = ChartCsv.toCsv(bundle.charts().get(1).chart()).split("\n");
        assertEquals(5001, csv.length);
        assertEquals("Step,long train_loss,long train_loss (trailing mean 2)", csv[0]);
        assertEquals(ChartCsv.toCsv(loss), ChartCsv.toCsv(bundle.charts().get(1).chart()));

        ObjectNode j = r.toJson();
        assertEquals(SPEC.replace("1e-3", "0.001").replace("1e-4", "0.0001"), j.at("/spec").asText());
        assertEquals("step", j.at("/align").asText());
        assertEquals("trailing", j.at("/smoothing").asText());
        assertEquals(0.5, j.at("/weight").asDouble());
        assertEquals("long", j.at("/runs/0/name").asText());
        assertEquals(5000, j.at("/runs/0/steps").asInt());
        assertEquals(log.toString(), j.at("/runs/0/file").asText());
    }

    @Test
    void aScheduleAloneIsDrawnOverZeroToN() throws Exception {
        SchedulesReport r = run(SchedulesStudy.Settings.plot(SPEC, 10_000));
        List<ChartSpec> charts = r.charts(r.selection());
        assertEquals(1, charts.size());
        Series lr = charts.get(0).series().get(0);
        assertEquals("schedule", charts.get(0).id());
        assertEquals(10_001, lr.size(), "positions 0, 1, …, 10000");
        assertEquals(3500, lr.x(3500));
        assertEquals(5.5e-4, lr.y(3500), 1e-15);
        ObjectNode j = r.toJson();
        assertEquals("wsdc", j.at("/kind").asText());
        assertEquals(3000, j.at("/parameters/stable_end").asLong());
        assertEquals(0, j.at("/lr_first").asDouble());
        assertEquals(1e-4, j.at("/lr_last").asDouble(), 1e-18);
        assertEquals(1e-3, j.at("/lr_max").asDouble(), 1e-18);
        assertEquals(10_001, j.at("/points").asInt());
        assertEquals(List.of("warmup", "stable", "decay", "constant"), j.at("/phases").findValuesAsText("name"));
        assertTrue(r.textLines().get(0).startsWith("wsdc:warmup=100,stable_end=3000,decay_end=4000"));

        // 2,000,000 steps: 10,001 whole positions 200 apart
        SchedulesReport twoMillion = run(SchedulesStudy.Settings.plot(SPEC, 2_000_000));
        Series wide = twoMillion.charts(twoMillion.selection()).get(0).series().get(0);
        assertEquals(10_001, wide.size());
        assertEquals(200, wide.x(1));
    }

    @Test
    void badInputNamesTheProblem() throws Exception {
        Path log = longLog(dir);
        IllegalArgumentException metric = assertThrows(IllegalArgumentException.class, () -> run(
                new SchedulesStudy.Settings(List.of(log), null, Replay.Align.STEP, null, Smoothing.Method.EMA, 0.9,
                        "nope")));
        assertEquals("none of the runs has a column 'nope'", metric.getMessage());
        Path missing = dir.resolve("missing.csv");
        SchedulesStudy.LogReadException unread = assertThrows(SchedulesStudy.LogReadException.class,
                () -> run(SchedulesStudy.Settings.replay(List.of(log, missing), null, Replay.Align.STEP)));
        assertEquals(missing, unread.log());
        assertTrue(unread.getMessage().contains("missing.csv"), unread.getMessage());
        assertThrows(ScheduleSpecException.class, () -> run(SchedulesStudy.Settings.replay(List.of(log),
                "wsdc:stable_end=10,decay_end=5,peak=1", Replay.Align.STEP)));
        String oops = SchedulesStudy.specError(SPEC.replace("peak=1e-3", "peak=oops"));
        assertTrue(oops.contains("peak = 'oops' is not a number"), oops);
        assertEquals("", SchedulesStudy.specError(" "));
        IllegalArgumentException tokens = assertThrows(IllegalArgumentException.class,
                () -> run(SchedulesStudy.Settings.replay(List.of(log), null, Replay.Align.TOKENS)));
        assertTrue(tokens.getMessage().contains("no tokens column"), tokens.getMessage());
    }

    @Test
    void aLaterLogOfTheSameNameReplacesTheEarlierAndTheCacheRereadsOnlyChangedFiles() throws Exception {
        Path first = longLog(dir.resolve("one"));
        Path second = longLog(dir.resolve("two"));
        SchedulesReport r = run(SchedulesStudy.Settings.replay(List.of(first, second), null, Replay.Align.STEP));
        assertEquals(List.of("long"), r.runNames());
        assertEquals(List.of(second), r.logs());

        TrainingLogCache cache = new TrainingLogCache();
        var a = cache.read(first, TaskContext.none());
        assertSame(a, cache.read(first, TaskContext.none()));
        Files.writeString(first, "step,lr\n1,0.5\n2,0.25\n");
        var b = cache.read(first, TaskContext.none());
        assertNotSame(a, b);
        assertEquals(2, b.rows());
        assertEquals(0.25, b.column("lr")[1]);
    }

    @Test
    void fitRecoversAWsdcScheduleWrittenFromItsDefinition() throws Exception {
        StringBuilder b = new StringBuilder("step,learning_rate\n");
        for (int s = 0; s <= 1000; s++) {
            double lr = s < 100 ? 1e-3 * s / 100 : s < 600 ? 1e-3 : s < 800 ? 1e-3 - 9e-4 * (s - 600) / 200 : 1e-4;
            b.append(s).append(',').append(String.format(Locale.ROOT, "%.10g", lr)).append('\n');
        }
        Path log = Files.writeString(dir.resolve("wsdc.csv"), b.toString());
        ScheduleFitReport r = new ScheduleFitStudy().run(new ScheduleFitStudy.Settings(log, null,
                ScheduleFitter.Kind.AUTO, Replay.Align.STEP), TaskContext.none());
        assertEquals("learning_rate", r.column());
        ObjectNode j = r.toJson();
        assertEquals("wsdc", j.at("/kind").asText());
        assertEquals(100, j.at("/parameters/warmup").asDouble(), 1);
        assertEquals(600, j.at("/parameters/stable_end").asDouble(), 1);
        assertEquals(800, j.at("/parameters/decay_end").asDouble(), 1);
        assertEquals(1e-3, j.at("/parameters/peak").asDouble(), 1e-9);
        assertEquals(1e-4, j.at("/parameters/floor").asDouble(), 1e-9);
        assertEquals(1001, j.at("/points").asInt());
        assertTrue(j.at("/residual").asDouble() < 1e-6, j.toString());
        assertEquals("learning_rate", j.at("/column").asText());
        List<ChartSpec> charts = r.charts(NoSelection.ALL);
        assertEquals("schedule-fit-residuals", charts.get(0).id());
        assertEquals(1001, charts.get(0).series().get(0).size(), "a residual at every point fitted");
        assertTrue(r.rows().contains(new ScheduleFitReport.Row("kind", "wsdc")), r.rows().toString());
        assertTrue(r.definition().toSpec().startsWith("wsdc:"), r.definition().toSpec());

        IllegalArgumentException col = assertThrows(IllegalArgumentException.class, () -> new ScheduleFitStudy()
                .run(new ScheduleFitStudy.Settings(log, "nope", ScheduleFitter.Kind.AUTO, Replay.Align.STEP),
                        TaskContext.none()));
        assertTrue(col.getMessage().contains("no numeric column 'nope'"), col.getMessage());
    }
}
