package io.plmwb.views.chart;

import io.plmwb.experiments.chart.Axis;
import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartPalette;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LegendPosition;
import io.plmwb.experiments.chart.Marker;
import io.plmwb.experiments.chart.Series;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ObservableList;
import javafx.geometry.Side;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.chart.AreaChart;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.ScatterChart;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.ValueAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.text.Text;

/** Builds the JavaFX chart of a {@link ChartSpec}: one chart class per kind, plus markers and error bars. */
final class FxCharts {

    /** Extra value of a data item that follows a NaN gap: the line is broken before it. */
    static final Object GAP_BEFORE = new Object() {
        @Override
        public String toString() {
            return "gap";
        }
    };

    private FxCharts() {
    }

    /** A new, unanimated JavaFX chart drawing {@code spec}. NaN points (gaps) are left out. */
    static XYChart<?, Number> create(ChartSpec spec) {
        return create(spec, 0);
    }

    /**
     * As {@link #create(ChartSpec)}, drawing at most {@code maxPoints} points of each line series (every k-th and
     * the last; 0 = all). Only the drawing is thinned: the spec, and so every export, keeps every point.
     */
    static XYChart<?, Number> create(ChartSpec spec, int maxPoints) {
        XYChart<?, Number> chart = spec.kind().isCategory() ? category(spec) : numeric(spec, maxPoints);
        chart.setAnimated(false);
        chart.setTitle(null);
        chart.setLegendVisible(spec.legendVisible());
        chart.setLegendSide(side(spec.legendPosition()));
        chart.getStyleClass().add("plmwb-chart");
        chart.getStylesheets().add(FxChartStyles.dataUri(spec));
        return chart;
    }

    private static XYChart<Number, Number> numeric(ChartSpec spec, int maxPoints) {
        ValueAxis<Number> x = numberAxis(spec.xAxis(), false);
        ValueAxis<Number> y = numberAxis(spec.yAxis(), false);
        Overlay overlay = new Overlay(spec);
        XYChart<Number, Number> chart = switch (spec.kind()) {
            case SCATTER -> new SpecScatterChart(x, y, overlay);
            case AREA -> new SpecAreaChart(x, y, overlay);
            default -> new SpecLineChart(x, y, overlay);
        };
        if (chart instanceof LineChart<Number, Number> line) {
            line.setAxisSortingPolicy(LineChart.SortingPolicy.NONE); // draw in data order, as the export does
            if (spec.series().stream().noneMatch(Series::markers)) {
                line.setCreateSymbols(false); // no hidden symbol node per point: long series build fast
            }
        }
        List<Series> all = spec.series();
        for (Series s : all) {
            XYChart.Series<Number, Number> fx = new XYChart.Series<>();
            fx.setName(s.name());
            boolean gap = false;
            int n = s.size();
            int stride = maxPoints <= 1 || n <= maxPoints || spec.kind() == ChartKind.SCATTER ? 1
                    : (int) Math.ceil((n - 1) / (double) (maxPoints - 1));
            for (int i = 0; i < n; i = i + stride >= n && i < n - 1 ? n - 1 : i + stride) {
                if (Double.isNaN(s.y(i))) {
                    gap = !fx.getData().isEmpty();
                    continue;
                }
                XYChart.Data<Number, Number> d = new XYChart.Data<>(s.x(i), s.y(i));
                if (gap) {
                    d.setExtraValue(GAP_BEFORE);
                    gap = false;
                }
                fx.getData().add(d);
            }
            chart.getData().add(fx);
        }
        if (spec.kind() != ChartKind.SCATTER) {
            for (int k = 0; k < all.size(); k++) {
                if (!all.get(k).markers()) {
                    for (XYChart.Data<Number, Number> d : chart.getData().get(k).getData()) {
                        if (d.getNode() != null) {
                            d.getNode().setVisible(false);
                        }
                    }
                }
            }
        }
        return chart;
    }

