package io.plmwb.views.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.engine.task.TaskState;
import io.plmwb.experiments.chart.ChartExportService;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.ExportFormat;
import io.plmwb.experiments.chart.ExportOptions;
import io.plmwb.experiments.chart.FigureSettings;
import io.plmwb.experiments.chart.ParameterBreakdownChart;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartExportViewModelTest {

    private static final ChartSpec DEMO = ParameterBreakdownChart.byComponent("plm-1.8b",
            ArchitectureSummary.of(Presets.byName("plm-1.8b").orElseThrow()));

    @TempDir
    Path dir;

    private ChartExportViewModel model() {
        ChartExportViewModel vm = new ChartExportViewModel(new ChartExportService(), new SyncTaskExecutor());
        vm.setDefaultDirectory(dir);
        vm.specProperty().set(DEMO);
        return vm;
    }

    @Test
    void figurePresetsSetThePhysicalSizeAndThePreviewFollows() throws Exception {
        ChartExportViewModel vm = model();
        assertFalse(vm.usesFigure(), "the logical-pixel layout stays the default");
        assertEquals(ExportOptions.defaults(), vm.options());
        vm.sizeProperty().set("single-column");
        assertTrue(vm.usesFigure());
        assertEquals(3.25, vm.figureWidthProperty().get(), 1e-9);
        assertEquals(8, vm.fontPtProperty().get(), 1e-9);
        ExportOptions o = vm.options();
        assertEquals(FigureSettings.preset("single-column"), o.figure());
        assertEquals(975, o.pixelWidth());
        assertEquals("975 × 720 px", vm.pixelSizeText().get());
        BufferedImage shown = ImageIO.read(new java.io.ByteArrayInputStream(vm.previewPng().get()));
        assertEquals(Math.round(3.25 * 96), shown.getWidth(), "the preview is the figure at screen size");
        vm.unitProperty().set(FigureSettings.Unit.CM);
        assertEquals(8.255, vm.figureWidthProperty().get(), 1e-9);
        assertEquals("single-column", vm.sizeProperty().get(), "a unit change keeps the preset");
        vm.fontPtProperty().set(10);
        assertEquals(ChartExportViewModel.CUSTOM_FIGURE, vm.sizeProperty().get());
        assertEquals(10, vm.options().figure().fontPt(), 1e-9);
        assertEquals(3.25, vm.options().figure().widthIn(), 1e-9);
        vm.figureWidthProperty().set(0.5);
        assertTrue(vm.validationMessage().get().contains("figure size"), vm.validationMessage().get());
        assertNull(vm.previewPng().get());
        vm.figureWidthProperty().set(16.51);
        vm.formatProperty().set(ExportFormat.PDF);
        var handle = vm.export().orElseThrow();
        assertEquals(TaskState.SUCCEEDED, handle.state());
        try (var doc = org.apache.pdfbox.Loader.loadPDF(vm.lastWrittenProperty().get().toFile())) {
            assertEquals(6.5 * 72, doc.getPage(0).getMediaBox().getWidth(), 0.01);
        }
    }

    @Test
    void exportsAndReportsSuccess() throws Exception {
        ChartExportViewModel vm = model();
        assertEquals(dir.resolve("param-breakdown-plm-1.8b.png").toString(), vm.targetProperty().get(),
                "a file name is suggested from the chart id");
        vm.widthProperty().set(400);
        vm.heightProperty().set(300);
        vm.dpiProperty().set(192);
        assertEquals("800 × 600 px", vm.pixelSizeText().get());
        assertTrue(vm.canExport().get());

        var handle = vm.export().orElseThrow();
        assertEquals(TaskState.SUCCEEDED, handle.state());
        Path png = dir.resolve("param-breakdown-plm-1.8b.png");
        assertEquals(png, vm.lastWrittenProperty().get());
        assertEquals("", vm.errorProperty().get());
        assertFalse(vm.runningProperty().get());
        assertTrue(vm.statusProperty().get().startsWith("Wrote "));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
    }

    @Test
    void reportsRefusalToOverwriteNamingTheFile() throws Exception {
        ChartExportViewModel vm = model();
        vm.formatProperty().set(ExportFormat.CSV);
        Path csv = dir.resolve("param-breakdown-plm-1.8b.csv");
        assertEquals(csv.toString(), vm.targetProperty().get(), "changing the format swaps the extension");
        Files.writeString(csv, "old");
        assertTrue(vm.targetExists());

        var handle = vm.export().orElseThrow();
        assertEquals(TaskState.FAILED, handle.state());
        assertTrue(vm.errorProperty().get().contains(csv.toString()), vm.errorProperty().get());
        assertTrue(vm.errorProperty().get().contains("already exists"), vm.errorProperty().get());
        assertNull(vm.lastWrittenProperty().get());
        assertEquals("old", Files.readString(csv));

        vm.overwriteProperty().set(true);
        assertEquals(TaskState.SUCCEEDED, vm.export().orElseThrow().state());
        assertEquals("", vm.errorProperty().get());
        assertTrue(Files.readString(csv).startsWith("Component,Parameters (M)\nEmbedding,311.164928\n"));
        vm.prepare();
        assertFalse(vm.overwriteProperty().get(), "each dialog asks again");
    }

    @Test
    void reportsWriteFailures() throws Exception {
        ChartExportViewModel vm = model();
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        vm.targetProperty().set(blocker.resolve("chart.pdf").toString());
        var handle = vm.export().orElseThrow();
        assertEquals(TaskState.FAILED, handle.state());
        assertTrue(vm.errorProperty().get().contains("chart.pdf"), vm.errorProperty().get());
    }

    @Test
    void invalidSettingsDisableExport() {
        ChartExportViewModel vm = model();
        vm.dpiProperty().set(5);
        assertFalse(vm.canExport().get());
        assertTrue(vm.validationMessage().get().contains("DPI"), vm.validationMessage().get());
        assertTrue(vm.export().isEmpty());
        assertTrue(vm.errorProperty().get().contains("DPI"));
        vm.dpiProperty().set(300);
        vm.targetProperty().set("  ");
        assertFalse(vm.canExport().get());
        vm.targetProperty().set(dir.toString());
        assertTrue(vm.validationMessage().get().contains("folder"));
        vm.specProperty().set(null);
        assertEquals("No chart to export", vm.validationMessage().get());
    }

    @Test
    void choosingAFileSelectsItsFormat() {
        ChartExportViewModel vm = model();
        vm.chooseTarget(dir.resolve("figure.svg"));
        assertEquals(ExportFormat.SVG, vm.formatProperty().get());
        assertEquals(dir.resolve("figure.svg").toString(), vm.targetProperty().get());
        vm.chooseTarget(dir.resolve("figure"));
        assertEquals(dir.resolve("figure.svg").toString(), vm.targetProperty().get());
        assertEquals("a/b.pdf", ChartExportViewModel.withExtension("a/b.png", ExportFormat.PDF));
    }
}
