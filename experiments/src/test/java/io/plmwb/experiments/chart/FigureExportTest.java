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

    @Test
    void csvHoldsTheReferenceLines() {
        String csv = ChartCsv.toCsv(lrChart());
        String[] lines = csv.split("\n");
        assertEquals("Step,cosine,linear,warm-up end (x marker),ARIES (reference)", lines[0]);
        assertEquals("0,0.002,0.002,100,0.001", lines[1]);
        assertEquals(7, lines.length);
        String bars = ChartCsv.toCsv(barChart());
        assertTrue(bars.startsWith("Module,layer 0,layer 1,budget (reference)\nq_proj,4096,4096,3000\n"), bars);
        // differing x: each line is a series of its two ends (y from 0 to the top of the data)
        ChartSpec longForm = ChartSpec.builder("long", ChartKind.LINE).title("t").xAxis(Axis.of("x", ""))
                .yAxis(Axis.of("y", "")).addSeries(Series.xy("a", new double[] {0, 1}, new double[] {0, 4}).build())
                .addSeries(Series.xy("b", new double[] {0, 2}, new double[] {1, 2}).build())
                .addMarker(Marker.horizontal(3, "")).build();
        assertTrue(ChartCsv.toCsv(longForm).endsWith("y = 3 (reference),0,3\ny = 3 (reference),2,3\n"),
                ChartCsv.toCsv(longForm));
    }

    @Test
    void texIsOptionalAndHoldsTheData() throws Exception {
        assertFalse(ExportFormat.standard().contains(ExportFormat.TEX));
        assertEquals(ExportFormat.TEX, ExportFormat.parse("tex"));
        Path tex = svc.export(lrChart(), ExportFormat.TEX, dir.resolve("lr.tex"),
                ExportOptions.of(FigureSettings.preset("single-column"), false));
        String t = Files.readString(tex);
        assertTrue(t.contains("width=3.25in, height=2.4in"), t);
        assertTrue(t.contains("\\addlegendentry{cosine}") && t.contains("\\addlegendentry{linear}"), t);
        assertTrue(t.contains("300 0.001 \\\\"), t); // cosine at step 300
        assertTrue(t.contains("(axis cs:100,0) -- (axis cs:100,0.002) node[above, font=\\scriptsize] {warm-up end}"),
                t);
        assertTrue(t.contains("% chart-id: lr-schedule") && t.contains("% model-sha256: abc123"), t);
        assertTrue(t.contains("dashed, thick"), "second series dashed: " + t);
        String bars = Files.readString(svc.export(barChart(), ExportFormat.TEX, dir.resolve("b.tex"),
                ExportOptions.defaults()));
        assertTrue(bars.contains("xticklabels={{q\\_proj},{k\\_proj},{v\\_proj},{o\\_proj}}"), bars);
    }

    @Test
    void tickFormatsFollowTheData() {
        var lr = TickLabels.linear(0, 0.002, false);
        assertEquals("2×10⁻³", lr.apply(0.002));
        assertEquals("1.5×10⁻³", lr.apply(0.0015));
        assertEquals("0", lr.apply(0.0));
        var steps = TickLabels.linear(0, 900, true);
        assertEquals("300", steps.apply(300.0));
        assertEquals("", steps.apply(2.5));
        var unit = TickLabels.linear(0, 1, false);
        assertEquals("0.25", unit.apply(0.25));
        assertEquals("1", unit.apply(1.0));
        assertEquals("3×10⁶", TickLabels.linear(0, 5e6, false).apply(3e6));
        assertEquals("10⁻⁴", TickLabels.logDecade(1e-4));
        assertEquals("0.01", TickLabels.logDecade(0.01));
        assertEquals("", TickLabels.logDecade(3e-4));
        assertEquals(LineStyle.DASH_DOT, LineStyle.cycle(3));
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
