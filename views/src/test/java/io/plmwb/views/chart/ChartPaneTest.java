package io.plmwb.views.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.LineStyle;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import io.plmwb.experiments.chart.Series;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import javafx.scene.shape.Path;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class ChartPaneTest {

    private static final ArchitectureSummary PLM = ArchitectureSummary.of(Presets.byName("plm-1.8b").orElseThrow());
    private static final java.nio.file.Path SHOTS = java.nio.file.Path.of("target", "chart-snapshots");

    private ChartPane pane;
    private Stage stage;

    @Start
    void start(Stage s) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        this.stage = s;
        pane = new ChartPane(ParameterBreakdownChart.byComponent("plm-1.8b", PLM), new SyncTaskExecutor());
        s.setScene(new Scene(pane, 900, 560));
        s.show();
    }

    @Test
    void drawsTheDemoChart(FxRobot robot) throws Exception {
        XYChart<?, Number> chart = pane.getChart();
        assertEquals(1, chart.getData().size());
        XYChart.Series<?, Number> series = chart.getData().get(0);
        assertEquals("Parameters", series.getName());
        assertEquals(4, series.getData().size());
        assertEquals(311.164928, series.getData().get(0).getYValue().doubleValue(), 0.0);
        assertEquals("Embedding", series.getData().get(0).getXValue());
        Node bar = series.getData().get(0).getNode();
        assertNotNull(bar);
        assertTrue(bar.getBoundsInParent().getHeight() > 50, "the embedding bar is drawn");
        snapshot(robot, "param-breakdown-plm-1.8b-light.png");
    }

    @Test
    void aDrawingBudgetThinsOnlyWhatIsDrawn(FxRobot robot) {
        int n = 10_001;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i * 0.5;
        }
        y[5001] = Double.NaN; // a gap on the stride
        ChartSpec spec = ChartSpec.builder("long", ChartKind.LINE).title("Long")
                .addSeries(Series.xy("s", x, y).build()).build();
        robot.interact(() -> {
            pane.setMaxDrawnPoints(4000);
            pane.setSpec(spec);
        });
        var drawn = pane.getChart().getData().get(0).getData();
        // every ceil(10000 / 3999) = 3rd point, 0 … 9999 (3334 points), and the last, less the gap at 5001
        assertEquals(3334, drawn.size());
        assertEquals(0.0, ((Number) drawn.get(0).getXValue()).doubleValue());
        assertEquals(3.0, ((Number) drawn.get(1).getXValue()).doubleValue());
        assertEquals(10000.0, ((Number) drawn.get(drawn.size() - 1).getXValue()).doubleValue());
        assertEquals(5000.0, drawn.get(drawn.size() - 1).getYValue().doubleValue());
        assertEquals(n, pane.getSpec().series().get(0).size(), "the spec (and so the export) keeps every point");
        robot.interact(() -> pane.setMaxDrawnPoints(0));
        assertEquals(n - 1, pane.getChart().getData().get(0).getData().size());
    }

    @Test
    void drawsTheStackedVariantInTheDarkTheme(FxRobot robot) throws Exception {
        robot.interact(() -> {
            Application.setUserAgentStylesheet(new PrimerDark().getUserAgentStylesheet());
            pane.setSpec(ParameterBreakdownChart.perLayerTensors("plm-1.8b", PLM));
        });
        XYChart<?, Number> chart = pane.getChart();
        assertEquals(3, chart.getData().size());
        for (XYChart.Series<?, Number> s : chart.getData()) {
            assertEquals(PLM.perLayerTensors().size(), s.getData().size());
        }
        assertEquals(List.of("Attention", "MLP", "Norms"), chart.getData().stream().map(XYChart.Series::getName)
                .toList());
        snapshot(robot, "param-per-layer-plm-1.8b-dark.png");
        robot.interact(() -> Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet()));
    }

    @Test
    void lineChartUsesLogAxesPaletteDashesAndMarkers(FxRobot robot) throws Exception {
        double[] x = {1, 10, 100, 1000, 10000};
        ChartSpec spec = ChartSpec.builder("lr", ChartKind.LINE).title("Learning rate").subtitle("log–log")
                .xAxis(Axis.of("Step", "").withLog(true)).yAxis(Axis.of("LR", "").withLog(true))
                .addSeries(Series.xy("cosine", x, new double[] {1e-5, 3e-4, Double.NaN, 2e-4, 1e-5}).markers(true)
                        .yError(new double[] {0, 1e-5, 0, 2e-5, 0}).build())
                .addSeries(Series.xy("constant", x, new double[] {3e-4, 3e-4, 3e-4, 3e-4, 3e-4})
                        .lineStyle(LineStyle.DASHED).build())
                .addMarker(Marker.vertical(100, "warm-up end"))
                .addMarker(Marker.horizontal(1e-4, "floor"))
                .legend(true, LegendPosition.BOTTOM)
                .build();
        robot.interact(() -> pane.setSpec(spec));
        XYChart<?, Number> chart = pane.getChart();
        assertInstanceOf(LogAxis.class, chart.getXAxis());
        assertInstanceOf(LogAxis.class, chart.getYAxis());
        assertEquals(4, chart.getData().get(0).getData().size(), "the NaN gap is left out");
        LogAxis xAxis = (LogAxis) chart.getXAxis();
        LogAxis yAxis = (LogAxis) chart.getYAxis();
        assertEquals(1, xAxis.getLowerBound(), 0.0);
        assertEquals(10000, xAxis.getUpperBound(), 1e-9);
        assertEquals(1e-5, yAxis.getLowerBound(), 1e-20);
        assertEquals(1e-3, yAxis.getUpperBound(), 1e-15);
        double w = xAxis.getWidth();
        assertEquals(0, xAxis.getDisplayPosition(1), 1e-9);
        assertEquals(w / 2, xAxis.getDisplayPosition(100), 1e-6, "100 is half way from 1 to 10^4 on a log scale");
        assertEquals(100, xAxis.getValueForDisplay(w / 2).doubleValue(), 1e-9);
        assertTrue(yAxis.getDisplayPosition(1e-4) < yAxis.getDisplayPosition(1e-5), "y grows upwards");
        assertEquals(5, chart.getData().get(1).getData().size());

        Path solid = (Path) chart.getData().get(0).getNode();
        Path dashed = (Path) chart.getData().get(1).getNode();
        assertEquals(Color.web("#0072B2"), solid.getStroke(), "palette colour 0");
        assertEquals(Color.web("#E69F00"), dashed.getStroke(), "palette colour 1");
        assertEquals(List.of(7.0, 4.0), dashed.getStrokeDashArray());
        assertTrue(solid.getStrokeDashArray().isEmpty());
        long moves = solid.getElements().stream().filter(javafx.scene.shape.MoveTo.class::isInstance).count();
        assertEquals(2, moves, "the line starts once and breaks once, at the NaN gap");
        assertEquals(2, chart.lookupAll(".chart-marker-line").size());
        assertEquals(6, chart.lookupAll(".chart-error-bar").size(), "two error bars of three lines");
        snapshot(robot, "lr-log-log-light.png");
    }

    @Test
    void ctrlEOpensTheExportDialogWhichExports(FxRobot robot, @TempDir java.nio.file.Path dir) throws Exception {
        robot.clickOn(pane);
        robot.press(KeyCode.CONTROL, KeyCode.E).release(KeyCode.E, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        ExportDialog dialog = pane.getOpenDialog();
        assertNotNull(dialog, "Ctrl+E opened the export dialog");
        java.nio.file.Path target = dir.resolve("from-dialog.csv");
        robot.interact(() -> {
            TextField file = (TextField) dialog.getDialogPane().lookup("#export-file");
            file.setText(target.toString());
        });
        assertEquals(io.plmwb.experiments.chart.ExportFormat.PNG, pane.getExportModel().formatProperty().get());
        robot.interact(() -> pane.getExportModel().formatProperty().set(io.plmwb.experiments.chart.ExportFormat.CSV));
        robot.interact(() -> ((Button) dialog.getDialogPane().lookupButton(ExportDialog.EXPORT)).fire());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(Files.exists(target), "the dialog exported " + target);
        assertTrue(Files.readString(target).contains("Embedding,311.164928"));
        assertTrue(!dialog.isShowing(), "the dialog closed");
    }

    private void snapshot(FxRobot robot, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage image = WaitForAsyncUtils.asyncFx((Callable<WritableImage>) () -> pane.snapshot(null, null))
                .get();
        BufferedImage out = new BufferedImage((int) image.getWidth(), (int) image.getHeight(),
                BufferedImage.TYPE_INT_ARGB);
        PixelReader pr = image.getPixelReader();
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, pr.getArgb(x, y));
            }
        }
        Files.createDirectories(SHOTS);
        java.nio.file.Path file = SHOTS.resolve(name);
        ImageIO.write(out, "png", file.toFile());
        assertTrue(Files.size(file) > 1000, file + " was written");
        assertTrue(out.getWidth() >= 900, "snapshot of the whole pane");
    }
}
