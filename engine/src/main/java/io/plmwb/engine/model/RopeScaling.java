package io.plmwb.engine.model;

import java.util.Locale;
import java.util.Objects;

/**
 * An HF {@code rope_scaling} block: how the rotary frequencies are stretched for contexts beyond the trained one.
 *
 * <p>Supported types: {@code linear} (every frequency divided by {@code factor}, i.e. positions / factor) and
 * {@code llama3} (Llama-3.1/3.2: low frequencies divided by {@code factor}, high frequencies kept, a smooth blend in
 * between; HF {@code _compute_llama3_parameters}). A config without scaling (or {@code rope_type: "default"}) has
 * no {@code RopeScaling} at all (the component is null in {@link ModelConfig}).
 *
 * @param ropeType                      "linear" or "llama3"
 * @param factor                        scaling factor (&gt; 0)
 * @param lowFreqFactor                 llama3 only (else 0)
 * @param highFreqFactor                llama3 only (else 0)
 * @param originalMaxPositionEmbeddings llama3 only: the pre-scaling context (else 0)
 */
public record RopeScaling(String ropeType, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {

    /** The rope types this engine implements. */
    public static final String LINEAR = "linear";
    /** Llama-3.x frequency-dependent scaling. */
    public static final String LLAMA3 = "llama3";

    public RopeScaling {
        Objects.requireNonNull(ropeType, "ropeType");
        ropeType = ropeType.toLowerCase(Locale.ROOT);
        if (!ropeType.equals(LINEAR) && !ropeType.equals(LLAMA3)) {
            throw new IllegalArgumentException("unsupported rope_type '" + ropeType + "' (supported: linear, llama3)");
        }
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("rope_scaling factor must be a positive number, got " + factor);
        }
        if (ropeType.equals(LLAMA3)) {
            if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
                throw new IllegalArgumentException("llama3 rope_scaling needs 0 < low_freq_factor < high_freq_factor, got "
                        + lowFreqFactor + " and " + highFreqFactor);
            }
            if (originalMaxPositionEmbeddings <= 0) {
                throw new IllegalArgumentException("llama3 rope_scaling needs original_max_position_embeddings > 0");
            }
        }
    }

    /** {@code linear} scaling: positions divided by {@code factor}. */
    public static RopeScaling linear(double factor) {
        return new RopeScaling(LINEAR, factor, 0, 0, 0);
    }

    /** {@code llama3} scaling. */
    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor,
                                     int originalMaxPositionEmbeddings) {
        return new RopeScaling(LLAMA3, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);
    }

    /**
     * The rotary inverse frequencies θ_i = base^(−2i/dim), i = 0 .. dim/2−1, adjusted by {@code scaling} (null: none).
     */
    public static double[] inverseFrequencies(double base, int dim, RopeScaling scaling) {
        double[] inv = new double[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(base, (2.0 * i) / dim);
        }
        return scaling == null ? inv : scaling.apply(inv);
    }

    /** Applies the scaling to unscaled inverse frequencies (returns a new array). */
    public double[] apply(double[] invFreq) {
        double[] out = invFreq.clone();
        if (ropeType.equals(LINEAR)) {
            for (int i = 0; i < out.length; i++) {
                out[i] = invFreq[i] / factor;
            }
            return out;
        }
        double lowFreqWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
        double highFreqWavelen = originalMaxPositionEmbeddings / highFreqFactor;
        for (int i = 0; i < out.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen < highFreqWavelen) {
                out[i] = invFreq[i];
            } else if (wavelen > lowFreqWavelen) {
                out[i] = invFreq[i] / factor;
            } else {
                double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                        / (highFreqFactor - lowFreqFactor);
                out[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
            }
        }
        return out;
    }
}
