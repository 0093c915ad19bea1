package io.plmwb.experiments.chart;

import java.awt.Font;
import java.awt.Shape;
import java.awt.font.TextLayout;
import java.awt.geom.PathIterator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Graphics2D that turns XChart's text back into text. XChart paints tick labels, axis titles and legend entries as
 * filled glyph outlines ({@code TextLayout.getOutline}); this wrapper knows the strings and fonts a chart can show
 * (a {@link Catalog}) and, when a filled shape is exactly the outline of one of them (up to a translation), draws the
 * string with {@code drawString} instead, so SVG gets a {@code <text>} element and PDF real, extractable text. Any
 * other shape is filled as usual.
 */
final class LiveTextGraphics2D extends java.awt.Graphics2D {

    /** The strings and fonts a chart may draw; tick formatters add to it while the chart lays out. */
    static final class Catalog {
        private final Set<String> strings = new LinkedHashSet<>();
        private final Set<Font> fonts = new LinkedHashSet<>();
        /** The stroke of marker (reference) lines; their device-space bounds are recorded in drawing order. */
        java.awt.Stroke markerStroke;
        final java.util.List<java.awt.geom.Rectangle2D> markerLines = new java.util.ArrayList<>();

        Catalog add(String s) {
            if (s != null && !s.isBlank()) {
                strings.add(s);
            }
            return this;
        }

        Catalog font(Font f) {
            fonts.add(f);
            return this;
        }

        /** A tick formatter that records what it returns. */
        java.util.function.Function<Double, String> recording(java.util.function.Function<Double, String> f) {
            return v -> {
                String s = f.apply(v);
                add(s);
                return s;
            };
        }
    }

    private record Glyphs(String text, Font font, double x0, double y0) {
    }

    private final java.awt.Graphics2D d;
    private final Catalog catalog;
    private final Map<String, Glyphs> bySignature;
    private final Set<String> known;
    private int textsDrawn;

    LiveTextGraphics2D(java.awt.Graphics2D delegate, Catalog catalog) {
        this(delegate, catalog, new HashMap<>(), new java.util.HashSet<>());
    }

    private LiveTextGraphics2D(java.awt.Graphics2D delegate, Catalog catalog, Map<String, Glyphs> sigs,
            Set<String> known) {
        this.d = delegate;
        this.catalog = catalog;
        this.bySignature = sigs;
        this.known = known;
    }

    /** How many outlines were replaced by text (for tests). */
    int textsDrawn() {
        return textsDrawn;
    }

    @Override
    public void fill(Shape s) {
        refresh();
        double[] first = new double[2];
        String sig = signature(s, first);
        Glyphs g = sig == null ? null : bySignature.get(sig);
        if (g == null) {
            // rotated labels (a y-axis title, vertical category labels): undo a quarter turn and look again
            for (double turn : new double[] {Math.PI / 2, -Math.PI / 2}) {
                Shape back = java.awt.geom.AffineTransform.getRotateInstance(turn).createTransformedShape(s);
                String rs = signature(back, first);
                Glyphs rg = rs == null ? null : bySignature.get(rs);
                if (rg != null) {
                    java.awt.geom.AffineTransform saved = d.getTransform();
                    Font savedFont = d.getFont();
                    d.rotate(-turn);
                    d.setFont(rg.font());
                    d.drawString(rg.text(), (float) (first[0] - rg.x0()), (float) (first[1] - rg.y0()));
                    d.setFont(savedFont);
                    d.setTransform(saved);
                    textsDrawn++;
                    return;
                }
            }
            d.fill(s);
            return;
        }
        Font saved = d.getFont();
        d.setFont(g.font());
        d.drawString(g.text(), (float) (first[0] - g.x0()), (float) (first[1] - g.y0()));
        d.setFont(saved);
        textsDrawn++;
    }

    private void refresh() {
        for (String s : List.copyOf(catalog.strings)) {
            for (Font f : catalog.fonts) {
                String key = f + "\u0000" + s;
                if (!known.add(key)) {
                    continue;
                }
                Shape outline = new TextLayout(s, f, d.getFontRenderContext()).getOutline(null);
                double[] first = new double[2];
                String sig = signature(outline, first);
                if (sig != null) {
                    bySignature.putIfAbsent(sig, new Glyphs(s, f, first[0], first[1]));
                }
            }
        }
    }

    /** The path's segments relative to its first point (rounded to 1/100), or null for an empty path. */
    private static String signature(Shape s, double[] first) {
        PathIterator it = s.getPathIterator(null);
        StringBuilder b = new StringBuilder();
        double[] c = new double[6];
        boolean start = true;
        while (!it.isDone()) {
            int type = it.currentSegment(c);
            if (start) {
                if (type != PathIterator.SEG_MOVETO) {
                    return null;
                }
                first[0] = c[0];
                first[1] = c[1];
                start = false;
            }
            b.append((char) ('a' + type));
            int n = switch (type) {
                case PathIterator.SEG_MOVETO, PathIterator.SEG_LINETO -> 2;
                case PathIterator.SEG_QUADTO -> 4;
                case PathIterator.SEG_CUBICTO -> 6;
                default -> 0;
            };
            for (int i = 0; i < n; i++) {
                b.append(Math.round((c[i] - first[i % 2]) * 100)).append(',');
            }
            it.next();
        }
        return start ? null : b.toString();
    }

