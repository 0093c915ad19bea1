package io.plmwb.experiments.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A learning-rate schedule: the rate at a position (a step or a token count, see {@link ScheduleAxis}), its phases,
 * and its parameters under the names of the text form ({@link ScheduleSpec}). Implementations are immutable records
 * that check their parameters on construction ({@link IllegalArgumentException} naming the parameter).
 *
 * <p>The formulas follow ../shared/reference/schedules.md: warmup η_init + (η_max − η_init)·s/W, stable η_max, decay
 * from η_max to η_min with a {@link DecayShape} over [D, E), then (WSDC) a constant tail at η_min.
 */
public sealed interface Schedule permits Schedule.Wsdc, Schedule.WarmupDecay, Schedule.Constant,
        Schedule.InverseSqrt, Schedule.Piecewise {

    /** The spec name: wsdc, wsd, cosine, linear, constant, inverse_sqrt, piecewise. */
    String kind();

    /** The learning rate at a position; positions before 0 take the value at 0. */
    double lr(double position);

    /** The phases in order (the last may be open-ended). */
    List<Phase> phases();

    /** Parameters in spec order, values as Double, String or (piecewise) segment text. */
    Map<String, Object> parameters();

    /** Where the schedule's last defined change ends (its natural length): decay end, warmup end, last segment. */
    double end();

    /** The rates at many positions. */
    default double[] lr(double[] positions) {
        double[] out = new double[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = lr(positions[i]);
        }
        return out;
    }

    /** The positions where one phase ends and the next begins (phase markers). */
    default List<Double> boundaries() {
        List<Double> out = new ArrayList<>();
        List<Phase> ps = phases();
        for (int i = 0; i + 1 < ps.size(); i++) {
            out.add(ps.get(i).end());
        }
        return out;
    }

    private static double warmupValue(double s, double w, double init, double peak) {
        return init + (peak - init) * (s / w);
    }

    private static void requireFinite(String kind, String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(kind + ": " + name + " must be a finite number, was " + v);
        }
    }

    private static void requireNonNegative(String kind, String name, double v) {
        requireFinite(kind, name, v);
        if (v < 0) {
            throw new IllegalArgumentException(kind + ": " + name + " must not be negative, was " + ScheduleSpec.num(v));
        }
    }

    private static void requireOrder(String kind, String a, double va, String b, double vb) {
        if (va > vb) {
            throw new IllegalArgumentException(kind + ": " + a + " (" + ScheduleSpec.num(va) + ") must not be after "
                    + b + " (" + ScheduleSpec.num(vb) + ")");
        }
    }

    private static void checkRates(String kind, double peak, double floor, double init) {
        requireFinite(kind, "peak", peak);
        if (peak <= 0) {
            throw new IllegalArgumentException(kind + ": peak must be positive, was " + ScheduleSpec.num(peak));
        }
        requireNonNegative(kind, "floor", floor);
        requireNonNegative(kind, "init", init);
        if (floor > peak) {
            throw new IllegalArgumentException(kind + ": floor (" + ScheduleSpec.num(floor) + ") must not exceed peak ("
                    + ScheduleSpec.num(peak) + ")");
        }
    }

    /**
     * Warmup–Stable–Decay with a Constant tail (WSDC), or without the tail (WSD, {@code tail = false}: the schedule
     * ends at decay_end; beyond it the floor is held so a longer log can still be compared).
     *
     * @param warmup    W, end of the warmup (0: none)
     * @param stableEnd D, end of the stable phase at the peak
     * @param decayEnd  E, end of the decay
     * @param peak      η_max
     * @param floor     η_min
     * @param shape     decay shape
     * @param halfLife  τ for a MiniCPM-style decay max(η_min, η_max·0.5^((s − D)/τ)) over [D, E), or NaN for the
     *                  shape's path
     * @param init      η_init, where the warmup starts (0 by default)
     * @param tail      true for WSDC, false for WSD
     */
    record Wsdc(double warmup, double stableEnd, double decayEnd, double peak, double floor, DecayShape shape,
            double halfLife, double init, boolean tail) implements Schedule {

        public Wsdc {
            String k = tail ? "wsdc" : "wsd";
            Objects.requireNonNull(shape, "shape");
            requireNonNegative(k, "warmup", warmup);
            requireNonNegative(k, "stable_end", stableEnd);
            requireNonNegative(k, "decay_end", decayEnd);
            requireOrder(k, "warmup", warmup, "stable_end", stableEnd);
            requireOrder(k, "stable_end", stableEnd, "decay_end", decayEnd);
            checkRates(k, peak, floor, init);
            if (!Double.isNaN(halfLife) && !(halfLife > 0 && Double.isFinite(halfLife))) {
                throw new IllegalArgumentException(k + ": half_life must be a positive number, was " + halfLife);
            }
            if (!Double.isNaN(halfLife) && shape != DecayShape.EXPONENTIAL) {
                throw new IllegalArgumentException(k + ": half_life only goes with shape=exponential, not shape="
                        + shape.specName());
            }
            if (shape == DecayShape.EXPONENTIAL && Double.isNaN(halfLife) && floor <= 0) {
                throw new IllegalArgumentException(k + ": shape=exponential decays geometrically to the floor, so "
                        + "floor must be positive (or give half_life)");
            }
        }

        /** A WSDC schedule with the given shape, warmup from 0 and no half-life. */
        public static Wsdc wsdc(double warmup, double stableEnd, double decayEnd, double peak, double floor,
                DecayShape shape) {
            return new Wsdc(warmup, stableEnd, decayEnd, peak, floor, shape, Double.NaN, 0, true);
        }

        /** A WSD schedule (no constant tail). */
        public static Wsdc wsd(double warmup, double stableEnd, double decayEnd, double peak, double floor,
                DecayShape shape) {
            return new Wsdc(warmup, stableEnd, decayEnd, peak, floor, shape, Double.NaN, 0, false);
        }

        @Override
        public String kind() {
            return tail ? "wsdc" : "wsd";
        }

        @Override
        public double lr(double s) {
            double p = Math.max(0, s);
            if (p < warmup) {
                return warmupValue(p, warmup, init, peak);
            }
            if (p < stableEnd) {
                return peak;
            }
            if (p < decayEnd) {
                if (!Double.isNaN(halfLife)) {
                    return Math.max(floor, peak * Math.pow(0.5, (p - stableEnd) / halfLife));
                }
                return shape.interpolate(peak, floor, (p - stableEnd) / (decayEnd - stableEnd));
            }
            return floor;
        }

        @Override
        public List<Phase> phases() {
            List<Phase> out = new ArrayList<>();
            if (warmup > 0) {
                out.add(new Phase("warmup", 0, warmup));
            }
            if (stableEnd > warmup) {
                out.add(new Phase("stable", warmup, stableEnd));
            }
            if (decayEnd > stableEnd) {
                out.add(new Phase("decay", stableEnd, decayEnd));
            }
            out.add(new Phase(tail ? "constant" : "end", decayEnd, Double.POSITIVE_INFINITY));
            return List.copyOf(out);
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("warmup", warmup);
            m.put("stable_end", stableEnd);
            m.put("decay_end", decayEnd);
            m.put("peak", peak);
            m.put("floor", floor);
            m.put("shape", shape.specName());
            if (!Double.isNaN(halfLife)) {
                m.put("half_life", halfLife);
            }
            if (init != 0) {
                m.put("init", init);
            }
            return m;
        }

        @Override
        public double end() {
            return decayEnd;
        }
    }

    /** Warmup from init to peak, then {@code shape} from the peak to the floor at decay_end, then the floor. */
    private static double warmupDecayLr(double s, double warmup, double decayEnd, double peak, double floor,
            double init, DecayShape shape) {
        double p = Math.max(0, s);
        if (p < warmup) {
            return warmupValue(p, warmup, init, peak);
        }
        if (p < decayEnd) {
            return shape.interpolate(peak, floor, (p - warmup) / (decayEnd - warmup));
        }
        return floor;
    }

    private static List<Phase> warmupDecayPhases(String decayName, double warmup, double decayEnd) {
        List<Phase> out = new ArrayList<>();
        if (warmup > 0) {
            out.add(new Phase("warmup", 0, warmup));
        }
        out.add(new Phase(decayName, warmup, decayEnd));
        out.add(new Phase("floor", decayEnd, Double.POSITIVE_INFINITY));
        return List.copyOf(out);
    }

    private static Map<String, Object> warmupDecayParameters(double warmup, double decayEnd, double peak,
            double floor, double init) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmup", warmup);
        m.put("decay_end", decayEnd);
        m.put("peak", peak);
        m.put("floor", floor);
        if (init != 0) {
            m.put("init", init);
        }
        return m;
    }

    /**
     * Warmup, then a cosine ({@code cosine}) or a straight line ({@code linear}) from the peak to the floor at
     * decay_end, then the floor.
     */
    record WarmupDecay(DecayShape shape, double warmup, double decayEnd, double peak, double floor, double init)
            implements Schedule {

        public WarmupDecay {
            if (shape != DecayShape.COSINE && shape != DecayShape.LINEAR) {
                throw new IllegalArgumentException("a warmup-decay schedule is cosine or linear, not " + shape
                        + " (other shapes: wsd/wsdc with shape=…)");
            }
            String kind = kindOf(shape);
            requireNonNegative(kind, "warmup", warmup);
            requireNonNegative(kind, "decay_end", decayEnd);
            requireOrder(kind, "warmup", warmup, "decay_end", decayEnd);
            checkRates(kind, peak, floor, init);
        }

        /** A cosine schedule. */
        public static WarmupDecay cosine(double warmup, double decayEnd, double peak, double floor, double init) {
            return new WarmupDecay(DecayShape.COSINE, warmup, decayEnd, peak, floor, init);
        }

        /** A linear schedule. */
        public static WarmupDecay linear(double warmup, double decayEnd, double peak, double floor, double init) {
            return new WarmupDecay(DecayShape.LINEAR, warmup, decayEnd, peak, floor, init);
        }

        private static String kindOf(DecayShape shape) {
            return shape == DecayShape.COSINE ? "cosine" : "linear";
        }

        @Override
        public String kind() {
            return kindOf(shape);
        }

        @Override
        public double lr(double s) {
            return warmupDecayLr(s, warmup, decayEnd, peak, floor, init, shape);
        }

        @Override
        public List<Phase> phases() {
            return warmupDecayPhases(kind(), warmup, decayEnd);
        }

        @Override
        public Map<String, Object> parameters() {
            return warmupDecayParameters(warmup, decayEnd, peak, floor, init);
        }

        @Override
        public double end() {
            return decayEnd;
        }
    }

    /** One rate throughout. */
    record Constant(double value) implements Schedule {

        public Constant {
            requireFinite("constant", "value", value);
            if (value <= 0) {
                throw new IllegalArgumentException("constant: value must be positive, was " + ScheduleSpec.num(value));
            }
        }

        @Override
        public String kind() {
            return "constant";
        }

        @Override
        public double lr(double s) {
            return value;
        }

        @Override
        public List<Phase> phases() {
            return List.of(new Phase("constant", 0, Double.POSITIVE_INFINITY));
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("value", value);
            return m;
        }

        @Override
        public double end() {
            return 0;
        }
    }

    /** Warmup, then η_max·√(W/s) (the Transformer's inverse square root). */
    record InverseSqrt(double warmup, double peak, double init) implements Schedule {

        public InverseSqrt {
            requireFinite("inverse_sqrt", "warmup", warmup);
            if (warmup <= 0) {
                throw new IllegalArgumentException("inverse_sqrt: warmup must be positive (the decay is peak·√(warmup/s)),"
                        + " was " + ScheduleSpec.num(warmup));
            }
            checkRates("inverse_sqrt", peak, 0, init);
        }

        @Override
        public String kind() {
            return "inverse_sqrt";
        }

        @Override
        public double lr(double s) {
            double p = Math.max(0, s);
            return p < warmup ? warmupValue(p, warmup, init, peak) : peak * Math.sqrt(warmup / p);
        }

        @Override
        public List<Phase> phases() {
            return List.of(new Phase("warmup", 0, warmup), new Phase("inverse_sqrt", warmup,
                    Double.POSITIVE_INFINITY));
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("warmup", warmup);
            m.put("peak", peak);
            if (init != 0) {
                m.put("init", init);
            }
            return m;
        }

        @Override
        public double end() {
            return warmup;
        }
    }

    /**
     * One segment of a piecewise schedule: from the previous segment's end (or 0) to {@code end}, moving from the
     * previous value to {@code value} along {@code shape}; a constant segment ({@code shape == null}) holds the
     * previous value.
     */
    record Segment(DecayShape shape, double end, double value) {

        /** "constant", "linear", … as in the spec. */
        public String shapeName() {
            return shape == null ? "constant" : shape.specName();
        }
    }

    /** The general form: a start value and segments in order; after the last segment its end value holds. */
    record Piecewise(double init, List<Segment> segments) implements Schedule {

        public Piecewise {
            requireNonNegative("piecewise", "init", init);
            segments = List.copyOf(segments);
            if (segments.isEmpty()) {
                throw new IllegalArgumentException("piecewise: needs at least one segment, e.g. linear@2000=3e-4");
            }
            double prevEnd = 0;
            double prevValue = init;
            for (int i = 0; i < segments.size(); i++) {
                Segment seg = segments.get(i);
                String where = "piecewise: segment " + (i + 1) + " (" + seg.shapeName() + "@" + ScheduleSpec.num(seg.end())
                        + ")";
                if (!Double.isFinite(seg.end()) || seg.end() <= prevEnd) {
                    throw new IllegalArgumentException(where + " must end after " + ScheduleSpec.num(prevEnd));
                }
                if (!Double.isFinite(seg.value()) || seg.value() < 0) {
                    throw new IllegalArgumentException(where + ": the value must be a non-negative number, was "
                            + seg.value());
                }
                if (seg.shape() == null && seg.value() != prevValue) {
                    throw new IllegalArgumentException(where + " is constant, so it holds " + ScheduleSpec.num(prevValue)
                            + " and cannot end at " + ScheduleSpec.num(seg.value()));
                }
                if (seg.shape() == DecayShape.EXPONENTIAL && (prevValue <= 0 || seg.value() <= 0)) {
                    throw new IllegalArgumentException(where + " is exponential (geometric), so both its start and end"
                            + " values must be positive");
                }
                prevEnd = seg.end();
                prevValue = seg.value();
            }
        }

        @Override
        public String kind() {
            return "piecewise";
        }

        @Override
        public double lr(double s) {
            double p = Math.max(0, s);
            double start = 0;
            double from = init;
            for (Segment seg : segments) {
                if (p < seg.end()) {
                    if (seg.shape() == null) {
                        return from;
                    }
                    return seg.shape().interpolate(from, seg.value(), (p - start) / (seg.end() - start));
                }
                start = seg.end();
                from = seg.value();
            }
            return from;
        }

        @Override
        public List<Phase> phases() {
            List<Phase> out = new ArrayList<>();
            double start = 0;
            for (Segment seg : segments) {
                out.add(new Phase(seg.shapeName(), start, seg.end()));
                start = seg.end();
            }
            out.add(new Phase("end", start, Double.POSITIVE_INFINITY));
            return List.copyOf(out);
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("init", init);
            for (Segment seg : segments) {
                String key = seg.shapeName() + "@" + ScheduleSpec.num(seg.end());
                m.put(key, seg.shape() == null ? null : seg.value());
            }
            return m;
        }

        @Override
        public double end() {
            return segments.get(segments.size() - 1).end();
        }
    }
}
