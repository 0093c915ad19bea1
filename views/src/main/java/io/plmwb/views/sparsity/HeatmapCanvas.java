package io.plmwb.views.sparsity;

import io.plmwb.experiments.chart.HeatColors;
import io.plmwb.experiments.chart.HeatMatrix;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

/**
 * A layers × tokens heat map on a Canvas: the cells are rasterised into one ARGB buffer at the canvas's pixel size
 * ({@link HeatColors#rasterize}, each pixel the mean of the cells it covers) and drawn as one image, so a 32 × 4096
 * matrix redraws in a few milliseconds; layer labels on the left, the token strip beneath (token texts when they fit,
 * token indices otherwise), a hover tooltip and a click selection.
 */
public final class HeatmapCanvas extends Region {

    static final double LEFT = 62;
    static final double STRIP = 22;
    private final Canvas canvas = new Canvas();
    private final Tooltip tooltip = new Tooltip();
    private HeatMatrix matrix;
    private List<String> tokens = List.of();
    private int[] buffer;
    private WritableImage image;
    private int selRow = -1;
    private int selCol = -1;
    private long lastRedrawNanos;
    private BiFunction<Integer, Integer, String> describe = (r, c) -> "";
    private BiConsumer<Integer, Integer> onSelect = (r, c) -> { };

    public HeatmapCanvas() {
        getChildren().add(canvas);
        getStyleClass().add("heatmap-canvas");
        setMinHeight(140);
        setPrefHeight(240);
        tooltip.setShowDelay(Duration.millis(60));
        tooltip.setHideDelay(Duration.millis(80));
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(520);
        Tooltip.install(canvas, tooltip);
        canvas.setOnMouseMoved(e -> {
            int[] cell = cellAt(e.getX(), e.getY());
            if (cell == null) {
                tooltip.setText("");
                tooltip.hide();
                return;
            }
            tooltip.setText(describe.apply(cell[0], cell[1]));
        });
        canvas.setOnMouseClicked(e -> {
            int[] cell = cellAt(e.getX(), e.getY());
            if (cell != null) {
                selRow = cell[0];
                selCol = cell[1];
                onSelect.accept(cell[0], cell[1]);
                redraw();
            }
        });
    }

    /** Shows a matrix (null: empty) with its token strip. */
    public void setMatrix(HeatMatrix m, List<String> tokenTexts) {
        this.matrix = m;
        this.tokens = tokenTexts == null ? List.of() : tokenTexts;
        if (m == null || selRow >= m.rows() || selCol >= m.columns()) {
            selRow = -1;
            selCol = -1;
        }
        redraw();
    }

    public void setDescriber(BiFunction<Integer, Integer, String> f) {
        this.describe = f;
    }

    public void setOnSelect(BiConsumer<Integer, Integer> f) {
        this.onSelect = f;
    }

    /** Nanoseconds the last {@link #redraw()} took. */
    public long lastRedrawNanos() {
        return lastRedrawNanos;
    }

    /** (row = layer, column = token) under a canvas point, or null. */
    int[] cellAt(double x, double y) {
        if (matrix == null) {
            return null;
        }
        double w = canvas.getWidth() - LEFT - 4;
        double h = canvas.getHeight() - STRIP;
        if (x < LEFT || x >= LEFT + w || y < 0 || y >= h || w <= 0 || h <= 0) {
            return null;
        }
        int col = (int) ((x - LEFT) / w * matrix.columns());
        int row = matrix.rows() - 1 - (int) (y / h * matrix.rows());
        return new int[] {Math.max(0, Math.min(matrix.rows() - 1, row)),
            Math.max(0, Math.min(matrix.columns() - 1, col))};
    }

    @Override
    protected void layoutChildren() {
        double w = Math.floor(getWidth());
        double h = Math.floor(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            redraw();
        }
    }

    /** Draws the whole map; public so a benchmark can time it. */
    public void redraw() {
        long t0 = System.nanoTime();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double cw = canvas.getWidth();
        double ch = canvas.getHeight();
        g.clearRect(0, 0, cw, ch);
        if (matrix == null || cw <= LEFT + 10 || ch <= STRIP + 10) {
            g.setFill(Color.gray(0.45));
            g.setFont(Font.font(12));
            g.fillText(matrix == null ? "No capture yet" : "", 10, 20);
            lastRedrawNanos = System.nanoTime() - t0;
            return;
        }
        int pw = (int) (cw - LEFT - 4);
        int ph = (int) (ch - STRIP);
        if (image == null || (int) image.getWidth() != pw || (int) image.getHeight() != ph) {
            image = new WritableImage(pw, ph);
            buffer = new int[pw * ph];
        }
        HeatColors.rasterize(matrix, pw, ph, buffer);
        image.getPixelWriter().setPixels(0, 0, pw, ph, PixelFormat.getIntArgbPreInstance(), buffer, 0, pw);
        g.drawImage(image, LEFT, 0);
        // layer labels
        g.setFill(Color.gray(0.2));
        g.setFont(Font.font(11));
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        double rh = ph / (double) matrix.rows();
        int step = Math.max(1, (int) Math.ceil(13 / rh));
        for (int r = 0; r < matrix.rows(); r += step) {
            g.fillText(matrix.yLabels().get(r), LEFT - 6, ph - (r + 0.5) * rh);
        }
        // token strip: texts when a column is wide enough, else indices at a round step
        double colW = pw / (double) matrix.columns();
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        boolean texts = colW >= 16 && tokens.size() == matrix.columns();
        int every = texts ? 1 : niceStep(matrix.columns(), Math.max(1, pw / 60));
        for (int c = 0; c < matrix.columns(); c += every) {
            double x = LEFT + (c + 0.5) * colW;
            String s = texts ? clip(tokens.get(c), colW) : Integer.toString(c);
            g.fillText(s, x, ph + 4);
        }
        if (selRow >= 0) {
            g.setStroke(Color.WHITE);
            g.setLineWidth(2);
            g.strokeRect(LEFT + selCol * colW, ph - (selRow + 1) * rh, Math.max(2, colW), rh);
            g.setStroke(Color.BLACK);
            g.setLineWidth(1);
            g.strokeRect(LEFT + selCol * colW - 1, ph - (selRow + 1) * rh - 1, Math.max(2, colW) + 2, rh + 2);
        }
        lastRedrawNanos = System.nanoTime() - t0;
    }

    private static String clip(String s, double width) {
        int max = Math.max(1, (int) (width / 6.5));
        return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "…";
    }

    static int niceStep(int n, int target) {
        double raw = n / (double) Math.max(1, target);
        int p = 1;
        while (true) {
            for (int f : new int[] {1, 2, 5}) {
                if (f * p >= raw) {
                    return f * p;
                }
            }
            p *= 10;
        }
    }
}
