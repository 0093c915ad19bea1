package io.plmwb.experiments.chart;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A chart as pgfplots source (a {@code tikzpicture} to {@code \input} into LaTeX), with the data inline: one
 * {@code \addplot table} per series, reference lines as dashed lines with their labels, the colours and line styles
 * of the other exports, the figure size when figure settings are given, and the metadata as comments. Needs
 * the LaTeX package pgfplots (compat=1.16 or later).
 */
final class PgfPlots {

    private PgfPlots() {
    }

    static String toTex(ChartSpec spec, ExportOptions o, Map<String, String> meta) {
        StringBuilder t = new StringBuilder();
        for (var e : meta.entrySet()) {
            t.append("% ").append(e.getKey()).append(": ").append(e.getValue().replace('\n', ' ')).append('\n');
        }
        t.append("% needs \\usepackage{pgfplots} and \\pgfplotsset{compat=1.16}\n");
        for (int i = 0; i < spec.series().size(); i++) {
            t.append(color(spec, i));
        }
        t.append("\\begin{tikzpicture}\n\\begin{axis}[\n");
        double wIn = o.figure() != null ? o.figure().widthIn() : o.widthPx() / (double) ExportOptions.BASE_DPI;
        double hIn = o.figure() != null ? o.figure().heightIn() : o.heightPx() / (double) ExportOptions.BASE_DPI;
        opt(t, "width=" + num(wIn) + "in, height=" + num(hIn) + "in, scale only axis=false");
        opt(t, "title={" + tex(XChartRenderer.fullTitle(spec)) + "}");
        opt(t, "xlabel={" + tex(spec.xAxis().title()) + "}, ylabel={" + tex(spec.yAxis().title()) + "}");
        opt(t, "legend style={at={(0.5,-0.22)}, anchor=north, legend columns=-1, draw=none}");
        opt(t, "axis lines*=left, ymajorgrids, grid style={gray!20}");
        if (spec.xAxis().log()) {
            opt(t, "xmode=log, log basis x=10");
        }
        if (spec.yAxis().log()) {
            opt(t, "ymode=log, log basis y=10");
        }
        if (spec.xAxis().min() != null) {
            opt(t, "xmin=" + ChartCsv.number(spec.xAxis().min()));
        }
        if (spec.xAxis().max() != null) {
            opt(t, "xmax=" + ChartCsv.number(spec.xAxis().max()));
        }
        if (spec.yAxis().min() != null) {
            opt(t, "ymin=" + ChartCsv.number(spec.yAxis().min()));
        }
        if (spec.yAxis().max() != null) {
            opt(t, "ymax=" + ChartCsv.number(spec.yAxis().max()));
        }
        if (spec.heat().isPresent()) {
            heat(t, spec, spec.heat().get());
        } else if (spec.kind().isCategory()) {
            category(t, spec);
        } else {
            xy(t, spec);
        }
        double[] xr = XChartRenderer.range(spec, true);
        double[] yr = XChartRenderer.range(spec, false);
        for (Marker m : spec.markers()) {
            boolean v = m.orientation() == Marker.Orientation.VERTICAL;
            String a = v ? "(axis cs:" + ChartCsv.number(m.value()) + "," + ChartCsv.number(yr[0]) + ")"
                    : "(axis cs:" + ChartCsv.number(spec.kind().isCategory() ? -0.5 : xr[0]) + ","
                    + ChartCsv.number(m.value()) + ")";
            String b = v ? "(axis cs:" + ChartCsv.number(m.value()) + "," + ChartCsv.number(yr[1]) + ")"
                    : "(axis cs:" + ChartCsv.number(spec.kind().isCategory() ? spec.categories().size() - 0.5
                    : xr[1]) + "," + ChartCsv.number(m.value()) + ")";
            t.append("\\draw[dashed, gray!70!black] ").append(a).append(" -- ").append(b);
            if (!m.label().isEmpty()) {
                t.append(v ? " node[above, font=\\scriptsize] {" : " node[right, font=\\scriptsize] {")
                        .append(tex(m.label())).append('}');
            }
            t.append(";\n");
        }
        t.append("\\end{axis}\n\\end{tikzpicture}\n");
        return t.toString();
    }

