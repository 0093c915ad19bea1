package io.plmwb.experiments.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Physical figures: same size in PNG, SVG and PDF; live text; metadata; tick formats; reference series in CSV. */
class FigureExportTest {

    @TempDir
    Path dir;

    private final ChartExportService svc = new ChartExportService();

    static ChartSpec lrChart() {
        double[] step = {0, 100, 200, 300, 400, 500};
        return ChartSpec.builder("lr-schedule", ChartKind.LINE).title("Learning rate")
                .xAxis(Axis.of("Step", "")).yAxis(Axis.of("Learning rate", ""))
                .addSeries(Series.xy("cosine", step, new double[] {0.002, 0.0019, 0.0015, 0.001, 0.0005, 0.0001})
                        .build())
                .addSeries(Series.xy("linear", step, new double[] {0.002, 0.0016, 0.0012, 0.0008, 0.0004, 0})
                        .build())
                .addMarker(Marker.vertical(100, "warm-up end"))
                .addMarker(Marker.horizontal(0.001, "ARIES"))
                .provenance("model-sha256", "abc123").build();
    }

    static ChartSpec barChart() {
        List<String> cats = List.of("q_proj", "k_proj", "v_proj", "o_proj");
        return ChartSpec.builder("params", ChartKind.BAR).title("Parameters per module")
                .xAxis(Axis.of("Module", "")).yAxis(Axis.of("Parameters", ""))
                .addSeries(Series.categories("layer 0", cats, new double[] {4096, 1024, 1024, 4096}).build())
                .addSeries(Series.categories("layer 1", cats, new double[] {4096, 1024, 1024, 4096}).build())
                .addMarker(Marker.horizontal(3000, "budget")).build();
    }

