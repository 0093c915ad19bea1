package io.plmwb.experiments.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.internal.chartpart.IChart;

/**
 * Paints a {@link ChartKind#HEATMAP} spec with Java2D for the exports: row labels on the left (row 0 at the bottom),
 * column ticks below (labels when few, indices otherwise), a colour bar with the fixed range on the right. Up to
 * {@value #VECTOR_CELLS} cells are drawn as vector rectangles; larger matrices as one image of the plot area whose
 * pixels average the cells they cover (the same rasterisation as the screen), so a 32 × 4096 map stays a small file.
 */
final class HeatMapPainter implements IChart {

    static final int VECTOR_CELLS = 40_000;
    private static final Color INK = new Color(0x22, 0x22, 0x22);

    private final ChartSpec spec;
    private final HeatMatrix m;
    private final int width;
    private final int height;

    private final XChartRenderer.Style st;

    HeatMapPainter(ChartSpec spec, int width, int height) {
        this(spec, width, height, XChartRenderer.Style.DEFAULT);
    }

    HeatMapPainter(ChartSpec spec, int width, int height, XChartRenderer.Style st) {
        this.st = st;
        this.spec = spec;
        this.m = spec.heat().orElseThrow();
        this.width = width;
        this.height = height;
    }

    @Override
    public void paint(Graphics2D g, int w, int h) {
        Font tick = st.font(Font.PLAIN, 11);
        Font axis = st.font(Font.PLAIN, 13);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        FontMetrics fm = g.getFontMetrics(tick);
        FontMetrics am = g.getFontMetrics(axis);
        List<String> rowLabels = m.yLabels();
        int rowStep = Math.max(1, (int) Math.ceil(m.rows() / Math.max(1.0, (h - st.ipx(80)) / (fm.getHeight() + 1.0))));
        int labelW = 0;
        for (int r = 0; r < m.rows(); r += rowStep) {
            labelW = Math.max(labelW, fm.stringWidth(rowLabels.get(r)));
        }
        int left = st.ipx(12) + am.getHeight() + st.ipx(6) + labelW + st.ipx(6);
        int right = st.ipx(12 + 16 + 8) + fm.stringWidth("0.000") + st.ipx(8);
        int top = st.ipx(8);
        int bottom = st.ipx(12) + am.getHeight() + fm.getHeight() + st.ipx(8);
        int pw = Math.max(10, w - left - right);
        int ph = Math.max(10, h - top - bottom);
        double cw = pw / (double) m.columns();
        double rh = ph / (double) m.rows();
        if ((long) m.rows() * m.columns() <= VECTOR_CELLS) {
            for (int r = 0; r < m.rows(); r++) {
                double y = top + ph - (r + 1) * rh;
                for (int c = 0; c < m.columns(); c++) {
                    g.setColor(new Color(m.rgb(m.value(r, c))));
                    // overlap by a hair so anti-aliased edges leave no seams
                    g.fill(new Rectangle2D.Double(left + c * cw, y, cw + 0.35, rh + 0.35));
                }
            }
        } else {
            double scale = Math.max(1, g.getTransform().getScaleX());
            int iw = (int) Math.max(1, Math.round(pw * scale));
            int ih = (int) Math.max(1, Math.round(ph * scale));
            BufferedImage img = new BufferedImage(iw, ih, BufferedImage.TYPE_INT_RGB);
            img.setRGB(0, 0, iw, ih, HeatColors.rasterize(m, iw, ih, null), 0, iw);
            g.drawImage(img, left, top, pw, ph, null);
        }
        g.setColor(new Color(0x55, 0x55, 0x55));
        g.setStroke(new BasicStroke(st.px(1)));
        g.drawRect(left, top, pw, ph);
        // row labels
        g.setFont(tick);
        g.setColor(INK);
        for (int r = 0; r < m.rows(); r += rowStep) {
            String s = rowLabels.get(r);
            double cy = top + ph - (r + 0.5) * rh;
            g.drawString(s, left - st.ipx(6) - fm.stringWidth(s), (float) (cy + fm.getAscent() / 2.0 - 1));
        }
        // column ticks: labels when they fit, else indices at a round step
        int maxLabels = Math.max(1, (int) (pw / (40 * st.k())));
        boolean useLabels = m.columns() <= maxLabels && m.xLabels().stream().mapToInt(fm::stringWidth).max()
                .orElse(0) <= cw - 2;
        int step = useLabels ? 1 : niceStep(m.columns(), Math.max(1, (int) (pw / (60 * st.k()))));
        for (int c = 0; c < m.columns(); c += step) {
            String s = useLabels ? m.xLabels().get(c) : Integer.toString(c);
            double cx = left + (c + 0.5) * cw;
            g.draw(new java.awt.geom.Line2D.Double(cx, top + ph, cx, top + ph + st.px(3)));
            g.drawString(s, (float) (cx - fm.stringWidth(s) / 2.0), top + ph + st.px(4) + fm.getAscent());
        }
        // axis titles
        g.setFont(axis);
        String xt = spec.xAxis().title();
        g.drawString(xt, (float) (left + (pw - am.stringWidth(xt)) / 2.0), h - st.px(10));
        String yt = spec.yAxis().title();
        AffineTransform saved = g.getTransform();
        g.translate(st.px(12) + am.getAscent(), top + (ph + am.stringWidth(yt)) / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(yt, 0, 0);
        g.setTransform(saved);
        // colour bar
        int bx = w - right + st.ipx(12);
        int steps = 64;
        for (int i = 0; i < steps; i++) {
            double u = i / (double) (steps - 1);
            g.setColor(new Color(HeatColors.rgb(m.scale(), u)));
            double y0 = top + ph - (i + 1) * ph / (double) steps;
            g.fill(new Rectangle2D.Double(bx, y0, st.ipx(16), ph / (double) steps + 0.5));
        }
        g.setColor(new Color(0x55, 0x55, 0x55));
        g.drawRect(bx, top, st.ipx(16), ph);
        g.setFont(tick);
        g.setColor(INK);
        g.drawString(ChartCsv.number(round(m.max())), bx + st.ipx(20), top + fm.getAscent());
        g.drawString(ChartCsv.number(round(m.min())), bx + st.ipx(20), top + ph);
        if (m.scale() == HeatMatrix.Scale.DIVERGING) {
            g.drawString(ChartCsv.number(round((m.min() + m.max()) / 2)), bx + st.ipx(20),
                    (float) (top + ph / 2.0 + fm.getAscent() / 2.0));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** A 1-2-5 step so that about {@code target} ticks show. */
    static int niceStep(int n, int target) {
        double raw = n / (double) Math.max(1, target);
        int p = 1;
        while (true) {
            for (int f : new int[] {1, 2, 5}) {
                if (f * p >= raw) {
                    return f * p;
                }
            }
            p *= 10;
        }
    }

    @Override
    public int getWidth() {
        return width;
    }

    @Override
    public int getHeight() {
        return height;
    }

    @Override
    public String getTitle() {
        return spec.title();
    }
}