    @Override
    public java.awt.Graphics create() {
        return new LiveTextGraphics2D((java.awt.Graphics2D) d.create(), catalog, bySignature, known);
    }

    @Override
    public void scale(double a0, double a1) {
        d.scale(a0, a1);
    }

    @Override
    public void transform(java.awt.geom.AffineTransform a0) {
        d.transform(a0);
    }

    @Override
    public void rotate(double a0) {
        d.rotate(a0);
    }

    @Override
    public void rotate(double a0, double a1, double a2) {
        d.rotate(a0, a1, a2);
    }

    @Override
    public boolean hit(java.awt.Rectangle a0, java.awt.Shape a1, boolean a2) {
        return d.hit(a0, a1, a2);
    }

    @Override
    public void translate(double a0, double a1) {
        d.translate(a0, a1);
    }

    @Override
    public void translate(int a0, int a1) {
        d.translate(a0, a1);
    }

    @Override
    public java.awt.Paint getPaint() {
        return d.getPaint();
    }

    @Override
    public void setPaint(java.awt.Paint a0) {
        d.setPaint(a0);
    }

    @Override
    public void draw(java.awt.Shape a0) {
        if (catalog.markerStroke != null && catalog.markerStroke.equals(d.getStroke())) {
            catalog.markerLines.add(d.getTransform().createTransformedShape(a0).getBounds2D());
        }
        d.draw(a0);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, java.awt.geom.AffineTransform a1, java.awt.image.ImageObserver a2) {
        return d.drawImage(a0, a1, a2);
    }

    @Override
    public void drawImage(java.awt.image.BufferedImage a0, java.awt.image.BufferedImageOp a1, int a2, int a3) {
        d.drawImage(a0, a1, a2, a3);
    }

    @Override
    public void drawRenderedImage(java.awt.image.RenderedImage a0, java.awt.geom.AffineTransform a1) {
        d.drawRenderedImage(a0, a1);
    }

    @Override
    public void drawRenderableImage(java.awt.image.renderable.RenderableImage a0, java.awt.geom.AffineTransform a1) {
        d.drawRenderableImage(a0, a1);
    }

    @Override
    public void drawString(java.lang.String a0, int a1, int a2) {
        d.drawString(a0, a1, a2);
    }

    @Override
    public void drawString(java.lang.String a0, float a1, float a2) {
        d.drawString(a0, a1, a2);
    }

    @Override
    public void drawString(java.text.AttributedCharacterIterator a0, int a1, int a2) {
        d.drawString(a0, a1, a2);
    }

    @Override
    public void drawString(java.text.AttributedCharacterIterator a0, float a1, float a2) {
        d.drawString(a0, a1, a2);
    }

    @Override
    public void drawGlyphVector(java.awt.font.GlyphVector a0, float a1, float a2) {
        d.drawGlyphVector(a0, a1, a2);
    }

    @Override
    public java.awt.GraphicsConfiguration getDeviceConfiguration() {
        return d.getDeviceConfiguration();
    }

    @Override
    public void setComposite(java.awt.Composite a0) {
        d.setComposite(a0);
    }

    @Override
    public void setStroke(java.awt.Stroke a0) {
        d.setStroke(a0);
    }

    @Override
    public void setRenderingHint(java.awt.RenderingHints.Key a0, java.lang.Object a1) {
        d.setRenderingHint(a0, a1);
    }

    @Override
    public java.lang.Object getRenderingHint(java.awt.RenderingHints.Key a0) {
        return d.getRenderingHint(a0);
    }

    @Override
    public void setRenderingHints(java.util.Map a0) {
        d.setRenderingHints(a0);
    }

    @Override
    public void addRenderingHints(java.util.Map a0) {
        d.addRenderingHints(a0);
    }

    @Override
    public java.awt.RenderingHints getRenderingHints() {
        return d.getRenderingHints();
    }

    @Override
    public void shear(double a0, double a1) {
        d.shear(a0, a1);
    }

    @Override
    public void setTransform(java.awt.geom.AffineTransform a0) {
        d.setTransform(a0);
    }

    @Override
    public java.awt.geom.AffineTransform getTransform() {
        return d.getTransform();
    }

    @Override
    public java.awt.Composite getComposite() {
        return d.getComposite();
    }

    @Override
    public void setBackground(java.awt.Color a0) {
        d.setBackground(a0);
    }

