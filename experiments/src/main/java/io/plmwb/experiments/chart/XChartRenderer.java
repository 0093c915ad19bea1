package io.plmwb.experiments.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns a {@link ChartSpec} into an XChart chart with a publication style: white background, no borders, light
 * grid, Okabe–Ito colours, fonts sized in logical pixels (they scale with the DPI of a bitmap export).
 */
final class XChartRenderer {

    static final String FONT_FAMILY = FigureSettings.Family.SANS.awtName();
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color GRID = new Color(0xE3, 0xE3, 0xE3);
    private static final Color SUBTLE = new Color(0x55, 0x55, 0x55);
    private static final Color AXIS = new Color(0x55, 0x55, 0x55);
    private static final float LINE_WIDTH = 1.8f;

    private XChartRenderer() {
    }

    /**
     * Sizes of a layout: the font family and a factor {@code k} on every font size, stroke, padding and marker of
     * the default layout (axis titles 13 units at k = 1); a figure in points uses k = base font / 13.
     */
    record Style(String family, double k, boolean figure) {
        static final Style DEFAULT = new Style(FONT_FAMILY, 1, false);

        static Style of(FigureSettings f) {
            return new Style(f.family().awtName(), 1, true);
        }

        Font font(int style, double size) {
            return new Font(family, style, 10).deriveFont((float) (size * k));
        }

        float px(double v) {
            return (float) (v * k);
        }

        int ipx(double v) {
            return (int) Math.max(1, Math.round(v * k));
        }
    }

    static IChart render(ChartSpec spec, int width, int height) {
        return render(spec, width, height, Style.DEFAULT);
    }

    /**
     * The chart of {@code spec} laid out at {@code width × height} logical pixels: title and subtitle drawn as text
     * above an XChart plot.
     */
    static IChart render(ChartSpec spec, int width, int height, Style st) {
        LiveTextGraphics2D.Catalog catalog = new LiveTextGraphics2D.Catalog();
        if (spec.kind() == ChartKind.HEATMAP) {
            return new TitledChart(spec.title(), spec.subtitle().orElse(null),
                    new HeatMapPainter(spec, width, height, st), width, height, st, catalog);
        }
        Chart<?, ?> plot = spec.kind().isCategory() ? category(spec, width, height, st, catalog)
                : xy(spec, width, height, st, catalog);
        plot.getStyler().setChartTitleVisible(false);
        catalog.add(spec.xAxis().title()).add(spec.yAxis().title());
        spec.series().forEach(x -> catalog.add(x.name()));
        spec.categories().forEach(catalog::add);
        spec.markers().forEach(m -> catalog.add(m.label()));
        var styler = (AxesChartStyler) plot.getStyler();
        catalog.markerStroke = styler.getAnnotationLineStroke();
        catalog.font(styler.getAxisTickLabelsFont()).font(styler.getAxisTitleFont()).font(styler.getLegendFont())
                .font(styler.getAnnotationTextFont());
        TitledChart t = new TitledChart(spec.title(), spec.subtitle().orElse(null), plot, width, height, st, catalog);
        t.markers = spec.markers();
        return t;
    }

    /** Title and subtitle as real text lines (shrunk to fit), the plot below them. */
    static final class TitledChart implements IChart {
        private final String title;
        private final String subtitle;
        private final IChart plot;
        private final int width;
        private final int height;

        private final Style st;
        private final LiveTextGraphics2D.Catalog catalog;
        private List<Marker> markers = List.of();

        TitledChart(String title, String subtitle, IChart plot, int width, int height, Style st,
                LiveTextGraphics2D.Catalog catalog) {
            this.st = st;
            this.catalog = catalog;
            this.title = title;
            this.subtitle = subtitle;
            this.plot = plot;
            this.width = width;
            this.height = height;
        }

