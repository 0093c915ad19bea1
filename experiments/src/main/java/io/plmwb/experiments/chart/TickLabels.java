package io.plmwb.experiments.chart;

import java.util.Locale;

/** Tick label formats shared by the screen renderer and the export, so both label axes alike. */
public final class TickLabels {

    private TickLabels() {
    }

    /** A log-axis tick: "0.001" … "10000" near 1, "1e-5" and "1e6" beyond; other values with 3 significant digits. */
    public static String log(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            return "";
        }
        double k = Math.log10(v);
        if (Math.abs(k - Math.rint(k)) < 1e-9) {
            int e = (int) Math.rint(k);
            if (e >= -3 && e <= 4) {
                return e >= 0 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%." + (-e) + "f", v);
            }
            return "1e" + e;
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /** A log-axis tick for exports: decades only ("1", "10", "0.01", "10⁵", "10⁻⁴"), other ticks unlabelled. */
    public static String logDecade(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            return "";
        }
        double k = Math.log10(v);
        if (Math.abs(k - Math.rint(k)) > 1e-9) {
            return "";
        }
        int e = (int) Math.rint(k);
        if (e >= -2 && e <= 3) {
            return e >= 0 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%." + (-e) + "f", v);
        }
        return "10" + superscript(e);
    }

    /**
     * A linear-axis tick formatter chosen from the data range {@code [lo, hi]}: integer data gets integer labels
     * only (fractional ticks stay unlabelled); magnitudes below 0.01 or from 10⁶ on are written scientifically
     * ("2×10⁻³", never ".002"); others with the fewest decimals that show the value, always with a leading zero.
     */
    public static java.util.function.Function<Double, String> linear(double lo, double hi, boolean integerData) {
        double span = Math.abs(hi - lo);
        double mag = Math.max(Math.abs(lo), Math.abs(hi));
        boolean sci = mag > 0 && (mag < 1e-2 || mag >= 1e6);
        return v -> {
            if (v == null || !Double.isFinite(v)) {
                return "";
            }
            double x = v;
            if (Math.abs(x) <= 1e-9 * Math.max(span, Double.MIN_NORMAL)) {
                return "0";
            }
            if (integerData && Math.abs(x - Math.rint(x)) > 1e-9 * Math.max(1, Math.abs(x))) {
                return "";
            }
            return sci ? scientific(x) : plain(x);
        };
    }

    /** "2×10⁻³", "2.5×10⁶", "1×10⁻⁴" (three significant digits at most). */
    public static String scientific(double v) {
        int e = (int) Math.floor(Math.log10(Math.abs(v)));
        double m = v / Math.pow(10, e);
        if (Math.abs(m) >= 9.9995) {
            m /= 10;
            e++;
        }
        return plain(Math.round(m * 100) / 100.0) + "×10" + superscript(e);
    }

    /** Fewest decimals (up to 6) that show the value; no exponent. */
    public static String plain(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    static String superscript(int e) {
        StringBuilder b = new StringBuilder(e < 0 ? "⁻" : "");
        for (char c : Integer.toString(Math.abs(e)).toCharArray()) {
            b.append(SUPERSCRIPTS.charAt(c - '0'));
        }
        return b.toString();
    }
}
