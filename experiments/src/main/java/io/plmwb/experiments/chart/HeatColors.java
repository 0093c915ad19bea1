package io.plmwb.experiments.chart;

/**
 * Colour gradients of heat maps, shared by the screen (views) and the exports: sequential = viridis (dark purple →
 * yellow, perceptually uniform, colour-blind safe), diverging = blue – white – red (0.5 is white).
 */
public final class HeatColors {

    private static final int[] VIRIDIS = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779,
        0x6DCD59, 0xB4DE2C, 0xFDE725};
    private static final int[] DIVERGING = {0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582,
        0xD6604D, 0xB2182B};
    /** Cells without a value. */
    public static final int BLANK = 0xFFFFFF;

    private HeatColors() {
    }

    /** 0xRRGGBB at position {@code u} ∈ [0, 1] of the scale (NaN → {@link #BLANK}). */
    public static int rgb(HeatMatrix.Scale scale, double u) {
        if (Double.isNaN(u)) {
            return BLANK;
        }
        int[] stops = scale == HeatMatrix.Scale.SEQUENTIAL ? VIRIDIS : DIVERGING;
        double p = Math.max(0, Math.min(1, u)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) p);
        double f = p - i;
        int a = stops[i];
        int b = stops[i + 1];
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return (r << 16) | (g << 8) | bl;
    }

    /** The gradient's stops as 0xRRGGBB (for legends and XChart's range colours). */
    public static int[] stops(HeatMatrix.Scale scale) {
        return (scale == HeatMatrix.Scale.SEQUENTIAL ? VIRIDIS : DIVERGING).clone();
    }

    /**
     * Rasterises a matrix into {@code width × height} ARGB pixels (row 0 at the bottom), each pixel the colour of
     * the mean of the cells it covers: a 32 × 4096 matrix on a 1200-pixel-wide canvas averages ~3.4 tokens per pixel
     * column instead of dropping them. Used by the on-screen heat map; cost O(width × height + rows × columns).
     */
    public static int[] rasterize(HeatMatrix m, int width, int height, int[] out) {
        int rows = m.rows();
        int cols = m.columns();
        int[] px = out != null && out.length >= width * height ? out : new int[width * height];
        // column means per pixel column, per row
        double[][] colMean = new double[rows][width];
        for (int r = 0; r < rows; r++) {
            for (int x = 0; x < width; x++) {
                int c0 = (int) ((long) x * cols / width);
                int c1 = Math.max(c0 + 1, (int) ((long) (x + 1) * cols / width));
                double s = 0;
                int n = 0;
                for (int c = c0; c < c1; c++) {
                    double v = m.value(r, c);
                    if (!Double.isNaN(v)) {
                        s += v;
                        n++;
                    }
                }
                colMean[r][x] = n == 0 ? Double.NaN : s / n;
            }
        }
        // colours once per (row, pixel column); pixel rows of the same matrix row are copies
        int[][] rowColours = new int[rows][];
        for (int y = 0; y < height; y++) {
            int r = rows - 1 - (int) ((long) y * rows / height); // row 0 drawn at the bottom
            if (rowColours[r] == null) {
                int[] rc = new int[width];
                for (int x = 0; x < width; x++) {
                    rc[x] = 0xFF000000 | m.rgb(colMean[r][x]);
                }
                rowColours[r] = rc;
            }
            System.arraycopy(rowColours[r], 0, px, y * width, width);
        }
        return px;
    }
}
