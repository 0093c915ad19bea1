package io.plmwb.experiments.schedule;

import java.util.Locale;

/**
 * The shape of a decay (or of any segment) from a start value to an end value over x ∈ [0, 1].
 * {@link #EXPONENTIAL} interpolates geometrically (start · (end/start)^x), so it meets both ends, as the plm-nano
 * recipe does; a MiniCPM-style half-life decay is a separate option of WSDC/WSD (see decision 0030).
 */
public enum DecayShape {
    /** 1 − x. */
    LINEAR,
    /** ½(1 + cos πx). */
    COSINE,
    /** 1 − √x. */
    SQRT,
    /** 1 − x². */
    SQUARE,
    /** Geometric: start · (end/start)^x. */
    EXPONENTIAL;

    /** The value at fraction {@code x} (clamped to [0, 1]) of the way from {@code from} to {@code to}. */
    public double interpolate(double from, double to, double x) {
        double t = Math.max(0.0, Math.min(1.0, x));
        if (t == 0.0) {
            return from;
        }
        if (t == 1.0) {
            return to;
        }
        if (this == EXPONENTIAL) {
            if (from > 0 && to > 0) {
                return from * Math.pow(to / from, t);
            }
            // a geometric path needs two positive ends; fall back to linear (documented in parse errors)
            return to + (from - to) * (1 - t);
        }
        return to + (from - to) * weight(t);
    }

    /** g(x): the weight of the start value (1 at x = 0, 0 at x = 1) for the additive shapes. */
    public double weight(double x) {
        return switch (this) {
            case LINEAR -> 1 - x;
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * x));
            case SQRT -> 1 - Math.sqrt(x);
            case SQUARE -> 1 - x * x;
            case EXPONENTIAL -> throw new IllegalStateException("exponential is geometric, not additive");
        };
    }

    /** The lower-case name used in specs. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spec name ("cosine", "exp" for exponential); null when unknown. */
    public static DecayShape fromSpec(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.equals("exp")) {
            return EXPONENTIAL;
        }
        for (DecayShape s : values()) {
            if (s.specName().equals(n)) {
                return s;
            }
        }
        return null;
    }
}