    private static void xy(StringBuilder t, ChartSpec spec) {
        t.append("]\n");
        List<Series> all = spec.series();
        for (int i = 0; i < all.size(); i++) {
            Series s = all.get(i);
            String mark = spec.kind() == ChartKind.SCATTER || s.markers() ? "mark=*, mark size=1.2pt" : "mark=none";
            String only = spec.kind() == ChartKind.SCATTER ? ", only marks" : "";
            String fill = spec.kind() == ChartKind.AREA ? ", fill=c" + i + ", fill opacity=0.35" : "";
            t.append("\\addplot[color=c").append(i).append(", ")
                    .append(dash(XChartRenderer.styleOf(spec, i))).append(", thick, ").append(mark).append(only)
                    .append(fill).append(s.yError().isPresent() ? ", error bars/.cd, y dir=both, y explicit" : "")
                    .append("] table[row sep=\\\\").append(s.yError().isPresent() ? ", y error=e" : "")
                    .append("] {\nx y").append(s.yError().isPresent() ? " e" : "").append(" \\\\\n");
            for (int k = 0; k < s.size(); k++) {
                if (Double.isNaN(s.y(k))) {
                    t.append("nan nan").append(s.yError().isPresent() ? " nan" : "").append(" \\\\\n");
                    continue;
                }
                t.append(ChartCsv.number(s.x(k))).append(' ').append(ChartCsv.number(s.y(k)));
                double[] err = s.yError().orElse(null);
                if (err != null) {
                    t.append(' ').append(ChartCsv.number(Double.isNaN(err[k]) ? 0 : err[k]));
                }
                t.append(" \\\\\n");
            }
            t.append("};\n\\addlegendentry{").append(tex(s.name())).append("}\n");
        }
    }

    private static void category(StringBuilder t, ChartSpec spec) {
        List<String> cats = spec.categories();
        opt(t, spec.kind() == ChartKind.STACKED_BAR ? "ybar stacked, bar width=0.75" : "ybar, bar width=" + num(0.75
                / Math.max(1, spec.series().size())));
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < cats.size(); i++) {
            labels.append(i > 0 ? "," : "").append('{').append(tex(cats.get(i))).append('}');
        }
        opt(t, "xtick={0,...," + (cats.size() - 1) + "}, xticklabels={" + labels + "}, xmin=-0.5, xmax="
                + num(cats.size() - 0.5) + (cats.size() > 8 ? ", x tick label style={rotate=90}" : ""));
        t.append("]\n");
        for (int i = 0; i < spec.series().size(); i++) {
            Series s = spec.series().get(i);
            t.append("\\addplot[fill=c").append(i).append(", draw=c").append(i)
                    .append("] table[row sep=\\\\] {\nx y \\\\\n");
            for (int k = 0; k < s.size(); k++) {
                t.append(k).append(' ').append(Double.isNaN(s.y(k)) ? "nan" : ChartCsv.number(s.y(k)))
                        .append(" \\\\\n");
            }
            t.append("};\n\\addlegendentry{").append(tex(s.name())).append("}\n");
        }
    }

    private static void heat(StringBuilder t, ChartSpec spec, HeatMatrix m) {
        opt(t, "colorbar, colormap={" + (m.scale() == HeatMatrix.Scale.DIVERGING
                ? "div}{rgb255=(33,102,172) rgb255=(247,247,247) rgb255=(178,24,43)}"
                : "seq}{rgb255=(255,255,217) rgb255=(65,182,196) rgb255=(8,29,88)}"));
        opt(t, "point meta min=" + ChartCsv.number(m.min()) + ", point meta max=" + ChartCsv.number(m.max())
                + ", enlargelimits=false, axis on top");
        t.append("]\n\\addplot[matrix plot*, mesh/cols=").append(m.columns()).append(", point meta=explicit]")
                .append(" table[row sep=\\\\, meta=v] {\nx y v \\\\\n");
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.columns(); c++) {
                double v = m.value(r, c);
                t.append(c).append(' ').append(r).append(' ').append(Double.isNaN(v) ? "nan" : ChartCsv.number(v))
                        .append(" \\\\\n");
            }
        }
        t.append("};\n");
    }

    private static String color(ChartSpec spec, int i) {
        int[] rgb = ChartPalette.rgb(ChartPalette.colorOf(spec, i));
        return "\\definecolor{c" + i + "}{RGB}{" + rgb[0] + "," + rgb[1] + "," + rgb[2] + "}\n";
    }

    private static String dash(LineStyle s) {
        return switch (s) {
            case SOLID -> "solid";
            case DASHED -> "dashed";
            case DOTTED -> "dotted";
            case DASH_DOT -> "dashdotted";
        };
    }

    private static void opt(StringBuilder t, String option) {
        t.append("  ").append(option).append(",\n");
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Escapes LaTeX's special characters. */
    static String tex(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\textbackslash{}");
                case '{', '}', '_', '#', '%', '&', '$' -> b.append('\\').append(c);
                case '^' -> b.append("\\^{}");
                case '~' -> b.append("\\~{}");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
