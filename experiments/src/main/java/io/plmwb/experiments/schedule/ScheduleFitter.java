package io.plmwb.experiments.schedule;

import io.plmwb.engine.task.TaskContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Infers a WSDC, WSD or warmup + cosine schedule from a logged learning-rate column.
 *
 * <p>For fixed boundaries (warmup end W, stable end D, decay end E) and shape, the rate is linear in the peak and the
 * floor (η = peak·a(s) + floor·b(s)), so both come from a 2×2 least-squares solve; the boundaries are found by a
 * coordinate search from data-derived starting points with step sizes halving from a tenth of the range down to
 * one step (one grid spacing off the integers), on at most {@value #SEARCH_POINTS} evenly spaced points and then
 * refined on at most {@value #REFINE_POINTS} (residuals are reported on all points). The exponential (geometric) shape depends on floor/peak and is solved by fixed-point
 * iteration. Every shape is tried; with {@link Kind#AUTO} the simplest kind (cosine, then WSD, then WSDC) whose RMS
 * residual is within 10% + 0.2% of the rate range of the best is reported, so a WSDC fit is only chosen when the
 * log has a stable phase and a constant tail. Missing steps and NaN values are simply absent points.
 */
public final class ScheduleFitter {

    /** Which schedule family to fit. */
    public enum Kind {
        AUTO, WSDC, WSD, COSINE;

        public static Kind parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fit kind '" + s + "'; use auto, wsdc, wsd or cosine");
            }
        }
    }

    static final int SEARCH_POINTS = 2000;
    static final int REFINE_POINTS = 20_000;

    /**
     * A fitted schedule with its residuals.
     *
     * @param schedule  the fitted schedule
     * @param x         the positions of the points used (finite, ascending)
     * @param y         the logged rates there
     * @param fitted    the schedule's rates there
     * @param rms       root-mean-square residual
     * @param maxAbs    largest absolute residual
     * @param rivals    the best fit of each other kind tried, best first (empty for a fixed kind)
     */
    public record Fit(Schedule schedule, double[] x, double[] y, double[] fitted, double rms, double maxAbs,
            List<Fit> rivals) {

        /** logged − fitted per point. */
        public double[] residuals() {
            double[] r = new double[y.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = y[i] - fitted[i];
            }
            return r;
        }

        /** RMS residual as a fraction of the fitted peak. */
        public double relativeRms() {
            double peak = schedule.parameters().get("peak") instanceof Double d ? d : 1;
            return rms / peak;
        }

        public String kind() {
            return schedule.kind();
        }
    }

    private ScheduleFitter() {
    }

    public static Fit fit(double[] positions, double[] lr, Kind kind) {
        return fit(positions, lr, kind, TaskContext.none());
    }

    /** Fits a schedule to (position, lr) points; NaN points are ignored. */
    public static Fit fit(double[] positions, double[] lr, Kind kind, TaskContext ctx) {
        if (positions.length != lr.length) {
            throw new IllegalArgumentException(positions.length + " positions but " + lr.length + " rates");
        }
        Data all = Data.of(positions, lr);
        if (all.n < 8) {
            throw new IllegalArgumentException("a fit needs at least 8 logged rates, the column has " + all.n);
        }
        double lo = Arrays.stream(all.y).min().orElseThrow();
        double hi = Arrays.stream(all.y).max().orElseThrow();
        if (!(hi > 0)) {
            throw new IllegalArgumentException("the learning-rate column has no positive values");
        }
        if (hi - lo <= 1e-9 * hi) {
            throw new IllegalArgumentException("the learning rate is constant (" + hi + "): there is no schedule to fit");
        }
        Data search = all.subsample(SEARCH_POINTS);
        List<Kind> kinds = kind == Kind.AUTO ? List.of(Kind.COSINE, Kind.WSD, Kind.WSDC) : List.of(kind);
        List<Fit> best = new ArrayList<>();
        int done = 0;
        int total = kinds.size() * DecayShape.values().length;
        for (Kind k : kinds) {
            Fit bestOfKind = null;
            for (DecayShape shape : k == Kind.COSINE ? new DecayShape[] {DecayShape.COSINE} : DecayShape.values()) {
                ctx.checkCancelled();
                Candidate c = new Candidate(k, shape);
                c.start(search);
                c.search(search, search.range() / 10);
                Data refine = all.subsample(REFINE_POINTS);
                if (refine != search) {
                    c.search(refine, Math.max(refine.resolution * 8, 4 * search.range() / SEARCH_POINTS));
                }
                Fit f = c.toFit(all);
                if (bestOfKind == null || f.rms() < bestOfKind.rms()) {
                    bestOfKind = f;
                }
                ctx.progress(++done, total);
            }
            best.add(bestOfKind);
        }
        if (best.size() == 1) {
            return best.get(0);
        }
        double bestRms = best.stream().mapToDouble(Fit::rms).min().orElseThrow();
        double tolerance = bestRms * 1.10 + 0.002 * (hi - lo);
        Fit chosen = best.stream().filter(f -> f.rms() <= tolerance).findFirst().orElseThrow();
        List<Fit> rivals = best.stream().filter(f -> f != chosen).sorted(Comparator.comparingDouble(Fit::rms)).toList();
        return new Fit(chosen.schedule(), chosen.x(), chosen.y(), chosen.fitted(), chosen.rms(), chosen.maxAbs(),
                rivals);
    }

    static double roundSignificant(double v, int digits) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).doubleValue();
    }

    /** Finite points sorted by position. */
    private static final class Data {
        final double[] x;
        final double[] y;
        final int n;
        final double resolution;
        final boolean integral;

        Data(double[] x, double[] y, double resolution, boolean integral) {
            this.x = x;
            this.y = y;
            this.n = x.length;
            this.resolution = resolution;
            this.integral = integral;
        }

        static Data of(double[] px, double[] py) {
            Integer[] idx = new Integer[px.length];
            int m = 0;
            for (int i = 0; i < px.length; i++) {
                if (Double.isFinite(px[i]) && Double.isFinite(py[i])) {
                    idx[m++] = i;
                }
            }
            Integer[] keep = Arrays.copyOf(idx, m);
            Arrays.sort(keep, Comparator.comparingDouble(i -> px[i]));
            double[] x = new double[m];
            double[] y = new double[m];
            boolean integral = true;
            for (int i = 0; i < m; i++) {
                x[i] = px[keep[i]];
                y[i] = py[keep[i]];
                integral &= x[i] == Math.rint(x[i]);
            }
            double[] gaps = new double[Math.max(1, m - 1)];
            int g = 0;
            for (int i = 1; i < m; i++) {
                if (x[i] > x[i - 1]) {
                    gaps[g++] = x[i] - x[i - 1];
                }
            }
            double res = g == 0 ? 1 : Math.max(1e-12, sorted(Arrays.copyOf(gaps, g))[g / 2]);
            return new Data(x, y, integral ? 1 : res / 4, integral);
        }

        Data subsample(int max) {
            if (n <= max) {
                return this;
            }
            double[] sx = new double[max];
            double[] sy = new double[max];
            for (int i = 0; i < max; i++) {
                int j = (int) Math.round(i * (n - 1.0) / (max - 1));
                sx[i] = x[j];
                sy[i] = y[j];
            }
            return new Data(sx, sy, resolution, integral);
        }

        double range() {
            return Math.max(resolution, x[n - 1] - x[0]);
        }

        double quantile(double q) {
            double[] s = sorted(y.clone());
            return s[(int) Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))];
        }

        private static double[] sorted(double[] a) {
            Arrays.sort(a);
            return a;
        }
    }

    /** One kind and shape being fitted: boundaries W ≤ D ≤ E, peak and floor solved per evaluation. */
    private static final class Candidate {
        final Kind kind;
        final DecayShape shape;
        double w;
        double d;
        double e;
        double peak;
        double floor;
        double sse = Double.POSITIVE_INFINITY;
        double end;
        double ratio = 0.1;

        Candidate(Kind kind, DecayShape shape) {
            this.kind = kind;
            this.shape = shape;
        }

        void start(Data data) {
            double top = data.quantile(0.95);
            double bottom = data.quantile(0.02);
            double hiT = bottom + 0.95 * (top - bottom);
            double loT = bottom + 0.05 * (top - bottom);
            end = data.x[data.n - 1];
            int firstHigh = 0;
            while (firstHigh < data.n - 1 && data.y[firstHigh] < hiT) {
                firstHigh++;
            }
            int lastHigh = data.n - 1;
            while (lastHigh > 0 && data.y[lastHigh] < hiT) {
                lastHigh--;
            }
            int firstLow = lastHigh;
            while (firstLow < data.n - 1 && data.y[firstLow] > loT) {
                firstLow++;
            }
            w = data.x[firstHigh];
            d = Math.max(w, data.x[lastHigh]);
            e = Math.max(d, data.x[firstLow]);
            constrain();
            sse = evaluate(data);
        }

        private void constrain() {
            w = Math.max(0, w);
            if (kind == Kind.COSINE) {
                d = w;
            }
            if (kind == Kind.WSD) {
                e = end;
            }
            d = Math.max(w, d);
            e = Math.max(d, e);
        }

        /**
         * Profile search: the warmup end moves in halving steps, and for each trial the later boundaries are
         * re-optimised (coordinate and diagonal moves), because the boundaries are coupled through peak and floor.
         */
        void search(Data data, double initialStep) {
            double min = data.resolution;
            sse = inner(data, initialStep, min);
            double step = initialStep;
            while (true) {
                boolean improved = true;
                int rounds = 0;
                while (improved && rounds++ < 50) {
                    improved = false;
                    for (int dir = -1; dir <= 1; dir += 2) {
                        // the later boundaries follow to a quarter of this step (to the resolution at the end)
                        while (tryOuter(data, dir * step, Math.max(min, Math.min(initialStep, 4 * step)),
                                Math.max(min, step / 4))) {
                            improved = true;
                        }
                    }
                }
                if (step <= min) {
                    break;
                }
                step = Math.max(min, step / 2);
            }
            if (data.integral) {
                double sw = w;
                double sd = d;
                double se = e;
                w = Math.rint(w);
                d = Math.rint(d);
                e = Math.rint(e);
                constrain();
                double base = sse;
                double s = inner(data, min, min);
                if (s <= base * (1 + 1e-12) + 1e-300) {
                    sse = s;
                } else {
                    w = sw;
                    d = sd;
                    e = se;
                    sse = evaluate(data);
                }
            }
        }

        private boolean tryOuter(Data data, double delta, double innerStep, double min) {
            double sw = w;
            double sd = d;
            double se = e;
            double base = sse;
            w += delta;
            if (w < 0) {
                w = sw;
                return false;
            }
            d = Math.max(d, w);
            constrain();
            double s = inner(data, innerStep, min);
            if (s < base * (1 - 1e-12)) {
                sse = s;
                return true;
            }
            w = sw;
            d = sd;
            e = se;
            evaluate(data);
            sse = base;
            return false;
        }

        /** Optimises stable end and decay end for the current warmup end; returns the SSE. */
        private double inner(Data data, double initialStep, double min) {
            sse = evaluate(data);
            double step = initialStep;
            while (true) {
                boolean improved = true;
                int rounds = 0;
                while (improved && rounds++ < 50) {
                    improved = false;
                    for (int p = 1; p < 3; p++) {
                        if ((p == 1 && kind == Kind.COSINE) || (p == 2 && kind == Kind.WSD)) {
                            continue;
                        }
                        for (int dir = -1; dir <= 1; dir += 2) {
                            while (tryMove(data, p, dir * step, -1, 0)) {
                                improved = true;
                            }
                        }
                    }
                    if (kind == Kind.WSDC) {
                        for (int dp = -1; dp <= 1; dp += 2) {
                            for (int dq = -1; dq <= 1; dq += 2) {
                                while (tryMove(data, 1, dp * step, 2, dq * step)) {
                                    improved = true;
                                }
                            }
                        }
                    }
                }
                if (step <= min) {
                    break;
                }
                step = Math.max(min, step / 2);
            }
            return sse;
        }

        private boolean tryMove(Data data, int param, double delta, int param2, double delta2) {
            double sw = w;
            double sd = d;
            double se = e;
            double sp = peak;
            double sf = floor;
            move(param, delta);
            if (param2 >= 0) {
                move(param2, delta2);
            }
            if (w < 0 || d < w || e < d) {
                w = sw;
                d = sd;
                e = se;
                return false;
            }
            constrain();
            double s = evaluate(data);
            if (s < sse * (1 - 1e-12)) {
                sse = s;
                return true;
            }
            w = sw;
            d = sd;
            e = se;
            peak = sp;
            floor = sf;
            return false;
        }

        private void move(int param, double delta) {
            switch (param) {
                case 0 -> w += delta;
                case 1 -> d += delta;
                default -> e += delta;
            }
        }

        /** Solves peak and floor for the current boundaries; returns the sum of squared residuals. */
        double evaluate(Data data) {
            if (shape == DecayShape.EXPONENTIAL) {
                // fixed point on floor/peak, warm-started from the last evaluation's ratio
                double s = Double.NaN;
                for (int it = 0; it < 12; it++) {
                    s = solve(data, ratio);
                    double r = peak > 0 ? floor / peak : 0.1;
                    r = Math.min(1 - 1e-9, Math.max(1e-6, r));
                    if (Math.abs(r - ratio) < 1e-9 * ratio) {
                        break;
                    }
                    ratio = r;
                }
                return s;
            }
            return solve(data, Double.NaN);
        }

        /** Least squares for η = peak·a + floor·b; ratio is floor/peak for the geometric shape. */
        private double solve(Data data, double ratio) {
            double saa = 0;
            double sab = 0;
            double sbb = 0;
            double say = 0;
            double sby = 0;
            double[] a = new double[data.n];
            double[] b = new double[data.n];
            for (int i = 0; i < data.n; i++) {
                basis(data.x[i], ratio, a, b, i);
                saa += a[i] * a[i];
                sab += a[i] * b[i];
                sbb += b[i] * b[i];
                say += a[i] * data.y[i];
                sby += b[i] * data.y[i];
            }
            double det = saa * sbb - sab * sab;
            if (sbb > 0 && Math.abs(det) > 1e-12 * saa * sbb) {
                peak = (say * sbb - sby * sab) / det;
                floor = (saa * sby - sab * say) / det;
            } else {
                peak = saa > 0 ? say / saa : 0;
                floor = 0;
            }
            peak = Math.max(peak, 1e-300);
            floor = Math.max(0, Math.min(floor, peak));
            double sse = 0;
            for (int i = 0; i < data.n; i++) {
                double r = data.y[i] - (peak * a[i] + floor * b[i]);
                sse += r * r;
            }
            return sse;
        }

        private void basis(double s, double ratio, double[] a, double[] b, int i) {
            if (s < w) {
                a[i] = s / w;
                b[i] = 0;
            } else if (s < d) {
                a[i] = 1;
                b[i] = 0;
            } else if (s < e) {
                double x = (s - d) / (e - d);
                if (shape == DecayShape.EXPONENTIAL) {
                    a[i] = Math.pow(ratio, x);
                    b[i] = 0;
                } else {
                    double g = shape.weight(x);
                    a[i] = g;
                    b[i] = 1 - g;
                }
            } else {
                a[i] = 0;
                b[i] = 1;
            }
        }

        Fit toFit(Data data) {
            evaluate(data);
            // rates to 6 significant digits (what logs print; the residual is computed with these)
            peak = roundSignificant(peak, 6);
            floor = Math.min(peak, roundSignificant(floor, 6));
            Schedule s = switch (kind) {
                case COSINE -> Schedule.WarmupDecay.cosine(w, e, peak, floor, 0);
                default -> new Schedule.Wsdc(w, d, e, peak, shape == DecayShape.EXPONENTIAL
                        ? Math.max(floor, peak * 1e-6) : floor, shape, Double.NaN, 0, kind == Kind.WSDC);
            };
            double[] fitted = s.lr(data.x);
            double sse = 0;
            double max = 0;
            for (int i = 0; i < data.n; i++) {
                double r = data.y[i] - fitted[i];
                sse += r * r;
                max = Math.max(max, Math.abs(r));
            }
            return new Fit(s, data.x, data.y, fitted, Math.sqrt(sse / data.n), max, List.of());
        }
    }
}