    static ChartSpec heatChart() {
        double[][] v = new double[6][8];
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 8; c++) {
                v[r][c] = Math.sin(r * 0.7) * Math.cos(c * 0.5);
            }
        }
        List<String> xs = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            xs.add("h" + c);
        }
        List<String> ys = new ArrayList<>();
        for (int r = 0; r < 6; r++) {
            ys.add("L" + r);
        }
        return ChartSpec.builder("heat", ChartKind.HEATMAP).title("A − B").xAxis(Axis.of("Head", ""))
                .yAxis(Axis.of("Layer", "")).heat(new HeatMatrix(xs, ys, v, -1, 1, HeatMatrix.Scale.DIVERGING, "Δ"))
                .build();
    }

    @Test
    void presetsGiveTheSamePhysicalSizeInEveryFormat() throws Exception {
        for (Map.Entry<String, FigureSettings> e : FigureSettings.presets().entrySet()) {
            FigureSettings f = e.getValue();
            ExportOptions o = ExportOptions.of(f, false);
            String base = "p-" + e.getKey();
            svc.exportAll(lrChart(), dir, base, List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF), o);
            // PNG: pixels = inches × dpi, pHYs = dpi
            try (ImageInputStream in = ImageIO.createImageInputStream(dir.resolve(base + ".png").toFile())) {
                ImageReader r = ImageIO.getImageReaders(in).next();
                r.setInput(in);
                assertEquals(Math.round(f.widthIn() * f.dpi()), r.getWidth(0), e.getKey());
                assertEquals(Math.round(f.heightIn() * f.dpi()), r.getHeight(0), e.getKey());
                IIOMetadataNode root = (IIOMetadataNode) r.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
                IIOMetadataNode phys = (IIOMetadataNode) root.getElementsByTagName("pHYs").item(0);
                double perMetre = Double.parseDouble(phys.getAttribute("pixelsPerUnitXAxis"));
                assertEquals(f.dpi(), perMetre * 0.0254, 0.05, e.getKey());
            }
            String svg = Files.readString(dir.resolve(base + ".svg"));
            String tag = svg.substring(svg.indexOf("<svg"), svg.indexOf('>', svg.indexOf("<svg")));
            assertEquals(f.widthIn(), inches(tag, "width"), 1e-3, tag);
            assertEquals(f.heightIn(), inches(tag, "height"), 1e-3, tag);
            Matcher vb = Pattern.compile("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"").matcher(tag);
            assertTrue(vb.find(), tag);
            assertEquals(f.widthIn() * 72, Double.parseDouble(vb.group(1)), 1e-2);
            assertEquals(f.heightIn() * 72, Double.parseDouble(vb.group(2)), 1e-2);
            try (PDDocument doc = Loader.loadPDF(dir.resolve(base + ".pdf").toFile())) {
                assertEquals(f.widthIn() * 72, doc.getPage(0).getMediaBox().getWidth(), 0.01);
                assertEquals(f.heightIn() * 72, doc.getPage(0).getMediaBox().getHeight(), 0.01);
            }
        }
    }

    private static double inches(String tag, String attr) {
        Matcher m = Pattern.compile("\\s" + attr + "=\"([0-9.]+)in\"").matcher(tag);
        assertTrue(m.find(), attr + " in inches: " + tag);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void svgAndPdfCarryLiveTextAndMetadata() throws Exception {
        ExportOptions o = ExportOptions.of(FigureSettings.preset("single-column"), false);
        for (ChartSpec spec : List.of(lrChart(), barChart(), heatChart())) {
            svc.exportAll(spec, dir, spec.id(), List.of(ExportFormat.SVG, ExportFormat.PDF, ExportFormat.PNG), o);
            String svg = Files.readString(dir.resolve(spec.id() + ".svg"));
            List<String> texts = svgTexts(svg);
            assertTrue(texts.contains(spec.xAxis().title()), spec.id() + ": " + texts);
            assertTrue(texts.contains(spec.yAxis().title()), spec.id() + ": " + texts);
            assertTrue(svg.contains("key=\"chart-id\" value=\"" + spec.id() + "\""), svg.substring(0, 600));
            String pdf = pdftotext(dir.resolve(spec.id() + ".pdf"));
            assertTrue(pdf.contains(spec.xAxis().title()), spec.id() + ": " + pdf);
            assertTrue(pdf.contains(spec.yAxis().title()), spec.id() + ": " + pdf);
            try (PDDocument doc = Loader.loadPDF(dir.resolve(spec.id() + ".pdf").toFile())) {
                assertEquals(spec.id(), doc.getDocumentInformation().getCustomMetadataValue("chart-id"));
                List<String> fonts = fonts(doc.getPage(0).getResources(), 0);
                assertFalse(fonts.isEmpty(), spec.id() + ": no fonts");
                for (String f : fonts) {
                    assertTrue(f.matches("[A-Z]{6}\\+DejaVu.*"), "subset DejaVu font, was " + f);
                }
            }
        }
        // ticks of the line chart: integers on the step axis, scientific on the learning-rate axis
        String svg = Files.readString(dir.resolve("lr-schedule.svg"));
        List<String> texts = svgTexts(svg);
        for (String tick : List.of("0", "200", "400", "1×10⁻³", "2×10⁻³")) {
            assertTrue(texts.contains(tick), tick + " in " + texts);
        }
        assertFalse(texts.stream().anyMatch(t -> t.startsWith(".")), texts.toString());
        for (String legend : List.of("cosine", "linear", "warm-up end", "ARIES")) {
            assertTrue(texts.contains(legend), legend + " in " + texts);
        }
        String pdf = pdftotext(dir.resolve("lr-schedule.pdf"));
        for (String tick : List.of("200", "400", "cosine", "linear", "Step")) {
            assertTrue(pdf.contains(tick), tick + " in " + pdf);
        }
        List<String> barTexts = svgTexts(Files.readString(dir.resolve("params.svg")));
        for (String t : List.of("q_proj", "v_proj", "4000", "layer 0")) {
            assertTrue(barTexts.contains(t), t + " in " + barTexts);
        }
        String keep = System.getProperty("figures.out");
        if (keep != null) { // -Dfigures.out=DIR keeps the single-column files for looking at them
            Files.createDirectories(Path.of(keep));
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.copy(f, Path.of(keep).resolve(f.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // PNG tEXt
        try (ImageInputStream in = ImageIO.createImageInputStream(dir.resolve("lr-schedule.png").toFile())) {
            ImageReader r = ImageIO.getImageReaders(in).next();
            r.setInput(in);
            IIOMetadataNode root = (IIOMetadataNode) r.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            var entries = root.getElementsByTagName("tEXtEntry");
            Map<String, String> kv = new java.util.HashMap<>();
            for (int i = 0; i < entries.getLength(); i++) {
                IIOMetadataNode n = (IIOMetadataNode) entries.item(i);
                kv.put(n.getAttribute("keyword"), n.getAttribute("value"));
            }
            assertEquals("lr-schedule", kv.get("chart-id"));
            assertEquals("abc123", kv.get("model-sha256"));
            assertTrue(kv.get("Software").startsWith("PLM Workbench "), kv.toString());
            assertTrue(kv.get("figure").startsWith("3.25 × 2.4 in, 8 pt DejaVu Sans"), kv.toString());
        }
    }

    @Test
    void defaultLayoutAlsoHasLiveTickText() throws Exception {
        Path svg = svc.export(barChart(), ExportFormat.SVG, dir.resolve("b.svg"), ExportOptions.defaults());
        List<String> texts = svgTexts(Files.readString(svg));
        assertTrue(texts.contains("k_proj") && texts.contains("Parameters"), texts.toString());
    }

    static List<String> svgTexts(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(svg);
        while (m.find()) {
            out.add(m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip());
        }
        return out;
    }

    private static List<String> fonts(PDResources res, int depth) throws IOException {
        List<String> out = new ArrayList<>();
        if (res == null || depth > 4) {
            return out;
        }
        for (var n : res.getFontNames()) {
            PDFont f = res.getFont(n);
            out.add(f.getName());
            assertTrue(f.isEmbedded(), f.getName() + " embedded");
        }
        for (var n : res.getXObjectNames()) {
            if (res.getXObject(n) instanceof PDFormXObject form) {
                out.addAll(fonts(form.getResources(), depth + 1));
            }
        }
        return out;
    }

    static String pdftotext(Path pdf) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pdftotext")), "pdftotext (poppler-utils) is installed");
        Process p = new ProcessBuilder("pdftotext", "-layout", pdf.toString(), "-").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), text);
        return text;
    }
}