        @Override
        public void paint(Graphics2D g, int w, int h) {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            int pad = st.ipx(12);
            double y = pad;
            y = line(g, title, st.font(Font.BOLD, 15), INK, w, pad, y);
            if (subtitle != null) {
                y = line(g, subtitle, st.font(Font.PLAIN, 12), SUBTLE, w, pad, y + st.px(2));
            }
            Font mf = st.font(Font.PLAIN, 10);
            FontMetrics mfm = g.getFontMetrics(mf);
            int top = 0;
            int right = 0;
            for (Marker m : markers) {
                if (!m.label().isEmpty() && m.orientation() == Marker.Orientation.VERTICAL) {
                    top = mfm.getHeight() + st.ipx(2);
                } else if (!m.label().isEmpty()) {
                    right = Math.max(right, mfm.stringWidth(m.label()) + st.ipx(4));
                }
            }
            right = Math.min(right, (int) (w * 0.3)); // long labels shrink rather than squeeze the plot
            int header = (int) Math.ceil(y) + top;
            AffineTransform saved = g.getTransform();
            g.translate(0, header);
            java.awt.Graphics2D live = new LiveTextGraphics2D(g, catalog);
            catalog.markerLines.clear();
            plot.paint(live, w - right, Math.max(50, h - header));
            g.setTransform(saved);
            labelMarkers(g, mf, mfm, w, right);
        }

        /**
         * Marker labels go outside the plot, clear of their lines and the data: a vertical line's label above the
         * plot, centred on the line (shifted right when it would run into the previous one); a horizontal line's
         * label in the right margin at the line's height (shifted down when two would overlap).
         */
        private void labelMarkers(Graphics2D g, Font mf, FontMetrics mfm, int w, int margin) {
            List<java.awt.geom.Rectangle2D> lines = catalog.markerLines;
            java.awt.geom.AffineTransform inv;
            try {
                inv = g.getTransform().createInverse();
            } catch (java.awt.geom.NoninvertibleTransformException e) {
                return;
            }
            g.setFont(mf);
            g.setColor(INK);
            double lastRight = Double.NEGATIVE_INFINITY;
            double lastBottom = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < Math.min(lines.size(), markers.size()); i++) {
                Marker m = markers.get(i);
                if (m.label().isEmpty()) {
                    continue;
                }
                java.awt.geom.Rectangle2D b = inv.createTransformedShape(lines.get(i)).getBounds2D();
                double tw = mfm.stringWidth(m.label());
                if (m.orientation() == Marker.Orientation.VERTICAL) {
                    double x = Math.max(Math.max(0, lastRight + st.px(4)),
                            Math.min(w - tw, b.getCenterX() - tw / 2));
                    g.drawString(m.label(), (float) x, (float) (b.getMinY() - st.px(2) - mfm.getDescent()));
                    lastRight = x + tw;
                } else {
                    double room = margin - st.px(4);
                    Font f = tw > room ? mf.deriveFont((float) Math.max(mf.getSize2D() * 0.6, mf.getSize2D() * room
                            / tw)) : mf;
                    FontMetrics fm = g.getFontMetrics(f);
                    double top = Math.max(lastBottom, b.getCenterY() - fm.getHeight() / 2.0);
                    g.setFont(f);
                    g.drawString(m.label(), (float) (b.getMaxX() + st.px(4)), (float) (top + fm.getAscent()));
                    g.setFont(mf);
                    lastBottom = top + fm.getHeight();
                }
            }
        }

