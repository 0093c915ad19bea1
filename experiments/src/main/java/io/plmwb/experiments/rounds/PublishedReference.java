package io.plmwb.experiments.rounds;

import java.util.List;

/**
 * Published numbers that a rounds chart can overlay, quoted from the sources named here (see
 * {@code ../shared/reference/refinement-rounds.md}). They are other models' results on AlpacaEval 2 / Arena-Hard,
 * shown for orientation only, never mixed into this data's statistics.
 */
public final class PublishedReference {

    /** One model's published per-iteration AlpacaEval 2 numbers (iteration 0 = the starting model). */
    public record Iterations(String label, String source, double[] lengthControlled, double[] raw) {
    }

    /** ARIES headline (arXiv 2502.05605, Llama-3.1-8B base, self-refinement): AlpacaEval 2 LC. */
    public static final double ARIES_LC = 62.3;
    /** ARIES headline: AlpacaEval 2 raw win rate. */
    public static final double ARIES_RAW = 63.3;
    /** ARIES headline: Arena-Hard. */
    public static final double ARIES_ARENA_HARD = 50.3;
    /** Where the ARIES numbers come from. */
    public static final String ARIES_SOURCE = "ARIES, arXiv 2502.05605 (Llama-3.1-8B, self-refinement)";

    /** SPPO per-iteration tables (uclaml/SPPO README), AlpacaEval 2 LC and raw. */
    public static final List<Iterations> SPPO = List.of(
            new Iterations("SPPO Mistral-7B", "uclaml/SPPO README, Mistral-7B-Instruct-v0.2",
                    new double[] {17.11, 24.79, 26.89, 28.53}, new double[] {14.72, 23.51, 27.62, 31.02}),
            new Iterations("SPPO Llama-3-8B", "uclaml/SPPO README, Llama-3-8B-Instruct",
                    new double[] {22.92, 31.73, 35.15, 38.77}, new double[] {22.57, 31.74, 35.98, 39.85}));

    private PublishedReference() {
    }
}
