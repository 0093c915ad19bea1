package io.plmwb.experiments.chart;

/**
 * How to export: the chart's layout size in logical pixels (96 per inch), the resolution of bitmaps and whether an
 * existing file may be replaced. A PNG has {@code widthPx × dpi / 96} by {@code heightPx × dpi / 96} pixels and
 * records its DPI; vector formats use the layout size as their page size.
 *
 * @param widthPx   layout width, 100–10000
 * @param heightPx  layout height, 100–10000
 * @param dpi       bitmap resolution, 48–1200 (96 = one pixel per logical pixel)
 * @param overwrite replace an existing target instead of refusing
 * @param figure    a physical figure (size in inches, fonts in points) or null for the logical-pixel layout; when
 *                  set, it decides the layout, the DPI and every file's physical size
 */
public record ExportOptions(int widthPx, int heightPx, int dpi, boolean overwrite, FigureSettings figure) {

    /** The reference resolution of logical pixels. */
    public static final int BASE_DPI = 96;

    /** Logical-pixel layout without figure settings (the app's default). */
    public ExportOptions(int widthPx, int heightPx, int dpi, boolean overwrite) {
        this(widthPx, heightPx, dpi, overwrite, null);
    }

    /** A physical figure; widthPx/heightPx become its size at 96 per inch. */
    public static ExportOptions of(FigureSettings figure, boolean overwrite) {
        return new ExportOptions((int) Math.round(figure.widthIn() * BASE_DPI),
                (int) Math.round(figure.heightIn() * BASE_DPI), figure.dpi(), overwrite, figure);
    }

    /** This size and overwrite flag as a physical figure. */
    public ExportOptions withFigure(FigureSettings f) {
        return f == null ? new ExportOptions(widthPx, heightPx, dpi, overwrite) : of(f, overwrite);
    }

    /** The figure settings, if any. */
    public java.util.Optional<FigureSettings> figureSettings() {
        return java.util.Optional.ofNullable(figure);
    }

    /** One line for file metadata. */
    public String describe() {
        return figure != null ? figure.describe() : widthPx + " × " + heightPx + " px layout, " + dpi + " dpi";
    }

    public ExportOptions {
        if (widthPx < 100 || widthPx > 10_000 || heightPx < 100 || heightPx > 10_000) {
            throw new IllegalArgumentException("chart size must be 100–10000 px each way, was " + widthPx + "×"
                    + heightPx);
        }
        if (dpi < 48 || dpi > 1200) {
            throw new IllegalArgumentException("DPI must be 48–1200, was " + dpi);
        }
        if (figure != null && figure.dpi() != dpi) {
            throw new IllegalArgumentException("DPI " + dpi + " differs from the figure's " + figure.dpi());
        }
        long px = (long) scaled(widthPx, dpi) * scaled(heightPx, dpi);
        if (px > 200_000_000L) {
            throw new IllegalArgumentException("a " + widthPx + "×" + heightPx + " chart at " + dpi + " DPI would have "
                    + px + " pixels; lower the size or the DPI");
        }
    }

    /** 800×500 at 300 DPI (2500×1563 pixels), no overwrite: a single-column figure. */
    public static ExportOptions defaults() {
        return new ExportOptions(800, 500, 300, false);
    }

    public ExportOptions withOverwrite(boolean replace) {
        return new ExportOptions(widthPx, heightPx, dpi, replace, figure);
    }

    public ExportOptions withSize(int width, int height) {
        return new ExportOptions(width, height, dpi, overwrite);
    }

    public ExportOptions withDpi(int newDpi) {
        return figure != null ? of(figure.withDpi(newDpi), overwrite)
                : new ExportOptions(widthPx, heightPx, newDpi, overwrite);
    }

    /** Pixel width of a PNG. */
    public int pixelWidth() {
        return figure != null ? figure.pixelWidth() : scaled(widthPx, dpi);
    }

    /** Pixel height of a PNG. */
    public int pixelHeight() {
        return figure != null ? figure.pixelHeight() : scaled(heightPx, dpi);
    }

    /** The bitmap scale factor, dpi / 96. */
    public double scale() {
        return dpi / (double) BASE_DPI;
    }

    private static int scaled(int logical, int dpi) {
        return (int) Math.round(logical * (double) dpi / BASE_DPI);
    }
}
