package io.plmwb.experiments.schedule;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The compact text form of a schedule, for the CLI and the editor:
 * {@code KIND:key=value,key=value,…}. Kinds and keys:
 * <ul>
 *   <li>{@code wsdc} / {@code wsd}: warmup, stable_end, decay_end, peak, floor, shape (linear | cosine | sqrt | square
 *       | exponential), half_life (with shape=exponential: MiniCPM's η_max·0.5^((s−D)/τ)), init</li>
 *   <li>{@code cosine} (warmup + cosine) and {@code linear}: warmup, decay_end, peak, floor, init</li>
 *   <li>{@code constant}: value</li>
 *   <li>{@code inverse_sqrt}: warmup, peak, init</li>
 *   <li>{@code piecewise}: init, then segments {@code SHAPE@END=VALUE} in order ({@code constant@END} holds)</li>
 * </ul>
 * Every kind also takes {@code axis=step|tokens} and {@code phases=P1;P2;…} (data-phase starts). Defaults: warmup 0,
 * floor 0, shape linear, init 0, axis step. Numbers accept 3e-4, 2000, 1.65e12 and the suffixes k, M, B/G, T.
 * {@link #format} writes the canonical form, which parses back to an equal definition.
 */
public final class ScheduleSpec {

    /** The kinds, in the order help texts list them. */
    public static final List<String> KINDS = List.of("wsdc", "wsd", "cosine", "linear", "constant", "inverse_sqrt",
            "piecewise");

    private static final Set<String> COMMON = Set.of("axis", "phases");

    private ScheduleSpec() {
    }

    /** Parses a spec; {@link ScheduleSpecException} says what is wrong and where. */
    public static ScheduleDefinition parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ScheduleSpecException("empty schedule spec; expected KIND:key=value,…, e.g. "
                    + "wsdc:warmup=2000,stable_end=80000,decay_end=96000,peak=3e-4,floor=3e-5,shape=cosine");
        }
        String spec = text.strip();
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).strip().toLowerCase(Locale.ROOT).replace('-', '_');
        if (kind.equals("inverse_square_root") || kind.equals("invsqrt")) {
            kind = "inverse_sqrt";
        }
        if (!KINDS.contains(kind)) {
            throw new ScheduleSpecException("unknown schedule kind '" + (colon < 0 ? spec : spec.substring(0, colon))
                    + "' in '" + spec + "'; expected one of " + String.join(", ", KINDS));
        }
        Map<String, String> params = new LinkedHashMap<>();
        String body = colon < 0 ? "" : spec.substring(colon + 1).strip();
        if (!body.isEmpty()) {
            for (String part : body.split(",", -1)) {
                String p = part.strip();
                if (p.isEmpty()) {
                    throw new ScheduleSpecException(kind + ": empty parameter in '" + spec + "' (two commas, or a "
                            + "trailing comma)");
                }
                int eq = p.indexOf('=');
                String key;
                String value;
                if (eq < 0) {
                    if (kind.equals("piecewise") && p.toLowerCase(Locale.ROOT).startsWith("constant@")) {
                        key = p;
                        value = null;
                    } else {
                        throw new ScheduleSpecException(kind + ": '" + p + "' is not key=value");
                    }
                } else {
                    key = p.substring(0, eq).strip();
                    value = p.substring(eq + 1).strip();
                    if (value.isEmpty()) {
                        throw new ScheduleSpecException(kind + ": parameter '" + key + "' has no value");
                    }
                }
                key = key.toLowerCase(Locale.ROOT);
                if (params.containsKey(key)) {
                    throw new ScheduleSpecException(kind + ": parameter '" + key + "' is given twice");
                }
                params.put(key, value);
            }
        }
        ScheduleAxis axis = ScheduleAxis.STEP;
        String axisText = params.remove("axis");
        if (axisText != null) {
            axis = switch (axisText.toLowerCase(Locale.ROOT)) {
                case "step", "steps" -> ScheduleAxis.STEP;
                case "token", "tokens" -> ScheduleAxis.TOKENS;
                default -> throw new ScheduleSpecException(kind + ": axis must be step or tokens, was '" + axisText + "'");
            };
        }
        List<Double> phases = new ArrayList<>();
        String phaseText = params.remove("phases");
        if (phaseText != null) {
            for (String p : phaseText.split(";", -1)) {
                phases.add(number(kind, "phases", p.strip()));
            }
        }
        Schedule schedule;
        try {
            schedule = build(kind, params);
        } catch (ScheduleSpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ScheduleSpecException(e.getMessage());
        }
        try {
            return new ScheduleDefinition(schedule, axis, phases);
        } catch (IllegalArgumentException e) {
            throw new ScheduleSpecException(kind + ": " + e.getMessage());
        }
    }

    private static Schedule build(String kind, Map<String, String> p) {
        return switch (kind) {
            case "wsdc", "wsd" -> {
                allow(kind, p, "warmup", "stable_end", "decay_end", "peak", "floor", "shape", "half_life", "init");
                String shapeText = p.getOrDefault("shape", "linear");
                DecayShape shape = DecayShape.fromSpec(shapeText);
                if (shape == null) {
                    throw new ScheduleSpecException(kind + ": unknown shape '" + shapeText + "'; expected linear, cosine,"
                            + " sqrt, square or exponential");
                }
                double halfLife = p.containsKey("half_life") ? number(kind, "half_life", p.get("half_life")) : Double.NaN;
                yield new Schedule.Wsdc(opt(kind, p, "warmup", 0), req(kind, p, "stable_end"), req(kind, p, "decay_end"),
                        req(kind, p, "peak"), opt(kind, p, "floor", 0), shape, halfLife, opt(kind, p, "init", 0),
                        kind.equals("wsdc"));
            }
            case "cosine" -> {
                allow(kind, p, "warmup", "decay_end", "peak", "floor", "init");
                yield Schedule.WarmupDecay.cosine(opt(kind, p, "warmup", 0), req(kind, p, "decay_end"), req(kind, p, "peak"),
                        opt(kind, p, "floor", 0), opt(kind, p, "init", 0));
            }
            case "linear" -> {
                allow(kind, p, "warmup", "decay_end", "peak", "floor", "init");
                yield Schedule.WarmupDecay.linear(opt(kind, p, "warmup", 0), req(kind, p, "decay_end"), req(kind, p, "peak"),
                        opt(kind, p, "floor", 0), opt(kind, p, "init", 0));
            }
            case "constant" -> {
                allow(kind, p, "value");
                yield new Schedule.Constant(req(kind, p, "value"));
            }
            case "inverse_sqrt" -> {
                allow(kind, p, "warmup", "peak", "init");
                yield new Schedule.InverseSqrt(req(kind, p, "warmup"), req(kind, p, "peak"), opt(kind, p, "init", 0));
            }
            case "piecewise" -> piecewise(p);
            default -> throw new ScheduleSpecException("unknown schedule kind '" + kind + "'");
        };
    }

    private static Schedule piecewise(Map<String, String> p) {
        double init = 0;
        List<Schedule.Segment> segments = new ArrayList<>();
        double prevValue = 0;
        for (Map.Entry<String, String> e : p.entrySet()) {
            String key = e.getKey();
            if (key.equals("init")) {
                if (!segments.isEmpty()) {
                    throw new ScheduleSpecException("piecewise: init must come before the segments");
                }
                init = number("piecewise", "init", e.getValue());
                prevValue = init;
                continue;
            }
            int at = key.indexOf('@');
            if (at < 0) {
                throw new ScheduleSpecException("piecewise: '" + key + "' is not a segment SHAPE@END=VALUE (shapes: "
                        + "constant, linear, cosine, sqrt, square, exponential) or init=VALUE");
            }
            String shapeName = key.substring(0, at).strip();
            DecayShape shape = shapeName.equals("constant") ? null : DecayShape.fromSpec(shapeName);
            if (shape == null && !shapeName.equals("constant")) {
                throw new ScheduleSpecException("piecewise: unknown segment shape '" + shapeName + "' in '" + key
                        + "'; expected constant, linear, cosine, sqrt, square or exponential");
            }
            double end = number("piecewise", key, key.substring(at + 1).strip());
            double value;
            if (e.getValue() == null) {
                if (shape != null) {
                    throw new ScheduleSpecException("piecewise: segment '" + key + "' needs an end value (" + key
                            + "=VALUE)");
                }
                value = prevValue;
            } else {
                value = number("piecewise", key, e.getValue());
            }
            segments.add(new Schedule.Segment(shape, end, value));
            prevValue = value;
        }
        return new Schedule.Piecewise(init, segments);
    }

    private static void allow(String kind, Map<String, String> p, String... keys) {
        List<String> allowed = List.of(keys);
        for (String k : p.keySet()) {
            if (!allowed.contains(k) && !COMMON.contains(k)) {
                throw new ScheduleSpecException(kind + ": unknown parameter '" + k + "'; " + kind + " takes "
                        + String.join(", ", allowed) + " (and axis, phases)");
            }
        }
    }

    private static double req(String kind, Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null) {
            throw new ScheduleSpecException(kind + ": missing parameter '" + key + "'");
        }
        return number(kind, key, v);
    }

    private static double opt(String kind, Map<String, String> p, String key, double fallback) {
        String v = p.get(key);
        return v == null ? fallback : number(kind, key, v);
    }

    /** Parses a number with an optional k/M/B/G/T suffix. */
    static double number(String kind, String key, String text) {
        String t = text.strip();
        double scale = 1;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            double s = switch (last) {
                case 'k', 'K' -> 1e3;
                case 'M' -> 1e6;
                case 'B', 'G' -> 1e9;
                case 'T' -> 1e12;
                default -> 1;
            };
            if (s != 1) {
                scale = s;
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            if (t.isEmpty() || !t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                throw new NumberFormatException();
            }
            double v = Double.parseDouble(t) * scale;
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ScheduleSpecException(kind + ": " + key + " = '" + text + "' is not a number");
        }
    }

    /** The canonical text of a definition. */
    public static String format(ScheduleDefinition def) {
        Schedule s = def.schedule();
        StringJoiner j = new StringJoiner(",", s.kind() + ":", "");
        for (Map.Entry<String, Object> e : s.parameters().entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                j.add(e.getKey());
            } else if (v instanceof Double d) {
                j.add(e.getKey() + "=" + num(d));
            } else {
                j.add(e.getKey() + "=" + v);
            }
        }
        if (def.axis() != ScheduleAxis.STEP) {
            j.add("axis=" + def.axis().specName());
        }
        if (!def.dataPhases().isEmpty()) {
            StringJoiner ph = new StringJoiner(";");
            def.dataPhases().forEach(d -> ph.add(num(d)));
            j.add("phases=" + ph);
        }
        return j.toString();
    }

    /** A number in its shortest exact text: integers without a fraction, others as the shortest round-trip decimal. */
    public static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toString().replace("E", "e");
    }
}
