package io.plmwb.experiments.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plmwb.engine.arch.ArchitectureSummary;
import io.plmwb.engine.model.Presets;
import io.plmwb.engine.task.SyncTaskExecutor;
import io.plmwb.engine.task.TaskHandle;
import io.plmwb.engine.task.TaskState;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ChartExportServiceTest {

    private static final ArchitectureSummary PLM = ArchitectureSummary.of(Presets.byName("plm-1.8b").orElseThrow());

    private final ChartExportService service = new ChartExportService();

    @TempDir
    Path dir;

    @Test
    void demoChartHasTheSummaryNumbers() {
        ChartSpec spec = ParameterBreakdownChart.byComponent("plm-1.8b", PLM);
        assertTrue(spec.title().contains("plm-1.8b"));
        assertEquals(List.of("Embedding", "Attention", "MLP", "Norms"), spec.categories(), "tied: no LM head bar");
        double[] y = spec.series().get(0).y();
        assertEquals(311.164928, y[0], 0.0);
        double sum = 0;
        for (double v : y) {
            sum += v * ParameterBreakdownChart.MILLION;
        }
        assertEquals(1_825_458_176L, Math.round(sum));
        assertEquals(PLM.total(), Math.round(sum));

        ChartSpec perLayer = ParameterBreakdownChart.perLayerTensors("plm-1.8b", PLM);
        double block = 0;
        for (Series s : perLayer.series()) {
            for (double v : s.y()) {
                block += v * ParameterBreakdownChart.MILLION;
            }
        }
        assertEquals(PLM.perLayer(), Math.round(block));
        assertEquals(List.of("attn norm", "q", "kv_a", "kv_a norm", "kv_b", "o", "mlp norm", "up", "down"),
                perLayer.categories());

        ArchitectureSummary untied = ArchitectureSummary.of(Presets.byName("plm-1.8b").orElseThrow());
        assertEquals(0, untied.lmHead());
    }

    @Test
    void exportsPngSvgPdfCsv() throws Exception {
        ChartSpec spec = ParameterBreakdownChart.byComponent("plm-1.8b", PLM);
        ExportOptions o = new ExportOptions(640, 400, 150, false);
        List<Path> paths = service.exportAll(spec, dir, "breakdown",
                List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV), o);
        assertEquals(4, paths.size());
        for (Path p : paths) {
            assertTrue(Files.size(p) > 0, p + " is empty");
        }

        // PNG: decodes at width × dpi / 96 and records the DPI
        Path png = dir.resolve("breakdown.png");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(625, img.getHeight());
        assertEquals(o.pixelWidth(), img.getWidth());
        assertEquals(150, pngDpi(png), 0.5);
        assertTrue(distinctColours(img) > 10, "the chart drew something");

        // SVG: well-formed XML naming the categories
        Document svg = parse(dir.resolve("breakdown.svg"));
        assertEquals("svg", svg.getDocumentElement().getNodeName());
        String svgText = Files.readString(dir.resolve("breakdown.svg"));
        for (String c : spec.categories()) {
            assertTrue(svgText.contains(c), "SVG lacks " + c);
        }

        // PDF
        byte[] pdf = Files.readAllBytes(dir.resolve("breakdown.pdf"));
        assertEquals("%PDF", new String(pdf, 0, 4, StandardCharsets.US_ASCII));
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            assertEquals(1, doc.getNumberOfPages());
            assertEquals(640f, doc.getPage(0).getMediaBox().getWidth(), 0.01f);
            assertTrue(doc.getDocumentInformation().getTitle().contains("plm-1.8b"));
        }

        // CSV: header + exactly one row per bar, values equal to the spec's
        List<String> csv = Files.readAllLines(dir.resolve("breakdown.csv"));
        assertEquals("Component,Parameters (M)", csv.get(0));
        assertEquals(1 + spec.categories().size(), csv.size());
        assertEquals("Embedding,311.164928", csv.get(1));
        double[] y = spec.series().get(0).y();
        for (int i = 0; i < y.length; i++) {
            String[] cells = csv.get(i + 1).split(",");
            assertEquals(spec.categories().get(i), cells[0]);
            assertEquals(y[i], Double.parseDouble(cells[1]), 0.0, "row " + i);
        }

        // no temporary files left behind
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(4, files.count());
        }
    }

    @Test
    void stackedChartSvgNamesItsSeries() throws Exception {
        ChartSpec spec = ParameterBreakdownChart.perLayerTensors("plm-1.8b", PLM);
        Path svg = service.export(spec, ExportFormat.SVG, dir.resolve("layer.svg"), ExportOptions.defaults());
        parse(svg);
        String text = Files.readString(svg);
        for (Series s : spec.series()) {
            assertTrue(text.contains(s.name()), "SVG lacks series " + s.name());
        }
        List<String> csv = Files.readAllLines(service.export(spec, ExportFormat.CSV, dir.resolve("layer.csv"),
                ExportOptions.defaults()));
        assertEquals("Tensor,Attention (M),MLP (M),Norms (M)", csv.get(0));
        assertEquals(1 + PLM.perLayerTensors().size(), csv.size());
        assertEquals("attn norm,0,0,0.002048", csv.get(1));
    }

    @Test
    void lineChartWithGapsMarkersAndLogAxisExports() throws Exception {
        ChartSpec spec = lrSpec();
        for (ExportFormat f : ExportFormat.values()) {
            Path p = service.export(spec, f, dir.resolve("lr." + f.extension()), new ExportOptions(500, 300, 96,
                    false));
            assertTrue(Files.size(p) > 0);
        }
        BufferedImage img = ImageIO.read(dir.resolve("lr.png").toFile());
        assertEquals(500, img.getWidth());
        List<String> csv = Files.readAllLines(dir.resolve("lr.csv"));
        // the drawn reference lines are columns too: the vertical marker's x, the horizontal one's y
        assertEquals(List.of("Step,cosine,cosine ±,constant,warm-up end (x marker),floor (reference)",
                "1,1.0E-5,0,3.0E-4,100,1.0E-4", "10,3.0E-4,1.0E-5,3.0E-4,100,1.0E-4", "100,,,3.0E-4,100,1.0E-4",
                "1000,2.0E-4,1.0E-5,3.0E-4,100,1.0E-4", "10000,1.0E-5,0,3.0E-4,100,1.0E-4"), csv);
        assertTrue(Files.readString(dir.resolve("lr.svg")).contains("warm-up end"));
    }

    static ChartSpec lrSpec() {
        double[] x = {1, 10, 100, 1000, 10000};
        return ChartSpec.builder("lr", ChartKind.LINE).title("Learning rate").subtitle("cosine, warm-up")
                .xAxis(Axis.of("Step", "").withLog(true)).yAxis(Axis.of("LR", "").withLog(true))
                .addSeries(Series.xy("cosine", x, new double[] {1e-5, 3e-4, Double.NaN, 2e-4, 1e-5}).markers(true)
                        .yError(new double[] {0, 1e-5, Double.NaN, 1e-5, 0}).build())
                .addSeries(Series.xy("constant", x, new double[] {3e-4, 3e-4, 3e-4, 3e-4, 3e-4})
                        .lineStyle(LineStyle.DASHED).color("#000000").build())
                .addMarker(Marker.vertical(100, "warm-up end"))
                .addMarker(Marker.horizontal(1e-4, "floor"))
                .legend(true, LegendPosition.BOTTOM)
                .build();
    }

    @Test
    void seriesWithDifferentXGiveALongCsv() throws Exception {
        ChartSpec spec = ChartSpec.builder("lat", ChartKind.SCATTER).title("Latency")
                .xAxis(Axis.of("Context", "tokens")).yAxis(Axis.of("Latency", "ms"))
                .addSeries(Series.xy("fp32, latent", new double[] {512, 1024}, new double[] {12.5, 20.25}).build())
                .addSeries(Series.xy("int8", new double[] {2048}, new double[] {0.1 + 0.2}).build())
                .build();
        Path p = service.export(spec, ExportFormat.CSV, dir.resolve("lat.csv"), ExportOptions.defaults());
        List<String> csv = Files.readAllLines(p);
        assertEquals(List.of("series,Context (tokens),Latency (ms)", "\"fp32, latent\",512,12.5",
                "\"fp32, latent\",1024,20.25", "int8,2048,0.30000000000000004"), csv);
        assertEquals(0.1 + 0.2, Double.parseDouble(csv.get(3).split(",")[2]), 0.0);
    }

    @Test
    void barChartWithAGapAndErrorsExports() throws Exception {
        ChartSpec spec = winsSpec();
        for (ExportFormat f : ExportFormat.values()) {
            assertTrue(Files.size(service.export(spec, f, dir.resolve("wins." + f.extension()),
                    ExportOptions.defaults())) > 0);
        }
        assertEquals(List.of("Round,policy A (%),policy A ± (%),policy B (%),parity (reference) (%)",
                "r1,52.5,2.1,47.5,50", "r2,,,50,50", "r3,61,1.8,39,50"), Files.readAllLines(dir.resolve("wins.csv")));
        assertEquals(ExportFormat.SVG, ExportFormat.parse(" SVG "));
        assertThrows(IllegalArgumentException.class, () -> ExportFormat.parse("jpeg"));
    }

    static ChartSpec winsSpec() {
        return ChartSpec.builder("wins", ChartKind.BAR).title("Preference rounds")
                .xAxis(Axis.of("Round", "")).yAxis(Axis.of("Win rate", "%"))
                .addSeries(Series.categories("policy A", List.of("r1", "r2", "r3"), new double[] {52.5, Double.NaN, 61})
                        .yError(new double[] {2.1, Double.NaN, 1.8}).build())
                .addSeries(Series.categories("policy B", List.of("r1", "r2", "r3"), new double[] {47.5, 50, 39})
                        .build())
                .addMarker(Marker.horizontal(50, "parity"))
                .build();
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws Exception {
        ChartSpec spec = ParameterBreakdownChart.byComponent("plm-1.8b", PLM);
        Path target = dir.resolve("existing.csv");
        Files.writeString(target, "keep me");
        var e = assertThrows(ChartExportException.class,
                () -> service.export(spec, ExportFormat.CSV, target, ExportOptions.defaults()));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.isTargetExists());
        assertEquals("keep me", Files.readString(target));

        // exportAll refuses before writing anything
        Path png = dir.resolve("existing.png");
        assertThrows(ChartExportException.class, () -> service.exportAll(spec, dir, "existing",
                List.of(ExportFormat.PNG, ExportFormat.CSV), ExportOptions.defaults()));
        assertFalse(Files.exists(png));

        service.export(spec, ExportFormat.CSV, target, ExportOptions.defaults().withOverwrite(true));
        assertTrue(Files.readString(target).startsWith("Component,"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }

    @Test
    void failuresNameTheFile() throws Exception {
        ChartSpec spec = ParameterBreakdownChart.byComponent("plm-1.8b", PLM);
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        Path target = blocker.resolve("chart.png");
        var e = assertThrows(ChartExportException.class,
                () -> service.export(spec, ExportFormat.PNG, target, ExportOptions.defaults()));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertFalse(e.isTargetExists());
    }

    @Test
    void exportTaskRunsThroughTheTaskExecutor() {
        ChartSpec spec = ParameterBreakdownChart.byComponent("plm-1.8b", PLM);
        List<Path> ok = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (SyncTaskExecutor executor = new SyncTaskExecutor()) {
            TaskHandle h = executor.execute(service.exportAllTask(spec, dir, "task",
                    List.of(ExportFormat.CSV, ExportFormat.PNG), ExportOptions.defaults()).onSuccess(ok::addAll)
                    .onFailure(failed::set));
            assertEquals(TaskState.SUCCEEDED, h.state());
            assertEquals(2, ok.size());
            TaskHandle again = executor.execute(service.exportTask(spec, ExportFormat.CSV, dir.resolve("task.csv"),
                    ExportOptions.defaults()).onFailure(failed::set));
            assertEquals(TaskState.FAILED, again.state());
            assertTrue(failed.get().getMessage().contains("task.csv"));
        }
    }

    @Test
    void optionsComputePixelsAndRejectNonsense() {
        ExportOptions o = new ExportOptions(800, 500, 300, false);
        assertEquals(2500, o.pixelWidth());
        assertEquals(1563, o.pixelHeight());
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(10, 500, 300, false));
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(800, 500, 5000, false));
        assertThrows(IllegalArgumentException.class, () -> service.exportAll(
                ParameterBreakdownChart.byComponent("plm-1.8b", PLM), dir, "a/b", List.of(ExportFormat.CSV), o));
    }

    static double pngDpi(Path png) throws IOException {
        try (InputStream in = Files.newInputStream(png); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            ImageReader reader = ImageIO.getImageReaders(iis).next();
            reader.setInput(iis);
            IIOMetadata meta = reader.getImageMetadata(0);
            IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree("javax_imageio_png_1.0");
            NodeList phys = root.getElementsByTagName("pHYs");
            assertEquals(1, phys.getLength(), "PNG has a pHYs chunk");
            IIOMetadataNode n = (IIOMetadataNode) phys.item(0);
            assertEquals("meter", n.getAttribute("unitSpecifier"));
            return Double.parseDouble(n.getAttribute("pixelsPerUnitXAxis")) * 0.0254;
        }
    }

    static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(xml.toFile());
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    /** Writes the demo charts under target/chart-samples for a human to look at. */
    @Test
    void writesSamplesForReview() throws Exception {
        Path out = Path.of("target", "chart-samples");
        ExportOptions o = ExportOptions.defaults().withDpi(150).withOverwrite(true);
        for (ChartSpec spec : List.of(ParameterBreakdownChart.byComponent("plm-1.8b", PLM),
                ParameterBreakdownChart.perLayerTensors("plm-1.8b", PLM),
                ParameterBreakdownChart.byComponent("llama-3.2-1b",
                        ArchitectureSummary.of(Presets.byName("llama-3.2-1b").orElseThrow())), lrSpec(), winsSpec(),
                ChartSpec.builder("latency-hist", ChartKind.HISTOGRAM).title("Decode latency")
                        .xAxis(Axis.of("Latency", "ms")).yAxis(Axis.of("Tokens", ""))
                        .addSeries(Histograms.bin("decode", latencies(), 12, 10, 40).build())
                        .addMarker(Marker.horizontal(100, "budget")).build(),
                ChartSpec.builder("area", ChartKind.AREA).title("Sparsity by layer")
                        .xAxis(Axis.of("Layer", "")).yAxis(Axis.of("Zeros", "%").withRange(0.0, 100.0))
                        .addSeries(Series.xy("relu2", new double[] {0, 1, 2, 3, 4, 5},
                                new double[] {60, 72, 81, 85, 88, 90}).build())
                        .addSeries(Series.xy("silu", new double[] {0, 1, 2, 3, 4, 5},
                                new double[] {5, 6, 8, 7, 9, 8}).lineStyle(LineStyle.DOTTED).build())
                        .legend(true, LegendPosition.INSIDE_TOP_LEFT).build())) {
            List<Path> written = service.exportAll(spec, out, spec.id(), ExportFormat.standard(), o);
            assertEquals(4, written.size());
        }
    }

    /** A fixed, skewed sample of latencies (ms) from a linear congruential generator. */
    static double[] latencies() {
        double[] v = new double[2000];
        long state = 42;
        for (int i = 0; i < v.length; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            double u1 = ((state >>> 11) + 1.0) / (1L << 53);
            v[i] = 12 + 6 * -Math.log(u1);
        }
        return v;
    }

    @Test
    void csvFullPrecisionRoundTrips() {
        double[] values = {Math.PI, 1e-300, -0.0, 123456789012345678.0, 2.5};
        for (double v : values) {
            assertEquals(v, Double.parseDouble(ChartCsv.number(v)), 0.0);
        }
        assertArrayEquals(new String[] {"", "3"}, new String[] {ChartCsv.number(Double.NaN), ChartCsv.number(3.0)});
    }
}
