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
import org.knowm.xchart.AnnotationText;
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

    static final String FONT_FAMILY = Font.SANS_SERIF;
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color GRID = new Color(0xE3, 0xE3, 0xE3);
    private static final Color SUBTLE = new Color(0x55, 0x55, 0x55);
    private static final Color AXIS = new Color(0x55, 0x55, 0x55);
    private static final float LINE_WIDTH = 1.8f;

    private XChartRenderer() {
    }

    /**
     * The chart of {@code spec} laid out at {@code width × height} logical pixels: title and subtitle drawn as text
     * above an XChart plot.
     */
    static IChart render(ChartSpec spec, int width, int height) {
        if (spec.kind() == ChartKind.HEATMAP) {
            return new TitledChart(spec.title(), spec.subtitle().orElse(null), new HeatMapPainter(spec, width, height),
                    width, height);
        }
        Chart<?, ?> plot = spec.kind().isCategory() ? category(spec, width, height) : xy(spec, width, height);
        plot.getStyler().setChartTitleVisible(false);
        return new TitledChart(spec.title(), spec.subtitle().orElse(null), plot, width, height);
    }

    /** Title and subtitle as real text lines (shrunk to fit), the plot below them. */
    static final class TitledChart implements IChart {
        private final String title;
        private final String subtitle;
        private final IChart plot;
        private final int width;
        private final int height;

        TitledChart(String title, String subtitle, IChart plot, int width, int height) {
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
            int pad = 12;
            double y = pad;
            y = line(g, title, Font.BOLD, 15, INK, w, pad, y);
            if (subtitle != null) {
                y = line(g, subtitle, Font.PLAIN, 12, SUBTLE, w, pad, y + 2);
            }
            int header = (int) Math.ceil(y);
            AffineTransform saved = g.getTransform();
            g.translate(0, header);
            plot.paint(g, w, Math.max(50, h - header));
            g.setTransform(saved);
        }

        private static double line(Graphics2D g, String text, int style, int size, Color color, int w, int pad,
                double top) {
            Font font = new Font(FONT_FAMILY, style, size);
            FontMetrics fm = g.getFontMetrics(font);
            while (fm.stringWidth(text) > w - 2 * pad && font.getSize2D() > 8) {
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

    private static XYChart xy(ChartSpec spec, int width, int height) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(spec.title());
        chart.setXAxisTitle(spec.xAxis().title());
        chart.setYAxisTitle(spec.yAxis().title());
        var styler = chart.getStyler();
        common(spec, styler);
        styler.setDefaultSeriesRenderStyle(switch (spec.kind()) {
            case SCATTER -> XYSeries.XYSeriesRenderStyle.Scatter;
            case AREA -> XYSeries.XYSeriesRenderStyle.Area;
            default -> XYSeries.XYSeriesRenderStyle.Line;
        });
        styler.setXAxisLogarithmic(spec.xAxis().log());
        styler.setYAxisLogarithmic(spec.yAxis().log());
        if (spec.xAxis().log()) {
            styler.setXAxisTickLabelsFormattingFunction(TickLabels::log);
        }
        if (spec.yAxis().log()) {
            styler.setYAxisTickLabelsFormattingFunction(TickLabels::log);
        }
        styler.setXAxisMin(spec.xAxis().min());
        styler.setXAxisMax(spec.xAxis().max());
        styler.setMarkerSize(6);
        List<Series> all = spec.series();
        for (int i = 0; i < all.size(); i++) {
            Series s = all.get(i);
            double[] err = s.yError().map(XChartRenderer::nanToZero).orElse(null);
            XYSeries xs = err == null ? chart.addSeries(s.name(), s.x(), s.y())
                    : chart.addSeries(s.name(), s.x(), s.y(), err);
            Color c = color(ChartPalette.colorOf(spec, i));
            xs.setLineColor(c);
            xs.setMarkerColor(c);
            xs.setLineStyle(stroke(s.lineStyle()));
            if (spec.kind() == ChartKind.AREA) {
                xs.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
            }
            boolean marker = spec.kind() == ChartKind.SCATTER || s.markers();
            xs.setMarker(marker ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        breakEqualSpacingTicks(chart);
        addMarkers(spec, chart);
        return chart;
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

    private static CategoryChart category(ChartSpec spec, int width, int height) {
        CategoryChart chart = new CategoryChart(width, height);
        chart.setTitle(spec.title());
        chart.setXAxisTitle(spec.xAxis().title());
        chart.setYAxisTitle(spec.yAxis().title());
        var styler = chart.getStyler();
        common(spec, styler);
        styler.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        styler.setStacked(spec.kind() == ChartKind.STACKED_BAR);
        styler.setOverlapped(false);
        styler.setAvailableSpaceFill(spec.kind() == ChartKind.HISTOGRAM ? 0.98 : 0.75);
        styler.setYAxisLogarithmic(spec.yAxis().log());
        if (spec.yAxis().log()) {
            styler.setYAxisTickLabelsFormattingFunction(TickLabels::log);
        }
        styler.setPlotGridVerticalLinesVisible(false);
        List<String> cats = spec.categories();
        int longest = cats.stream().mapToInt(String::length).max().orElse(0);
        if (cats.size() * Math.max(6, longest) * 7 > width * 0.8) {
            styler.setXAxisLabelRotation(90);
            styler.setXAxisTickMarkSpacingHint(16); // vertical labels need only a line's height each
        } else {
            styler.setXAxisTickMarkSpacingHint(Math.max(16, Math.min(74, longest * 7)));
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
        addMarkers(spec, chart);
        return chart;
    }

    private static void common(ChartSpec spec, AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setChartTitleBoxVisible(false);
        styler.setChartFontColor(INK);
        styler.setChartTitleFont(new Font(FONT_FAMILY, Font.BOLD, 15));
        styler.setAxisTitleFont(new Font(FONT_FAMILY, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(FONT_FAMILY, Font.PLAIN, 11));
        styler.setAxisTickLabelsColor(INK);
        styler.setAxisTickMarksColor(AXIS);
        styler.setAxisTickMarksStroke(new BasicStroke(1f)); // XChart's default is dashed {3, 0}
        styler.setLegendFont(new Font(FONT_FAMILY, Font.PLAIN, 11));
        styler.setLegendBackgroundColor(Color.WHITE);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setLegendVisible(spec.legendVisible());
        styler.setLegendPosition(switch (spec.legendPosition()) {
            case RIGHT -> Styler.LegendPosition.OutsideE;
            case BOTTOM -> Styler.LegendPosition.OutsideS;
            case TOP -> Styler.LegendPosition.InsideN;
            case INSIDE_TOP_RIGHT -> Styler.LegendPosition.InsideNE;
            case INSIDE_TOP_LEFT -> Styler.LegendPosition.InsideNW;
        });
        if (spec.legendPosition() == LegendPosition.BOTTOM || spec.legendPosition() == LegendPosition.TOP) {
            styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        }
        styler.setPlotGridLinesColor(GRID);
        styler.setPlotGridLinesStroke(new BasicStroke(0.8f));
        styler.setChartPadding(12);
        styler.setPlotMargin(4);
        styler.setAntiAlias(true);
        styler.setTextAntiAlias(true);
        styler.setErrorBarsColorSeriesColor(true);
        styler.setAnnotationLineColor(AXIS);
        styler.setAnnotationLineStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                LineStyle.DASHED.dashPattern(), 0f));
        styler.setAnnotationTextFont(new Font(FONT_FAMILY, Font.PLAIN, 10));
        styler.setAnnotationTextFontColor(INK);
        styler.setYAxisMin(spec.yAxis().min());
        styler.setYAxisMax(spec.yAxis().max());
        Color[] colors = new Color[spec.series().size()];
        for (int i = 0; i < colors.length; i++) {
            colors[i] = color(ChartPalette.colorOf(spec, i));
        }
        styler.setSeriesColors(colors);
    }

    private static void addMarkers(ChartSpec spec, org.knowm.xchart.internal.chartpart.AxesChart<?, ?> chart) {
        if (spec.markers().isEmpty()) {
            return;
        }
        double[] xr = spec.kind().isCategory() ? new double[] {0, 1} : range(spec, true);
        double[] yr = range(spec, false);
        for (Marker m : spec.markers()) {
            boolean vertical = m.orientation() == Marker.Orientation.VERTICAL;
            addAnnotation(chart, new AnnotationLine(m.value(), vertical, false));
            if (m.label().isEmpty() || spec.kind().isCategory()) {
                continue; // category charts have no data-space x to anchor a label at
            }
            double x = vertical ? along(spec.xAxis().log(), xr, m.value(), 0.02) : along(spec.xAxis().log(), xr,
                    xr[0], 0.08);
            double y = vertical ? along(spec.yAxis().log(), yr, yr[1], -0.04) : along(spec.yAxis().log(), yr,
                    m.value(), 0.04);
            addAnnotation(chart, new AnnotationText(m.label(), x, y, false));
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

    private static BasicStroke stroke(LineStyle style) {
        float[] dash = style.dashPattern();
        return new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                dash.length == 0 ? null : dash, 0f);
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
