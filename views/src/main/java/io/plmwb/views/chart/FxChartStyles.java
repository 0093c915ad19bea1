package io.plmwb.views.chart;

import io.plmwb.experiments.chart.ChartKind;
import io.plmwb.experiments.chart.ChartPalette;
import io.plmwb.experiments.chart.ChartSpec;
import io.plmwb.experiments.chart.LineStyle;
import io.plmwb.experiments.chart.Series;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The per-chart stylesheet that gives each JavaFX series the colour and dash of the export ({@link ChartPalette}).
 * Rules key on the {@code seriesN} style class, which JavaFX puts on series nodes, data nodes and legend symbols
 * alike, so the legend matches. Everything else (text, grid, background) is left to the theme.
 */
final class FxChartStyles {

    private FxChartStyles() {
    }

    static String css(ChartSpec spec) {
        StringBuilder css = new StringBuilder();
        for (int i = 0; i < spec.series().size(); i++) {
            Series s = spec.series().get(i);
            String c = ChartPalette.colorOf(spec, i);
            String sel = ".series" + i;
            switch (spec.kind()) {
                case LINE -> {
                    rule(css, ".chart-series-line" + sel, "-fx-stroke: " + c + "; -fx-stroke-width: 2px;"
                            + dash(s.lineStyle()));
                    rule(css, ".chart-line-symbol" + sel, "-fx-background-color: " + c + ";"
                            + " -fx-background-radius: 4px; -fx-padding: 3px;");
                }
                case SCATTER -> rule(css, ".chart-symbol" + sel, "-fx-background-color: " + c + ";"
                        + " -fx-background-radius: 4px; -fx-padding: 4px;");
                case AREA -> {
                    rule(css, ".chart-series-area-line" + sel, "-fx-stroke: " + c + "; -fx-stroke-width: 2px;"
                            + dash(s.lineStyle()));
                    rule(css, ".chart-series-area-fill" + sel, "-fx-fill: " + rgba(c, 0.35) + ";");
                    rule(css, ".chart-area-symbol" + sel, "-fx-background-color: " + c + ";");
                }
                default -> rule(css, ".chart-bar" + sel, "-fx-bar-fill: " + c + "; -fx-background-color: " + c
                        + ";");
            }
        }
        if (spec.kind() == ChartKind.LINE || spec.kind() == ChartKind.AREA) {
            rule(css, ".chart-legend-item-symbol", "-fx-background-radius: 4px;");
        }
        return css.toString();
    }

    /** The stylesheet as a data URI, for {@code getStylesheets().add(…)}. */
    static String dataUri(ChartSpec spec) {
        return "data:text/css;base64,"
                + Base64.getEncoder().encodeToString(css(spec).getBytes(StandardCharsets.UTF_8));
    }

    private static String dash(LineStyle style) {
        float[] d = style.dashPattern();
        if (d.length == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder(" -fx-stroke-dash-array:");
        for (float f : d) {
            b.append(' ').append(String.format(Locale.ROOT, "%.1f", f));
        }
        return b.append(";").toString();
    }

    static String rgba(String hex, double alpha) {
        int[] rgb = ChartPalette.rgb(hex);
        return String.format(Locale.ROOT, "rgba(%d, %d, %d, %.2f)", rgb[0], rgb[1], rgb[2], alpha);
    }

    private static void rule(StringBuilder css, String selector, String body) {
        css.append(selector).append(" { ").append(body).append(" }\n");
    }
}
