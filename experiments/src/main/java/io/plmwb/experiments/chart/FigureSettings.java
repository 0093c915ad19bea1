package io.plmwb.experiments.chart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The physical figure of an export: width and height (kept in inches, entered in in, cm or pt), the base font size
 * in points, the font family and the bitmap DPI. Layout happens in points, so PNG ({@code inches × dpi} pixels),
 * SVG (width/height in inches, viewBox in points) and PDF (MediaBox in points) show the same figure.
 *
 * @param widthIn  width in inches, 1–60
 * @param heightIn height in inches, 0.5–60
 * @param fontPt   base (axis title) font size in points, 4–72; ticks and legend are 0.85 of it, the title 1.15
 * @param family   sans (DejaVu Sans) or serif (DejaVu Serif)
 * @param dpi      PNG resolution, 48–1200
 */
public record FigureSettings(double widthIn, double heightIn, double fontPt, Family family, int dpi) {

    /** Font families that are embedded in PDF and named in SVG. */
    public enum Family {
        SANS("DejaVu Sans", "DejaVuSans"), SERIF("DejaVu Serif", "DejaVuSerif");

        private final String awtName;
        private final String fileStem;

        Family(String awtName, String fileStem) {
            this.awtName = awtName;
            this.fileStem = fileStem;
        }

        /** The Java2D family name. */
        public String awtName() {
            return awtName;
        }

        /** The TrueType file name of the regular ("") or bold ("-Bold") face. */
        String fileName(boolean bold) {
            return fileStem + (bold ? "-Bold" : "") + ".ttf";
        }

        public static Family parse(String s) {
            String n = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "sans", "sans-serif" -> SANS;
                case "serif" -> SERIF;
                default -> throw new IllegalArgumentException("unknown font family '" + s + "'; use sans or serif");
            };
        }
    }

    /** Length units of the width and height fields. */
    public enum Unit {
        IN(1), CM(1 / 2.54), PT(1 / 72.0);

        private final double inches;

        Unit(double inches) {
            this.inches = inches;
        }

        public double toInches(double v) {
            return v * inches;
        }

        public double fromInches(double in) {
            return in / inches;
        }

        public static Unit parse(String s) {
            for (Unit u : values()) {
                if (u.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
                    return u;
                }
            }
            throw new IllegalArgumentException("unknown unit '" + s + "'; use in, cm or pt");
        }
    }

    public FigureSettings {
        Objects.requireNonNull(family, "family");
        if (!(widthIn >= 1 && widthIn <= 60) || !(heightIn >= 0.5 && heightIn <= 60)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "figure size must be 1–60 in wide and 0.5–60 in high, was %.3g × %.3g in", widthIn, heightIn));
        }
        if (!(fontPt >= 4 && fontPt <= 72)) {
            throw new IllegalArgumentException("font size must be 4–72 pt, was " + fontPt);
        }
        if (dpi < 48 || dpi > 1200) {
            throw new IllegalArgumentException("DPI must be 48–1200, was " + dpi);
        }
        long px = Math.round(widthIn * dpi) * Math.round(heightIn * dpi);
        if (px > 200_000_000L) {
            throw new IllegalArgumentException("a " + widthIn + "×" + heightIn + " in figure at " + dpi
                    + " DPI would have " + px + " pixels; lower the size or the DPI");
        }
    }

    /** A figure from a width and height in {@code unit}. */
    public static FigureSettings of(double width, double height, Unit unit, double fontPt, Family family, int dpi) {
        return new FigureSettings(unit.toInches(width), unit.toInches(height), fontPt, family, dpi);
    }

    /** The named presets, in menu order. */
    public static Map<String, FigureSettings> presets() {
        Map<String, FigureSettings> p = new LinkedHashMap<>();
        p.put("single-column", new FigureSettings(3.25, 2.4, 8, Family.SANS, 300));
        p.put("double-column", new FigureSettings(6.75, 3.6, 9, Family.SANS, 300));
        p.put("slide-16x9", new FigureSettings(10, 5.625, 16, Family.SANS, 200));
        p.put("poster", new FigureSettings(16, 10, 24, Family.SANS, 300));
        return p;
    }

    /** A preset by name (single-column, double-column, slide-16x9, poster). */
    public static FigureSettings preset(String name) {
        FigureSettings f = presets().get(name == null ? "" : name.strip().toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new IllegalArgumentException("unknown figure preset '" + name + "'; use one of "
                    + String.join(", ", List.copyOf(presets().keySet())));
        }
        return f;
    }

    public FigureSettings withDpi(int newDpi) {
        return new FigureSettings(widthIn, heightIn, fontPt, family, newDpi);
    }

    public FigureSettings withFont(double pt, Family f) {
        return new FigureSettings(widthIn, heightIn, pt, f, dpi);
    }

    /** Width in points (the layout unit). */
    public double widthPt() {
        return widthIn * 72;
    }

    public double heightPt() {
        return heightIn * 72;
    }

    /** PNG width in pixels, inches × DPI. */
    public int pixelWidth() {
        return (int) Math.round(widthIn * dpi);
    }

    public int pixelHeight() {
        return (int) Math.round(heightIn * dpi);
    }

    /** A one-line description for metadata: "3.25 × 2.4 in, 8 pt DejaVu Sans, 300 dpi". */
    public String describe() {
        return String.format(Locale.ROOT, "%s × %s in, %s pt %s, %d dpi", ChartCsv.number(widthIn),
                ChartCsv.number(heightIn), ChartCsv.number(fontPt), family.awtName(), dpi);
    }
}
