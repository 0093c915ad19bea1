package io.plmwb.experiments.chart;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The colour-blind-safe Okabe–Ito palette, in the order series take it, shared by the screen renderer and the
 * export service so that both show the same colours. Black comes last; yellow late, as it is weak on white.
 */
public final class ChartPalette {

    /** Okabe &amp; Ito (2008), reordered: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black. */
    public static final List<String> OKABE_ITO = List.of(
            "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000");

    private static final Pattern HEX = Pattern.compile("#[0-9A-Fa-f]{6}");

    private ChartPalette() {
    }

    /** The palette colour of the {@code index}-th series (cycling). */
    public static String hex(int index) {
        return OKABE_ITO.get(Math.floorMod(index, OKABE_ITO.size()));
    }

    /** The colour a series is drawn in: its own colour if set, else the palette colour of its position. */
    public static String colorOf(ChartSpec spec, int seriesIndex) {
        Series s = spec.series().get(seriesIndex);
        return s.colorHex().orElse(hex(seriesIndex));
    }

    /** True for "#RRGGBB". */
    public static boolean isHex(String s) {
        return s != null && HEX.matcher(s).matches();
    }

    /** Normalises "#abcdef" to "#ABCDEF"; rejects anything else. */
    public static String normalize(String hex) {
        if (!isHex(hex)) {
            throw new IllegalArgumentException("colour must be #RRGGBB, was '" + hex + "'");
        }
        return hex.toUpperCase(Locale.ROOT);
    }

    /** The red, green and blue components (0–255) of "#RRGGBB". */
    public static int[] rgb(String hex) {
        int v = Integer.parseInt(normalize(hex).substring(1), 16);
        return new int[] {(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF};
    }
}
