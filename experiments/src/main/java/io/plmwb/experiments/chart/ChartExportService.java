package io.plmwb.experiments.chart;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2DFontTextDrawer;
import io.plmwb.engine.io.AtomicFiles;
import io.plmwb.engine.task.BackgroundTask;
import io.plmwb.engine.task.TaskContext;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/**
 * Writes a {@link ChartSpec} to PNG, SVG, PDF or CSV: the one export path of the GUI and the CLI. Rendering uses
 * XChart charts painted onto Java2D (PNG), VectorGraphics2D (SVG) or pdfbox-graphics2d (PDF); CSV holds exactly the series drawn
 * ({@link ChartCsv}). Every file is written to a temporary file in the target folder and then moved into place, so a
 * failed export never leaves a half-written file; an existing file is only replaced when
 * {@link ExportOptions#overwrite()} is set. Stateless and thread-safe.
 */
public final class ChartExportService {

    /**
     * Writes one file and returns its path.
     *
     * @throws ChartExportException when the target exists (and overwrite is off) or writing fails; the message
     *                              names the file
     */
    public Path export(ChartSpec spec, ExportFormat format, Path target, ExportOptions options)
            throws ChartExportException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(options, "options");
        Path file = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        refuseExisting(file, options);
        try {
            return AtomicFiles.write(file, options.overwrite(), out -> write(spec, format, options, out));
        } catch (AtomicFiles.TargetExistsException e) {
            throw e.isFolder() ? new ChartExportException(file, "it is a folder", true, e) : exists(file);
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ChartExportException(file, reason, false, e);
        }
    }

    /**
     * Writes {@code dir/baseName.<ext>} for each format (in the given order) and returns the paths. Without
     * overwrite, nothing is written when any of the targets exists.
     */
    public List<Path> exportAll(ChartSpec spec, Path dir, String baseName, List<ExportFormat> formats,
            ExportOptions options) throws ChartExportException {
        return exportAll(spec, dir, baseName, formats, options, TaskContext.none());
    }

    /** As {@link #exportAll(ChartSpec, Path, String, List, ExportOptions)}, reporting progress to a task context. */
    public List<Path> exportAll(ChartSpec spec, Path dir, String baseName, List<ExportFormat> formats,
            ExportOptions options, TaskContext context) throws ChartExportException {
        checkBaseName(baseName);
        List<ExportFormat> unique = List.copyOf(new LinkedHashSet<>(formats));
        List<Path> targets = new ArrayList<>();
        for (ExportFormat f : unique) {
            Path t = dir.resolve(baseName + "." + f.extension()).toAbsolutePath().normalize();
            refuseExisting(t, options);
            targets.add(t);
        }
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < unique.size(); i++) {
            context.checkCancelled();
            context.message("Writing " + targets.get(i).getFileName());
            written.add(export(spec, unique.get(i), targets.get(i), options));
            context.progress(i + 1, unique.size());
        }
        return List.copyOf(written);
    }

    /** A background task that writes one file; its value is the written path. */
    public BackgroundTask<Path> exportTask(ChartSpec spec, ExportFormat format, Path target, ExportOptions options) {
        return BackgroundTask.of("Export " + target.getFileName(), ctx -> {
            ctx.message("Writing " + target.getFileName());
            Path p = export(spec, format, target, options);
            ctx.progress(1, 1);
            return p;
        });
    }

    /** A background task that writes several formats; its value is the written paths. */
    public BackgroundTask<List<Path>> exportAllTask(ChartSpec spec, Path dir, String baseName,
            List<ExportFormat> formats, ExportOptions options) {
        return BackgroundTask.of("Export " + baseName, ctx -> exportAll(spec, dir, baseName, formats, options, ctx));
    }

    /** A file name for a chart: its id made safe for file systems, plus the format's extension. */
    public static String suggestedFileName(ChartSpec spec, ExportFormat format) {
        String safe = spec.id().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[.-]+", "");
        return (safe.isEmpty() ? "chart" : safe) + "." + format.extension();
    }

    /** Writes {@code spec} in {@code format} to a stream (not closed); the atomic file handling is the caller's. */
    public void write(ChartSpec spec, ExportFormat format, ExportOptions options, OutputStream out)
            throws IOException {
        switch (format) {
            case CSV -> out.write(ChartCsv.toCsv(spec).getBytes(StandardCharsets.UTF_8));
            case PNG -> writePng(spec, options, out);
            case SVG -> writeSvg(spec, options, out);
            case PDF -> writePdf(spec, options, out);
            case TEX -> out.write(PgfPlots.toTex(spec, options, metadata(spec, options))
                    .getBytes(StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("unsupported format " + format);
        }
    }

    /**
     * SVG with live text: titles, axis titles, tick labels and legend entries are {@code <text>} elements
     * ({@link LiveTextGraphics2D}), plus a {@code <title>}, a {@code <desc>} and a {@code <metadata>} block. With
     * figure settings the width and height are in inches and the viewBox in points.
     */
    private static void writeSvg(ChartSpec spec, ExportOptions o, OutputStream out) throws IOException {
        Page p = Page.of(o);
        VectorGraphics2D g = new VectorGraphics2D();
        p.paint(spec, g);
        g.dispose();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, p.w(), p.h())).writeTo(buf);
        // a dash with no gap is a solid line; some renderers (ImageMagick) reject the zero
        String svg = buf.toString(StandardCharsets.UTF_8).replaceAll("stroke-dasharray:[0-9.]+,0;", "");
        int open = svg.indexOf("<svg");
        int end = open < 0 ? -1 : svg.indexOf('>', open);
        if (end < 0) {
            throw new IOException("the SVG back end wrote no <svg> element");
        }
        String tag = svg.substring(open, end + 1);
        if (o.figure() != null) {
            FigureSettings f = o.figure();
            tag = attr(attr(attr(tag, "width", num(f.widthIn()) + "in"), "height", num(f.heightIn()) + "in"),
                    "viewBox", "0 0 " + num(p.w()) + " " + num(p.h()));
        }
        StringBuilder meta = new StringBuilder("\n<title>").append(xml(XChartRenderer.fullTitle(spec)))
                .append("</title>\n<desc>").append(xml(describe(spec))).append("</desc>\n<metadata>\n");
        for (var e : metadata(spec, o).entrySet()) {
            meta.append("<plmwb:entry xmlns:plmwb=\"https://plmwb.io/ns/figure\" key=\"").append(xml(e.getKey()))
                    .append("\" value=\"").append(xml(e.getValue())).append("\"/>\n");
        }
        meta.append("</metadata>");
        out.write((svg.substring(0, open) + tag + meta + svg.substring(end + 1)).getBytes(StandardCharsets.UTF_8));
    }

    private static String attr(String tag, String name, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s" + name + "=\"[^\"]*\"").matcher(tag);
        String a = " " + name + "=\"" + value + "\"";
        if (m.find()) {
            return tag.substring(0, m.start()) + a + tag.substring(m.end());
        }
        return tag.substring(0, 4) + a + tag.substring(4);
    }

    private static String num(double v) {
        return TickLabels.plain(Math.round(v * 1000) / 1000.0);
    }

    /**
     * What every exported file records: workbench version, chart id, title, export settings and the chart's
     * provenance (model and data hashes when the producer gives them).
     */
    public static java.util.Map<String, String> metadata(ChartSpec spec, ExportOptions o) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("Software", "PLM Workbench " + io.plmwb.engine.EngineInfo.appVersion());
        m.put("Title", XChartRenderer.fullTitle(spec));
        m.put("chart-id", spec.id());
        m.put("figure", o.describe());
        spec.provenance().forEach(m::putIfAbsent);
        return m;
    }

    /**
     * One page of the layout: with figure settings the page is the figure in points, otherwise the logical size
     * (1 logical pixel = 1 pt). Text is real text in embedded, subset DejaVu fonts; the metadata goes into the
     * document information.
     */
    private static void writePdf(ChartSpec spec, ExportOptions o, OutputStream out) throws IOException {
        Page p = Page.of(o);
        try (PDDocument doc = new PDDocument();
                PdfBoxGraphics2DFontTextDrawer fonts = new PdfBoxGraphics2DFontTextDrawer()) {
            PDPage page = new PDPage(new PDRectangle((float) p.w(), (float) p.h()));
            doc.addPage(page);
            for (Path f : EmbeddedFonts.files()) {
                fonts.registerFont(f.toFile());
            }
            PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, (float) p.w(), (float) p.h());
            g.setFontTextDrawer(fonts);
            try {
                p.paint(spec, g);
            } finally {
                g.dispose();
            }
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.drawForm(g.getXFormObject());
            }
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(XChartRenderer.fullTitle(spec));
            info.setSubject(describe(spec));
            info.setCreator("PLM Workbench");
            info.setProducer("PLM Workbench " + io.plmwb.engine.EngineInfo.appVersion());
            for (var e : metadata(spec, o).entrySet()) {
                if (!e.getKey().equals("Title")) {
                    info.setCustomMetadataValue(e.getKey(), e.getValue());
                }
            }
            doc.save(out);
        }
    }

    /** The layout of an export: page size in points or logical pixels, the integer layout size and the style. */
    record Page(double w, double h, int lw, int lh, XChartRenderer.Style style) {
        static Page of(ExportOptions o) {
            FigureSettings f = o.figure();
            if (f == null) {
                return new Page(o.widthPx(), o.heightPx(), o.widthPx(), o.heightPx(), XChartRenderer.Style.DEFAULT);
            }
            // one layout unit = base font / 13 pt, so every size of the default layout (axis titles 13) scales alike
            double unit = f.fontPt() / 13.0;
            return new Page(f.widthPt(), f.heightPt(), (int) Math.round(f.widthPt() / unit),
                    (int) Math.round(f.heightPt() / unit), XChartRenderer.Style.of(f));
        }

        /** Paints the chart so that it fills {@code w × h} units of {@code g}. */
        void paint(ChartSpec spec, Graphics2D g) {
            java.awt.geom.AffineTransform saved = g.getTransform();
            g.scale(w / lw, h / lh);
            XChartRenderer.render(spec, lw, lh, style).paint(g, lw, lh);
            g.setTransform(saved);
        }
    }

    /** A one-paragraph text description of a chart: kind, axes, series, categories, markers. */
    public static String describe(ChartSpec spec) {
        StringBuilder d = new StringBuilder(spec.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .append(" chart; x: ").append(spec.xAxis().title()).append("; y: ").append(spec.yAxis().title())
                .append("; series: ");
        d.append(String.join(", ", spec.series().stream().map(Series::name).toList()));
        spec.heat().ifPresent(h -> d.append(h.rows()).append(" rows × ").append(h.columns())
                .append(" columns of ").append(h.valueLabel().isEmpty() ? "values" : h.valueLabel())
                .append(" coloured from ").append(ChartCsv.number(h.min())).append(" to ")
                .append(ChartCsv.number(h.max())));
        if (spec.kind().isCategory()) {
            d.append("; categories: ").append(String.join(", ", spec.categories()));
        }
        if (!spec.markers().isEmpty()) {
            d.append("; markers: ").append(String.join(", ", spec.markers().stream()
                    .map(m -> m.label().isEmpty() ? ChartCsv.number(m.value()) : m.label()).toList()));
        }
        return d.append('.').toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }


    /**
     * Paints at the logical size scaled by dpi/96 and records the DPI in the PNG's pHYs chunk. (XChart's own
     * {@code BitmapEncoder.saveBitmapWithDPI} scales by dpi/72 and writes dots per millimetre where ImageIO expects
     * millimetres per dot, so it is not used.)
     */
    private static void writePng(ChartSpec spec, ExportOptions o, OutputStream out) throws IOException {
        Page p = Page.of(o);
        BufferedImage image = new BufferedImage(o.pixelWidth(), o.pixelHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(image.getWidth() / p.w(), image.getHeight() / p.h());
            p.paint(spec, g);
        } finally {
            g.dispose();
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("no PNG writer available");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            String pngFormat = "javax_imageio_png_1.0";
            IIOMetadataNode root = new IIOMetadataNode(pngFormat);
            IIOMetadataNode phys = new IIOMetadataNode("pHYs");
            String perMetre = Long.toString(Math.round(o.dpi() / 0.0254));
            phys.setAttribute("pixelsPerUnitXAxis", perMetre);
            phys.setAttribute("pixelsPerUnitYAxis", perMetre);
            phys.setAttribute("unitSpecifier", "meter");
            root.appendChild(phys);
            IIOMetadataNode text = new IIOMetadataNode("tEXt");
            for (var e : metadata(spec, o).entrySet()) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("value", latin1(e.getValue()));
                text.appendChild(entry);
            }
            root.appendChild(text);
            meta.mergeTree(pngFormat, root);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, meta), param);
        } finally {
            writer.dispose();
        }
    }

    /** tEXt chunks are Latin-1: other characters become '?'. */
    private static String latin1(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.append(c < 256 && c != 0 ? (char) c : '?'));
        return b.toString();
    }

    private static void refuseExisting(Path file, ExportOptions options) throws ChartExportException {
        if (Files.isDirectory(file)) {
            throw new ChartExportException(file, "it is a folder", true, null);
        }
        if (!options.overwrite() && Files.exists(file)) {
            throw exists(file);
        }
    }

    private static ChartExportException exists(Path file) {
        return new ChartExportException(file, "the file already exists (allow overwriting to replace it)", true, null);
    }

    private static void checkBaseName(String baseName) {
        if (baseName == null || baseName.isBlank() || baseName.contains("/") || baseName.contains("\\")
                || baseName.equals(".") || baseName.equals("..")) {
            throw new IllegalArgumentException("base name must be a plain file name, was '" + baseName + "'");
        }
        if (ExportFormat.fromFileName(baseName) != null) {
            String lower = baseName.toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException("base name '" + baseName + "' must not carry an extension ("
                    + lower.substring(lower.lastIndexOf('.')) + "); one is added per format");
        }
    }
}
