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
}