    @Override
    public java.awt.Color getBackground() {
        return d.getBackground();
    }

    @Override
    public java.awt.Stroke getStroke() {
        return d.getStroke();
    }

    @Override
    public void clip(java.awt.Shape a0) {
        d.clip(a0);
    }

    @Override
    public java.awt.font.FontRenderContext getFontRenderContext() {
        return d.getFontRenderContext();
    }

    @Override
    public void setColor(java.awt.Color a0) {
        d.setColor(a0);
    }

    @Override
    public void dispose() {
        d.dispose();
    }

    @Override
    public java.awt.Color getColor() {
        return d.getColor();
    }

    @Override
    public void fillRect(int a0, int a1, int a2, int a3) {
        d.fillRect(a0, a1, a2, a3);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, int a1, int a2, int a3, int a4, java.awt.Color a5, java.awt.image.ImageObserver a6) {
        return d.drawImage(a0, a1, a2, a3, a4, a5, a6);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, java.awt.image.ImageObserver a9) {
        return d.drawImage(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, java.awt.Color a9, java.awt.image.ImageObserver a10) {
        return d.drawImage(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, int a1, int a2, java.awt.Color a3, java.awt.image.ImageObserver a4) {
        return d.drawImage(a0, a1, a2, a3, a4);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, int a1, int a2, int a3, int a4, java.awt.image.ImageObserver a5) {
        return d.drawImage(a0, a1, a2, a3, a4, a5);
    }

    @Override
    public boolean drawImage(java.awt.Image a0, int a1, int a2, java.awt.image.ImageObserver a3) {
        return d.drawImage(a0, a1, a2, a3);
    }

    @Override
    public void clipRect(int a0, int a1, int a2, int a3) {
        d.clipRect(a0, a1, a2, a3);
    }

    @Override
    public java.awt.Font getFont() {
        return d.getFont();
    }

    @Override
    public java.awt.FontMetrics getFontMetrics(java.awt.Font a0) {
        return d.getFontMetrics(a0);
    }

    @Override
    public void drawLine(int a0, int a1, int a2, int a3) {
        if (catalog.markerStroke != null && catalog.markerStroke.equals(d.getStroke())) {
            catalog.markerLines.add(d.getTransform().createTransformedShape(
                    new java.awt.geom.Line2D.Double(a0, a1, a2, a3)).getBounds2D());
        }
        d.drawLine(a0, a1, a2, a3);
    }

    @Override
    public void drawPolygon(int[] a0, int[] a1, int a2) {
        d.drawPolygon(a0, a1, a2);
    }

    @Override
    public void fillPolygon(int[] a0, int[] a1, int a2) {
        d.fillPolygon(a0, a1, a2);
    }

    @Override
    public java.awt.Rectangle getClipBounds() {
        return d.getClipBounds();
    }

    @Override
    public void setPaintMode() {
        d.setPaintMode();
    }

    @Override
    public void setXORMode(java.awt.Color a0) {
        d.setXORMode(a0);
    }

    @Override
    public void setFont(java.awt.Font a0) {
        d.setFont(a0);
    }

    @Override
    public void setClip(java.awt.Shape a0) {
        d.setClip(a0);
    }

    @Override
    public void setClip(int a0, int a1, int a2, int a3) {
        d.setClip(a0, a1, a2, a3);
    }

    @Override
    public java.awt.Shape getClip() {
        return d.getClip();
    }

    @Override
    public void copyArea(int a0, int a1, int a2, int a3, int a4, int a5) {
        d.copyArea(a0, a1, a2, a3, a4, a5);
    }

    @Override
    public void clearRect(int a0, int a1, int a2, int a3) {
        d.clearRect(a0, a1, a2, a3);
    }

    @Override
    public void drawRoundRect(int a0, int a1, int a2, int a3, int a4, int a5) {
        d.drawRoundRect(a0, a1, a2, a3, a4, a5);
    }

    @Override
    public void fillRoundRect(int a0, int a1, int a2, int a3, int a4, int a5) {
        d.fillRoundRect(a0, a1, a2, a3, a4, a5);
    }

    @Override
    public void drawOval(int a0, int a1, int a2, int a3) {
        d.drawOval(a0, a1, a2, a3);
    }

    @Override
    public void fillOval(int a0, int a1, int a2, int a3) {
        d.fillOval(a0, a1, a2, a3);
    }

    @Override
    public void drawArc(int a0, int a1, int a2, int a3, int a4, int a5) {
        d.drawArc(a0, a1, a2, a3, a4, a5);
    }

    @Override
    public void fillArc(int a0, int a1, int a2, int a3, int a4, int a5) {
        d.fillArc(a0, a1, a2, a3, a4, a5);
    }

    @Override
    public void drawPolyline(int[] a0, int[] a1, int a2) {
        d.drawPolyline(a0, a1, a2);
    }

}
