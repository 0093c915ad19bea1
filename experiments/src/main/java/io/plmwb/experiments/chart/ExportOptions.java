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
 */
public record ExportOptions(int widthPx, int heightPx, int dpi, boolean overwrite) {

    /** The reference resolution of logical pixels. */
    public static final int BASE_DPI = 96;

    public ExportOptions {
        if (widthPx < 100 || widthPx > 10_000 || heightPx < 100 || heightPx > 10_000) {
            throw new IllegalArgumentException("chart size must be 100–10000 px each way, was " + widthPx + "×"
                    + heightPx);
        }
        if (dpi < 48 || dpi > 1200) {
            throw new IllegalArgumentException("DPI must be 48–1200, was " + dpi);
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
        return new ExportOptions(widthPx, heightPx, dpi, replace);
    }

    public ExportOptions withSize(int width, int height) {
        return new ExportOptions(width, height, dpi, overwrite);
    }

    public ExportOptions withDpi(int newDpi) {
        return new ExportOptions(widthPx, heightPx, newDpi, overwrite);
    }

    /** Pixel width of a PNG. */
    public int pixelWidth() {
        return scaled(widthPx, dpi);
    }

    /** Pixel height of a PNG. */
    public int pixelHeight() {
        return scaled(heightPx, dpi);
    }

    /** The bitmap scale factor, dpi / 96. */
    public double scale() {
        return dpi / (double) BASE_DPI;
    }

    private static int scaled(int logical, int dpi) {
        return (int) Math.round(logical * (double) dpi / BASE_DPI);
    }
}
