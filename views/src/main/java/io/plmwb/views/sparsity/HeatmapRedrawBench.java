package io.plmwb.views.sparsity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plmwb.experiments.chart.HeatMatrix;
import io.plmwb.experiments.study.StudyJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import javafx.application.Platform;
import javafx.scene.Group;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/**
 * The heat map's JavaFX redraw benchmark (moved out of the headless CLI's {@code sparsity-bench}): times
 * {@link HeatmapCanvas#redraw()} plus rendering (a snapshot) of a seeded 32 × 4096 matrix on a 1262 × 422 canvas
 * against one {@code fillRect} per cell on a 1200 × 400 canvas, medians. Needs a display (e.g. {@code xvfb-run -a});
 * run with {@code java -cp "app/target/plm-workbench.jar:app/target/lib/*" io.plmwb.views.sparsity.HeatmapRedrawBench
 * [--repeats N] [--json]}.
 */
public final class HeatmapRedrawBench {

    private static final int ROWS = 32;
    private static final int COLS = 4096;

    private HeatmapRedrawBench() {
    }

    public static void main(String[] args) throws Exception {
        int repeats = 5;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: HeatmapRedrawBench [--repeats N] [--json]");
                    System.exit(2);
                }
            }
        }
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        try {
            ObjectNode o = run(Math.max(10, repeats * 4));
            if (json) {
                System.out.println(StudyJson.pretty(o));
            } else {
                System.out.printf(Locale.ROOT, "JavaFX HeatmapCanvas.redraw() + render (snapshot) of %s cells on %s: "
                                + "%.2f ms; baseline fillRect per cell on a 1200x400 Canvas + render: %.2f ms (medians "
                                + "of %d)%n", o.get("cells").asText(), o.get("canvas").asText(),
                        o.get("redraw_ms_median").asDouble(), o.get("per_cell_fillrect_ms_median").asDouble(),
                        o.get("runs").asInt());
            }
        } finally {
            Platform.exit();
        }
    }

    /** Times {@code n} redraws of each (after 3 untimed ones) on the FX thread; the toolkit must be running. */
    static ObjectNode run(int n) throws Exception {
        Random r = new Random(7);
        double[][] v = new double[ROWS][COLS];
        List<String> xl = new ArrayList<>(COLS);
        List<String> yl = new ArrayList<>(ROWS);
        for (int c = 0; c < COLS; c++) {
            xl.add("t" + c);
        }
        for (int l = 0; l < ROWS; l++) {
            yl.add("layer " + l);
            for (int c = 0; c < COLS; c++) {
                v[l][c] = r.nextDouble();
            }
        }
        HeatMatrix m = new HeatMatrix(xl, yl, v, 0, 1, HeatMatrix.Scale.SEQUENTIAL, "zero fraction");
        double[] redraw = new double[n];
        double[] cells = new double[n];
        CompletableFuture<Void> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                HeatmapCanvas canvas = new HeatmapCanvas();
                canvas.resize(1262, 422);
                canvas.layout();
                Scene scene = new Scene(new Group(canvas), 1262, 422);
                canvas.setMatrix(m, xl);
                Canvas plain = new Canvas(1200, 400);
                GraphicsContext g = plain.getGraphicsContext2D();
                for (int i = -3; i < n; i++) {
                    long t0 = System.nanoTime();
                    canvas.redraw();
                    scene.getRoot().snapshot(null, null); // render the canvas: its cost counts
                    long t1 = System.nanoTime();
                    double cw = 1200.0 / COLS;
                    double rh = 400.0 / ROWS;
                    for (int l = 0; l < ROWS; l++) {
                        for (int c = 0; c < COLS; c++) {
                            int rgb = m.rgb(m.value(l, c));
                            g.setFill(Color.rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff));
                            g.fillRect(c * cw, (ROWS - 1 - l) * rh, cw, rh);
                        }
                    }
                    plain.snapshot(null, null);
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        redraw[i] = (t1 - t0) / 1e6;
                        cells[i] = (t2 - t1) / 1e6;
                    }
                }
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        done.get();
        ObjectNode o = StudyJson.object();
        o.put("cells", ROWS + "x" + COLS);
        o.put("canvas", "1262x422");
        o.put("runs", n);
        o.put("redraw_ms_median", median(redraw));
        o.put("per_cell_fillrect_ms_median", median(cells));
        return o;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