        private static double line(Graphics2D g, String text, Font start, Color color, int w, int pad,
                double top) {
            Font font = start;
            FontMetrics fm = g.getFontMetrics(font);
            float least = Math.min(8f, start.getSize2D() * 0.7f);
            while (fm.stringWidth(text) > w - 2 * pad && font.getSize2D() > least) {
                font = font.deriveFont(font.getSize2D() - 0.5f);
                fm = g.getFontMetrics(font);
            }
            g.setFont(font);
            g.setColor(color);
            double x = Math.max(pad, (w - fm.stringWidth(text)) / 2.0);
            g.drawString(text, (float) x, (float) (top + fm.getAscent()));
            return top + fm.getAscent() + fm.getDescent();
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
            return title;
        }
    }

    static String fullTitle(ChartSpec spec) {
        return spec.subtitle().map(s -> spec.title() + " — " + s).orElse(spec.title());
    }

    private static XYChart xy(ChartSpec spec, int width, int height, Style st, LiveTextGraphics2D.Catalog cat) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(spec.title());
        chart.setXAxisTitle(spec.xAxis().title());
        chart.setYAxisTitle(spec.yAxis().title());
        var styler = chart.getStyler();
        common(spec, styler, st);
        styler.setDefaultSeriesRenderStyle(switch (spec.kind()) {
            case SCATTER -> XYSeries.XYSeriesRenderStyle.Scatter;
            case AREA -> XYSeries.XYSeriesRenderStyle.Area;
            default -> XYSeries.XYSeriesRenderStyle.Line;
        });
        styler.setXAxisLogarithmic(spec.xAxis().log());
        styler.setYAxisLogarithmic(spec.yAxis().log());
        styler.setXAxisTickLabelsFormattingFunction(cat.recording(ticks(spec, true)));
        styler.setYAxisTickLabelsFormattingFunction(cat.recording(ticks(spec, false)));
        styler.setXAxisMin(spec.xAxis().min());
        styler.setXAxisMax(spec.xAxis().max());
        styler.setMarkerSize(st.ipx(6));
        List<Series> all = spec.series();
        for (int i = 0; i < all.size(); i++) {
            Series s = all.get(i);
            double[] err = s.yError().map(XChartRenderer::nanToZero).orElse(null);
            XYSeries xs = err == null ? chart.addSeries(s.name(), s.x(), s.y())
                    : chart.addSeries(s.name(), s.x(), s.y(), err);
            Color c = color(ChartPalette.colorOf(spec, i));
            xs.setLineColor(c);
            xs.setMarkerColor(c);
            xs.setLineStyle(stroke(styleOf(spec, i), st));
            if (spec.kind() == ChartKind.AREA) {
                xs.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
            }
            boolean marker = spec.kind() == ChartKind.SCATTER || s.markers();
            xs.setMarker(marker ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        breakEqualSpacingTicks(chart);
        addMarkers(spec, chart, st);
        return chart;
    }

    /** The series' own line style, or, when every series is solid, one per position so lines differ in greyscale. */
    static LineStyle styleOf(ChartSpec spec, int i) {
        boolean allSolid = spec.series().stream().allMatch(x -> x.lineStyle() == LineStyle.SOLID);
        return allSolid && spec.kind() == ChartKind.LINE ? LineStyle.cycle(i) : spec.series().get(i).lineStyle();
    }

    /** The tick formatter of an axis, chosen from the data drawn on it. */
    static java.util.function.Function<Double, String> ticks(ChartSpec spec, boolean xAxis) {
        Axis axis = xAxis ? spec.xAxis() : spec.yAxis();
        if (axis.log()) {
            return TickLabels::logDecade;
        }
        double[] r = range(spec, xAxis);
        boolean integers = true;
        for (Series s : spec.series()) {
            for (double d : xAxis ? s.x() : s.y()) {
                if (!Double.isNaN(d) && d != Math.rint(d)) {
                    integers = false;
                }
            }
        }
        for (Marker m : spec.markers()) {
            if ((m.orientation() == Marker.Orientation.VERTICAL) == xAxis && m.value() != Math.rint(m.value())) {
                integers = false;
            }
        }
        return TickLabels.linear(r[0], r[1], integers && !spec.series().isEmpty());
    }

    /**
     * XChart 4 puts ticks on data values when an axis' distinct values, in insertion order, are equally spaced
     * within an absolute 1e-4: steps 1..900 get labels 1, 31, 61, … (crowded), and rates of order 1e-3 get one label
     * per value. One hidden, legend-less series with a NaN point (drawn as nothing, ignored by the axis range) makes
     * that check fail, so both axes get the usual round tick steps.
     */
    private static void breakEqualSpacingTicks(XYChart chart) {
        XYSeries hidden = chart.addSeries("\u0000no-equal-spacing-ticks", new double[] {Double.NaN},
                new double[] {Double.NaN});
        hidden.setShowInLegend(false);
        hidden.setMarker(SeriesMarkers.NONE);
        hidden.setLineColor(new Color(0, 0, 0, 0));
    }

    private static CategoryChart category(ChartSpec spec, int width, int height, Style st,
            LiveTextGraphics2D.Catalog cat) {
        CategoryChart chart = new CategoryChart(width, height);
        chart.setTitle(spec.title());
        chart.setXAxisTitle(spec.xAxis().title());
        chart.setYAxisTitle(spec.yAxis().title());
        var styler = chart.getStyler();
        common(spec, styler, st);
        styler.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        styler.setStacked(spec.kind() == ChartKind.STACKED_BAR);
        styler.setOverlapped(false);
        styler.setAvailableSpaceFill(spec.kind() == ChartKind.HISTOGRAM ? 0.98 : 0.75);
        styler.setYAxisLogarithmic(spec.yAxis().log());
        styler.setYAxisTickLabelsFormattingFunction(cat.recording(ticks(spec, false)));
        styler.setPlotGridVerticalLinesVisible(false);
        List<String> cats = spec.categories();
        int longest = cats.stream().mapToInt(String::length).max().orElse(0);
        if (cats.size() * Math.max(6, longest) * 7 * st.k() > width * 0.8) {
            styler.setXAxisLabelRotation(90);
            styler.setXAxisTickMarkSpacingHint(st.ipx(16)); // vertical labels need only a line's height each
        } else {
            styler.setXAxisTickMarkSpacingHint(st.ipx(Math.max(16, Math.min(74, longest * 7))));
        }
        List<Series> all = spec.series();
        for (int i = 0; i < all.size(); i++) {
            Series s = all.get(i);
            List<Double> ys = boxed(s.y());
            CategorySeries cs = s.yError().isPresent()
                    ? chart.addSeries(s.name(), cats, ys, boxed(nanToZero(s.yError().get())))
                    : chart.addSeries(s.name(), cats, ys);
            Color c = color(ChartPalette.colorOf(spec, i));
            cs.setFillColor(c);
            cs.setLineColor(c);
            cs.setMarkerColor(c);
        }
        addMarkers(spec, chart, st);
        return chart;
    }

    private static void common(ChartSpec spec, AxesChartStyler styler, Style st) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setChartTitleBoxVisible(false);
        styler.setChartFontColor(INK);
        styler.setChartTitleFont(st.font(Font.BOLD, 15));
        styler.setAxisTitleFont(st.font(Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(st.font(Font.PLAIN, 11));
        styler.setAxisTickLabelsColor(INK);
        styler.setAxisTickMarksColor(AXIS);
        styler.setAxisTickMarksStroke(new BasicStroke(st.px(1))); // XChart's default is dashed {3, 0}
        styler.setLegendFont(st.font(Font.PLAIN, 11));
        styler.setLegendBackgroundColor(Color.WHITE);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setLegendVisible(spec.legendVisible());
        // legends stay off the data: inside positions move outside; a physical figure puts it below the plot
        boolean below = st.figure() || spec.markers().stream().anyMatch(m -> !m.label().isEmpty()
                && m.orientation() == Marker.Orientation.HORIZONTAL) || spec.legendPosition() == LegendPosition.BOTTOM
                || spec.legendPosition() == LegendPosition.TOP;
        styler.setLegendPosition(below ? Styler.LegendPosition.OutsideS : Styler.LegendPosition.OutsideE);
        if (below) {
            styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        }
        styler.setLegendPadding(st.ipx(10));
        styler.setLegendSeriesLineLength(st.ipx(24));
        styler.setPlotGridLinesColor(GRID);
        styler.setPlotGridLinesStroke(new BasicStroke(st.px(0.8)));
        styler.setChartPadding(st.ipx(12));
        styler.setPlotMargin(st.ipx(4));
        styler.setAntiAlias(true);
        styler.setTextAntiAlias(true);
        styler.setErrorBarsColorSeriesColor(true);
        styler.setAnnotationLineColor(AXIS);
        styler.setAnnotationLineStroke(new BasicStroke(st.px(1.2), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                scaled(LineStyle.DASHED.dashPattern(), st), 0f));
        styler.setAnnotationTextFont(st.font(Font.PLAIN, 10));
        styler.setAnnotationTextFontColor(INK);
        styler.setYAxisMin(spec.yAxis().min());
        styler.setYAxisMax(spec.yAxis().max());
        Color[] colors = new Color[spec.series().size()];
        for (int i = 0; i < colors.length; i++) {
            colors[i] = color(ChartPalette.colorOf(spec, i));
        }
        styler.setSeriesColors(colors);
    }

    private static void addMarkers(ChartSpec spec, org.knowm.xchart.internal.chartpart.AxesChart<?, ?> chart,
            Style st) {
        if (spec.markers().isEmpty()) {
            return;
        }
        for (Marker m : spec.markers()) {
            boolean vertical = m.orientation() == Marker.Orientation.VERTICAL;
            addAnnotation(chart, new AnnotationLine(m.value(), vertical, false));
        }
    }

    private static void addAnnotation(org.knowm.xchart.internal.chartpart.AxesChart<?, ?> chart, org.knowm.xchart.internal.chartpart.Annotation a) {
        chart.addAnnotation(a);
    }

    /** Moves from {@code v} by {@code fraction} of the axis span (in log space on log axes). */
    private static double along(boolean log, double[] r, double v, double fraction) {
        if (log) {
            return Math.pow(10, Math.log10(v) + fraction * (Math.log10(r[1]) - Math.log10(r[0])));
        }
        return v + fraction * (r[1] - r[0]);
    }

    /** The data range of an axis, honouring fixed bounds and markers. */
    static double[] range(ChartSpec spec, boolean xAxis) {
        Axis axis = xAxis ? spec.xAxis() : spec.yAxis();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : spec.series()) {
            double[] v = xAxis ? s.x() : s.y();
            for (double d : v) {
                if (!Double.isNaN(d)) {
                    lo = Math.min(lo, d);
                    hi = Math.max(hi, d);
                }
            }
        }
        if (!xAxis && spec.kind() == ChartKind.STACKED_BAR) {
            for (int i = 0; i < spec.categories().size(); i++) {
                double sum = 0;
                for (Series s : spec.series()) {
                    double d = s.y(i);
                    sum += Double.isNaN(d) ? 0 : d;
                }
                hi = Math.max(hi, sum);
            }
        }
        if (!xAxis && spec.kind().isCategory() && !axis.log()) {
            lo = Math.min(lo, 0);
        }
        if (axis.min() != null) {
            lo = axis.min();
        }
        if (axis.max() != null) {
            hi = axis.max();
        }
        if (!(lo < hi)) {
            double pad = Double.isFinite(lo) && lo != 0 ? Math.abs(lo) * 0.1 : 1;
            lo = Double.isFinite(lo) ? lo - pad : 0;
            hi = Double.isFinite(hi) ? hi + pad : 1;
        }
        return new double[] {lo, hi};
    }

    private static BasicStroke stroke(LineStyle style, Style st) {
        float[] dash = scaled(style.dashPattern(), st);
        return new BasicStroke(st.px(LINE_WIDTH), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                dash.length == 0 ? null : dash, 0f);
    }

    private static float[] scaled(float[] dash, Style st) {
        float[] out = dash.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = st.px(out[i]);
        }
        return out;
    }

    private static Color color(String hex) {
        int[] rgb = ChartPalette.rgb(hex);
        return new Color(rgb[0], rgb[1], rgb[2]);
    }

    /** Boxes values; NaN (a gap) becomes null, which XChart leaves out. */
    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(Double.isNaN(v) ? null : v);
        }
        return out;
    }

    /** A missing spread draws no error bar. */
    private static double[] nanToZero(double[] values) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (Double.isNaN(out[i])) {
                out[i] = 0;
            }
        }
        return out;
    }
}
