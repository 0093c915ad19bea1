package io.plmwb.experiments.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChartSpecTest {

    private static ChartSpec.Builder line() {
        return ChartSpec.builder("loss", ChartKind.LINE).title("Loss").xAxis(Axis.of("Step", "")).yAxis(
                Axis.of("Loss", "nats"));
    }

    @Test
    void mismatchedLengthsNameTheSeries() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Series.xy("train", new double[] {1, 2, 3}, new double[] {1, 2}).build());
        assertTrue(e.getMessage().contains("'train'"), e.getMessage());
        assertTrue(e.getMessage().contains("3 x values but 2 y values"), e.getMessage());

        var err = assertThrows(IllegalArgumentException.class, () -> Series.xy("val", new double[] {1, 2},
                new double[] {1, 2}).yError(new double[] {0.1}).build());
        assertTrue(err.getMessage().contains("'val'"), err.getMessage());
    }

    @Test
    void infinityIsRejectedButNaNIsAGap() {
        var e = assertThrows(IllegalArgumentException.class, () -> Series.xy("s", new double[] {1, 2},
                new double[] {1, Double.POSITIVE_INFINITY}).build());
        assertTrue(e.getMessage().contains("y[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Series.xy("s", new double[] {Double.NaN, 2},
                new double[] {1, 2}).build());
        Series gap = Series.xy("s", new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3}).build();
        assertTrue(Double.isNaN(gap.y(1)));
    }

    @Test
    void logAxisWithNonPositiveValueNamesTheSeries() {
        var e = assertThrows(IllegalArgumentException.class, () -> line().yAxis(Axis.of("Loss", "").withLog(true))
                .addSeries(Series.xy("ok", new double[] {1, 2}, new double[] {1, 2}).build())
                .addSeries(Series.xy("bad run", new double[] {1, 2}, new double[] {0.5, 0}).build())
                .build());
        assertTrue(e.getMessage().contains("'bad run'"), e.getMessage());
        assertTrue(e.getMessage().contains("y[1] = 0.0"), e.getMessage());

        var x = assertThrows(IllegalArgumentException.class, () -> line().xAxis(Axis.of("Step", "").withLog(true))
                .addSeries(Series.xy("from zero", new double[] {0, 10}, new double[] {1, 2}).build()).build());
        assertTrue(x.getMessage().contains("'from zero'") && x.getMessage().contains("x[0]"), x.getMessage());

        // NaN gaps are fine on a log axis
        ChartSpec ok = line().yAxis(Axis.of("Loss", "").withLog(true))
                .addSeries(Series.xy("g", new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3}).build()).build();
        assertEquals(1, ok.series().size());
    }

    @Test
    void axisRangeIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> Axis.of("a", "").withRange(2.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Axis.of("a", "").withLog(true).withRange(0.0, 1.0));
        assertEquals("Latency (ms)", Axis.of("Latency", "ms").title());
        assertEquals("ms", Axis.of("", "ms").title());
    }

    @Test
    void seriesKindMustMatchChartKind() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChartSpec.builder("b", ChartKind.BAR)
                .addSeries(Series.xy("n", new double[] {1}, new double[] {1}).build()).build());
        assertTrue(e.getMessage().contains("'n'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> line()
                .addSeries(Series.categories("c", List.of("a"), new double[] {1}).build()).build());
    }

    @Test
    void categorySeriesMustShareUniqueCategories() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChartSpec.builder("b", ChartKind.STACKED_BAR)
                .addSeries(Series.categories("a", List.of("x", "y"), new double[] {1, 2}).build())
                .addSeries(Series.categories("b", List.of("x", "z"), new double[] {1, 2}).build()).build());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChartSpec.builder("b", ChartKind.BAR)
                .addSeries(Series.categories("a", List.of("x", "x"), new double[] {1, 2}).build()).build());
        assertThrows(IllegalArgumentException.class, () -> ChartSpec.builder("b", ChartKind.BAR)
                .xAxis(Axis.of("c", "").withLog(true))
                .addSeries(Series.categories("a", List.of("x"), new double[] {1}).build()).build());
    }

    @Test
    void duplicateNamesAndEmptyChartsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> line().build());
        var e = assertThrows(IllegalArgumentException.class, () -> line()
                .addSeries(Series.xy("a", new double[] {1}, new double[] {1}).build())
                .addSeries(Series.xy("a", new double[] {1}, new double[] {2}).build()).build());
        assertTrue(e.getMessage().contains("'a'"));
        assertThrows(IllegalArgumentException.class, () -> Series.xy(" ", new double[] {1}, new double[] {1}));
    }

    @Test
    void markersMustFitTheAxes() {
        assertThrows(IllegalArgumentException.class, () -> ChartSpec.builder("b", ChartKind.BAR)
                .addSeries(Series.categories("a", List.of("x"), new double[] {1}).build())
                .addMarker(Marker.vertical(1, "phase")).build());
        assertThrows(IllegalArgumentException.class, () -> line().xAxis(Axis.of("Step", "").withLog(true))
                .addSeries(Series.xy("a", new double[] {1}, new double[] {1}).build())
                .addMarker(Marker.vertical(0, "start")).build());
        ChartSpec spec = line().addSeries(Series.xy("a", new double[] {1, 2}, new double[] {1, 1}).build())
                .addMarker(Marker.vertical(1.5, "warm-up end")).build();
        assertEquals("warm-up end", spec.markers().get(0).label());
    }

    @Test
    void colourMustBeHexAndPaletteFillsTheRest() {
        assertThrows(IllegalArgumentException.class, () -> Series.xy("a", new double[] {1}, new double[] {1})
                .color("red"));
        ChartSpec spec = line()
                .addSeries(Series.xy("a", new double[] {1}, new double[] {1}).build())
                .addSeries(Series.xy("b", new double[] {1}, new double[] {1}).color("#abcdef").build()).build();
        assertEquals(ChartPalette.OKABE_ITO.get(0), ChartPalette.colorOf(spec, 0));
        assertEquals("#ABCDEF", ChartPalette.colorOf(spec, 1));
        assertEquals(8, ChartPalette.OKABE_ITO.stream().distinct().count());
    }

    @Test
    void specIsImmutable() {
        double[] y = {1, 2};
        Series s = Series.xy("a", new double[] {1, 2}, y).build();
        y[0] = 99;
        assertEquals(1, s.y(0));
        s.y()[1] = 99;
        assertEquals(2, s.y(1));
        ChartSpec spec = line().addSeries(s).build();
        assertThrows(UnsupportedOperationException.class, () -> spec.series().clear());
        assertTrue(spec.sharesX());
        ChartSpec other = spec.toBuilder().addSeries(Series.xy("b", new double[] {5}, new double[] {1}).build())
                .build();
        assertFalse(other.sharesX());
    }

    @Test
    void histogramBinsCountValues() {
        Series h = Histograms.bin("lat", new double[] {0, 0.1, 0.5, 0.99, 1.0, 2.0, Double.NaN}, 2, 0, 1).build();
        assertArrayEquals(new double[] {2, 3}, h.y());
        assertEquals(List.of("[0.000, 0.5000)", "[0.5000, 1.000]"), h.categories());
    }

    @Test
    void logTickLabels() {
        assertEquals("1", TickLabels.log(1));
        assertEquals("10000", TickLabels.log(1e4));
        assertEquals("0.001", TickLabels.log(1e-3));
        assertEquals("1e-5", TickLabels.log(1e-5));
        assertEquals("1e6", TickLabels.log(1e6));
        assertEquals("3.00e-05", TickLabels.log(3e-5));
        assertEquals("", TickLabels.log(0));
    }
}