    private static XYChart<String, Number> category(ChartSpec spec) {
        CategoryAxis x = new CategoryAxis();
        x.setLabel(spec.xAxis().title());
        x.setCategories(javafx.collections.FXCollections.observableArrayList(spec.categories()));
        x.setAutoRanging(true);
        ValueAxis<Number> y = numberAxis(spec.yAxis(), true);
        Overlay overlay = new Overlay(spec);
        XYChart<String, Number> chart;
        if (spec.kind() == ChartKind.STACKED_BAR) {
            StackedBarChart<String, Number> stacked = new SpecStackedBarChart(x, y, overlay);
            stacked.setCategoryGap(spec.categories().size() > 12 ? 4 : 12);
            chart = stacked;
        } else {
            BarChart<String, Number> bars = new SpecBarChart(x, y, overlay);
            boolean histogram = spec.kind() == ChartKind.HISTOGRAM;
            bars.setCategoryGap(histogram ? 0 : 12);
            bars.setBarGap(histogram ? 0 : 2);
            chart = bars;
        }
        List<String> cats = spec.categories();
        for (Series s : spec.series()) {
            XYChart.Series<String, Number> fx = new XYChart.Series<>();
            fx.setName(s.name());
            for (int i = 0; i < s.size(); i++) {
                if (!Double.isNaN(s.y(i))) {
                    fx.getData().add(new XYChart.Data<>(cats.get(i), s.y(i)));
                }
            }
            chart.getData().add(fx);
        }
        return chart;
    }

    private static ValueAxis<Number> numberAxis(Axis axis, boolean fromZero) {
        ValueAxis<Number> a;
        if (axis.log()) {
            a = axis.hasFixedRange() && axis.min() != null && axis.max() != null
                    ? new LogAxis(axis.min(), axis.max()) : new LogAxis();
        } else {
            NumberAxis n = new NumberAxis();
            n.setForceZeroInRange(fromZero);
            if (axis.min() != null && axis.max() != null) {
                n.setAutoRanging(false);
                n.setLowerBound(axis.min());
                n.setUpperBound(axis.max());
                n.setTickUnit(niceStep((axis.max() - axis.min()) / 8));
            }
            a = n;
        }
        a.setLabel(axis.title());
        return a;
    }

    static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    private static Side side(LegendPosition p) {
        return switch (p) {
            case BOTTOM -> Side.BOTTOM;
            case TOP -> Side.TOP;
            default -> Side.RIGHT;
        };
    }

    /** Marker lines and error bars, drawn in plot coordinates after the chart lays out its series. */
    static final class Overlay {
        private final ChartSpec spec;
        private final Group group = new Group();
        private ObservableList<Node> plotChildren;

        Overlay(ChartSpec spec) {
            this.spec = spec;
            group.setManaged(false);
            group.getStyleClass().add("chart-overlay");
        }

        Group group() {
            return group;
        }

        void install(ObservableList<Node> children) {
            this.plotChildren = children;
            children.add(group);
        }

        @SuppressWarnings("unchecked")
        void layout(javafx.scene.chart.Axis<?> xAxis, javafx.scene.chart.Axis<Number> yAxis) {
            List<Node> nodes = new ArrayList<>();
            double w = xAxis.getWidth();
            double h = yAxis.getHeight();
            if (!spec.kind().isCategory()) {
                errorBars((javafx.scene.chart.Axis<Number>) xAxis, yAxis, nodes, h);
            }
            for (Marker m : spec.markers()) {
                if (m.orientation() == Marker.Orientation.VERTICAL) {
                    double x = ((javafx.scene.chart.Axis<Number>) xAxis).getDisplayPosition(m.value());
                    if (!(x >= 0 && x <= w)) {
                        continue;
                    }
                    nodes.add(markerLine(x, 0, x, h));
                    if (!m.label().isEmpty()) {
                        nodes.add(markerLabel(m.label(), x + 4, 14));
                    }
                } else {
                    double y = yAxis.getDisplayPosition(m.value());
                    if (!(y >= 0 && y <= h)) {
                        continue;
                    }
                    nodes.add(markerLine(0, y, w, y));
                    if (!m.label().isEmpty()) {
                        nodes.add(markerLabel(m.label(), 6, y - 4));
                    }
                }
            }
            group.getChildren().setAll(nodes);
            if (plotChildren != null && !plotChildren.isEmpty() && plotChildren.get(plotChildren.size() - 1) != group) {
                group.toFront();
            }
        }

