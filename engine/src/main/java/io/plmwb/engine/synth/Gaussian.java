package io.plmwb.engine.synth;

import java.util.SplittableRandom;

/**
 * Standard normal samples by the ziggurat method (Marsaglia &amp; Tsang 2000, in Doornik's 2005 form with 128 layers)
 * on top of {@link SplittableRandom#nextLong()}. The tables and the rare wedge/tail steps use {@link StrictMath}, so
 * a seed gives the same numbers on every JDK and platform by construction ({@code nextGaussian()} of the JDK is an
 * implementation choice that may change between releases, and its rare steps use {@link Math}). About 99% of samples
 * cost one {@code nextLong} and one multiply.
 */
public final class Gaussian {

    private static final int LAYERS = 128;
    private static final double R = 3.442619855899; // start of the tail
    private static final double V = 9.91256303526217e-3; // area of each layer
    private static final double[] X = new double[LAYERS + 1];
    private static final double[] RATIO = new double[LAYERS];
    private static final double TWO_53 = 0x1p-53;

    static {
        double f = StrictMath.exp(-0.5 * R * R);
        X[0] = V / f;
        X[1] = R;
        X[LAYERS] = 0;
        for (int i = 2; i < LAYERS; i++) {
            X[i] = StrictMath.sqrt(-2 * StrictMath.log(V / X[i - 1] + f));
            f = StrictMath.exp(-0.5 * X[i] * X[i]);
        }
        for (int i = 0; i < LAYERS; i++) {
            RATIO[i] = X[i + 1] / X[i];
        }
    }

    private final SplittableRandom random;

    public Gaussian(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A uniform double in (0, 1), never 0. */
    private double uniform() {
        return ((random.nextLong() >>> 11) + 0.5) * TWO_53;
    }

    /** The next N(0, 1) sample. */
    public double next() {
        while (true) {
            long bits = random.nextLong();
            int i = (int) (bits & (LAYERS - 1));
            double u = ((bits >>> 11) * TWO_53) * 2 - 1; // uniform in [-1, 1)
            if (Math.abs(u) < RATIO[i]) {
                return u * X[i]; // inside the layer's rectangle
            }
            if (i == 0) {
                return tail(u < 0);
            }
            double x = u * X[i];
            double f0 = StrictMath.exp(-0.5 * (X[i] * X[i] - x * x));
            double f1 = StrictMath.exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
            if (f1 + uniform() * (f0 - f1) < 1.0) {
                return x;
            }
        }
    }

    private double tail(boolean negative) {
        double x;
        double y;
        do {
            x = StrictMath.log(uniform()) / R;
            y = StrictMath.log(uniform());
        } while (-2 * y < x * x);
        return negative ? x - R : R - x;
    }
}
