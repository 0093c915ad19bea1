package io.plmwb.experiments.chart;

import java.util.ArrayList;
import java.util.List;

/**
 * The data of exactly the series a chart draws, as CSV (RFC 4180, "\n" line ends, UTF-8).
 *
 * <ul>
 *   <li>numeric charts whose series share x: wide, {@code <x title>,<s1>,<s2>,…}</li>
 *   <li>numeric charts with differing x: long, {@code series,<x title>,<y title>}</li>
 *   <li>category charts: {@code <x title or "category">,<s1>,<s2>,…}</li>
 * </ul>
 * Series columns are "name (y unit)"; a series with a spread adds "name ± (unit)". Reference lines (markers) are
 * drawn series too: in wide tables a horizontal line is a column "label (reference)" holding its y in every row and
 * a vertical line a column "label (x marker)" holding its x; in long tables each line adds two rows, its ends. Numbers are written with full
 * precision ({@link Double#toString}, integers without ".0"); NaN gaps are empty cells.
 */
public final class ChartCsv {

    private ChartCsv() {
    }

    /** The CSV text of a chart. */
    public static String toCsv(ChartSpec spec) {
        StringBuilder out = new StringBuilder();
        if (spec.heat().isPresent()) {
            // heat map: one row per matrix row, one column per matrix column
            HeatMatrix h = spec.heat().get();
            String corner = (spec.yAxis().title().isEmpty() ? "row" : spec.yAxis().title()) + " \\ "
                    + (spec.xAxis().title().isEmpty() ? "column" : spec.xAxis().title());
            List<String> header = new ArrayList<>();
            header.add(corner);
            header.addAll(h.xLabels());
            row(out, header);
            for (int r = 0; r < h.rows(); r++) {
                List<String> cells = new ArrayList<>(h.columns() + 1);
                cells.add(h.yLabels().get(r));
                for (int c = 0; c < h.columns(); c++) {
                    cells.add(number(h.value(r, c)));
                }
                row(out, cells);
            }
            return out.toString();
        }
        List<Series> series = spec.series();
        String unit = spec.yAxis().unit();
        if (spec.kind().isCategory() || spec.sharesX()) {
            String first = spec.xAxis().title();
            if (first.isEmpty()) {
                first = spec.kind().isCategory() ? "category" : "x";
            }
            List<String> header = new ArrayList<>();
            header.add(first);
            for (Series s : series) {
                header.add(withUnit(s.name(), unit));
                if (s.yError().isPresent()) {
                    header.add(withUnit(s.name() + " ±", unit));
                }
            }
            for (Marker m : spec.markers()) {
                header.add(markerName(m, unit));
            }
            row(out, header);
            Series lead = series.get(0);
            double[][] errors = new double[series.size()][];
            for (int k = 0; k < series.size(); k++) {
                errors[k] = series.get(k).yError().orElse(null);
            }
            for (int i = 0; i < lead.size(); i++) {
                List<String> cells = new ArrayList<>();
                cells.add(spec.kind().isCategory() ? lead.categories().get(i) : number(lead.x(i)));
                for (int k = 0; k < series.size(); k++) {
                    cells.add(number(series.get(k).y(i)));
                    if (errors[k] != null) {
                        cells.add(number(errors[k][i]));
                    }
                }
                for (Marker m : spec.markers()) {
                    cells.add(number(m.value()));
                }
                row(out, cells);
            }
        } else {
            boolean anyError = series.stream().anyMatch(s -> s.yError().isPresent());
            String xTitle = spec.xAxis().title().isEmpty() ? "x" : spec.xAxis().title();
            String yTitle = spec.yAxis().title().isEmpty() ? "y" : spec.yAxis().title();
            List<String> header = new ArrayList<>(List.of("series", xTitle, yTitle));
            if (anyError) {
                header.add(spec.yAxis().label().isEmpty() ? withUnit("±", unit) : withUnit(spec.yAxis().label() + " ±",
                        unit));
            }
            row(out, header);
            for (Series s : series) {
                double[] err = s.yError().orElse(null);
                for (int i = 0; i < s.size(); i++) {
                    List<String> cells = new ArrayList<>(List.of(s.name(), number(s.x(i)), number(s.y(i))));
                    if (anyError) {
                        cells.add(err == null ? "" : number(err[i]));
                    }
                    row(out, cells);
                }
            }
            double[] xr = XChartRenderer.range(spec, true);
            double[] yr = XChartRenderer.range(spec, false);
            for (Marker m : spec.markers()) {
                boolean v = m.orientation() == Marker.Orientation.VERTICAL;
                for (int end = 0; end < 2; end++) {
                    List<String> cells = new ArrayList<>(List.of(markerName(m, ""),
                            number(v ? m.value() : xr[end]), number(v ? yr[end] : m.value())));
                    if (anyError) {
                        cells.add("");
                    }
                    row(out, cells);
                }
            }
        }
        return out.toString();
    }

    /** The column (or series) name of a reference line. */
    static String markerName(Marker m, String unit) {
        boolean v = m.orientation() == Marker.Orientation.VERTICAL;
        String label = m.label().isEmpty() ? (v ? "x = " : "y = ") + number(m.value()) : m.label();
        return v ? label + " (x marker)" : withUnit(label + " (reference)", unit);
    }

    /** A number with full precision: integers as integers, other values via {@link Double#toString}; NaN empty. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String withUnit(String name, String unit) {
        return unit.isEmpty() ? name : name + " (" + unit + ")";
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(cells.get(i)));
        }
        out.append('\n');
    }

    static String quote(String cell) {
        if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }
}
