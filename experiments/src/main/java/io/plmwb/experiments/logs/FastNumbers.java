package io.plmwb.experiments.logs;

/**
 * Parses the decimal numbers of log files quickly and exactly: plain decimals with up to 18 significant digits and a
 * power of ten within ±22 are converted with one correctly-rounded multiplication or division (Clinger's fast path);
 * everything else goes to {@link Double#parseDouble}. Gap words (empty, nan, null, none, -, inf) give NaN; a
 * k/M/B/G/T suffix scales (token counts such as 1.5B).
 */
final class FastNumbers {

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /** Signals a cell that is not a number. */
    static final double NOT_A_NUMBER = Double.longBitsToDouble(0x7ff8dead00000000L);

    private FastNumbers() {
    }

    /** True for the NaN that {@link #parse} returns for text that is not a number (not for gap words). */
    static boolean isNotANumber(double v) {
        return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(NOT_A_NUMBER);
    }

    /** Parses {@code s[from, to)}; returns NaN for gaps and {@link #NOT_A_NUMBER} for text. */
    static double parse(byte[] s, int from, int to) {
        while (from < to && (s[from] == ' ' || s[from] == '"')) {
            from++;
        }
        while (to > from && (s[to - 1] == ' ' || s[to - 1] == '"' || s[to - 1] == '\r')) {
            to--;
        }
        if (from == to) {
            return Double.NaN;
        }
        int i = from;
        boolean neg = false;
        if (s[i] == '-' || s[i] == '+') {
            neg = s[i] == '-';
            i++;
        }
        long mant = 0;
        int digits = 0;
        int scale = 0;
        boolean any = false;
        while (i < to && s[i] >= '0' && s[i] <= '9') {
            any = true;
            if (digits < 18) {
                mant = mant * 10 + (s[i] - '0');
                if (mant != 0) {
                    digits++;
                }
            } else {
                return slow(s, from, to);
            }
            i++;
        }
        if (i < to && s[i] == '.') {
            i++;
            while (i < to && s[i] >= '0' && s[i] <= '9') {
                any = true;
                if (digits < 18) {
                    mant = mant * 10 + (s[i] - '0');
                    if (mant != 0) {
                        digits++;
                    }
                    scale--;
                } else {
                    return slow(s, from, to);
                }
                i++;
            }
        }
        if (!any) {
            return slow(s, from, to);
        }
        if (i < to && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            boolean eneg = false;
            if (i < to && (s[i] == '-' || s[i] == '+')) {
                eneg = s[i] == '-';
                i++;
            }
            int e = 0;
            int ed = 0;
            while (i < to && s[i] >= '0' && s[i] <= '9') {
                if (e < 100000) {
                    e = e * 10 + (s[i] - '0');
                }
                ed++;
                i++;
            }
            if (ed == 0) {
                return slow(s, from, to);
            }
            scale += eneg ? -e : e;
        }
        if (i != to) {
            return slow(s, from, to);
        }
        double v;
        if (mant == 0) {
            v = 0;
        } else if (scale >= 0 && scale <= 22 && mant <= (1L << 53)) {
            v = mant * POW10[scale];
        } else if (scale < 0 && scale >= -22 && mant <= (1L << 53)) {
            v = mant / POW10[-scale];
        } else {
            return slow(s, from, to);
        }
        return neg ? -v : v;
    }

    private static double slow(byte[] s, int from, int to) {
        String t = new String(s, from, to - from, java.nio.charset.StandardCharsets.UTF_8).strip();
        return parse(t);
    }

    /** Parses a cell given as text (the JSON readers and the slow path). */
    static double parse(String text) {
        String t = text.strip();
        if (t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2) {
            t = t.substring(1, t.length() - 1).strip();
        }
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "", "nan", "-nan", "null", "none", "-", "n/a", "na":
                return Double.NaN;
            case "inf", "+inf", "infinity", "+infinity", "-inf", "-infinity":
                return Double.NaN;
            default:
                break;
        }
        double scale = 1;
        char last = t.charAt(t.length() - 1);
        switch (last) {
            case 'k', 'K' -> scale = 1e3;
            case 'M' -> scale = 1e6;
            case 'B', 'G' -> scale = 1e9;
            case 'T' -> scale = 1e12;
            default -> {
            }
        }
        if (scale != 1) {
            t = t.substring(0, t.length() - 1).strip();
        }
        t = t.replace("_", "");
        try {
            if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                return NOT_A_NUMBER;
            }
            return Double.parseDouble(t) * scale;
        } catch (NumberFormatException e) {
            return NOT_A_NUMBER;
        }
    }
}