        private void errorBars(javafx.scene.chart.Axis<Number> xAxis, javafx.scene.chart.Axis<Number> yAxis,
                List<Node> nodes, double h) {
            for (int k = 0; k < spec.series().size(); k++) {
                Series s = spec.series().get(k);
                double[] err = s.yError().orElse(null);
                if (err == null) {
                    continue;
                }
                Color c = Color.web(ChartPalette.colorOf(spec, k));
                for (int i = 0; i < s.size(); i++) {
                    double y = s.y(i);
                    double e = err[i];
                    if (Double.isNaN(y) || Double.isNaN(e) || e == 0) {
                        continue;
                    }
                    double px = xAxis.getDisplayPosition(s.x(i));
                    double top = yAxis.getDisplayPosition(y + e);
                    double lowValue = y - e;
                    double bottom = spec.yAxis().log() && lowValue <= 0 ? h : yAxis.getDisplayPosition(lowValue);
                    if (Double.isNaN(px) || Double.isNaN(top) || Double.isNaN(bottom)) {
                        continue;
                    }
                    for (Line l : List.of(new Line(px, top, px, bottom), new Line(px - 3, top, px + 3, top),
                            new Line(px - 3, bottom, px + 3, bottom))) {
                        l.setStroke(c);
                        l.setStrokeWidth(1.2);
                        l.getStyleClass().add("chart-error-bar");
                        nodes.add(l);
                    }
                }
            }
        }

        private static Line markerLine(double x1, double y1, double x2, double y2) {
            Line l = new Line(x1, y1, x2, y2);
            l.getStyleClass().add("chart-marker-line");
            l.setStroke(Color.web("#8A8A8A"));
            l.getStrokeDashArray().setAll(6.0, 4.0);
            l.setStrokeWidth(1.2);
            return l;
        }

        private static Text markerLabel(String text, double x, double y) {
            Text t = new Text(x, y, text);
            t.getStyleClass().add("chart-marker-label");
            t.setFill(Color.web("#8A8A8A"));
            return t;
        }
    }

    static final class SpecLineChart extends LineChart<Number, Number> {
        private final Overlay overlay;

        SpecLineChart(ValueAxis<Number> x, ValueAxis<Number> y, Overlay overlay) {
            super(x, y);
            this.overlay = overlay;
            overlay.install(getPlotChildren());
        }

        @Override
        protected void layoutPlotChildren() {
            super.layoutPlotChildren();
            for (XYChart.Series<Number, Number> s : getData()) {
                breakAtGaps(s);
            }
            overlay.layout(getXAxis(), getYAxis());
        }

        /** Turns the segment into each point after a NaN gap into a move, so the line breaks there. */
        private static void breakAtGaps(XYChart.Series<Number, Number> s) {
            if (!(s.getNode() instanceof javafx.scene.shape.Path path)) {
                return;
            }
            var elements = path.getElements();
            int n = s.getData().size();
            int offset = elements.size() - n; // LineChart starts with a MoveTo to the first point
            if (offset < 0 || offset > 1) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (s.getData().get(i).getExtraValue() == GAP_BEFORE
                        && elements.get(i + offset) instanceof javafx.scene.shape.LineTo to) {
                    elements.set(i + offset, new javafx.scene.shape.MoveTo(to.getX(), to.getY()));
                }
            }
        }
    }

    static final class SpecScatterChart extends ScatterChart<Number, Number> {
        private final Overlay overlay;

        SpecScatterChart(ValueAxis<Number> x, ValueAxis<Number> y, Overlay overlay) {
            super(x, y);
            this.overlay = overlay;
            overlay.install(getPlotChildren());
        }

        @Override
        protected void layoutPlotChildren() {
            super.layoutPlotChildren();
            overlay.layout(getXAxis(), getYAxis());
        }
    }

    static final class SpecAreaChart extends AreaChart<Number, Number> {
        private final Overlay overlay;

        SpecAreaChart(ValueAxis<Number> x, ValueAxis<Number> y, Overlay overlay) {
            super(x, y);
            this.overlay = overlay;
            overlay.install(getPlotChildren());
        }

        @Override
        protected void layoutPlotChildren() {
            super.layoutPlotChildren();
            overlay.layout(getXAxis(), getYAxis());
        }
    }

    static final class SpecBarChart extends BarChart<String, Number> {
        private final Overlay overlay;

        SpecBarChart(CategoryAxis x, ValueAxis<Number> y, Overlay overlay) {
            super(x, y);
            this.overlay = overlay;
            overlay.install(getPlotChildren());
        }

        @Override
        protected void layoutPlotChildren() {
            super.layoutPlotChildren();
            overlay.layout(getXAxis(), getYAxis());
        }
    }

    static final class SpecStackedBarChart extends StackedBarChart<String, Number> {
        private final Overlay overlay;

        SpecStackedBarChart(CategoryAxis x, ValueAxis<Number> y, Overlay overlay) {
            super(x, y);
            this.overlay = overlay;
            overlay.install(getPlotChildren());
        }

        @Override
        protected void layoutPlotChildren() {
            super.layoutPlotChildren();
            overlay.layout(getXAxis(), getYAxis());
        }
    }
}
