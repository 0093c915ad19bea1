package io.plmwb.experiments.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.experiments.chart.ChartCsv;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.logs.TrainingLog;
import io.plmwb.experiments.logs.TrainingLogs;
import io.plmwb.experiments.smoothing.Smoothing;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class ReplayTest {

    static TrainingLog log(String name, double[] steps, double[] tokens, double[] loss) {
        Table t = Table.create(name, DoubleColumn.create("step", steps), DoubleColumn.create("tokens", tokens),
                DoubleColumn.create("train_loss", loss));
        return new TrainingLog(name, null, "memory", t, List.of());
    }

    @Test
    void bundledRunsShareStepsAndExportOneWideCsvWithSmoothedSeries() throws Exception {
        TrainingLog wsdc = TrainingLogs.read(ScheduleFitterTest.models().resolve("plm-nano"));
        TrainingLog cos = TrainingLogs.read(ScheduleFitterTest.models().resolve("plm-nano-cosine"));
        Replay.Options o = new Replay.Options(Replay.Align.STEP, Smoothing.Method.EMA, 0.9, 0);
        ChartSpec loss = Replay.metricChart(List.of(wsdc, cos), null, o);
        assertEquals(4, loss.series().size());
        assertTrue(loss.sharesX());
        String csv = ChartCsv.toCsv(loss);
        String[] lines = csv.split("\n");
        assertEquals("Step,plm-nano train_loss,plm-nano train_loss (EMA 0.9),plm-nano-cosine train_loss,"
                + "plm-nano-cosine train_loss (EMA 0.9),data phase 2 (x marker),data phase 3 (x marker),"
                + "data phase 4 (x marker)", lines[0]);
        assertEquals(901, lines.length);
        double[] smoothed = Smoothing.tensorBoardEma(wsdc.column("train_loss"), 0.9);
        String[] last = lines[900].split(",");
        assertEquals(smoothed[899], Double.parseDouble(last[2]), 0);

        ScheduleDefinition recipe = ScheduleSpec.parse(
                "wsdc:warmup=45,stable_end=540,decay_end=765,peak=0.002,floor=0.0002,shape=linear");
        ChartSpec lr = Replay.lrChart(List.of(wsdc, cos), recipe, o);
        assertEquals(List.of("plm-nano lr", "plm-nano-cosine lr", "schedule wsdc"),
                lr.series().stream().map(s -> s.name()).toList());
        assertTrue(lr.markers().stream().anyMatch(m -> m.value() == 540 && m.label().equals("decay")));
        assertTrue(loss.markers().stream().anyMatch(m -> m.value() == 270 && m.label().equals("data phase 2")),
                "the log's data_phase column turns 2 at step 270: " + loss.markers());
        // the recipe's schedule is the logged rate (to the log's 6 digits) at every step but the first of the decay
        // and of the tail, which the log shows one step later (it logs step s + 1)
        double[] logged = lr.series().get(0).y();
        double[] drawn = lr.series().get(2).y();
        int off = 0;
        for (int i = 0; i < logged.length; i++) {
            if (Math.abs(logged[i] - drawn[i]) > 5e-6 * logged[i]) {
                off++;
            }
        }
        assertTrue(off <= 226, "only the decay is shifted by one step: " + off);
    }

    @Test
    void tokensAlignmentInterpolatesOntoTheUnionGrid() {
        TrainingLog a = log("a", new double[] {1, 2, 3}, new double[] {100, 200, 300}, new double[] {3, 2, 1});
        TrainingLog b = log("b", new double[] {1, 2}, new double[] {150, 300}, new double[] {4, 2});
        Replay.Aligned al = Replay.align(List.of(a, b), List.of("train_loss", "train_loss"), Replay.Align.TOKENS);
        assertArrayEquals(new double[] {100, 150, 200, 300}, al.x());
        assertArrayEquals(new double[] {3, 2.5, 2, 1}, al.values().get(0), 1e-15);
        double[] bv = al.values().get(1);
        assertTrue(Double.isNaN(bv[0]), "before b's first point");
        assertArrayEquals(new double[] {4, 4 - 2 * (50.0 / 150), 2}, new double[] {bv[1], bv[2], bv[3]}, 1e-15);
        ChartSpec c = Replay.metricChart(List.of(a, b), null, new Replay.Options(Replay.Align.TOKENS,
                Smoothing.Method.NONE, 0, 0));
        assertTrue(c.sharesX(), "one wide CSV");
        TrainingLog noTokens = new TrainingLog("n", null, "memory", Table.create("n", DoubleColumn.create("step",
                new double[] {1}), DoubleColumn.create("loss", new double[] {1})), List.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Replay.align(List.of(noTokens),
                List.of("loss"), Replay.Align.TOKENS)).getMessage().contains("no tokens column"));
    }

    @Test
    void scheduleOnlyAndDecimation() {
        ScheduleDefinition d = ScheduleSpec.parse("wsdc:warmup=100,stable_end=600,decay_end=800,peak=1e-3,floor=1e-4,"
                + "phases=300");
        ChartSpec c = Replay.lrChart(List.of(), d, new Replay.Options(Replay.Align.STEP, Smoothing.Method.NONE, 0, 0));
        assertEquals(1, c.series().size());
        assertEquals(List.of("stable", "decay", "constant", "data phase 2"),
                c.markers().stream().map(Marker::label).toList());
        assertArrayEquals(new int[] {0, 3, 6, 9}, Replay.decimation(10, 4));
        assertArrayEquals(new int[] {0, 5, 9}, Replay.decimation(10, 3));
        assertEquals(null, Replay.decimation(10, 0));
    }
}
